// trace cost, end to end: the built binary on samples/, exact output and exit codes.
#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

TEST_CASE("cost: OTLP agent trace with gen_ai.* attributes", "[e2e][cost]") {
  check_golden("cost samples/otlp_traces.json", "cost_otlp.txt",
               "note: 2 LLM spans carry no token counts (failed or not instrumented): not priced\n");
}

TEST_CASE("cost: JSON-lines log with token fields in every scheme, per user, as JSON", "[e2e][cost]") {
  check_golden("cost --json --group-by user samples/llm_calls.jsonl", "cost_llm_calls.json");
}

TEST_CASE("cost: per stage and model of a JSON-lines log, as Markdown", "[e2e][cost]") {
  check_golden("cost --group-by name,model --format md samples/app_logs.jsonl", "cost_name_model.md");
}

TEST_CASE("cost: per trace over two files, the groups section as CSV", "[e2e][cost]") {
  check_golden("cost --group-by trace --section groups --csv samples/otlp_traces.json samples/otlp_traces.jsonl",
               "cost_trace.csv");
}

TEST_CASE("cost: CSV prints the models section unless told", "[e2e][cost]") {
  auto result = run_trace("cost --csv samples/chrome_trace.json");
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "model,priced_as,calls,input_tokens,output_tokens,cached_input_tokens,cost_usd,cost_per_call_usd,cost_source\n"
        "gpt-4o,gpt-4o,2,13242,1013,0,0.043235,0.0216175,table\n"
        "gpt-4o-mini,gpt-4o-mini,1,1240,188,0,0.0002988,0.0002988,table\n"
        "text-embedding-3-small,text-embedding-3-small,1,2210,0,0,4.42e-05,4.42e-05,table\n");
}

TEST_CASE("cost: output is the same for -j1, -j4 and any chunk size", "[e2e][cost]") {
  std::string files = "samples/app_logs.jsonl samples/llm_calls.jsonl samples/otlp_traces.jsonl";
  auto one = run_trace("cost --json -j1 --group-by trace,model " + files);
  auto four = run_trace("cost --json -j4 --chunk-bytes 1024 --group-by trace,model " + files);
  REQUIRE(one.exit_code == 0);
  CHECK(four.out == one.out);
}

TEST_CASE("cost: --budget exits 1 above it, with the report and a message", "[e2e][cost]") {
  auto over = run_trace("cost --budget 0.05 --section total --csv samples/otlp_traces.json");
  CHECK(over.exit_code == 1);
  CHECK(over.out ==
        "calls,priced_calls,carried_calls,unknown_calls,input_tokens,output_tokens,cached_input_tokens,cost_usd,"
        "cost_per_call_usd\n10,10,0,0,20063,2505,0,0.07847178,0.007847178\n");
  CHECK(over.err == "trace cost: budget exceeded: total $0.0785 is over the budget of $0.0500\n");
  auto under = run_trace("cost --budget 0.08 --section total --csv samples/otlp_traces.json");
  CHECK(under.exit_code == 0);
  CHECK(under.err.empty());
  auto unknown = run_trace("cost --budget 0.01 --section total --csv samples/llm_calls.jsonl");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "trace cost: budget exceeded: total $0.0357 is over the budget of $0.0100 (3 calls with unknown models not "
        "included)\n");
}

TEST_CASE("cost: --prices extends the table and prices what was unknown", "[e2e][cost]") {
  auto result = run_shell(
      "f=$(mktemp) && printf '{\"as_of\": \"2025-09-01\", \"models\": {\"acme-llm-7b\": {\"input\": 1, \"output\": 2}}}' "
      "> \"$f\" && \"$TRACE\" cost --prices \"$f\" --section models --csv samples/llm_calls.jsonl | grep acme; "
      "rc=$?; rm -f \"$f\"; exit $rc");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "acme-llm-7b,acme-llm-7b,2,1800,350,0,0.0025,0.00125,table\n");
}

TEST_CASE("cost: a bad price file is a located error, exit 2", "[e2e][cost]") {
  auto result = run_shell(
      "f=$(mktemp) && printf '{\"models\": {\"x\": {\"input\": 1, \"ouput\": 2}}}' > \"$f\" && "
      "\"$TRACE\" cost --prices \"$f\" samples/llm_calls.jsonl 2>&1 | sed \"s|$f|PRICES|\"; rm -f \"$f\"");
  CHECK(result.out ==
        "trace: error: PRICES:1:31: model \"x\": unknown key \"ouput\" (expected input, output, cached_input, "
        "cache_write, provider, aliases or notes)\n");
}

TEST_CASE("cost: --show-prices lists the dated table without reading input", "[e2e][cost]") {
  auto result = run_trace("cost --show-prices --csv");
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("model,provider,input,cached_input,cache_write,output,aliases\ngpt-5,openai,1.25,0.125,1.25,10,\n", 0) == 0);
  CHECK(result.out.find("\nclaude-3-5-sonnet,anthropic,3,0.3,3.75,15,claude-3.5-sonnet\n") != std::string::npos);
  auto json = run_trace("cost --show-prices --json");
  CHECK(json.out.find("\"prices_as_of\": \"2025-08-15\"") != std::string::npos);
}

TEST_CASE("cost: every sample reads without error", "[e2e][cost]") {
  auto result = run_trace("cost --json samples/");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

TEST_CASE("cost: bad flags are usage errors, exit 2", "[e2e][cost]") {
  auto result = run_trace("cost --group-by level samples/llm_calls.jsonl");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "trace cost: error: --group-by: unknown key 'level' (expected name, model, provider, service, trace, session, "
        "user, file, logger or attr:KEY)\nTry 'trace cost --help'.\n");
  auto section = run_trace("cost --section groups samples/llm_calls.jsonl");
  CHECK(section.exit_code == 2);
  CHECK(section.err ==
        "trace cost: error: --section: unknown section 'groups' (expected total, models or unknown_models)\n"
        "Try 'trace cost --help'.\n");
}
