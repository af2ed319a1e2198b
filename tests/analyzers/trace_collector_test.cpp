// The trace collector behind `trace tree` and `trace replay`: summaries, what it keeps
// with and without a filter, owned copies, and the merge law.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/trace_collector.h"

using trace::LogRecord;
using trace::Span;
using trace::TraceCollector;
using trace::TraceCollectorOptions;
using trace::TraceSummary;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1736937000000000000;

struct In {
  std::string trace, id, parent, name;
  int64_t start_ms = 0, duration_ms = 0;
  bool error = false;
};

const std::vector<In> kSpans = {
    {"aaaa1111", "r1", "", "first-root", 0, 100},       {"aaaa1111", "c1", "r1", "child", 10, 20, true},
    {"aaaa2222", "c2", "r2", "orphan", 200, 50},        {"aaaa2222", "r2", "", "second-root", 195, 400},
    {"bbbb3333", "x", "missing", "only-orphan", 500, 10},
};

void feed(TraceCollector& c, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const In& in = kSpans[i];
    // Strings that die after the call, as a loader's do.
    std::string trace_id = in.trace, id = in.id, parent = in.parent, name = in.name;
    std::string key = "k", text = "value-" + id;
    trace::Attr attr{key, trace::Value::of_string(text)};
    Span span;
    span.trace_id = trace_id;
    span.span_id = id;
    span.parent_id = parent;
    span.name = name;
    span.start_ns = kT0 + in.start_ms * kMs;
    span.duration_ns = in.duration_ms * kMs;
    span.status = in.error ? trace::Status::kError : trace::Status::kUnset;
    span.attrs = trace::Attrs(&attr, 1);
    span.src.line = i + 1;
    c.on_span(span);
    trace_id.assign(trace_id.size(), '#');
    name.assign(name.size(), '#');
    text.assign(text.size(), '#');
  }
}

void feed_log(TraceCollector& c, const std::string& trace_id, int64_t time_ms, uint8_t severity) {
  LogRecord log;
  std::string id = trace_id, message = "message";
  log.trace_id = id;
  log.message = message;
  log.time_ns = kT0 + time_ms * kMs;
  log.severity = severity;
  c.on_log(log);
}

std::string describe(const std::vector<const TraceSummary*>& traces) {
  std::string out;
  for (const TraceSummary* s : traces)
    out += s->trace_id + " root=" + s->root_name + " start=" + std::to_string((s->start_ns - kT0) / kMs) +
           " dur=" + std::to_string(s->duration_ns() / kMs) + " spans=" + std::to_string(s->spans) +
           " errors=" + std::to_string(s->errors) + " logs=" + std::to_string(s->logs) + "\n";
  return out;
}

}  // namespace

TEST_CASE("trace collector: one summary per trace, by start; the root is the first span without a parent",
          "[trace-collector]") {
  TraceCollector c;
  feed(c, 0, kSpans.size());
  feed_log(c, "aaaa1111", 50, 17);
  feed_log(c, "cccc4444", 900, 9);  // a trace of logs only
  CHECK(describe(c.summaries()) ==
        "aaaa1111 root=first-root start=0 dur=100 spans=2 errors=1 logs=1\n"
        "aaaa2222 root=second-root start=195 dur=400 spans=2 errors=0 logs=0\n"
        "bbbb3333 root=only-orphan start=500 dur=10 spans=1 errors=0 logs=0\n"
        "cccc4444 root= start=900 dur=0 spans=0 errors=0 logs=1\n");
  CHECK(c.find("aaaa1111")->error_logs == 1);
  // Without a filter, nothing is kept.
  CHECK(c.kept().empty());
  CHECK(c.records("aaaa1111").spans.empty());
}

TEST_CASE("trace collector: a prefix keeps the traces it starts (case ignored), owned", "[trace-collector]") {
  TraceCollector c(TraceCollectorOptions{"AAAA2", false});
  feed(c, 0, kSpans.size());
  REQUIRE(c.kept().size() == 1);
  trace::TraceRecords r = c.records("aaaa2222");
  REQUIRE(r.spans.size() == 2);
  CHECK(r.spans[0]->name == "second-root");  // by start
  CHECK(r.spans[1]->name == "orphan");
  CHECK(r.spans[1]->parent_id == "r2");
  CHECK(r.spans[1]->attrs.size() == 1);
  CHECK(r.spans[1]->attrs[0].value.text == "value-c2");
  CHECK(r.spans[1]->line == 3);
  CHECK(c.records("aaaa1111").spans.empty());
  CHECK(c.summaries().size() == 3);  // every trace is still summarized
}

TEST_CASE("trace collector: keep_all keeps every trace and its logs", "[trace-collector]") {
  TraceCollector c(TraceCollectorOptions{"", true});
  feed(c, 0, kSpans.size());
  feed_log(c, "bbbb3333", 505, 9);
  CHECK(c.kept().size() == 3);
  CHECK(c.records("bbbb3333").logs.size() == 1);
  CHECK(c.records("bbbb3333").logs[0]->message == "message");
}

TEST_CASE("trace collector: merging any split gives the same summaries and records", "[trace-collector]") {
  TraceCollector whole(TraceCollectorOptions{"", true});
  feed(whole, 0, kSpans.size());
  for (size_t cut = 0; cut <= kSpans.size(); ++cut) {
    TraceCollector left(TraceCollectorOptions{"", true}), right(TraceCollectorOptions{"", true});
    feed(left, cut, kSpans.size());  // the later half first: merge order must not matter
    feed(right, 0, cut);
    left.merge(right);
    INFO("cut at " << cut);
    CHECK(describe(left.summaries()) == describe(whole.summaries()));
    CHECK(right.trace_count() == 0);
    for (const TraceSummary* s : whole.summaries()) {
      trace::TraceRecords a = whole.records(s->trace_id), b = left.records(s->trace_id);
      REQUIRE(a.spans.size() == b.spans.size());
      for (size_t i = 0; i < a.spans.size(); ++i) {
        CHECK(a.spans[i]->span_id == b.spans[i]->span_id);
        CHECK(b.spans[i]->attrs[0].value.text == a.spans[i]->attrs[0].value.text);
      }
    }
  }
}

TEST_CASE("trace collector: trace id prefixes ignore ASCII case", "[trace-collector]") {
  CHECK(trace::trace_id_has_prefix("8e1d4c7b", "8E1D"));
  CHECK(trace::trace_id_has_prefix("8e1d4c7b", ""));
  CHECK_FALSE(trace::trace_id_has_prefix("8e1d", "8e1d4"));
  CHECK_FALSE(trace::trace_id_has_prefix("8e1d4c7b", "8e2"));
}

TEST_CASE("trace collector: the arena keeps long strings and many short ones valid", "[trace-collector]") {
  trace::StringArena arena;
  std::vector<std::string_view> views;
  for (int i = 0; i < 5000; ++i) views.push_back(arena.copy("value-" + std::to_string(i)));
  std::string big(100000, 'x');
  std::string_view big_view = arena.copy(big);
  trace::StringArena other;
  std::string_view moved = other.copy("from the other arena");
  arena.absorb(other);
  CHECK(views[0] == "value-0");
  CHECK(views[4999] == "value-4999");
  CHECK(big_view == big);
  CHECK(moved == "from the other arena");
  CHECK(arena.copy("").empty());
}
