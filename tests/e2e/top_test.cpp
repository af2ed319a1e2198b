// trace top, end to end: the built binary on samples/, exact output and exit codes.
#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

TEST_CASE("top: the ten slowest spans of an OTLP trace, with chains and attributes", "[e2e][top]") {
  check_golden("top samples/otlp_traces.json", "top_otlp_table.txt");
}

TEST_CASE("top: -n and --by self-time on a Chrome trace", "[e2e][top]") {
  check_golden("top -n 3 --by self-time samples/chrome_trace.json", "top_chrome_self_time.txt");
}

TEST_CASE("top: the slowest per group, as CSV", "[e2e][top]") {
  check_golden("top -n 1 --group-by name --format csv samples/otlp_traces.jsonl", "top_group_by_name.csv");
}

TEST_CASE("top: JSON output of spans read from log lines", "[e2e][top]") {
  check_golden("top -n 2 --format json samples/app_logs.jsonl", "top_app_logs.json");
}

TEST_CASE("top: several inputs rank together; the source names the file and line", "[e2e][top]") {
  check_golden("top -n 4 --format md samples/chrome_trace.json samples/otlp_traces.json", "top_two_files.md");
}

TEST_CASE("top: output is the same for -j1, -j4 and any chunk size", "[e2e][top]") {
  for (std::string args : {"-n 5", "-n 2 -g name", "-n 3 --by self-time"}) {
    auto one = run_trace("top --json -j1 " + args + " samples/app_logs.jsonl samples/otlp_traces.jsonl");
    auto four = run_trace("top --json -j4 --chunk-bytes 1024 " + args +
                          " samples/app_logs.jsonl samples/otlp_traces.jsonl");
    INFO(args);
    REQUIRE(one.exit_code == 0);
    CHECK(four.out == one.out);
  }
}

TEST_CASE("top: input without spans gives an empty table, exit 0", "[e2e][top]") {
  auto result = run_shell("echo '{\"level\":\"info\",\"msg\":\"no duration\"}' | \"$TRACE\" top --format csv -");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "rank,duration_ns,name,service,start_ns,trace_id,span_id,parents,status,attrs,source\n");
}

TEST_CASE("top: a bad --by or --group-by is a usage error, exit 2", "[e2e][top]") {
  auto by = run_trace("top --by self samples/otlp_traces.json");
  CHECK(by.exit_code == 2);
  CHECK(by.out.empty());
  CHECK(by.err.find("--by") != std::string::npos);
  auto group = run_trace("top --group-by modle samples/otlp_traces.json");
  CHECK(group.exit_code == 2);
  CHECK(group.err.find("trace top: error: --group-by: unknown key 'modle'") == 0);
}
