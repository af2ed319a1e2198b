// trace stats, end to end: the built binary on samples/, exact output and exit codes.
#include <catch2/catch.hpp>

#include "formats/registry.h"
#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

TEST_CASE("stats: OTLP agent trace as a table", "[e2e][stats]") {
  check_golden("stats samples/otlp_traces.json", "stats_otlp_table.txt");
}

TEST_CASE("stats: OTLP agent trace as JSON with integer nanoseconds", "[e2e][stats]") {
  check_golden("stats --json samples/otlp_traces.json", "stats_otlp.json");
}

TEST_CASE("stats: group by model as CSV", "[e2e][stats]") {
  check_golden("stats --group-by model --format csv samples/otlp_traces.json samples/otlp_traces.jsonl",
               "stats_model.csv");
}

TEST_CASE("stats: group by service and name, sorted by p99, as Markdown", "[e2e][stats]") {
  check_golden("stats -g service,name --sort p99 --format md samples/otlp_traces.jsonl", "stats_service_name.md");
}

TEST_CASE("stats: JSON-lines log stages with --top", "[e2e][stats]") {
  // Tables keep notes off stdout, so a pipe gets only the rows.
  check_golden("stats --group-by attr:stage --top 5 samples/app_logs.jsonl", "stats_app_logs_top5.txt",
               "note: showing the top 5 of 7 groups\n");
}

TEST_CASE("stats: Chrome trace", "[e2e][stats]") {
  check_golden("stats samples/chrome_trace.json", "stats_chrome.txt");
}

TEST_CASE("stats: output is the same for -j1, -j4 and any chunk size", "[e2e][stats]") {
  auto one = run_trace("stats --json -j1 samples/app_logs.jsonl samples/otlp_traces.jsonl");
  auto four = run_trace("stats --json -j4 --chunk-bytes 1024 samples/app_logs.jsonl samples/otlp_traces.jsonl");
  REQUIRE(one.exit_code == 0);
  CHECK(four.out == one.out);
}

TEST_CASE("stats: reads standard input given as '-'", "[e2e][stats]") {
  auto from_file = run_trace("stats --json samples/otlp_traces.jsonl");
  auto from_stdin = run_shell("\"$TRACE\" stats --json - < samples/otlp_traces.jsonl");
  REQUIRE(from_stdin.exit_code == 0);
  // Only the input's name differs.
  std::string expected = from_file.out;
  expected.replace(expected.find("samples/otlp_traces.jsonl"), std::string("samples/otlp_traces.jsonl").size(),
                   "<stdin>");
  CHECK(from_stdin.out == expected);
}

TEST_CASE("stats: gzip input is inflated whatever its name", "[e2e][stats]") {
  auto plain = run_trace("stats --csv samples/otlp_traces.json");
  auto gz = run_shell(
      "f=$(mktemp) && gzip -c samples/otlp_traces.json > \"$f\" && \"$TRACE\" stats --csv \"$f\"; rc=$?; rm -f \"$f\"; "
      "exit $rc");
  REQUIRE(gz.exit_code == 0);
  CHECK(gz.out == plain.out);
}

TEST_CASE("stats: zstd input is decompressed whatever its name, every frame of it", "[e2e][stats]") {
  auto plain = run_trace("stats --csv samples/app_logs.jsonl");
  // Two frames, as a collector that appends compressed batches writes them.
  auto zst = run_shell(
      "f=$(mktemp) && head -n 80 samples/app_logs.jsonl | zstd -q -c > \"$f\" && "
      "tail -n +81 samples/app_logs.jsonl | zstd -q -c >> \"$f\" && \"$TRACE\" stats --csv \"$f\"; rc=$?; "
      "rm -f \"$f\"; exit $rc");
  INFO(zst.err);
  REQUIRE(zst.exit_code == 0);
  CHECK(zst.out == plain.out);
}

TEST_CASE("stats: truncated or corrupt compressed input is an error naming the file, exit 2", "[e2e][stats]") {
  auto truncated = run_shell(
      "f=$(mktemp) && zstd -q -c samples/otlp_traces.json | head -c 500 > \"$f\" && "
      "\"$TRACE\" stats \"$f\" 2>&1 | sed \"s|$f|FILE|\"; exit ${PIPESTATUS[0]}");
  CHECK(truncated.exit_code == 2);
  CHECK(truncated.out == "trace: error: FILE: truncated zstd data (unexpected end of file)\n");
  auto corrupt = run_shell(
      "f=$(mktemp) && { printf '\\x28\\xb5\\x2f\\xfd\\x04\\x00'; head -c 300 /dev/zero | tr '\\0' '\\377'; } > \"$f\" && "
      "\"$TRACE\" stats \"$f\" 2>&1 | sed \"s|$f|FILE|\"; exit ${PIPESTATUS[0]}");
  CHECK(corrupt.exit_code == 2);
  CHECK(corrupt.out == "trace: error: FILE: corrupt zstd data: Data corruption detected\n");
  auto bad_gzip = run_shell(
      "f=$(mktemp) && gzip -c samples/otlp_traces.json | head -c 500 > \"$f\" && "
      "\"$TRACE\" stats \"$f\" 2>&1 | sed \"s|$f|FILE|\"; exit ${PIPESTATUS[0]}");
  CHECK(bad_gzip.exit_code == 2);
  CHECK(bad_gzip.out == "trace: error: FILE: truncated gzip data (unexpected end of file)\n");
}

TEST_CASE("stats: a truncated document is a located error, exit 2", "[e2e][stats]") {
  auto result = run_trace("stats samples/bad/truncated_otlp.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "trace: error: samples/bad/truncated_otlp.json:76:14: expected a closing '\"', found the end of the text\n");
}

TEST_CASE("stats: a wrong field type names the field, exit 2", "[e2e][stats]") {
  auto result = run_trace("stats samples/bad/wrong_type_otlp.json");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "trace: error: samples/bad/wrong_type_otlp.json:1:178: expected startTimeUnixNano as a decimal string or "
        "number, found true\n");
}

TEST_CASE("stats: text that is not JSON lists the known formats, exit 2", "[e2e][stats]") {
  auto result = run_trace("stats samples/bad/not_json.log");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "trace: error: samples/bad/not_json.log: not JSON: expected '{' or '[' at the start, found \"this is a plain "
        "text log line\\nanother on\" (known formats: " +
            trace::formats::format_names() + ")\n");
}

TEST_CASE("stats: an unknown --group-by key is a usage error, exit 2", "[e2e][stats]") {
  auto result = run_trace("stats --group-by modle samples/otlp_traces.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("trace stats: error: --group-by: unknown key 'modle'") == 0);
  CHECK(result.err.find("Try 'trace stats --help'.") != std::string::npos);
}

TEST_CASE("stats: a missing file is an error naming it, exit 2", "[e2e][stats]") {
  auto result = run_trace("stats samples/no_such_file.json");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "trace: error: samples/no_such_file.json: cannot open: No such file or directory\n");
}

TEST_CASE("stats: a directory is read as the trace files in it, sorted; others left out", "[e2e][stats]") {
  auto files = run_trace("stats --csv samples/app_logs.jsonl samples/otlp_traces.json");
  auto dir = run_shell(
      "d=$(mktemp -d) && mkdir -p \"$d/sub\" && cp samples/otlp_traces.json \"$d/b.json\" && "
      "gzip -c samples/app_logs.jsonl > \"$d/a.jsonl.gz\" && echo junk > \"$d/.hidden.json\" && "
      "echo junk > \"$d/README.txt\" && echo junk > \"$d/sub/c.json\" && \"$TRACE\" stats --csv \"$d\"; rc=$?; "
      "rm -rf \"$d\"; exit $rc");
  INFO(dir.err);
  REQUIRE(dir.exit_code == 0);
  CHECK(dir.out == files.out);
}

TEST_CASE("stats: a directory without trace files is an error naming it, exit 2", "[e2e][stats]") {
  auto result = run_shell(
      "d=$(mktemp -d) && \"$TRACE\" stats \"$d\" 2>&1 | sed \"s|$d|DIR|\"; rc=${PIPESTATUS[0]}; rmdir \"$d\"; exit $rc");
  CHECK(result.exit_code == 2);
  CHECK(result.out ==
        "trace stats: error: DIR: a directory with no trace or log files (expected names ending in .json, .jsonl, "
        ".ndjson or .log, optionally .gz or .zst)\nTry 'trace stats --help'.\n");
}

TEST_CASE("stats: --lenient skips malformed lines and says so", "[e2e][stats]") {
  auto result = run_shell(
      "f=$(mktemp) && { head -n 3 samples/app_logs.jsonl; echo 'garbage line'; sed -n 4,10p samples/app_logs.jsonl; } > "
      "\"$f\" && \"$TRACE\" stats --lenient --json \"$f\" | grep '\"skipped\"'; rc=${PIPESTATUS[0]}; rm -f \"$f\"; "
      "exit $rc");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "  \"skipped\": 1,\n");
  CHECK(result.err.find("skipped 1 malformed record (--lenient)") != std::string::npos);
  CHECK(result.err.find(":4:1: ") != std::string::npos);
}

TEST_CASE("stats: a reader that goes away early is not an error", "[e2e][stats]") {
  auto result = run_shell("\"$TRACE\" stats samples/app_logs.jsonl | true; exit ${PIPESTATUS[0]}");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

TEST_CASE("stats: a short -g KEY does not swallow the FILE after it", "[e2e][stats]") {
  auto spaced = run_trace("stats -g service samples/otlp_traces.json");
  auto joined = run_trace("stats --group-by=service samples/otlp_traces.json");
  INFO(spaced.err);
  REQUIRE(spaced.exit_code == 0);
  CHECK(spaced.out == joined.out);
}

TEST_CASE("stats: --approx and a small --exact-memory say the percentiles are approximate, for any -j", "[e2e][stats]") {
  auto approx = run_trace("stats --approx samples/app_logs.jsonl");
  CHECK(approx.exit_code == 0);
  CHECK(approx.err == "note: percentiles are approximate (within 1%, --approx)\n");
  auto one = run_trace("stats --exact-memory 512 --json -j1 samples/app_logs.jsonl");
  auto four = run_trace("stats --exact-memory 512 --json -j4 --chunk-bytes 1024 samples/app_logs.jsonl");
  REQUIRE(one.exit_code == 0);
  CHECK(one.out == four.out);
  CHECK(one.out.find("\"approximate\": true") != std::string::npos);
  CHECK(one.out.find("104 durations passed the exact budget of 512 B (--exact-memory)") != std::string::npos);
  auto bad = run_trace("stats --exact-memory lots samples/app_logs.jsonl");
  CHECK(bad.exit_code == 2);
}
