// The input pipeline itself: framing, chunking across threads, located errors, --lenient.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/latency_stats.h"
#include "formats/read_inputs.h"
#include "formats/registry.h"
#include "src/errors.h"
#include "src/output/write_table.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::InputError;
using trace::formats::Input;
using trace::formats::ReadOptions;
using trace::testing::CollectSink;
using trace::testing::load_text;

namespace {

// A JSON-lines log of `lines` stage completions with varied durations and stages.
std::string stage_log(int lines) {
  std::string text;
  const char* stages[] = {"retrieve", "llm.chat", "tool.search", "respond"};
  for (int i = 0; i < lines; ++i) {
    text += "{\"timestamp\":\"2025-01-15T10:30:00." + std::to_string(100 + i % 900) +
            "Z\",\"level\":\"" + (i % 13 == 0 ? "ERROR" : "INFO") + "\",\"message\":\"stage completed\",\"stage\":\"" +
            stages[i % 4] + "\",\"duration_ms\":" + std::to_string((i * 7919) % 2000 + 1) + "}\n";
  }
  return text;
}

std::string stats_json(const std::string& text, unsigned jobs, size_t chunk_bytes) {
  ReadOptions options;
  options.jobs = jobs;
  options.chunk_bytes = chunk_bytes;
  std::vector<Input> inputs{{"log.jsonl", [&] { return trace::Source::from_string("log.jsonl", text); }}};
  trace::LatencyStats stats = trace::formats::run_all<trace::LatencyStats>(
      inputs, options, [] { return trace::LatencyStats(); });
  std::string out;
  trace::output::write_table(stats.finish({}), trace::output::OutputFormat::kJson, {}, out);
  return out;
}

std::string error_of(const std::string& text, unsigned jobs = 1, size_t chunk_bytes = 4 << 20) {
  ReadOptions options;
  options.jobs = jobs;
  options.chunk_bytes = chunk_bytes;
  std::vector<Input> inputs{{"log.jsonl", [&] { return trace::Source::from_string("log.jsonl", text); }}};
  std::vector<CollectSink> sinks(jobs);
  std::vector<trace::RecordSink*> pointers;
  for (CollectSink& sink : sinks) pointers.push_back(&sink);
  try {
    trace::formats::read_inputs(inputs, options, pointers);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("read: stats are byte-identical for 1 and 4 threads and any chunk size", "[read]") {
  std::string text = stage_log(5000);
  std::string reference = stats_json(text, 1, size_t(4) << 20);
  CHECK(stats_json(text, 4, 1024) == reference);
  CHECK(stats_json(text, 2, 4096) == reference);
  CHECK(stats_json(text, 4, 65536) == reference);
  CHECK(stats_json(text, 1, 1024) == reference);
}

TEST_CASE("read: records keep their line numbers across chunk boundaries", "[read]") {
  std::string text = stage_log(300);
  ReadOptions options;
  options.chunk_bytes = 1024;
  std::vector<Input> inputs{{"log.jsonl", [&] { return trace::Source::from_string("log.jsonl", text); }}};
  CollectSink sink;
  trace::RecordSink* sinks[] = {&sink};
  trace::formats::ReadReport report = trace::formats::read_inputs(inputs, options, sinks);
  REQUIRE(sink.logs.size() == 300);
  for (size_t i = 0; i < sink.logs.size(); ++i) REQUIRE(sink.logs[i].line == i + 1);
  CHECK(report.files.at(0).format == "jsonl");
  CHECK(report.files.at(0).logs == 300);
  CHECK(report.files.at(0).spans == 300);
  CHECK(report.files.at(0).bytes == text.size());
}

TEST_CASE("read: the first malformed line is reported whatever the thread count", "[read]") {
  std::string text = stage_log(2000);
  // Break line 700 and line 1500; the error must always name line 700.
  auto break_line = [&](int line, const std::string& junk) {
    size_t pos = 0;
    for (int i = 1; i < line; ++i) pos = text.find('\n', pos) + 1;
    text.insert(pos, junk);
  };
  break_line(1500, "@@");
  break_line(700, "}}");
  std::string expected = error_of(text, 1);
  CHECK(expected.rfind("log.jsonl:700:", 0) == 0);
  CHECK(error_of(text, 4, 2048) == expected);
  CHECK(error_of(text, 2, 8192) == expected);
}

TEST_CASE("read: --lenient skips bad lines, counts them and keeps the first locations", "[read]") {
  std::string text = "not json\n" + stage_log(3) + "{\"broken\": \n" + stage_log(2);
  ReadOptions options;
  options.lenient = true;
  std::vector<Input> inputs{{"log.jsonl", [&] { return trace::Source::from_string("log.jsonl", text); }}};
  CollectSink sink;
  trace::RecordSink* sinks[] = {&sink};
  // The head decides the format from its first complete lines; line 1 is not JSON, so
  // the format is named.
  options.input_format = "jsonl";
  trace::formats::ReadReport report = trace::formats::read_inputs(inputs, options, sinks);
  CHECK(sink.logs.size() == 5);
  REQUIRE(report.files.at(0).skipped == 2);
  REQUIRE(report.files.at(0).first_skips.size() == 2);
  CHECK(report.files.at(0).first_skips[0].rfind("log.jsonl:1:1: ", 0) == 0);
  CHECK(report.files.at(0).first_skips[1].rfind("log.jsonl:5:", 0) == 0);
}

TEST_CASE("read: CRLF line endings and a UTF-8 BOM are accepted", "[read]") {
  std::string text = "\xEF\xBB\xBF{\"level\":\"info\",\"msg\":\"a\",\"time\":\"2025-01-15T10:30:00Z\"}\r\n"
                     "{\"level\":\"warn\",\"msg\":\"b\",\"time\":\"2025-01-15T10:30:01Z\"}\r\n";
  auto loaded = load_text(text, "", "crlf.jsonl");
  CHECK(loaded.format == "jsonl");
  REQUIRE(loaded.records.logs.size() == 2);
  CHECK(loaded.records.logs[1].message == "b");
  CHECK(loaded.records.logs[1].line == 2);
}

TEST_CASE("read: an empty input has no records and no error", "[read]") {
  auto loaded = load_text("  \n\n", "", "empty.json");
  CHECK(loaded.format == "empty");
  CHECK(loaded.records.spans.empty());
  CHECK(loaded.records.logs.empty());
}

TEST_CASE("read: input that is not JSON names the file and the known formats", "[read]") {
  try {
    load_text("hello world\n", "", "notes.txt");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "notes.txt: not JSON: expected '{' or '[' at the start, found \"hello world\\n\" (known formats: " +
              trace::formats::format_names() + ")");
  }
}

TEST_CASE("read: a JSON shape no format knows is named by its keys", "[read]") {
  try {
    load_text("{\"alpha\": 1, \"beta\": [1, 2]}", "", "odd.json");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "odd.json: cannot detect the format (first value has keys: alpha, beta); known formats: " +
              trace::formats::format_names() + "; name one with --input-format");
  }
}

TEST_CASE("read: OTLP metrics are recognised and refused clearly", "[read]") {
  try {
    load_text("{\"resourceMetrics\": []}", "", "metrics.json");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "metrics.json: OTLP metrics are not supported (expected traces or logs)");
  }
}
