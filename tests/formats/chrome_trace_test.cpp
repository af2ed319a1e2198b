#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "formats/chrome_scan.h"
#include "formats/chrome_trace.h"
#include "formats/detect.h"
#include "src/errors.h"
#include "support/load_text.h"

using trace::InputError;
using trace::kSpanClockRelative;
using trace::kSpanIncomplete;
using trace::kSpanInstant;
using trace::testing::load_text;
using trace::testing::load_error;
using trace::testing::OwnedSpan;

namespace {

std::vector<OwnedSpan> load(const std::string& text) {
  trace::testing::Loaded loaded = load_text(text, "chrome");
  return loaded.records.spans;
}

const OwnedSpan& named(const std::vector<OwnedSpan>& spans, const std::string& name) {
  for (const OwnedSpan& span : spans)
    if (span.name == name) return span;
  FAIL("no span named " << name);
  throw;
}

std::string load_error(const std::string& text) {
  try {
    load(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(TRACE_SOURCE_DIR) + "/samples/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const OwnedSpan& with_id(const std::vector<OwnedSpan>& spans, const std::string& id) {
  for (const OwnedSpan& span : spans)
    if (span.span_id == id) return span;
  FAIL("no span with id " << id);
  throw;
}

bool sniffs(const std::string& text) {
  return trace::formats::sniff_chrome_trace(trace::formats::make_head("t.json", text, true));
}

}  // namespace

TEST_CASE("chrome: array form with ph in the first element is detected", "[chrome]") {
  CHECK(sniffs(R"([{"name":"a","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}])"));
  CHECK(sniffs("[\n{\"name\":\"a\",\"ph\":\"B\",\"ts\":1,\"pid\":1,\"tid\":1},\n"));
  CHECK(load_text(R"([{"name":"a","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}])").format == "chrome");
}

TEST_CASE("chrome: object form with traceEvents is detected wherever the key is", "[chrome]") {
  CHECK(sniffs(R"({"traceEvents":[]})"));
  CHECK(sniffs(R"({"displayTimeUnit":"ms","otherData":{"v":1},"traceEvents":[{"ph":"M"}]})"));
  CHECK(load_text(R"({"traceEvents":[{"name":"a","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}]})").format == "chrome");
}

TEST_CASE("chrome: arrays and objects of other shapes are not claimed", "[chrome]") {
  CHECK_FALSE(sniffs(R"([{"traceId":"ab","id":"cd","name":"x"}])"));
  CHECK_FALSE(sniffs(R"({"resourceSpans":[]})"));
  CHECK_FALSE(sniffs(R"({"msg":"hello","level":"info"})"));
}

TEST_CASE("chrome: X events in any order nest by time per thread", "[chrome]") {
  auto spans = load(R"([
{"name":"child","ph":"X","ts":20,"dur":30,"pid":1,"tid":2},
{"name":"root","ph":"X","ts":10,"dur":100,"pid":1,"tid":2},
{"name":"grandchild","ph":"X","ts":25,"dur":5,"pid":1,"tid":2},
{"name":"sibling","ph":"X","ts":50,"dur":60,"pid":1,"tid":2},
{"name":"other-thread","ph":"X","ts":30,"dur":1,"pid":1,"tid":3}
])");
  REQUIRE(spans.size() == 5);
  // Thread by thread in order of first appearance, each in start order.
  CHECK(spans[0].name == "root");
  CHECK(spans[1].name == "child");
  CHECK(spans[2].name == "grandchild");
  CHECK(spans[3].name == "sibling");
  CHECK(spans[4].name == "other-thread");

  CHECK(spans[0].span_id == "1:2:1");
  CHECK(spans[0].parent_id == "");
  CHECK(spans[1].span_id == "1:2:0");
  CHECK(spans[1].parent_id == "1:2:1");
  CHECK(spans[2].span_id == "1:2:2");
  CHECK(spans[2].parent_id == "1:2:0");
  // Starts exactly where child ends: child's sibling, root's child.
  CHECK(spans[3].span_id == "1:2:3");
  CHECK(spans[3].parent_id == "1:2:1");
  CHECK(spans[4].span_id == "1:3:4");
  CHECK(spans[4].parent_id == "");

  CHECK(spans[0].trace_id == "pid:1");
  CHECK(spans[0].service == "pid 1");
  CHECK(spans[0].start_ns == 10'000);
  CHECK(spans[0].duration_ns == 100'000);
  CHECK(spans[0].flags == kSpanClockRelative);
  CHECK(spans[2].line == 4);
}

TEST_CASE("chrome: X events with the same start nest the longer one outside", "[chrome]") {
  auto spans = load(R"([{"name":"short","ph":"X","ts":10,"dur":5,"pid":1,"tid":1},)"
                    R"({"name":"long","ph":"X","ts":10,"dur":10,"pid":1,"tid":1}])");
  REQUIRE(spans.size() == 2);
  CHECK(named(spans, "long").parent_id == "");
  CHECK(named(spans, "short").parent_id == "1:1:1");
}

TEST_CASE("chrome: B/E pairs nest by the per-thread stack", "[chrome]") {
  auto spans = load(R"([
{"name":"outer","ph":"B","ts":0,"pid":1,"tid":1},
{"name":"inner","ph":"B","ts":1,"pid":1,"tid":1},
{"name":"elsewhere","ph":"B","ts":2,"pid":1,"tid":9},
{"ph":"E","ts":3,"pid":1,"tid":1},
{"name":"x","ph":"X","ts":4,"dur":1,"pid":1,"tid":1},
{"ph":"E","ts":10,"pid":1,"tid":1},
{"ph":"E","ts":12.5,"pid":1,"tid":9}
])");
  REQUIRE(spans.size() == 4);
  const OwnedSpan& outer = named(spans, "outer");
  CHECK(outer.span_id == "1:1:0");
  CHECK(outer.parent_id == "");
  CHECK(outer.start_ns == 0);
  CHECK(outer.duration_ns == 10'000);
  const OwnedSpan& inner = named(spans, "inner");
  CHECK(inner.span_id == "1:1:1");
  CHECK(inner.parent_id == "1:1:0");
  CHECK(inner.start_ns == 1'000);
  CHECK(inner.duration_ns == 2'000);
  CHECK(named(spans, "x").parent_id == "1:1:0");
  const OwnedSpan& elsewhere = named(spans, "elsewhere");
  CHECK(elsewhere.span_id == "1:9:2");
  CHECK(elsewhere.parent_id == "");
  CHECK(elsewhere.duration_ns == 10'500);
  CHECK(elsewhere.flags == kSpanClockRelative);
}

TEST_CASE("chrome: B/E pairs at one timestamp still nest as written", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"B","ts":5,"pid":1,"tid":1},{"name":"b","ph":"B","ts":5,"pid":1,"tid":1},)"
                    R"({"ph":"E","ts":5,"pid":1,"tid":1},{"ph":"E","ts":5,"pid":1,"tid":1}])");
  REQUIRE(spans.size() == 2);
  CHECK(named(spans, "a").parent_id == "");
  CHECK(named(spans, "b").parent_id == "1:1:0");
  CHECK(named(spans, "b").duration_ns == 0);
}

TEST_CASE("chrome: an E event without an open B is ignored", "[chrome]") {
  auto spans = load(R"([{"ph":"E","ts":1,"pid":1,"tid":1},{"name":"a","ph":"X","ts":2,"dur":1,"pid":1,"tid":1}])");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].span_id == "1:1:1");
}

TEST_CASE("chrome: B and E args merge with E winning, cat first", "[chrome]") {
  auto spans = load(R"([{"name":"step","cat":"agent","ph":"B","ts":1,"pid":1,"tid":1,"args":{"a":1,"b":"x"}},)"
                    R"({"name":"ignored","ph":"E","ts":2,"pid":1,"tid":1,"args":{"b":"y","c":true}}])");
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.name == "step");
  REQUIRE(span.attrs.size() == 4);
  CHECK(span.attrs[0].key == "cat");
  CHECK(span.attrs[0].text == "agent");
  CHECK(span.attrs[1].key == "a");
  CHECK(span.attrs[1].kind == trace::ValueKind::kInt);
  CHECK(span.attrs[1].text == "1");
  CHECK(span.attrs[2].key == "b");
  CHECK(span.attrs[2].text == "y");
  CHECK(span.attrs[3].key == "c");
  CHECK(span.attrs[3].kind == trace::ValueKind::kBool);
  CHECK(span.attrs[3].text == "true");
}

TEST_CASE("chrome: args keep numbers, strings, bools, null and nested JSON", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1,)"
                    R"("args":{"i":-3,"d":2.5,"s":"t\"q","n":null,"o":{"k":[1, 2]},"l":[true]}}])");
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.attr("i") == "-3");
  CHECK(span.attrs[1].kind == trace::ValueKind::kDouble);
  CHECK(span.attr("d") == "2.5");
  CHECK(span.attr("s") == "t\"q");
  CHECK(span.attrs[3].kind == trace::ValueKind::kNull);
  CHECK(span.attrs[4].kind == trace::ValueKind::kRawJson);
  CHECK(span.attr("o") == R"({"k":[1, 2]})");
  CHECK(span.attr("l") == "[true]");
  CHECK(span.attr("cat") == "<absent>");
  CHECK(span.status == trace::Status::kUnset);
}

TEST_CASE("chrome: args.error marks the span as an error", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1,"args":{"error":"rate limited"}},)"
                    R"({"name":"b","ph":"X","ts":3,"dur":1,"pid":1,"tid":1,"args":{"error":true}},)"
                    R"({"name":"c","ph":"X","ts":5,"dur":1,"pid":1,"tid":1,"args":{"error":false}}])");
  CHECK(named(spans, "a").status == trace::Status::kError);
  CHECK(named(spans, "a").status_message == "rate limited");
  CHECK(named(spans, "b").status == trace::Status::kError);
  CHECK(named(spans, "b").status_message == "");
  CHECK(named(spans, "c").status == trace::Status::kUnset);
}

TEST_CASE("chrome: a B never closed is an incomplete span and still a parent", "[chrome]") {
  auto spans = load(R"([{"name":"open","ph":"B","ts":1,"pid":1,"tid":1},)"
                    R"({"name":"in","ph":"X","ts":2,"dur":1,"pid":1,"tid":1}])");
  REQUIRE(spans.size() == 2);
  const OwnedSpan& open = named(spans, "open");
  CHECK(open.duration_ns == -1);
  CHECK(open.flags == (kSpanIncomplete | kSpanClockRelative));
  CHECK(open.start_ns == 1'000);
  CHECK(named(spans, "in").parent_id == "1:1:0");
}

TEST_CASE("chrome: an X without dur has an unknown duration", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"X","ts":1,"pid":1,"tid":1}])");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[0].flags == (kSpanIncomplete | kSpanClockRelative));
}

TEST_CASE("chrome: process and thread names apply even when they come last", "[chrome]") {
  auto spans = load(R"([
{"name":"plan","ph":"X","ts":1,"dur":5,"pid":7,"tid":1},
{"name":"poll","ph":"X","ts":1,"dur":5,"pid":8,"tid":1},
{"name":"process_name","ph":"M","pid":7,"tid":0,"args":{"name":"agent-worker"}},
{"name":"thread_name","ph":"M","pid":7,"tid":1,"args":{"name":"main"}},
{"name":"process_sort_index","ph":"M","pid":7,"args":{"sort_index":1}}
])");
  REQUIRE(spans.size() == 2);
  const OwnedSpan& plan = named(spans, "plan");
  CHECK(plan.service == "agent-worker");
  CHECK(plan.trace_id == "pid:7");
  CHECK(plan.attr("thread.name") == "main");
  const OwnedSpan& poll = named(spans, "poll");
  CHECK(poll.service == "pid 8");
  CHECK(poll.attr("thread.name") == "<absent>");
}

TEST_CASE("chrome: without a time base the times are relative", "[chrome]") {
  auto spans = load(R"({"traceEvents":[{"name":"a","ph":"X","ts":1.5,"dur":2.25,"pid":1,"tid":1}],"displayTimeUnit":"ns"})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == 1'500);
  CHECK(spans[0].duration_ns == 2'250);
  CHECK(spans[0].flags == kSpanClockRelative);
}

TEST_CASE("chrome: clang's beginningOfTime after the events makes times absolute", "[chrome]") {
  auto spans = load(R"({"traceEvents":[{"name":"Frontend","ph":"X","ts":1.5,"dur":2.25,"pid":1,"tid":1}],)"
                    R"("beginningOfTime":1700000000000000})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == 1'700'000'000'000'001'500);
  CHECK(spans[0].duration_ns == 2'250);
  CHECK(spans[0].flags == 0);
}

TEST_CASE("chrome: Kineto's baseTimeNanoseconds makes times absolute", "[chrome]") {
  auto spans = load(R"({"schemaVersion":1,"baseTimeNanoseconds":1700000000000000000,"traceEvents":[)"
                    R"({"name":"aten::mm","cat":"cpu_op","ph":"X","ts":10.25,"dur":3,"pid":1,"tid":1}]})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == 1'700'000'000'000'010'250);
  CHECK(spans[0].flags == 0);
  CHECK(spans[0].attr("cat") == "cpu_op");
}

TEST_CASE("chrome: fractional microseconds convert to ns exactly, rounding half up", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"X","ts":1700000000123456.789,"dur":1.0005,"pid":1,"tid":1},)"
                    R"({"name":"b","ph":"X","ts":2.0004,"dur":1e3,"pid":1,"tid":2}])");
  CHECK(named(spans, "a").start_ns == 1'700'000'000'123'456'789);
  CHECK(named(spans, "a").duration_ns == 1'001);
  CHECK(named(spans, "b").start_ns == 2'000);
  CHECK(named(spans, "b").duration_ns == 1'000'000);
}

TEST_CASE("chrome: micros_text_to_ns reads plain decimals only", "[chrome]") {
  int64_t ns = 0;
  CHECK((trace::formats::micros_text_to_ns("12", ns) && ns == 12'000));
  CHECK((trace::formats::micros_text_to_ns("-1.2346", ns) && ns == -1'235));
  CHECK((trace::formats::micros_text_to_ns("0.1", ns) && ns == 100));
  CHECK_FALSE(trace::formats::micros_text_to_ns("1e3", ns));
  CHECK_FALSE(trace::formats::micros_text_to_ns("1.", ns));
  CHECK_FALSE(trace::formats::micros_text_to_ns("", ns));
}

TEST_CASE("chrome: an array without its closing bracket is read to the end", "[chrome]") {
  auto spans = load("[\n{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1},\n"
                    "{\"name\":\"b\",\"ph\":\"X\",\"ts\":3,\"dur\":1,\"pid\":1,\"tid\":1}\n");
  REQUIRE(spans.size() == 2);
  CHECK(spans[1].name == "b");
  CHECK(spans[1].line == 3);
}

TEST_CASE("chrome: a trailing comma is accepted with or without the bracket", "[chrome]") {
  CHECK(load("[\n{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1},\n").size() == 1);
  CHECK(load(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1},])").size() == 1);
  CHECK(load(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1},{}])").size() == 1);
}

TEST_CASE("chrome: a truncated last event is an error at its start", "[chrome]") {
  CHECK(load_error("[\n{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1},\n"
                   "  {\"name\":\"b\",\"ph\":\"X\",\"ts\":2,\"args\":{\"q\":\"unfinished") ==
        "input.json:3:3: unexpected end of text inside an event");
}

TEST_CASE("chrome: a ts that is not a number is an error at the value", "[chrome]") {
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":"12","dur":1,"pid":1,"tid":1}])") ==
        "input.json:1:28: expected ts as a number");
  CHECK(load_error("[{\"name\":\"a\",\"ph\":\"B\",\"pid\":1,\"tid\":1},\n {\"ph\":\"E\",\"pid\":1,\"tid\":1}]") ==
        "input.json:1:2: expected ts as a number");
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":1,"dur":null,"pid":1,"tid":1}])") ==
        "input.json:1:36: expected dur as a number");
}

TEST_CASE("chrome: a ts beyond 4e15 microseconds is refused rather than overflowing", "[chrome]") {
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":1e300,"dur":1,"pid":1,"tid":1}])") ==
        "input.json:1:28: expected ts as a number");
  CHECK(load_error(R"([{"name":"a","ph":"i","ts":4000000000000001.5,"pid":1,"tid":1}])") ==
        "input.json:1:28: expected ts as a number");
}

TEST_CASE("chrome: metadata and skipped phases need no ts", "[chrome]") {
  CHECK(load(R"([{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"main"}},{"ph":"s","name":"c"}])").empty());
}

TEST_CASE("chrome: instant events are zero-length spans inside their slice", "[chrome]") {
  auto spans = load(R"([
{"name":"step","ph":"X","ts":0,"dur":10,"pid":1,"tid":1},
{"name":"cache_miss","ph":"i","s":"t","ts":0,"pid":1,"tid":1},
{"name":"old_style","ph":"I","ts":5,"pid":1,"tid":1},
{"name":"at_end","ph":"i","ts":10,"pid":1,"tid":1},
{"name":"global","ph":"i","s":"g","ts":5,"pid":1,"tid":1}
])");
  REQUIRE(spans.size() == 5);
  const OwnedSpan& miss = named(spans, "cache_miss");
  CHECK(miss.duration_ns == 0);
  CHECK(miss.flags == (kSpanInstant | kSpanClockRelative));
  CHECK(miss.parent_id == "1:1:0");
  CHECK(named(spans, "old_style").parent_id == "1:1:0");
  CHECK(named(spans, "old_style").start_ns == 5'000);
  CHECK(named(spans, "at_end").parent_id == "");
  CHECK(named(spans, "global").parent_id == "");
}

TEST_CASE("chrome: string pids and tids key tracks like numbers", "[chrome]") {
  auto spans = load(R"([{"name":"a","ph":"X","ts":0,"dur":10,"pid":"renderer","tid":"main"},)"
                    R"({"name":"b","ph":"X","ts":1,"dur":1,"pid":"renderer","tid":"main"},)"
                    R"({"name":"c","ph":"X","ts":2,"dur":1,"pid":"7","tid":1},)"
                    R"({"name":"process_name","ph":"M","pid":7,"args":{"name":"worker"}}])");
  REQUIRE(spans.size() == 3);
  CHECK(named(spans, "a").span_id == "renderer:main:0");
  CHECK(named(spans, "a").trace_id == "pid:renderer");
  CHECK(named(spans, "a").service == "pid renderer");
  CHECK(named(spans, "b").parent_id == "renderer:main:0");
  CHECK(named(spans, "c").service == "worker");
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":0,"dur":10,"pid":true,"tid":1}])") ==
        "input.json:1:45: expected pid as a number or a string");
}

TEST_CASE("chrome: flow, async step, sample, object and memory events are skipped", "[chrome]") {
  auto spans = load(R"([
{"name":"f","ph":"s","id":"0x2a","ts":1,"pid":1,"tid":1},
{"name":"f","ph":"t","id":"0x2a","ts":2,"pid":1,"tid":1},
{"name":"f","ph":"f","bp":"e","id":"0x2a","ts":3,"pid":1,"tid":1},
{"name":"step","ph":"T","id":"0x3","ts":2,"pid":1,"tid":1},
{"name":"s","ph":"P","ts":1,"pid":1,"tid":1},
{"name":"o","ph":"N","id":"0x1","ts":1,"pid":1,"tid":1},
{"name":"o","ph":"O","id":"0x1","ts":2,"pid":1,"tid":1,"args":{"snapshot":{}}},
{"name":"o","ph":"D","id":"0x1","ts":3,"pid":1,"tid":1},
{"name":"dump","ph":"v","ts":4,"pid":1,"tid":1,"args":{"dumps":{}}},
{"name":"sync","ph":"c","ts":4,"pid":1,"tid":1},
{"name":"kept","ph":"X","ts":5,"dur":1,"pid":1,"tid":1}
])");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].name == "kept");
  CHECK(spans[0].span_id == "1:1:10");
}

TEST_CASE("chrome: nestable async b/e/n events nest per category and id, apart from the thread", "[chrome]") {
  auto spans = load(R"([
{"name":"request","ph":"b","cat":"net","id":"0x7","ts":10,"pid":1,"tid":1,"args":{"url":"/v1/chat"}},
{"name":"dns","ph":"b","cat":"net","id":"0x7","ts":12,"pid":1,"tid":2},
{"name":"cache miss","ph":"n","cat":"net","id":"0x7","ts":13,"pid":1,"tid":2},
{"name":"dns","ph":"e","cat":"net","id":"0x7","ts":20,"pid":1,"tid":2},
{"name":"other","ph":"b","cat":"net","id":"0x8","ts":11,"pid":1,"tid":1},
{"name":"work","ph":"X","ts":10,"dur":100,"pid":1,"tid":1},
{"name":"request","ph":"e","cat":"net","id":"0x7","ts":50,"pid":1,"tid":1,"args":{"status":200}},
{"name":"legacy","ph":"S","cat":"io","id2":{"local":"0x1"},"ts":30,"pid":1,"tid":1},
{"name":"legacy","ph":"F","cat":"io","id2":{"local":"0x1"},"ts":45,"pid":1,"tid":1}
])");
  REQUIRE(spans.size() == 6);
  const OwnedSpan& request = named(spans, "request");
  CHECK(request.duration_ns == 40000);
  CHECK(request.parent_id.empty());  // not inside the thread's X slice: another track
  CHECK(request.attr("url") == "/v1/chat");
  CHECK(request.attr("status") == "200");
  CHECK(request.attr("cat") == "net");
  const OwnedSpan& dns = named(spans, "dns");
  CHECK(dns.parent_id == request.span_id);
  CHECK(dns.duration_ns == 8000);
  const OwnedSpan& miss = named(spans, "cache miss");
  CHECK(miss.parent_id == dns.span_id);
  CHECK(miss.duration_ns == 0);
  CHECK((miss.flags & kSpanInstant) != 0);
  const OwnedSpan& other = named(spans, "other");
  CHECK(other.parent_id.empty());
  CHECK(other.duration_ns == -1);  // never ended
  CHECK((other.flags & kSpanIncomplete) != 0);
  CHECK(named(spans, "legacy").duration_ns == 15000);
  CHECK(named(spans, "work").parent_id.empty());
  CHECK(request.trace_id == named(spans, "work").trace_id);  // one process, one trace
}

TEST_CASE("chrome: counter samples are log records named by the counter, series as fields", "[chrome]") {
  trace::testing::Loaded loaded = load_text(R"({"traceEvents":[
{"name":"process_name","ph":"M","pid":3,"args":{"name":"renderer"}},
{"name":"heap","ph":"C","cat":"memory","ts":1000,"pid":3,"tid":1,"args":{"used_mb":120,"total_mb":512}},
{"name":"step","ph":"X","ts":900,"dur":300,"pid":3,"tid":1}
]})", "chrome");
  REQUIRE(loaded.records.spans.size() == 1);
  REQUIRE(loaded.records.logs.size() == 1);
  const trace::testing::OwnedLog& heap = loaded.records.logs[0];
  CHECK(heap.message == "heap");
  CHECK(heap.logger == "counter");
  CHECK(heap.service == "renderer");
  CHECK(heap.trace_id == "pid:3");
  CHECK(heap.time_ns == 1000000);
  CHECK(heap.field("used_mb") == "120");
  CHECK(heap.field("total_mb") == "512");
  CHECK(heap.field("cat") == "memory");
}

TEST_CASE("chrome: an array element that is not an object is an error", "[chrome]") {
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1}, 5])") ==
        "input.json:1:56: expected an event object");
}

TEST_CASE("chrome: events not separated by commas are an error", "[chrome]") {
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1} {"ph":"i"}])") ==
        "input.json:1:55: expected ',' or ']' after an event");
}

TEST_CASE("chrome: malformed JSON inside an event is an error located in it", "[chrome]") {
  CHECK(load_error(R"([{"name":"a","ph":"X","ts":1,"dur":1,"pid":1,"tid":1,"args":{"a":tru}}])") ==
        "input.json:1:66: malformed args (The JSON element does not have the requested type.)");
  CHECK(load_error(R"([{"name":"a","ph":"X" "ts":1}])") ==
        "input.json:1:23: malformed event (The JSON document has an improper structure: "
        "missing or superfluous commas, braces, missing keys, etc.)");
}

TEST_CASE("chrome: an object form without traceEvents is an error", "[chrome]") {
  CHECK(load_error(R"({"otherData":{"v":1}})") ==
        "input.json:1:1: expected a \"traceEvents\" array in the trace object");
  CHECK(load_error(R"({"traceEvents":{}})") == "input.json:1:16: expected \"traceEvents\" to be an array");
}

TEST_CASE("chrome: an object form cut off inside traceEvents is an error", "[chrome]") {
  CHECK(load_error("{\"traceEvents\":[\n{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1},\n") ==
        "input.json:3:1: unexpected end of text in the \"traceEvents\" array");
}

TEST_CASE("chrome: text after the trace is an error", "[chrome]") {
  CHECK(load_error(R"({"traceEvents":[]} x)") == "input.json:1:20: unexpected text after the end of the trace");
}

TEST_CASE("chrome: the agent worker sample nests four levels under clang's clock", "[chrome]") {
  trace::testing::Loaded loaded = load_text(read_sample("chrome_trace.json"), "", "chrome_trace.json");
  CHECK(loaded.format == "chrome");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 32);
  const OwnedSpan& run = with_id(spans, "7:1:0");
  CHECK(run.name == "agent.run");
  CHECK(run.parent_id == "");
  CHECK(run.service == "agent-worker");
  CHECK(run.trace_id == "pid:7");
  CHECK(run.start_ns == 1'736'937'000'123'456'000);
  CHECK(run.duration_ns == 6'204'510'750);
  CHECK(run.flags == 0);
  CHECK(run.attr("thread.name") == "main");
  CHECK(run.line == 2);
  CHECK(with_id(spans, "7:1:1").parent_id == "7:1:0");  // plan
  const OwnedSpan& llm = with_id(spans, "7:1:3");
  CHECK(llm.name == "llm_call");
  CHECK(llm.parent_id == "7:1:1");
  CHECK(llm.attr("model") == "gpt-4o-mini");
  CHECK(llm.attr("input_tokens") == "1240");
  CHECK(llm.attr("output_tokens") == "188");
  CHECK(with_id(spans, "7:1:4").parent_id == "7:1:3");   // tokenize
  CHECK(with_id(spans, "7:1:8").parent_id == "7:1:1");   // parse_output after the call
  CHECK(with_id(spans, "7:1:11").parent_id == "7:1:10");  // web search inside retrieve
  CHECK(with_id(spans, "7:2:6").parent_id == "7:2:5");   // dns inside the io thread's request
  CHECK(with_id(spans, "7:2:6").attr("thread.name") == "io");
  CHECK(with_id(spans, "7:2:12").flags == kSpanInstant);  // cache_miss, between requests
  CHECK(with_id(spans, "7:2:12").parent_id == "");
  const OwnedSpan& failed = with_id(spans, "7:1:25");
  CHECK(failed.name == "tool:web_search");
  CHECK(failed.parent_id == "7:1:0");
  CHECK(failed.status == trace::Status::kError);
  CHECK(failed.status_message == "HTTP 429: rate limited");
  int errors = 0;
  for (const OwnedSpan& span : spans) errors += span.status == trace::Status::kError;
  CHECK(errors == 1);
}

TEST_CASE("chrome: the streamed tool-runner sample ends without a bracket, one B open", "[chrome]") {
  trace::testing::Loaded loaded = load_text(read_sample("chrome_trace_array.json"), "", "chrome_trace_array.json");
  CHECK(loaded.format == "chrome");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 15);
  const OwnedSpan& first = with_id(spans, "12:1:3");
  CHECK(first.name == "handle_request");
  CHECK(first.service == "tool-runner");
  CHECK(first.attr("thread.name") == "dispatcher");
  CHECK(first.start_ns == 88'123'456'000);
  CHECK(first.duration_ns == 604'144'000);
  CHECK(first.attr("status") == "ok");
  CHECK(first.attr("request_id") == "r-77");
  CHECK(first.flags == kSpanClockRelative);
  const OwnedSpan& wait = with_id(spans, "12:1:5");
  CHECK(wait.parent_id == "12:1:3");
  CHECK(wait.duration_ns == 1'220'000);
  CHECK(wait.attr("queue_depth") == "2");
  CHECK(with_id(spans, "12:3:9").parent_id == "12:3:7");    // oom_guard, after container.start
  CHECK(with_id(spans, "12:3:11").parent_id == "12:3:10");  // stdout inside run_code
  CHECK(with_id(spans, "12:3:13").parent_id == "12:3:7");
  CHECK(with_id(spans, "12:1:18").status == trace::Status::kError);
  CHECK(with_id(spans, "12:1:19").parent_id == "12:1:17");
  const OwnedSpan& open = with_id(spans, "12:1:21");
  CHECK(open.duration_ns == -1);
  CHECK(open.flags == (kSpanIncomplete | kSpanClockRelative));
  CHECK(with_id(spans, "12:1:22").parent_id == "12:1:21");
}
