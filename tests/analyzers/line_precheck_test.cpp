// The raw-line pre-check of trace grep: what it rules out, and that it never rules out a
// line whose records match.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analyzers/line_precheck.h"
#include "analyzers/record_filter.h"
#include "formats/read_inputs.h"
#include "src/time.h"
#include "support/run_trace.h"

using trace::FilterSpec;
using trace::LinePrecheck;

namespace {

LinePrecheck severity_at_least(uint8_t severity) {
  LinePrecheck precheck;
  precheck.require_min_severity(severity);
  return precheck;
}

LinePrecheck duration_at_least(int64_t ns) {
  LinePrecheck precheck;
  precheck.require_min_duration(ns);
  return precheck;
}

// Runs the real pipeline over a text and reports, for each line, whether any record of
// it matches the filter (a span is tested with its line's log record, as grep does).
class LineMatches : public trace::RecordSink {
 public:
  explicit LineMatches(FilterSpec spec) : filter_(std::move(spec)) {}

  trace::Flow on_log(const trace::LogRecord& log) override {
    message_ = log.message;
    log_ = log;
    log_.message = message_;
    log_.fields = {};
    log_offset_ = log.src.offset;
    if (filter_.matches(log)) matched.push_back(log.src.line);
    return trace::Flow::kContinue;
  }
  trace::Flow on_span(const trace::Span& span) override {
    const trace::LogRecord* line_log = span.src.offset == log_offset_ ? &log_ : nullptr;
    if (filter_.matches(span, line_log)) matched.push_back(span.src.line);
    return trace::Flow::kContinue;
  }

  std::vector<uint64_t> matched;

 private:
  trace::RecordFilter filter_;
  trace::LogRecord log_;
  std::string message_;
  uint64_t log_offset_ = ~uint64_t(0);
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("line precheck: --level reads level values by name, number and slog offset", "[line_precheck]") {
  LinePrecheck error = severity_at_least(17);
  CHECK(error(R"({"level":"ERROR","msg":"x"})"));
  CHECK(error(R"({"level":"error","msg":"x"})"));
  CHECK(error(R"({"levelname":"CRITICAL","message":"x"})"));
  CHECK(error(R"({"severity":"Fatal"})"));
  CHECK(error(R"({"log.level":"err"})"));
  CHECK(error(R"({"log":{"level":"panic"}})"));
  CHECK(error(R"({"LogLevel":"Error"})"));
  CHECK(error(R"({"level":"INFO+8","msg":"slog offset"})"));
  CHECK(error(R"({"level":50,"msg":"pino error"})"));
  CHECK(error(R"({"levelno":40,"message":"python error"})"));
  CHECK(error(R"({"level":"50","msg":"a number as a string"})"));
  CHECK(error(R"({"severityNumber":17})"));
  CHECK(error(R"({"text":"x","record":{"level":{"name":"ERROR","no":40}}})"));
  CHECK(error(R"({"record":{"level":{"icon":"x","no":40}}})"));
  CHECK_FALSE(error(R"({"level":"INFO","msg":"error in the message is not a level"})"));
  CHECK_FALSE(error(R"({"level":"WARNING","message":"x","error":"not a level"})"));
  CHECK_FALSE(error(R"({"level":30,"msg":"pino info"})"));
  CHECK_FALSE(error(R"({"relevance":99.5,"level":"debug"})"));
  CHECK_FALSE(error(R"({"msg":"no level at all"})"));
  // Python's 30 is a warning, pino's 30 info: a warning threshold takes Python's view.
  CHECK(severity_at_least(13)(R"({"level":30,"msg":"x"})"));
}

TEST_CASE("line precheck: a line with a backslash always passes", "[line_precheck]") {
  LinePrecheck error = severity_at_least(17);
  CHECK(error(R"({"level":"\u0045RROR","msg":"escaped"})"));
  CHECK(error(R"({"level":"INFO","msg":"say \"hi\""})"));
  // Wherever the backslash is, also in the part the vector loop ends with.
  std::string line = R"({"level":"INFO","msg":")" + std::string(100, 'x') + R"("})";
  for (size_t at = 1; at + 2 < line.size(); ++at) {
    std::string escaped = line;
    escaped[at] = '\\';
    INFO(at);
    CHECK(error(escaped));
  }
}

TEST_CASE("line precheck: the level key is found at every position of a line", "[line_precheck]") {
  LinePrecheck error = severity_at_least(17);
  for (size_t pad = 0; pad < 80; ++pad) {
    std::string line = "{\"pad\":\"" + std::string(pad, 'p') + "\",\"level\":\"ERROR\"}";
    INFO(pad);
    CHECK(error(line));
    std::string info = "{\"pad\":\"" + std::string(pad, 'p') + "\",\"level\":\"INFO\"}";
    CHECK_FALSE(error(info));
  }
}

TEST_CASE("line precheck: --min-duration reads duration keys in their largest unit", "[line_precheck]") {
  const int64_t second = trace::kNsPerSecond;
  LinePrecheck slow = duration_at_least(second);
  CHECK(slow(R"({"msg":"x","duration_ms":1000})"));
  CHECK(slow(R"({"msg":"x","duration_ms":999.6})"));  // rounds up in the loader
  CHECK_FALSE(slow(R"({"msg":"x","duration_ms":998})"));
  CHECK(slow(R"({"msg":"x","duration":1})"));        // seconds (or ns: the larger unit wins)
  CHECK(slow(R"({"msg":"x","duration":"1.5s"})"));
  CHECK_FALSE(slow(R"({"msg":"x","duration":"900ms"})"));
  CHECK(slow(R"({"msg":"x","responseTime":1200})"));
  CHECK(slow(R"({"msg":"x","response_time_ms":1200})"));
  CHECK_FALSE(slow(R"({"msg":"x","response_time_ms":900})"));
  CHECK_FALSE(slow(R"({"msg":"x","response_tokens":3000})"));
  CHECK(slow(R"({"msg":"x","elapsed_ms":1e3})"));
  CHECK(slow(R"({"msg":"x","latency_us":1000000})"));
  CHECK_FALSE(slow(R"({"msg":"x","latency_us":999998})"));
  CHECK(slow(R"({"msg":"x","took_ns":1000000000})"));
  CHECK_FALSE(slow(R"({"msg":"x","duration_ns":999999998})"));
  // Trace formats carry start and end times, not a duration key.
  CHECK(slow(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1"}]}]}]})"));
  CHECK_FALSE(slow(R"({"msg":"no duration here","status":200})"));
}

TEST_CASE("line precheck: ids are found in any case and in OTLP's base64 form", "[line_precheck]") {
  CHECK(trace::base64_spellings_of_hex_id("5b8efff798038103d269b633813fc60c") ==
        std::vector<std::string>{"W47/95gDgQPSabYzgT/GDA", "W47_95gDgQPSabYzgT_GDA"});
  CHECK(trace::base64_spellings_of_hex_id("eee19b7ec3c1b174") == std::vector<std::string>{"7uGbfsPBsXQ"});
  CHECK(trace::base64_spellings_of_hex_id("req-1").empty());
  FilterSpec spec;
  spec.trace_id = "5b8efff798038103d269b633813fc60c";
  LinePrecheck precheck = LinePrecheck::for_filter(spec, nullptr, false);
  CHECK(precheck(R"({"traceId":"5B8EFFF798038103D269B633813FC60C"})"));
  CHECK(precheck(R"({"traceId":"W47/95gDgQPSabYzgT/GDA=="})"));
  CHECK_FALSE(precheck(R"({"traceId":"5b8efff798038103d269b633813fc60d"})"));
}

TEST_CASE("line precheck: -v and context read every line", "[line_precheck]") {
  FilterSpec spec;
  spec.level = trace::parse_level_range("error");
  CHECK_FALSE(LinePrecheck::for_filter(spec, nullptr, false).empty());
  CHECK(LinePrecheck::for_filter(spec, nullptr, true).empty());
}

TEST_CASE("line precheck: never rules out a line of the samples that a filter matches", "[line_precheck]") {
  std::vector<std::string> files = {"samples/app_logs.jsonl", "samples/pino.jsonl", "samples/otlp_traces.jsonl"};
  std::vector<FilterSpec> specs;
  auto add = [&specs](auto&& fill) {
    FilterSpec spec;
    fill(spec);
    specs.push_back(spec);
  };
  for (const char* level : {"debug+", "info+", "warn+", "warn", "error+", "fatal"})
    add([&](FilterSpec& s) { s.level = trace::parse_level_range(level); });
  for (int64_t ms : {1, 60, 500, 1000, 5000})
    add([&](FilterSpec& s) { s.min_duration_ns = ms * 1'000'000; });
  add([](FilterSpec& s) { s.errors = true; });
  add([](FilterSpec& s) { s.trace_id = "0634E3074FD3FE99137516717156494B"; });
  add([](FilterSpec& s) { s.trace_id = "7d1e9b2c4a3f4e5d8c6b0a9f8e7d6c5b"; });
  for (const char* text : {"retr", "Rate Limit", "gpt-4o", "req-5", "chat"})
    add([&](FilterSpec& s) {
      s.pattern = text;
      s.match.ignore_case = true;
    });
  add([](FilterSpec& s) {
    s.level = trace::parse_level_range("error+");
    s.min_duration_ns = 100'000'000;
  });
  for (const std::string& file : files) {
    std::string text = trace::testing::read_file(trace::testing::source_path(file));
    std::vector<std::string> lines = lines_of(text);
    for (size_t k = 0; k < specs.size(); ++k) {
      LineMatches matches(specs[k]);
      trace::RecordSink* sinks[] = {&matches};
      std::vector<trace::formats::Input> inputs{{file, [&] { return trace::Source::from_string(file, text); }}};
      trace::formats::read_inputs(inputs, {}, sinks);
      std::optional<trace::TextMatcher> matcher;
      if (specs[k].pattern) matcher.emplace(*specs[k].pattern, specs[k].match);
      LinePrecheck precheck = LinePrecheck::for_filter(specs[k], matcher ? &*matcher : nullptr, false);
      for (uint64_t line : matches.matched) {
        INFO(file << ":" << line << " filter #" << k);
        CHECK(precheck(lines.at(line - 1)));
      }
    }
  }
}
