// trace summary, end to end: the built binary on samples/, exact output and exit codes.
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {


void check_usage_error(const std::string& args, const std::string& message) {
  auto result = run_trace(args);
  INFO("trace " << args);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == "trace summary: error: " + message + "\nTry 'trace summary --help'.\n");
}

}  // namespace

TEST_CASE("summary: a JSON-lines log and an OTLP agent trace as tables", "[e2e][summary]") {
  check_golden("summary samples/app_logs.jsonl samples/otlp_traces.json", "summary_app_otlp.txt",
               "note: samples/app_logs.jsonl: 104 of its spans are log lines with a duration, counted once as records\n"
               "note: span names: showing the top 10 of 16\n");
}

TEST_CASE("summary: one JSON document with named sections", "[e2e][summary]") {
  check_golden("summary --json --top 3 samples/app_logs.jsonl", "summary_app_logs.json");
}

TEST_CASE("summary: --every 30s is a histogram over time, empty buckets included", "[e2e][summary]") {
  check_golden("summary --every 30s --section groups samples/app_logs.jsonl samples/liteagent.jsonl",
               "summary_every_30s.txt",
               "note: samples/app_logs.jsonl: 104 of its spans are log lines with a duration, counted once as records\n"
               "note: samples/liteagent.jsonl: 8 of its spans are log lines with a duration, counted once as records\n");
}

TEST_CASE("summary: --group-by service,level as Markdown", "[e2e][summary]") {
  check_golden("summary --group-by service,level --top 3 --format md samples/pino.jsonl samples/otlp_logs.json",
               "summary_service_level.md",
               "note: samples/pino.jsonl: 10 of its spans are log lines with a duration, counted once as records\n"
               "note: errors: showing the top 3 of 4\n");
}

TEST_CASE("summary: top errors grouped by template as CSV", "[e2e][summary]") {
  check_golden("summary --section errors --csv samples/app_logs.jsonl samples/llm_calls.jsonl samples/otlp_traces.jsonl",
               "summary_errors.csv");
}

TEST_CASE("summary: CSV prints the files section unless told; jsonl tags rows with their section", "[e2e][summary]") {
  auto csv = run_trace("summary --csv samples/otlp_traces.json");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("file,format,bytes,records,spans,logs,errors,error_rate,first_ns,last_ns,wall_ns,records_per_s\n", 0) == 0);
  auto jsonl = run_trace("summary --format jsonl --section services samples/otlp_traces.json");
  CHECK(jsonl.out ==
        "{\"section\":\"services\",\"service\":\"rag-agent\",\"records\":25,\"spans\":25,\"logs\":0,\"errors\":3,"
        "\"error_rate\":0.12}\n");
}

TEST_CASE("summary: output is the same for -j1, -j4, any chunk size and file order", "[e2e][summary]") {
  std::string files = "samples/app_logs.jsonl samples/otlp_traces.jsonl samples/pino.jsonl samples/llm_calls.jsonl";
  auto one = run_trace("summary --json -j1 --group-by service,name " + files);
  auto four = run_trace("summary --json -j4 --chunk-bytes 1024 --group-by service,name " + files);
  REQUIRE(one.exit_code == 0);
  CHECK(four.out == one.out);
}

TEST_CASE("summary: a directory reads its trace files in name order, as a quoted glob does", "[e2e][summary]") {
  auto result = run_shell(
      "d=$(mktemp -d) && cp samples/pino.jsonl \"$d/b.jsonl\" && cp samples/otlp_traces.json \"$d/a.json\" && "
      "echo note > \"$d/README.txt\" && mkdir \"$d/sub\" && cp samples/app_logs.jsonl \"$d/sub/\" && "
      "\"$TRACE\" summary --csv \"$d\" | sed \"s|$d/||\" > \"$d/dir.out\" && "
      "\"$TRACE\" summary --csv \"$d/*.json*\" | sed \"s|$d/||\" > \"$d/glob.out\" && "
      "\"$TRACE\" summary --csv \"$d/a.json\" \"$d/b.jsonl\" | sed \"s|$d/||\" > \"$d/files.out\" && "
      "cmp \"$d/dir.out\" \"$d/files.out\" && cmp \"$d/glob.out\" \"$d/files.out\" && cut -d, -f1 \"$d/dir.out\"; "
      "rc=$?; rm -rf \"$d\"; exit $rc");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "file\na.json\nb.jsonl\n(total)\n");
}

TEST_CASE("summary: every sample reads without error", "[e2e][summary]") {
  auto result = run_trace("summary --json samples/");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out.find("\"(total)\"") != std::string::npos);
}

TEST_CASE("summary: bad flags are usage errors, exit 2", "[e2e][summary]") {
  check_usage_error("summary --every 0s samples/pino.jsonl",
                    "--every: '0s' is not a duration above zero (expected e.g. 1m, 30s, 1h, 500ms)");
  check_usage_error("summary --every soon samples/pino.jsonl",
                    "--every: 'soon' is not a duration above zero (expected e.g. 1m, 30s, 1h, 500ms)");
  check_usage_error("summary --group-by modle samples/pino.jsonl",
                    "--group-by: unknown key 'modle' (expected service, logger, file, name, level, model, provider, "
                    "trace, session, user or attr:KEY)");
  check_usage_error("summary --section error samples/pino.jsonl",
                    "--section: unknown section 'error' (expected files, levels, services, loggers, span_names or "
                    "errors)");
  check_usage_error("summary 'samples/*.nothing'", "'samples/*.nothing': no file matches the pattern");
}

TEST_CASE("summary: a malformed input is a located error, exit 2", "[e2e][summary]") {
  auto result = run_trace("summary samples/pino.jsonl samples/bad/truncated_otlp.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.rfind("trace: error: samples/bad/truncated_otlp.json:", 0) == 0);
}

TEST_CASE("summary --lenient: a file read in part is named in the notes, on stderr and in JSON", "[e2e][summary]") {
  const std::string files = "samples/app_logs.jsonl tests/data/bad/invalid_utf8.jsonl";
  auto json = trace::testing::run_trace("summary --lenient --json " + files);
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"tests/data/bad/invalid_utf8.jsonl: partial: 1 malformed record skipped (--lenient)\"") !=
        std::string::npos);
  CHECK(json.out.find("\"skipped\": 1") != std::string::npos);
  auto table = trace::testing::run_trace("summary --lenient " + files);
  CHECK(table.exit_code == 0);
  CHECK(table.err.find("note: tests/data/bad/invalid_utf8.jsonl: partial: 1 malformed record skipped (--lenient)\n") !=
        std::string::npos);
  auto strict = trace::testing::run_trace("summary " + files);
  CHECK(strict.exit_code == 2);
  CHECK(strict.out.empty());
}
