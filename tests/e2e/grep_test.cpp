// trace grep, end to end: the built binary on samples/, exact output and exit codes.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {


void check_output(const std::string& args, const std::string& out, int exit_code = 0) {
  auto result = run_trace(args);
  INFO("trace " << args << "\nstderr: " << result.err);
  CHECK(result.exit_code == exit_code);
  CHECK(result.err.empty());
  CHECK(result.out == out);
}

void check_usage_error(const std::string& args, const std::string& message) {
  auto result = run_trace(args);
  INFO("trace " << args);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == "trace grep: error: " + message + "\nTry 'trace grep --help'.\n");
}

}  // namespace

// --- PATTERN -----------------------------------------------------------------------------

TEST_CASE("grep: a plain-text pattern prints matching JSON lines as they are", "[e2e][grep]") {
  check_golden("grep -i 'rate limit' samples/app_logs.jsonl", "grep_ignore_case.txt");
}

TEST_CASE("grep: a regular expression (ECMAScript) over log messages", "[e2e][grep]") {
  check_golden("grep '^(tool|llm) call (failed|timed)' samples/app_logs.jsonl", "grep_regex.txt");
}

TEST_CASE("grep: -F takes the pattern as text, not a regex", "[e2e][grep]") {
  check_output("grep -c 'c.e' samples/app_logs.jsonl", "26\n");
  check_output("grep -F -c 'c.e' samples/app_logs.jsonl", "0\n", 1);
}

TEST_CASE("grep: -w matches whole words only", "[e2e][grep]") {
  check_output("grep -c complete samples/app_logs.jsonl", "76\n");
  check_output("grep -w -c complete samples/app_logs.jsonl", "59\n");
}

TEST_CASE("grep: -e gives the pattern explicitly", "[e2e][grep]") {
  check_output("grep -c -e '-' samples/pino.jsonl", "0\n", 1);
  check_output("grep -c -e 'request' samples/pino.jsonl", "20\n");
}

TEST_CASE("grep: --field searches one attribute instead of the message", "[e2e][grep]") {
  check_golden("grep --field stage '^tool\\.' -n samples/app_logs.jsonl", "grep_field.txt");
}

TEST_CASE("grep: span names of a whole document, rendered one per line", "[e2e][grep]") {
  check_golden("grep 'execute_tool' samples/otlp_traces.json", "grep_otlp_rendered.txt");
}

// --- predicates --------------------------------------------------------------------------

TEST_CASE("grep: --level warn+ over two files prefixes the file name", "[e2e][grep]") {
  check_golden("grep --level warn+ samples/app_logs.jsonl samples/pino.jsonl", "grep_level_warn_plus.txt");
}

TEST_CASE("grep: --level error is the error band only, on pino's numeric levels", "[e2e][grep]") {
  check_golden("grep --level error samples/pino.jsonl", "grep_level_error_pino.txt");
  check_output("grep --level fatal samples/pino.jsonl", "", 1);
}

TEST_CASE("grep: --where compares nested fields, several clauses ANDed", "[e2e][grep]") {
  check_golden("grep --where 'res.statusCode >= 500' --where 'responseTime > 1000' samples/pino.jsonl",
               "grep_where_nested.txt");
  check_output("grep -c --where 'res.statusCode >= 500' samples/pino.jsonl", "2\n");
  check_output("grep -c --where 'stage ~ ^llm' --where 'model = gpt-4o' samples/app_logs.jsonl", "6\n");
  check_output("grep -c --where 'error exists' samples/app_logs.jsonl", "4\n");
}

TEST_CASE("grep: --trace and --span select one trace or span, in any case", "[e2e][grep]") {
  check_output("grep -c --trace 0634E3074FD3FE99137516717156494B samples/app_logs.jsonl", "10\n");
  check_golden("grep --span b2e4d6f8a0c21306 samples/otlp_traces.json", "grep_span.txt");
}

TEST_CASE("grep: --since and --until select a time window, inclusive", "[e2e][grep]") {
  check_golden("grep --since 2025-01-15T10:31:32Z --until '2025-01-15 10:31:33.906' samples/app_logs.jsonl",
               "grep_time_window.txt");
  check_output("grep -c --since -1h samples/app_logs.jsonl", "0\n", 1);
}

TEST_CASE("grep: --min-duration finds slow spans, a multi-span line printed once", "[e2e][grep]") {
  check_golden("grep --min-duration 3s samples/otlp_traces.json", "grep_min_duration_otlp.txt");
  check_output("grep -c --min-duration 1s samples/otlp_traces.jsonl", "4\n");
  check_golden("grep -n --min-duration 3s samples/app_logs.jsonl", "grep_min_duration_jsonl.txt");
}

TEST_CASE("grep: --max-duration finds fast spans", "[e2e][grep]") {
  check_golden("grep --max-duration 100us samples/chrome_trace.json", "grep_max_duration_chrome.txt");
}

TEST_CASE("grep: --errors finds error spans and error logs in any format", "[e2e][grep]") {
  check_golden("grep --errors samples/chrome_trace.json samples/pino.jsonl samples/otlp_traces.json",
               "grep_errors.txt");
}

TEST_CASE("grep: --level and --min-duration together find the failed slow stage of a line", "[e2e][grep]") {
  check_golden("grep --level error --min-duration 1s samples/app_logs.jsonl", "grep_level_and_duration.txt");
}

TEST_CASE("grep: no PATTERN, only predicates, and a first argument that is a file", "[e2e][grep]") {
  check_output("grep -c --errors samples/app_logs.jsonl", "4\n");
}

// --- output ------------------------------------------------------------------------------

TEST_CASE("grep: --format jsonl writes one object per record with documented keys", "[e2e][grep]") {
  check_golden("grep --format jsonl --errors samples/chrome_trace.json samples/pino.jsonl", "grep_errors.jsonl");
}

TEST_CASE("grep: --format json writes one document with the matches and their count", "[e2e][grep]") {
  check_golden("grep --json --level error samples/app_logs.jsonl", "grep_level_error.json");
  check_output("grep --json nothing-matches-this samples/app_logs.jsonl",
               "{\"schema_version\":1,\"command\":\"grep\",\"matches\":[],\"count\":0,\"skipped\":0,"
               "\"skipped_at\":[]}\n",
               1);
}

TEST_CASE("grep: --json --lenient says in the document what was skipped and where, as stats does", "[e2e][grep]") {
  const std::string file = "tests/data/bad/invalid_utf8.jsonl";
  const std::string where = file + ":2:57: expected a JSON object (The input is not valid UTF-8)";
  auto result = run_trace("grep --json --lenient a " + file);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "{\"schema_version\":1,\"command\":\"grep\",\"matches\":[\n"
        "{\"kind\":\"log\",\"time_ns\":1736937000000000000,\"duration_ns\":null,\"name\":null,\"message\":\"cache "
        "warm\",\"level\":\"INFO\",\"severity\":9,\"service\":null,\"trace_id\":null,\"span_id\":null,\"parent_id\":"
        "null,\"status\":null,\"file\":\"" + file + "\",\"line\":1,\"attrs\":{}}\n"
        "],\"count\":1,\"skipped\":1,\"skipped_at\":[\"" + where + "\"]}\n");
  CHECK(result.err == "trace: warning: " + file + ": skipped 1 malformed record (--lenient)\n  " + where + "\n");
}

TEST_CASE("grep: -c counts matches, per file when there are several", "[e2e][grep]") {
  check_output("grep -c --level warn+ samples/app_logs.jsonl", "9\n");
  check_output("grep -c --level warn+ samples/app_logs.jsonl samples/pino.jsonl samples/otlp_traces.json",
               "samples/app_logs.jsonl:9\nsamples/pino.jsonl:7\nsamples/otlp_traces.json:0\n");
  check_output("grep -c -h --level warn+ samples/app_logs.jsonl samples/pino.jsonl", "9\n7\n");
}

TEST_CASE("grep: -l lists the files with a match", "[e2e][grep]") {
  check_output("grep -l -i timeout samples/app_logs.jsonl samples/otlp_traces.json samples/pino.jsonl",
               "samples/app_logs.jsonl\nsamples/pino.jsonl\n");
  check_output("grep -l -i timeout samples/otlp_traces.json", "", 1);
}

TEST_CASE("grep: -v selects what does not match", "[e2e][grep]") {
  check_golden("grep -v --level info+ samples/pino.jsonl", "grep_invert.txt");
  check_output("grep -v -c --level debug+ samples/pino.jsonl", "0\n", 1);
  // A line of many spans is selected by -v only when none of them matches.
  check_output("grep -c --min-duration 3s samples/otlp_traces.jsonl", "1\n");
  check_output("grep -v -c --min-duration 3s samples/otlp_traces.jsonl", "3\n");
  check_output("grep -v -c --min-duration 1s samples/otlp_traces.jsonl", "0\n", 1);
}

TEST_CASE("grep: -m stops after N matches per file", "[e2e][grep]") {
  check_golden("grep -m 2 -H 'request' samples/pino.jsonl samples/app_logs.jsonl", "grep_max_count.txt");
  check_output("grep -c -m 3 'request' samples/pino.jsonl", "3\n");
}

TEST_CASE("grep: -q prints nothing and answers with the exit code", "[e2e][grep]") {
  check_output("grep -q --errors samples/app_logs.jsonl", "");
  check_output("grep -q --level fatal samples/app_logs.jsonl", "", 1);
}

TEST_CASE("grep: -A, -B and -C show context records, -- between groups", "[e2e][grep]") {
  check_golden("grep -n -B 1 -A 2 --level error samples/pino.jsonl", "grep_context.txt");
  auto c = run_trace("grep -n -C 1 --level error samples/pino.jsonl");
  auto ab = run_trace("grep -n -A 1 -B 1 --level error samples/pino.jsonl");
  CHECK(c.exit_code == 0);
  CHECK(c.out == ab.out);
}

TEST_CASE("grep: context of whole-document records is rendered records", "[e2e][grep]") {
  check_golden("grep -C 1 -n 'web_search' samples/chrome_trace.json", "grep_context_chrome.txt");
}

TEST_CASE("grep: -n and -H prefix line numbers and file names", "[e2e][grep]") {
  check_golden("grep -n -H --level error samples/pino.jsonl", "grep_line_numbers.txt");
}

TEST_CASE("grep: --color always highlights the match, the file and the line", "[e2e][grep]") {
  check_golden("grep --color always -n -H -i 'TIMEOUT' samples/pino.jsonl", "grep_color.txt");
}

TEST_CASE("grep: colour is off when stdout is not a terminal", "[e2e][grep]") {
  auto result = run_trace("grep -i timeout samples/pino.jsonl");
  CHECK(result.out.find('\x1b') == std::string::npos);
}

// --- behaviour ---------------------------------------------------------------------------

TEST_CASE("grep: exit 1 and no output when nothing matches", "[e2e][grep]") {
  check_output("grep 'no such message' samples/app_logs.jsonl samples/otlp_traces.json", "", 1);
}

TEST_CASE("grep: printed JSON lines are byte for byte the input lines", "[e2e][grep]") {
  auto result = run_shell(
      "\"$TRACE\" grep -n --level warn+ samples/app_logs.jsonl | while IFS= read -r l; do n=${l%%:*}; "
      "[ \"${l#*:}\" = \"$(sed -n \"${n}p\" samples/app_logs.jsonl)\" ] || echo \"differs at $n\"; done; echo done");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "done\n");
}

TEST_CASE("grep: its output is valid input again", "[e2e][grep]") {
  auto result =
      run_shell("\"$TRACE\" grep --min-duration 1s samples/otlp_traces.jsonl | \"$TRACE\" grep -c --min-duration 1s -");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "4\n");
}

TEST_CASE("grep: reads standard input and gzip", "[e2e][grep]") {
  auto plain = run_trace("grep -i 'rate limit' samples/app_logs.jsonl");
  auto piped = run_shell("\"$TRACE\" grep -i 'rate limit' - < samples/app_logs.jsonl");
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == plain.out);
  auto gz = run_shell(
      "f=$(mktemp) && gzip -c samples/app_logs.jsonl > \"$f\" && \"$TRACE\" grep -i 'rate limit' \"$f\"; rc=$?; "
      "rm -f \"$f\"; exit $rc");
  CHECK(gz.exit_code == 0);
  CHECK(gz.out == plain.out);
}

TEST_CASE("grep: output does not depend on how the input is cut into chunks", "[e2e][grep]") {
  for (std::string args : {"--min-duration 100ms -n", "-v --level info -n", "-C 2 --errors"}) {
    auto whole = run_trace("grep " + args + " samples/app_logs.jsonl samples/otlp_traces.jsonl");
    auto chunked = run_trace("grep --chunk-bytes 1024 " + args + " samples/app_logs.jsonl samples/otlp_traces.jsonl");
    INFO(args);
    CHECK(whole.exit_code == 0);
    CHECK(chunked.out == whole.out);
  }
}

TEST_CASE("grep: printing on every core writes what one thread writes, in input order", "[e2e][grep]") {
  // Small chunks give each of 4 threads several, and the OTLP document is read in batches.
  for (std::string args : {"--min-duration 100ms -n", "-v --level info -n -H", "--errors --format jsonl", "-i llm",
                           "--color always retriev"}) {
    // Whole documents (Chrome, Jaeger) are read by one thread outside any chunk.
    for (std::string input : {"samples/app_logs.jsonl samples/pino.jsonl", "samples/otlp_traces.json",
                              "samples/otlp_traces.jsonl samples/stage_events.jsonl",
                              "samples/chrome_trace.json samples/jaeger.json samples/app_logs.jsonl"}) {
      auto one = run_trace("grep -j 1 " + args + " " + input);
      auto four = run_trace("grep -j 4 --chunk-bytes 1024 " + args + " " + input);
      INFO(args << " " << input);
      CHECK(four.exit_code == one.exit_code);
      CHECK(four.out == one.out);
    }
  }
  CHECK(run_trace("grep -j 4 --chunk-bytes 1024 --min-duration 100ms samples/app_logs.jsonl").out.size() > 1000);
}

TEST_CASE("grep: on every core, the matches before a malformed line are printed and none after it",
          "[e2e][grep]") {
  // The bad line sits in the middle of the file: the threads reading chunks after it
  // may have found matches before the error is known, and must not print them.
  auto result = run_shell(
      "f=$(mktemp) && { sed -n 1,80p samples/app_logs.jsonl; echo '{\"level\":\"WARNING\",\"message\":'; "
      "sed -n 81,165p samples/app_logs.jsonl; } > \"$f\" && "
      "\"$TRACE\" grep -j 4 --chunk-bytes 1024 -n --level warn+ \"$f\" 2>&1 | sed \"s|$f|FILE|\"; "
      "rc=${PIPESTATUS[0]}; rm -f \"$f\"; exit $rc");
  auto before = run_shell("\"$TRACE\" grep -n --level warn+ samples/app_logs.jsonl | awk -F: '$1 <= 80'");
  CHECK(result.exit_code == 2);
  CHECK(!before.out.empty());
  CHECK(result.out.rfind(before.out, 0) == 0);
  CHECK(result.out.substr(before.out.size()).rfind("trace: error: FILE:81:", 0) == 0);
  // In a whole document, the records read before a bad value are printed, then the error.
  auto document = run_shell(
      "f=$(mktemp) && sed '1377s/\"name\": *\"[^\"]*\"/\"name\":tru/' samples/otlp_traces.json > \"$f\" && "
      "\"$TRACE\" grep -j 4 '' \"$f\" 2>&1 | sed \"s|$f|FILE|\"; rc=${PIPESTATUS[0]}; rm -f \"$f\"; exit $rc");
  CHECK(document.exit_code == 2);
  CHECK(std::count(document.out.begin(), document.out.end(), '\n') > 10);
  CHECK(document.out.find("trace: error: FILE:1377:") != std::string::npos);
}

TEST_CASE("grep: -c counts on every core and finds what one reader finds, for any cut of the input",
          "[e2e][grep]") {
  // app_logs.jsonl: 165 lines, 6 WARNING and 3 ERROR, 40 with duration_ms >= 500;
  // pino.jsonl: 3 warn (40) and 4 error (50). Tiny chunks give each thread many.
  for (std::string chunks : {"", "--chunk-bytes 1024 "}) {
    INFO(chunks);
    check_output("grep -c " + chunks + "--level warn+ samples/app_logs.jsonl samples/pino.jsonl",
                 "samples/app_logs.jsonl:9\nsamples/pino.jsonl:7\n");
    check_output("grep -c -v " + chunks + "--level warn+ samples/app_logs.jsonl", "156\n");
    check_output("grep -c " + chunks + "--min-duration 500ms samples/app_logs.jsonl", "40\n");
    check_output("grep -c " + chunks + "--level fatal samples/app_logs.jsonl", "0\n", 1);
  }
}

TEST_CASE("grep: a reader that goes away early is not an error", "[e2e][grep]") {
  auto result = run_shell("\"$TRACE\" grep request samples/app_logs.jsonl | head -1 >/dev/null; exit ${PIPESTATUS[0]}");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

TEST_CASE("grep: matches found before a malformed line are printed, then the error, exit 2", "[e2e][grep]") {
  auto result = run_shell(
      "f=$(mktemp) && { sed -n 1,2p samples/app_logs.jsonl; echo '{\"level\":\"WARNING\",\"message\":'; } > \"$f\" && "
      "\"$TRACE\" grep -n --level warn+ \"$f\" 2>&1 | sed \"s|$f|FILE|\"; rc=${PIPESTATUS[0]}; rm -f \"$f\"; exit $rc");
  CHECK(result.exit_code == 2);
  CHECK(result.out.rfind("2:{\"timestamp\":\"2025-01-15T10:30:00.095Z\",\"level\":\"WARNING\"", 0) == 0);
  CHECK(result.out.find("\ntrace: error: FILE:3:") != std::string::npos);
}

TEST_CASE("grep: malformed input is a located error, exit 2", "[e2e][grep]") {
  auto result = run_trace("grep x samples/bad/truncated_otlp.json");
  CHECK(result.exit_code == 2);
  CHECK(result.err.rfind("trace: error: samples/bad/truncated_otlp.json:76:14: ", 0) == 0);
}

// --- usage errors ------------------------------------------------------------------------

TEST_CASE("grep: a bad regex is a usage error naming it, exit 2", "[e2e][grep]") {
  check_usage_error("grep '(' samples/app_logs.jsonl",
                    "PATTERN: invalid regular expression '(': Mismatched '(' and ')' in regular expression");
}

TEST_CASE("grep: bad predicates are usage errors naming them, exit 2", "[e2e][grep]") {
  check_usage_error(
      "grep --where 'status' samples/app_logs.jsonl",
      "--where: 'status': expected KEY OP VALUE, OP one of =, !=, <, <=, >, >=, ~ (regex), or KEY exists");
  check_usage_error("grep --level loud samples/app_logs.jsonl",
                    "--level: unknown level 'loud' (expected trace, debug, info, warn, error or fatal, with a "
                    "trailing + for that level and above)");
  check_usage_error("grep --since yesterday samples/app_logs.jsonl",
                    "--since: cannot read 'yesterday' as a time (expected ISO 8601 such as 2025-01-15T10:30:00Z, or a "
                    "duration ago such as -15m)");
  check_usage_error("grep --min-duration 5 samples/app_logs.jsonl",
                    "--min-duration: cannot read '5' as a duration (expected a number and a unit: 500ms, 1.5s, 2m)");
  check_usage_error("grep --where 'msg ~ (' samples/app_logs.jsonl",
                    "--where: 'msg ~ (': invalid regular expression '(': Mismatched '(' and ')' in regular expression");
}

TEST_CASE("grep: nothing to look for, or contradictory flags, are usage errors", "[e2e][grep]") {
  auto none = run_shell("\"$TRACE\" grep < /dev/null");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("no PATTERN and no predicate") != std::string::npos);
  check_usage_error("grep --field stage --errors samples/app_logs.jsonl",
                    "--field: there is no PATTERN to search the field for");
  check_usage_error("grep -C 1 --format jsonl x samples/app_logs.jsonl",
                    "-A/-B/-C: context records are shown in text output only (not with --format json or jsonl)");
}
