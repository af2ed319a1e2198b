// trace convert --to chrome: the exact events of known records, and the output read back
// by trace's Chrome loader as the same records.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/chrome_writer.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::Attr;
using trace::LogRecord;
using trace::Span;
using trace::SpanEvent;
using trace::Value;
using trace::formats::ChromeWriter;
using trace::testing::load_text;
using trace::testing::render;

namespace {

std::string write_chrome(const std::function<void(ChromeWriter&)>& feed) {
  std::string out;
  ChromeWriter writer([&out](std::string_view bytes) { out.append(bytes); });
  feed(writer);
  writer.finish();
  return out;
}

std::string micros(int64_t ns) {
  std::string out;
  trace::formats::append_micros(ns, out);
  return out;
}

struct Records {
  std::vector<Attr> root_attrs{{"cat", Value::of_string("agent")}, {"goal", Value::of_string("summarize")}};
  std::vector<Attr> child_attrs{{"model", Value::of_string("gpt-4o")},
                                {"trace", Value::of_int(1)},
                                {"model", Value::of_string("duplicate")}};
  std::vector<Attr> event_attrs{{"exception.type", Value::of_string("RateLimitError")}};
  std::vector<SpanEvent> events{{1736937000200000000, "exception", {}}};
  std::vector<Attr> fields{{"retry", Value::of_int(2)}};
  Span root, child, open, instant;
  LogRecord log;

  Records() {
    events[0].attrs = event_attrs;
    root.trace_id = "0af7651916cd43dd8448eb211c80319c";
    root.span_id = "a1f3c2d4e5b60701";
    root.name = "agent.run";
    root.service = "rag-api";
    root.start_ns = 1736937000123456789;
    root.duration_ns = 1500;
    root.status = trace::Status::kOk;
    root.attrs = root_attrs;
    child = root;
    child.span_id = "a1f3c2d4e5b60702";
    child.parent_id = "a1f3c2d4e5b60701";
    child.name = "chat";
    child.kind = trace::SpanKind::kClient;
    child.status = trace::Status::kError;
    child.status_message = "429";
    child.duration_ns = 1000;
    child.attrs = child_attrs;
    child.events = events;
    open = root;
    open.trace_id = "";
    open.span_id = "";
    open.service = "worker";
    open.name = "stream";
    open.duration_ns = -1;
    open.status = trace::Status::kUnset;
    open.attrs = {};
    instant = open;
    instant.name = "cache_miss";
    instant.duration_ns = 0;
    instant.flags = trace::kSpanInstant;
    log.time_ns = 1736937000123457000;
    log.severity = 13;
    log.level_text = "warning";
    log.logger = "rag_api";
    log.message = "slow retrieval";
    log.trace_id = "0af7651916cd43dd8448eb211c80319c";
    log.span_id = "a1f3c2d4e5b60701";
    log.service = "rag-api";
    log.fields = fields;
  }
};

}  // namespace

TEST_CASE("chrome writer: ns as microseconds with up to three exact decimals", "[convert][chrome-writer]") {
  CHECK(micros(1234567) == "1234.567");
  CHECK(micros(1500) == "1.5");
  CHECK(micros(2000) == "2");
  CHECK(micros(1) == "0.001");
  CHECK(micros(0) == "0");
  CHECK(micros(-1500) == "-1.5");
  CHECK(micros(1736937000123456789) == "1736937000123456.789");
}

TEST_CASE("chrome writer: processes per service, threads per trace, X, B, i and log events",
          "[convert][chrome-writer]") {
  Records r;
  CHECK(write_chrome([&](ChromeWriter& w) {
          w.on_span(r.root);
          w.on_span(r.child);
          w.on_log(r.log);
          w.on_span(r.open);
          w.on_span(r.instant);
        }) ==
        "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
        R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"rag-api"}},)" "\n"
        R"({"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"trace 0af7651916cd43dd8448eb211c80319c"}},)" "\n"
        R"({"name":"agent.run","cat":"agent","ph":"X","ts":1736937000123456.789,"dur":1.5,"pid":1,"tid":1,)"
        R"("args":{"trace":{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"a1f3c2d4e5b60701","status":"ok"},)"
        R"("goal":"summarize"}},)" "\n"
        R"({"name":"chat","ph":"X","ts":1736937000123456.789,"dur":1,"pid":1,"tid":1,)"
        R"("args":{"trace":{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"a1f3c2d4e5b60702",)"
        R"("parent_id":"a1f3c2d4e5b60701","status":"error","status_message":"429","kind":"client",)"
        R"("events":[{"time_ns":1736937000200000000,"name":"exception","attrs":{"exception.type":"RateLimitError"}}]},)"
        R"("model":"gpt-4o","trace.attr":1}},)" "\n"
        R"({"name":"slow retrieval","cat":"log","ph":"i","s":"t","ts":1736937000123457,"pid":1,"tid":1,)"
        R"("args":{"trace":{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"a1f3c2d4e5b60701",)"
        R"("level":"warning","severity":13,"logger":"rag_api"},"retry":2}},)" "\n"
        R"({"name":"process_name","ph":"M","pid":2,"tid":0,"args":{"name":"worker"}},)" "\n"
        R"({"name":"thread_name","ph":"M","pid":2,"tid":2,"args":{"name":"no trace"}},)" "\n"
        R"({"name":"stream","ph":"B","ts":1736937000123456.789,"pid":2,"tid":2,"args":{"trace":{}}},)" "\n"
        R"({"name":"cache_miss","ph":"i","s":"t","ts":1736937000123456.789,"pid":2,"tid":2,"args":{"trace":{}}})" "\n"
        "],\"clockDomain\":\"unix_epoch\"}\n");
}

TEST_CASE("chrome writer: no clockDomain when a span's clock has no epoch; an empty file is valid",
          "[convert][chrome-writer]") {
  Span span;
  span.name = "step";
  span.duration_ns = 5;
  span.flags = trace::kSpanClockRelative;
  std::string out = write_chrome([&](ChromeWriter& w) { w.on_span(span); });
  CHECK(out.substr(out.size() - 4) == "\n]}\n");
  CHECK(write_chrome([](ChromeWriter&) {}) == "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n],\"clockDomain\":\"unix_epoch\"}\n");
  auto loaded = load_text(out, "", "relative.json");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].flags == trace::kSpanClockRelative);
}

TEST_CASE("chrome writer: the output reads back as the same records", "[convert][chrome-writer][chrome]") {
  Records r;
  std::string out = write_chrome([&](ChromeWriter& w) {
    w.on_span(r.root);
    w.on_span(r.child);
    w.on_log(r.log);
    w.on_span(r.open);
    w.on_span(r.instant);
  });
  auto loaded = load_text(out, "", "out.json");
  CHECK(loaded.format == "chrome");
  REQUIRE(loaded.records.spans.size() == 4);
  REQUIRE(loaded.records.logs.size() == 1);
  // Chrome's order: per thread, by start time, outer slices first.
  const auto& root = loaded.records.spans[0];
  CHECK(root.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(root.span_id == "a1f3c2d4e5b60701");
  CHECK(root.parent_id.empty());
  CHECK(root.name == "agent.run");
  CHECK(root.service == "rag-api");
  CHECK(root.status == trace::Status::kOk);
  CHECK(root.start_ns == 1736937000123456789);
  CHECK(root.duration_ns == 1500);
  CHECK(root.flags == 0);
  CHECK(render(root.attrs) == "cat=agent;goal=summarize;");
  const auto& child = loaded.records.spans[1];
  CHECK(child.span_id == "a1f3c2d4e5b60702");
  CHECK(child.parent_id == "a1f3c2d4e5b60701");
  CHECK(child.kind == trace::SpanKind::kClient);
  CHECK(child.status == trace::Status::kError);
  CHECK(child.status_message == "429");
  CHECK(child.duration_ns == 1000);
  CHECK(render(child.attrs) == "model=gpt-4o;trace.attr=1;");
  REQUIRE(child.events.size() == 1);
  CHECK(child.events[0].time_ns == 1736937000200000000);
  CHECK(child.events[0].name == "exception");
  CHECK(render(child.events[0].attrs) == "exception.type=RateLimitError;");
  const auto& open = loaded.records.spans[2];
  CHECK(open.name == "stream");
  CHECK(open.service == "worker");
  CHECK(open.trace_id.empty());
  CHECK(open.span_id.empty());
  CHECK(open.duration_ns == -1);
  CHECK(open.flags == trace::kSpanIncomplete);
  const auto& instant = loaded.records.spans[3];
  CHECK(instant.name == "cache_miss");
  CHECK(instant.duration_ns == 0);
  CHECK(instant.flags == trace::kSpanInstant);
  const auto& log = loaded.records.logs[0];
  CHECK(log.time_ns == 1736937000123457000);
  CHECK(log.severity == 13);
  CHECK(log.level_text == "warning");
  CHECK(log.logger == "rag_api");
  CHECK(log.message == "slow retrieval");
  CHECK(log.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(log.span_id == "a1f3c2d4e5b60701");
  CHECK(log.service == "rag-api");
  CHECK(render(log.fields) == "retry=2;");
}

TEST_CASE("chrome: args.trace gives an event its ids even when the nesting says otherwise", "[convert][chrome]") {
  // b lies inside a in time, but ran beside it (a concurrent sibling): args.trace says so.
  auto loaded = load_text(R"({"traceEvents":[
{"name":"a","ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"args":{"trace":{"trace_id":"t","span_id":"a","parent_id":"p"}}},
{"name":"b","ph":"X","ts":2,"dur":3,"pid":1,"tid":1,"args":{"trace":{"trace_id":"t","span_id":"b","parent_id":"p","start_unknown":true}}},
{"name":"c","ph":"X","ts":4,"dur":1,"pid":1,"tid":1,"args":{"x":1}}
]})");
  REQUIRE(loaded.records.spans.size() == 3);
  CHECK(loaded.records.spans[1].name == "b");
  CHECK(loaded.records.spans[1].parent_id == "p");
  CHECK(loaded.records.spans[1].flags == (trace::kSpanStartUnknown | trace::kSpanClockRelative));
  // An event without it keeps the thread's ids and nesting.
  CHECK(loaded.records.spans[2].trace_id == "pid:1");
  CHECK(loaded.records.spans[2].parent_id == "1:1:1");
}
