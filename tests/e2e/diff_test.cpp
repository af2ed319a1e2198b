// trace diff, end to end: a baseline eval run and a regressed one (samples/ci), exact
// output in every format, exit codes and usage errors.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {

const std::string kPair = "samples/ci/baseline.jsonl samples/ci/regressed.jsonl";


void check_usage_error(const std::string& args, const std::string& expected_err) {
  auto result = run_trace(args);
  INFO("trace " << args);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == expected_err);
}

}  // namespace

TEST_CASE("diff: baseline against regressed run, as a table with a threshold", "[e2e][diff]") {
  check_golden("diff --threshold 10% " + kPair, "diff_ci_table.txt", 0);
}

TEST_CASE("diff: Markdown for a PR comment, with broken --fail-on rules, exit 1", "[e2e][diff]") {
  check_golden("diff --threshold 10% --fail-on 'p95>+10%,errors>+1pp,cost>+5%' --format md " + kPair, "diff_ci.md", 1);
}

TEST_CASE("diff: JSON with raw numbers, the threshold and the rules", "[e2e][diff]") {
  check_golden("diff --json --threshold 10%,1pp --fail-on 'p95>+10%' --fail-on 'name=llm.* cost>+20%' " + kPair,
               "diff_ci.json", 1);
}

TEST_CASE("diff: CSV has a header row of the JSON row keys", "[e2e][diff]") {
  check_golden("diff --csv " + kPair, "diff_ci.csv", 0);
}

TEST_CASE("diff: grouped by service and name, as a table", "[e2e][diff]") {
  check_golden("diff -g service,name " + kPair, "diff_ci_service_name.txt", 0);
}

TEST_CASE("diff: the table lists each rule with the groups that broke it", "[e2e][diff]") {
  auto result = run_trace("diff --fail-on 'p95>+10%,errors>+1pp,p50>+50%' " + kPair);
  CHECK(result.exit_code == 1);
  std::string rules = result.out.substr(result.out.find("\nFAIL") + 1);
  CHECK(rules ==
        "FAIL  p95>+10%\n"
        "      retrieve: p95 136 ms → 978 ms (+621.4%)\n"
        "      agent.run: p95 2.16 s → 2.56 s (+18.9%)\n"
        "FAIL  errors>+1pp\n"
        "      GET /orders: error_rate 8.3% → 33.3% (+25.0pp)\n"
        "      tool.search_orders: error_rate 8.3% → 33.3% (+25.0pp)\n"
        "PASS  p50>+50% (6 groups checked)\n");
}

TEST_CASE("diff: a run against itself changes nothing and passes every rule", "[e2e][diff]") {
  auto result = run_trace("diff --fail-on 'p95>+0%,errors>+0pp,cost>+0%,count<+0' samples/ci/baseline.jsonl samples/ci/baseline.jsonl");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("PASS  p95>+0% (7 groups checked)") != std::string::npos);
  CHECK(result.out.find("added") == std::string::npos);
  CHECK(result.out.find("regressed") == std::string::npos);
}

TEST_CASE("diff: --base and --new read several files per side", "[e2e][diff]") {
  auto positional = run_trace("diff --csv " + kPair);
  auto flags = run_trace("diff --csv --base samples/ci/baseline.jsonl --new samples/ci/regressed.jsonl");
  REQUIRE(flags.exit_code == 0);
  CHECK(flags.out == positional.out);
  // Two copies of each run: every count doubles.
  auto doubled = run_trace(
      "diff --json --base samples/ci/baseline.jsonl samples/ci/baseline.jsonl --new samples/ci/regressed.jsonl "
      "samples/ci/regressed.jsonl");
  REQUIRE(doubled.exit_code == 0);
  CHECK(doubled.out.find("\"base\": {\"inputs\": [\"samples/ci/baseline.jsonl\", \"samples/ci/baseline.jsonl\"], "
                         "\"records\": 208, \"spans\": 208") != std::string::npos);
  CHECK(doubled.out.find("{\"name\":\"retrieve\",\"presence\":\"both\",\"base_count\":32,\"new_count\":32,") !=
        std::string::npos);
}

TEST_CASE("diff: output is the same for -j1, -j4 and any chunk size", "[e2e][diff]") {
  auto one = run_trace("diff --json -j1 " + kPair);
  auto four = run_trace("diff --json -j4 --chunk-bytes 1024 " + kPair);
  REQUIRE(one.exit_code == 0);
  CHECK(four.out == one.out);
}

TEST_CASE("diff: usage errors name the flag and the position, exit 2", "[e2e][diff]") {
  check_usage_error("diff samples/ci/baseline.jsonl",
                    "trace diff: error: expected two files, BASE and NEW, found 1 (for several files per side: "
                    "--base FILE... --new FILE...)\nTry 'trace diff --help'.\n");
  check_usage_error("diff --base samples/ci/baseline.jsonl samples/ci/regressed.jsonl",
                    "trace diff: error: --new is missing: give both --base FILE... and --new FILE...\n"
                    "Try 'trace diff --help'.\n");
  check_usage_error("diff --fail-on 'p95>+10%,errors +1pp' " + kPair,
                    "trace diff: error: --fail-on: rule 2, column 8: expected an operator (<, <=, >, >=, =, !=) "
                    "after 'errors'\n  errors +1pp\n         ^\nTry 'trace diff --help'.\n");
  check_usage_error("diff --fail-on 'p95>+10%' --fail-on 'p99>+1pp' " + kPair,
                    "trace diff: error: --fail-on: rule 2, column 5: p99 changes by a percentage (+10%) or by a "
                    "duration such as +200ms, found '+1pp'\n  p99>+1pp\n      ^\nTry 'trace diff --help'.\n");
  check_usage_error("diff --fail-on 'service=api p95>+10%' " + kPair,
                    "trace diff: error: --fail-on: rule 1, column 1: the selector 'service=api' needs groups by "
                    "service (--group-by service); the groups are by name\nTry 'trace diff --help'.\n");
  check_usage_error("diff --threshold 10 " + kPair,
                    "trace diff: error: --threshold: expected a percentage and optionally percentage points (10% or "
                    "10%,1pp), found '10'\nTry 'trace diff --help'.\n");
}

TEST_CASE("diff: a malformed input is a located error, exit 2", "[e2e][diff]") {
  auto result = run_trace("diff samples/ci/baseline.jsonl samples/bad/truncated_otlp.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.rfind("trace: error: samples/bad/truncated_otlp.json:", 0) == 0);
}

TEST_CASE("diff: --json --lenient gives each side's skipped and skipped_at, as stats does", "[e2e][diff]") {
  const std::string bad = "tests/data/bad/bad_span_in_request.json";
  const std::string where = bad + ":3:108: expected startTimeUnixNano as a decimal string or number, found an object "
                                  "(the span was skipped)";
  auto result = run_trace("diff --json --lenient " + bad + " samples/otlp_traces.json");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("  \"base\": {\"inputs\": [\"" + bad +
                        "\"], \"records\": 2, \"spans\": 2, \"logs\": 0, \"skipped\": 1, \"skipped_at\": [\"" + where +
                        "\"]},\n  \"new\": {\"inputs\": [\"samples/otlp_traces.json\"], \"records\": 25, \"spans\": 25, "
                        "\"logs\": 0, \"skipped\": 0, \"skipped_at\": []},\n") != std::string::npos);
  CHECK(result.err == "trace: warning: " + bad + ": skipped 1 malformed record (--lenient)\n  " + where + "\n");
}
