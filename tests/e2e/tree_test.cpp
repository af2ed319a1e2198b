// trace tree, end to end: the built binary on samples/, exact output and exit codes.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::check_golden_stdin;
using trace::testing::expected_output;
using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {


// One trace whose two spans lost their parent (a callback that outlived its request).
const std::string kOrphans =
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"worker"}}]},)"
    R"("scopeSpans":[{"spans":[)"
    R"({"traceId":"5e0c0d1a2b3c4d5e6f708192a3b4c5d6","spanId":"00000000000000a1","name":"job",)"
    R"("startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937001000000000"},)"
    R"({"traceId":"5e0c0d1a2b3c4d5e6f708192a3b4c5d6","spanId":"00000000000000b2",)"
    R"("parentSpanId":"00000000000000ff","name":"late callback","startTimeUnixNano":"1736937000500000000",)"
    R"("endTimeUnixNano":"1736937000700000000","status":{"code":2,"message":"timeout"}},)"
    R"({"traceId":"5e0c0d1a2b3c4d5e6f708192a3b4c5d6","spanId":"00000000000000c3",)"
    R"("parentSpanId":"00000000000000b2","name":"retry","startTimeUnixNano":"1736937000600000000",)"
    R"("endTimeUnixNano":"1736937000650000000"}]}]}]})";

}  // namespace

TEST_CASE("tree: every trace of a Jaeger file, with self time and the critical path", "[e2e][tree]") {
  check_golden("tree samples/jaeger.json", "tree_jaeger.txt");
}

TEST_CASE("tree: one trace by id prefix, with --fields", "[e2e][tree]") {
  check_golden("tree --trace 8E1D --fields gen_ai.request.model,gen_ai.usage.input_tokens samples/jaeger.json",
               "tree_jaeger_error_fields.txt");
}

TEST_CASE("tree: --critical-path shows only the path", "[e2e][tree]") {
  check_golden("tree --critical-path --trace 0e4f samples/otlp_traces.json", "tree_otlp_critical.txt");
}

TEST_CASE("tree: a Chrome trace per process with threads as lanes, cut by --depth and --min-duration",
          "[e2e][tree]") {
  check_golden("tree --depth 2 --min-duration 10ms samples/chrome_trace.json", "tree_chrome_depth.txt");
}

TEST_CASE("tree: Chrome array with an unfinished span and an error", "[e2e][tree]") {
  check_golden("tree samples/chrome_trace_array.json", "tree_chrome_array.txt");
}

TEST_CASE("tree: --focus shows subtrees, --hide drops them", "[e2e][tree]") {
  check_golden("tree --trace 4bf9 --focus 'retriev*' --focus 'chat claude*' samples/otlp_traces.json",
               "tree_focus.txt");
  check_golden("tree --trace 5c2e --hide 'execute_tool*' --hide 'retrieval*' samples/zipkin.json", "tree_hide.txt");
}

TEST_CASE("tree: --run picks a stage-event run", "[e2e][tree]") {
  check_golden("tree --run a85d samples/stage_events.jsonl", "tree_stage_run.txt");
}

TEST_CASE("tree: an execution summary's laid-out starts are marked ~", "[e2e][tree]") {
  check_golden("tree --trace req-abc samples/exec_summary.jsonl", "tree_exec_summary.txt");
}

TEST_CASE("tree: spans whose parent is missing are shown under a marker, not dropped", "[e2e][tree]") {
  check_golden_stdin("tree -", "tree_orphans.txt", kOrphans);
}

TEST_CASE("tree: --format json nests the tree, with integer nanoseconds", "[e2e][tree]") {
  check_golden("tree --format json --trace 8e1d samples/jaeger.json", "tree_jaeger_error.json");
}

TEST_CASE("tree: --format jsonl writes one span per line in row order", "[e2e][tree]") {
  check_golden_stdin("tree --format jsonl --depth 2 -", "tree_orphans.jsonl", kOrphans);
}

TEST_CASE("tree: errors are red with --color always", "[e2e][tree]") {
  auto result = run_trace("tree --color always --trace 8e1d samples/jaeger.json");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("\x1b[31merror \x1b[0m") != std::string::npos);
  CHECK(result.out.find("\x1b[31m│  ├─ chat gpt-4o: 429 Too Many Requests") != std::string::npos);
  auto plain = run_trace("tree --trace 8e1d samples/jaeger.json");
  CHECK(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("tree: every trace format gives a tree", "[e2e][tree]") {
  for (std::string file : {"otlp_traces.jsonl", "zipkin.json", "genai_trace.json", "span_collector.json",
                           "exec_summary.jsonl", "stage_events.jsonl", "chrome_trace.json"}) {
    auto result = run_trace("tree samples/" + file);
    INFO(file << "\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.rfind("trace ", 0) == 0);
    CHECK(result.out.find("*") != std::string::npos);  // a critical path
  }
}

TEST_CASE("tree: the output is the same for -j1 and -j4 with small chunks", "[e2e][tree]") {
  auto one = run_trace("tree -j1 samples/stage_events.jsonl samples/otlp_traces.jsonl");
  auto four = run_trace("tree -j4 --chunk-bytes 1024 samples/stage_events.jsonl samples/otlp_traces.jsonl");
  REQUIRE(one.exit_code == 0);
  CHECK(four.out == one.out);
}

TEST_CASE("tree: a trace id that matches nothing exits 1 with a message", "[e2e][tree]") {
  auto result = run_trace("tree --trace ffff samples/jaeger.json");
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "trace tree: no trace id is or starts with 'ffff' (2 traces in the input; 'trace replay --list' lists them)\n");
}

TEST_CASE("tree: a prefix of several trace ids is a usage error listing them, exit 2", "[e2e][tree]") {
  auto result = run_trace("tree --trace req- samples/exec_summary.jsonl");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "trace tree: error: --trace: 'req-' starts 3 trace ids: req-0f9e-771 (Request Validation), req-abc-123 "
        "(Request Validation), req-def-456 (Request Validation) (give more of the id)\n"
        "Try 'trace tree --help'.\n");
}

TEST_CASE("tree: bad flag values are usage errors naming the flag, exit 2", "[e2e][tree]") {
  auto duration = run_trace("tree --min-duration 10 samples/jaeger.json");
  CHECK(duration.exit_code == 2);
  CHECK(duration.err.rfind("trace tree: error: --min-duration: cannot read '10' as a duration", 0) == 0);
  auto both = run_trace("tree --critical-path --focus x samples/jaeger.json");
  CHECK(both.exit_code == 2);
  auto two = run_trace("tree --trace a --first samples/jaeger.json");
  CHECK(two.exit_code == 2);
  CHECK(two.err.find("--trace excludes --first") != std::string::npos);
}

TEST_CASE("tree: --failed picks the first trace with an error span", "[e2e][tree]") {
  auto result = run_trace("tree --failed samples/jaeger.json");
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("trace 8e1d4c7b2a9f4e6d8c3b5a7f9e1d3c5b ", 0) == 0);
  auto none = run_trace("tree --failed samples/genai_trace.json");
  CHECK(none.exit_code == 1);
  CHECK(none.err == "trace tree: no trace has an error span (4 traces in the input)\n");
}
