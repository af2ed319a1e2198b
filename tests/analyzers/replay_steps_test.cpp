// Replay steps (`trace replay`): their order at equal times, logs joined by span id,
// and the state after a step.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/replay_steps.h"
#include "analyzers/span_tree.h"
#include "analyzers/trace_collector.h"

using trace::Attr;
using trace::LogRecord;
using trace::Replay;
using trace::Span;
using trace::StepKind;
using trace::TraceCollector;
using trace::Value;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1736937000000000000;

struct InSpan {
  std::string id, parent, name;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;  // -1: never ended
  std::vector<std::pair<std::string, int64_t>> attrs;
  std::vector<std::pair<std::string, int64_t>> events;  // name, time (ms)
};

struct InLog {
  std::string span_id, message;
  int64_t time_ms = 0;  // -1: no time
  std::vector<std::pair<std::string, std::string>> fields;
  std::string trace = "t1";
};

struct Fixture {
  TraceCollector collector{trace::TraceCollectorOptions{"t1", false}};
  trace::TraceRecords records;
  trace::SpanTree tree;
  Replay replay;

  Fixture(const std::vector<InSpan>& spans, const std::vector<InLog>& logs) {
    for (const InSpan& in : spans) {
      Span span;
      span.trace_id = "t1";
      span.span_id = in.id;
      span.parent_id = in.parent;
      span.name = in.name;
      span.start_ns = kT0 + in.start_ms * kMs;
      span.duration_ns = in.duration_ms < 0 ? -1 : in.duration_ms * kMs;
      std::vector<Attr> attrs;
      for (const auto& [k, v] : in.attrs) attrs.push_back({k, Value::of_int(v)});
      span.attrs = attrs;
      std::vector<trace::SpanEvent> events;
      Attr event_attr{"at", Value::of_string("event")};
      for (const auto& [name, t] : in.events) events.push_back({kT0 + t * kMs, name, trace::Attrs(&event_attr, 1)});
      span.events = events;
      collector.on_span(span);
    }
    for (const InLog& in : logs) {
      LogRecord log;
      log.trace_id = in.trace;
      log.span_id = in.span_id;
      log.message = in.message;
      log.time_ns = in.time_ms < 0 ? 0 : kT0 + in.time_ms * kMs;
      std::vector<Attr> fields;
      for (const auto& [k, v] : in.fields) fields.push_back({k, Value::of_string(v)});
      log.fields = fields;
      collector.on_log(log);
    }
    records = collector.records("t1");
    tree = trace::build_span_tree(records.spans);
    replay = trace::build_replay(tree, records.logs);
  }

  // One line per step: "+OFFSETms DEPTH KIND NAME".
  std::string steps() const {
    std::string out;
    for (const trace::Step& s : replay.steps) {
      out += "+" + std::to_string(replay.offset(s) / kMs) + " " + std::to_string(s.depth) + " ";
      switch (s.kind) {
        case StepKind::kSpanStart: out += "start " + std::string(tree.nodes[s.node].span->name); break;
        case StepKind::kSpanEnd: out += "end " + std::string(tree.nodes[s.node].span->name); break;
        case StepKind::kEvent: out += "event " + std::string(tree.nodes[s.node].span->events[s.item].name); break;
        case StepKind::kLog: out += "log " + std::string(records.logs[s.item]->message); break;
      }
      out += "\n";
    }
    return out;
  }

  std::string open_after(size_t step) const {
    trace::ReplayState state = trace::replay_state(tree, records.logs, replay, step);
    std::string out;
    for (uint32_t i : state.open) out += std::string(tree.nodes[i].span->name) + " ";
    return out;
  }

  std::string known_after(size_t step) const {
    trace::ReplayState state = trace::replay_state(tree, records.logs, replay, step);
    std::string out;
    for (const trace::KnownAttr& a : state.attributes) {
      out += std::string(a.key) + "=";
      out += a.value.kind == trace::ValueKind::kInt ? std::to_string(a.value.integer) : std::string(a.value.text);
      out += "@" + std::to_string(a.step) + " ";
    }
    return out;
  }
};

// run [0,100] > a [0,40] > a1 [10,40]; run > b [40,100] (starts as a ends); run > mark
// at 60 (zero length).
const std::vector<InSpan> kSpans = {
    {"r", "", "run", 0, 100, {{"n", 1}}, {}},  {"a", "r", "a", 0, 40, {{"n", 2}}, {{"retry", 20}}},
    {"a1", "a", "a1", 10, 30, {}, {}},        {"b", "r", "b", 40, 60, {{"n", 3}}, {}},
    {"m", "r", "mark", 60, 0, {}, {}},
};

}  // namespace

TEST_CASE("replay: steps in time order; ends before starts at one instant; nesting kept", "[replay-steps]") {
  Fixture f(kSpans, {});
  CHECK(f.steps() ==
        "+0 0 start run\n"
        "+0 1 start a\n"
        "+10 2 start a1\n"
        "+20 2 event retry\n"
        "+40 2 end a1\n"
        "+40 1 end a\n"
        "+40 1 start b\n"
        "+60 1 start mark\n"
        "+60 1 end mark\n"
        "+100 1 end b\n"
        "+100 0 end run\n");
}

TEST_CASE("replay: logs join their span by id, one level deeper; a log at its span's end comes before the end",
          "[replay-steps]") {
  Fixture f(kSpans, {{"a1", "working", 15}, {"a1", "done", 40}, {"r", "begin", 0}, {"zz", "unknown span", 50},
                     {"", "no span", 70}, {"b", "no time", -1}});
  CHECK(f.steps() ==
        "+0 0 start run\n"
        "+0 1 log begin\n"
        "+0 1 start a\n"
        "+10 2 start a1\n"
        "+15 3 log working\n"
        "+20 2 event retry\n"
        "+40 3 log done\n"
        "+40 2 end a1\n"
        "+40 1 end a\n"
        "+40 1 start b\n"
        "+40 2 log no time\n"
        "+50 0 log unknown span\n"
        "+60 1 start mark\n"
        "+60 1 end mark\n"
        "+70 0 log no span\n"
        "+100 1 end b\n"
        "+100 0 end run\n");
}

TEST_CASE("replay: a span that never ended has no end step; offsets count from the first step", "[replay-steps]") {
  Fixture f({{"r", "", "run", 10, 50, {}, {}}, {"c", "r", "stuck", 20, -1, {}, {}}}, {{"r", "early log", 5}});
  CHECK(f.steps() ==
        "+0 1 log early log\n"
        "+5 0 start run\n"
        "+15 1 start stuck\n"
        "+55 0 end run\n");
  CHECK(f.replay.origin_ns == kT0 + 5 * kMs);
  CHECK(f.open_after(4) == "stuck ");
}

TEST_CASE("replay state: the open spans after a step, outermost first", "[replay-steps]") {
  Fixture f(kSpans, {});
  CHECK(f.open_after(0) == "");
  CHECK(f.open_after(3) == "run a a1 ");
  CHECK(f.open_after(6) == "run ");
  CHECK(f.open_after(8) == "run b mark ");
  CHECK(f.open_after(11) == "");
  CHECK(f.open_after(99) == "");  // clamped to the last step
  CHECK(trace::replay_state(f.tree, f.records.logs, f.replay, 99).step == 11);
}

TEST_CASE("replay state: the attributes known so far, the last step's value per key", "[replay-steps]") {
  Fixture f(kSpans, {{"a1", "working", 15, {{"n", "from-log"}, {"q", "x"}}}});
  // 1 start run (n=1), 2 start a (n=2), 3 start a1, 4 log (n, q), 5 event (at), ... 8 start b (n=3)
  CHECK(f.known_after(1) == "n=1@1 ");
  CHECK(f.known_after(2) == "n=2@2 ");
  CHECK(f.known_after(4) == "n=from-log@4 q=x@4 ");
  CHECK(f.known_after(5) == "at=event@5 n=from-log@4 q=x@4 ");
  CHECK(f.known_after(8) == "at=event@5 n=3@8 q=x@4 ");
}

TEST_CASE("replay: steps until a time count the steps at or before it", "[replay-steps]") {
  Fixture f(kSpans, {});
  CHECK(trace::steps_until(f.replay, -1) == 0);
  CHECK(trace::steps_until(f.replay, 0) == 2);
  CHECK(trace::steps_until(f.replay, 39 * kMs) == 4);
  CHECK(trace::steps_until(f.replay, 40 * kMs) == 7);
  CHECK(trace::steps_until(f.replay, 1000 * kMs) == 11);
}

TEST_CASE("replay: a trace of logs only replays its logs", "[replay-steps]") {
  Fixture f({}, {{"s1", "second", 20}, {"s1", "first", 10}});
  CHECK(f.steps() ==
        "+0 0 log first\n"
        "+10 0 log second\n");
}
