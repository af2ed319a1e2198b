#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/run_summary.h"
#include "src/output/report.h"

using trace::Attr;
using trace::LogRecord;
using trace::RunSummary;
using trace::Span;
using trace::Value;

namespace {

constexpr int64_t kT0 = 1736937000000000000;  // 2025-01-15T10:30:00Z
constexpr int64_t kMs = 1000000;

// Records with the storage their views point into.
struct Records {
  std::vector<std::vector<Attr>> attrs;
  std::vector<Span> spans;
  std::vector<LogRecord> logs;
  // The order of delivery: 's'pan or 'l'og, index.
  std::vector<std::pair<char, size_t>> order;

  void log(int64_t t, uint8_t severity, std::string_view service, std::string_view logger, std::string_view message,
           uint32_t file = 0) {
    LogRecord l;
    l.time_ns = t;
    l.severity = severity;
    l.service = service;
    l.logger = logger;
    l.message = message;
    l.src.file_index = file;
    l.src.offset = order.size() * 100;
    logs.push_back(l);
    order.emplace_back('l', logs.size() - 1);
  }
  void span(int64_t start, int64_t duration, std::string_view name, std::string_view service, bool error,
            std::string_view status = {}, uint32_t file = 0) {
    Span s;
    s.start_ns = start;
    s.duration_ns = duration;
    s.name = name;
    s.service = service;
    s.status = error ? trace::Status::kError : trace::Status::kUnset;
    s.status_message = status;
    s.src.file_index = file;
    s.src.offset = order.size() * 100;
    spans.push_back(s);
    order.emplace_back('s', spans.size() - 1);
  }
  void feed(RunSummary& sink, size_t from = 0, size_t to = SIZE_MAX) const {
    for (size_t i = from; i < order.size() && i < to; ++i) {
      if (order[i].first == 's')
        sink.on_span(spans[order[i].second]);
      else
        sink.on_log(logs[order[i].second]);
    }
  }
};

Records sample() {
  Records r;
  r.log(kT0, 9, "api", "api.http", "request received");
  r.log(kT0 + 100 * kMs, 17, "api", "api.db", "query 42 failed after 3000 ms");
  r.span(kT0 + 200 * kMs, 500 * kMs, "GET /x", "api", false);
  r.span(kT0 + 300 * kMs, 900 * kMs, "llm", "worker", true, "429 rate limited");
  r.log(kT0 + 61000 * kMs, 13, "worker", "worker.main", "slow");
  r.log(kT0 + 62000 * kMs, 17, "worker", "worker.main", "query 7 failed after 10 ms", 1);
  r.span(kT0 + 62500 * kMs, 100 * kMs, "GET /x", "api", false, {}, 1);
  r.log(0, 0, "", "", "no time, no level", 1);
  return r;
}

std::vector<trace::InputFacts> two_files() { return {{"a.jsonl", "jsonl", 1000}, {"b.json", "otlp-traces", 2000}}; }

std::string json_of(RunSummary& summary) {
  trace::output::Report report = summary.finish(two_files());
  std::string out;
  trace::output::write_report(report, trace::output::OutputFormat::kJson, {}, "", out);
  return out;
}

const trace::output::Section& section(const trace::output::Report& report, std::string_view name) {
  const trace::output::Section* s = report.find(name);
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("run-summary: per-file counts, errors, time range and throughput", "[summary][run-summary]") {
  Records r = sample();
  RunSummary summary;
  r.feed(summary);
  auto report = summary.finish(two_files());
  const auto& files = section(report, "files").table;
  REQUIRE(files.rows.size() == 3);
  using trace::output::Row;
  // file, format, bytes, records, spans, logs, errors, error_rate, first, last, wall, records/s
  CHECK(files.rows[0] == Row{std::string("a.jsonl"), std::string("jsonl"), int64_t(1000), int64_t(5), int64_t(2),
                             int64_t(3), int64_t(2), 0.4, kT0, kT0 + 61000 * kMs, int64_t(61000 * kMs), 0.082});
  CHECK(files.rows[1] == Row{std::string("b.json"), std::string("otlp-traces"), int64_t(2000), int64_t(3), int64_t(1),
                             int64_t(2), int64_t(1), 1.0 / 3, kT0 + 62000 * kMs, kT0 + 62600 * kMs,
                             int64_t(600 * kMs), 5.0});
  CHECK(files.rows[2] == Row{std::string("(total)"), std::string("mixed"), int64_t(3000), int64_t(8), int64_t(3),
                             int64_t(5), int64_t(3), 0.375, kT0, kT0 + 62600 * kMs, int64_t(62600 * kMs), 0.128});
  CHECK(report.meta.records == 8);
}

TEST_CASE("run-summary: levels per file and in total", "[summary][run-summary]") {
  Records r = sample();
  RunSummary summary;
  r.feed(summary);
  auto report = summary.finish(two_files());
  const auto& levels = section(report, "levels").table;
  REQUIRE(levels.rows.size() == 3);
  using trace::output::Row;
  CHECK(levels.rows[0] == Row{std::string("a.jsonl"), int64_t(0), int64_t(0), int64_t(1), int64_t(1), int64_t(1),
                              int64_t(0), int64_t(0)});
  CHECK(levels.rows[2] == Row{std::string("(total)"), int64_t(0), int64_t(0), int64_t(1), int64_t(1), int64_t(2),
                              int64_t(0), int64_t(1)});
}

TEST_CASE("run-summary: error messages group by template with first and last seen", "[summary][run-summary]") {
  Records r = sample();
  RunSummary summary;
  r.feed(summary);
  auto report = summary.finish(two_files());
  const auto& errors = section(report, "errors").table;
  REQUIRE(errors.rows.size() == 2);
  using trace::output::Row;
  CHECK(errors.rows[0] == Row{std::string("query <num> failed after <num> ms"), int64_t(2), kT0 + 100 * kMs,
                              kT0 + 62000 * kMs, std::string("query 42 failed after 3000 ms")});
  CHECK(errors.rows[1] == Row{std::string("<num> rate limited"), int64_t(1), kT0 + 300 * kMs, kT0 + 300 * kMs,
                              std::string("429 rate limited")});
}

TEST_CASE("run-summary: span names by total time, services and loggers by count", "[summary][run-summary]") {
  Records r = sample();
  RunSummary summary;
  r.feed(summary);
  auto report = summary.finish(two_files());
  using trace::output::Row;
  const auto& names = section(report, "span_names").table;
  REQUIRE(names.rows.size() == 2);
  CHECK(names.rows[0] == Row{std::string("llm"), int64_t(1), int64_t(1), 1.0, int64_t(900 * kMs),
                             int64_t(900 * kMs), int64_t(900 * kMs)});
  CHECK(names.rows[1] == Row{std::string("GET /x"), int64_t(2), int64_t(0), 0.0, int64_t(600 * kMs),
                             int64_t(300 * kMs), int64_t(500 * kMs)});
  const auto& services = section(report, "services").table;
  REQUIRE(services.rows.size() == 3);
  CHECK(services.rows[0] == Row{std::string("api"), int64_t(4), int64_t(2), int64_t(2), int64_t(1), 0.25});
  CHECK(services.rows[1] == Row{std::string("worker"), int64_t(3), int64_t(1), int64_t(2), int64_t(2), 2.0 / 3});
  CHECK(services.rows[2] == Row{std::string("(none)"), int64_t(1), int64_t(0), int64_t(1), int64_t(0), 0.0});
  const auto& loggers = section(report, "loggers").table;
  REQUIRE(loggers.rows.size() == 4);
  CHECK(loggers.rows[0] == Row{std::string("worker.main"), int64_t(2), int64_t(1), int64_t(1), 0.5});
}

TEST_CASE("run-summary: a log line's own span counts once in records and errors", "[summary][run-summary]") {
  std::vector<Attr> fields{{"stage", Value::of_string("retrieve")}, {"duration_ms", Value::of_int(250)}};
  LogRecord log;
  log.time_ns = kT0;
  log.severity = 17;
  log.message = "retrieve failed";
  log.service = "api";
  log.fields = fields;
  log.src.offset = 7;
  Span span;
  span.start_ns = kT0 - 250 * kMs;
  span.duration_ns = 250 * kMs;
  span.name = "retrieve";
  span.service = "api";
  span.status = trace::Status::kError;
  span.status_message = "retrieve failed";
  span.attrs = fields;
  span.src = log.src;
  RunSummary summary(trace::SummaryOptions{trace::parse_record_key_spec({"name"}, std::vector{trace::RecordKeyKind::kName}), 10});
  summary.on_log(log);
  summary.on_span(span);
  auto report = summary.finish(std::vector<trace::InputFacts>{{"a.jsonl", "jsonl", 10}});
  using trace::output::Row;
  const auto& files = section(report, "files").table;
  CHECK(files.rows[0][3] == trace::output::Cell{int64_t(1)});  // records
  CHECK(files.rows[0][4] == trace::output::Cell{int64_t(1)});  // spans
  CHECK(files.rows[0][6] == trace::output::Cell{int64_t(1)});  // errors
  const auto& errors = section(report, "errors").table;
  REQUIRE(errors.rows.size() == 1);
  CHECK(errors.rows[0][1] == trace::output::Cell{int64_t(1)});
  const auto& groups = section(report, "groups").table;
  REQUIRE(groups.rows.size() == 1);
  CHECK(groups.rows[0] == Row{std::string("retrieve"), int64_t(1), int64_t(1), int64_t(1), int64_t(1), 1.0,
                              int64_t(250 * kMs)});
  REQUIRE(report.meta.notes.size() == 1);
  CHECK(report.meta.notes[0] == "a.jsonl: 1 of its spans are log lines with a duration, counted once as records");
}

TEST_CASE("run-summary: --every gives a histogram with its empty buckets", "[summary][run-summary]") {
  Records r = sample();
  trace::SummaryOptions options;
  options.group_by.parts.push_back({trace::RecordKeyKind::kTime, {}, 30000 * kMs});
  RunSummary summary(options);
  r.feed(summary);
  auto report = summary.finish(two_files());
  const auto& groups = section(report, "groups").table;
  using trace::output::Row;
  REQUIRE(groups.rows.size() == 4);
  CHECK(groups.rows[0] == Row{trace::output::Cell{}, int64_t(1), int64_t(0), int64_t(1), int64_t(0), 0.0,
                              trace::output::Cell{}});
  CHECK(groups.rows[1] == Row{kT0, int64_t(4), int64_t(2), int64_t(2), int64_t(2), 0.5, int64_t(1400 * kMs)});
  CHECK(groups.rows[2] == Row{kT0 + 30000 * kMs, int64_t(0), int64_t(0), int64_t(0), int64_t(0),
                              trace::output::Cell{}, trace::output::Cell{}});
  CHECK(groups.rows[3] == Row{kT0 + 60000 * kMs, int64_t(3), int64_t(1), int64_t(2), int64_t(1), 1.0 / 3,
                              int64_t(100 * kMs)});
}

TEST_CASE("run-summary: merging any split in any order gives the same report", "[summary][run-summary]") {
  Records r = sample();
  trace::SummaryOptions options;
  options.group_by = trace::parse_record_key_spec({"service,file"}, std::vector{trace::RecordKeyKind::kService,
                                                                                 trace::RecordKeyKind::kFile});
  RunSummary whole(options);
  r.feed(whole);
  std::string expected = json_of(whole);
  for (size_t cut1 = 0; cut1 <= r.order.size(); ++cut1)
    for (size_t cut2 = cut1; cut2 <= r.order.size(); ++cut2) {
      RunSummary a(options), b(options), c(options);
      r.feed(a, 0, cut1);
      r.feed(b, cut1, cut2);
      r.feed(c, cut2);
      c.merge(a);
      b.merge(c);
      INFO("cuts " << cut1 << ", " << cut2);
      CHECK(json_of(b) == expected);
    }
}
