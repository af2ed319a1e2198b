// trace convert --to jsonl: the exact lines of known records, and the trace-jsonl loader
// that reads them (and grep's JSON lines) back.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/jsonl_writer.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::Attr;
using trace::LogRecord;
using trace::Span;
using trace::SpanEvent;
using trace::Value;
using trace::formats::JsonlWriter;
using trace::testing::load_error;
using trace::testing::load_text;
using trace::testing::render;

namespace {

std::string write_jsonl(const std::function<void(JsonlWriter&)>& feed) {
  std::string out;
  JsonlWriter writer([&out](std::string_view bytes) { out.append(bytes); });
  writer.begin_file("in.json");
  feed(writer);
  writer.finish();
  return out;
}

struct Records {
  std::vector<Attr> attrs{{"model", Value::of_string("gpt-4o")}, {"args", Value::of_raw_json(R"({"k": [1, 2]})")}};
  std::vector<Attr> resource{{"service.name", Value::of_string("rag-api")}};
  std::vector<Attr> event_attrs{{"exception.type", Value::of_string("RateLimitError")}};
  std::vector<SpanEvent> events{{1736937000200000000, "exception", {}}};
  std::vector<Attr> fields{{"retry", Value::of_int(2)}, {"ratio", Value::of_double(0.5)}};
  Span span;
  LogRecord log;

  Records() {
    events[0].attrs = event_attrs;
    span.trace_id = "0af7651916cd43dd8448eb211c80319c";
    span.span_id = "a1f3c2d4e5b60702";
    span.parent_id = "a1f3c2d4e5b60701";
    span.name = "chat";
    span.service = "rag-api";
    span.kind = trace::SpanKind::kClient;
    span.start_ns = 1736937000000000000;
    span.duration_ns = 1250000000;
    span.status = trace::Status::kError;
    span.status_message = "429";
    span.attrs = attrs;
    span.resource_attrs = resource;
    span.events = events;
    span.src.line = 7;
    log.time_ns = 1736937000500000000;
    log.severity = 13;
    log.level_text = "warning";
    log.logger = "rag_api";
    log.message = "slow";
    log.service = "rag-api";
    log.trace_id = "0af7651916cd43dd8448eb211c80319c";
    log.fields = fields;
  }
};

const std::string kSpanLine =
    R"({"kind":"span","time_ns":1736937000000000000,"duration_ns":1250000000,"name":"chat","message":"429",)"
    R"("level":null,"severity":null,"service":"rag-api","trace_id":"0af7651916cd43dd8448eb211c80319c",)"
    R"("span_id":"a1f3c2d4e5b60702","parent_id":"a1f3c2d4e5b60701","status":"error","file":"in.json","line":7,)"
    R"("attrs":{"model":"gpt-4o","args":{"k":[1,2]}},"end_ns":1736937001250000000,"status_message":"429",)"
    R"("span_kind":"client","logger":null,"resource":{"service.name":"rag-api"},)"
    R"("events":[{"time_ns":1736937000200000000,"name":"exception","attrs":{"exception.type":"RateLimitError"}}],)"
    R"("flags":[]})";

const std::string kLogLine =
    R"({"kind":"log","time_ns":1736937000500000000,"duration_ns":null,"name":null,"message":"slow","level":"WARN",)"
    R"("severity":13,"service":"rag-api","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":null,)"
    R"("parent_id":null,"status":null,"file":"in.json","line":null,"attrs":{"retry":2,"ratio":0.5},"end_ns":null,)"
    R"("status_message":null,"span_kind":null,"logger":"rag_api","resource":{},"events":[],"flags":[]})";

}  // namespace

TEST_CASE("jsonl writer: one line per record, every column, null where absent", "[convert][jsonl-writer]") {
  Records r;
  CHECK(write_jsonl([&](JsonlWriter& w) {
          w.on_span(r.span);
          w.on_log(r.log);
        }) == kSpanLine + "\n" + kLogLine + "\n");
}

TEST_CASE("jsonl writer: flags, and a start laid out for a span that had none", "[convert][jsonl-writer]") {
  Span span;
  span.name = "stage";
  span.start_ns = 1910000;
  span.duration_ns = 5;
  span.flags = trace::kSpanStartUnknown | trace::kSpanClockRelative;
  Span unknown = span;
  unknown.start_ns = 0;
  unknown.duration_ns = -1;
  unknown.flags = trace::kSpanStartUnknown | trace::kSpanIncomplete | trace::kSpanInstant;
  std::string out = write_jsonl([&](JsonlWriter& w) {
    w.on_span(span);
    w.on_span(unknown);
  });
  CHECK(out.find(R"({"kind":"span","time_ns":1910000,"duration_ns":5,)") == 0);
  CHECK(out.find(R"("end_ns":1910005,)") != std::string::npos);
  CHECK(out.find(R"("flags":["start_unknown","relative_clock"]})" "\n") != std::string::npos);
  CHECK(out.find(R"({"kind":"span","time_ns":null,"duration_ns":null,)") != std::string::npos);
  CHECK(out.find(R"("end_ns":null,)") != std::string::npos);
  CHECK(out.find(R"("flags":["start_unknown","incomplete","instant"]})" "\n") != std::string::npos);
}

TEST_CASE("trace-jsonl: the writer's lines read back as the same records", "[convert][trace-jsonl]") {
  Records r;
  auto loaded = load_text(write_jsonl([&](JsonlWriter& w) {
                            w.on_span(r.span);
                            w.on_log(r.log);
                          }),
                          "", "out.jsonl");
  CHECK(loaded.format == "trace-jsonl");
  REQUIRE(loaded.records.spans.size() == 1);
  REQUIRE(loaded.records.logs.size() == 1);
  const auto& span = loaded.records.spans[0];
  CHECK(span.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(span.span_id == "a1f3c2d4e5b60702");
  CHECK(span.parent_id == "a1f3c2d4e5b60701");
  CHECK(span.name == "chat");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.status == trace::Status::kError);
  CHECK(span.status_message == "429");
  CHECK(span.start_ns == 1736937000000000000);
  CHECK(span.duration_ns == 1250000000);
  CHECK(span.flags == 0);
  CHECK(render(span.attrs) == R"(model=gpt-4o;args={"k":[1,2]};)");
  CHECK(render(span.resource_attrs) == "service.name=rag-api;");
  REQUIRE(span.events.size() == 1);
  CHECK(span.events[0].time_ns == 1736937000200000000);
  CHECK(span.events[0].name == "exception");
  CHECK(render(span.events[0].attrs) == "exception.type=RateLimitError;");
  CHECK(span.line == 1);
  const auto& log = loaded.records.logs[0];
  CHECK(log.time_ns == 1736937000500000000);
  CHECK(log.severity == 13);
  CHECK(log.level_text == "WARN");
  CHECK(log.logger == "rag_api");
  CHECK(log.message == "slow");
  CHECK(log.service == "rag-api");
  CHECK(log.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(log.span_id.empty());
  CHECK(render(log.fields) == "retry=2;ratio=0.5;");
  CHECK(log.line == 2);
}

TEST_CASE("trace-jsonl: grep's JSON lines read back too, a span's message its status message",
          "[convert][trace-jsonl]") {
  auto loaded = load_text(
      R"({"kind":"span","time_ns":null,"duration_ns":250,"name":"x","message":"boom","level":null,"severity":null,)"
      R"("service":null,"trace_id":"t","span_id":"s","parent_id":null,"status":"error","file":"a.json","line":3,)"
      R"("attrs":{}})"
      "\n",
      "", "grep.jsonl");
  CHECK(loaded.format == "trace-jsonl");
  REQUIRE(loaded.records.spans.size() == 1);
  const auto& span = loaded.records.spans[0];
  CHECK(span.status_message == "boom");
  CHECK(span.flags == trace::kSpanStartUnknown);
  CHECK(span.duration_ns == 250);
  CHECK(span.line == 1);
}

TEST_CASE("trace-jsonl: duration from end_ns when it is missing; other columns kept as attributes",
          "[convert][trace-jsonl]") {
  auto loaded = load_text(
      R"({"kind":"span","time_ns":100,"end_ns":350,"duration_ns":null,"trace_id":null,"span_id":null,)"
      R"("parent_id":null,"status":"ok","attrs":{"a":1},"region":"eu","sample_rate":0.1})"
      "\n",
      "", "user.jsonl");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].duration_ns == 250);
  CHECK(loaded.records.spans[0].status == trace::Status::kOk);
  CHECK(render(loaded.records.spans[0].attrs) == "a=1;region=eu;sample_rate=0.1;");
}

TEST_CASE("trace-jsonl: malformed lines are located", "[convert][trace-jsonl]") {
  const std::string head =
      R"({"kind":"log","time_ns":1,"duration_ns":null,"trace_id":null,"span_id":null,"parent_id":null,"status":null,"attrs":{}})"
      "\n";
  CHECK(load_error(head + R"({"kind":"metric","time_ns":1})" "\n", "", "t.jsonl") ==
        "t.jsonl:2:9: expected kind as \"span\" or \"log\"");
  CHECK(load_error(head + R"({"kind":"span","time_ns":"soon"})" "\n", "", "t.jsonl") ==
        "t.jsonl:2:26: expected time_ns as an integer or null");
  CHECK(load_error(head + R"({"kind":"span","attrs":[1]})" "\n", "", "t.jsonl") ==
        "t.jsonl:2:24: expected attrs as an object or null");
  CHECK(load_error(head + R"({"kind":"span","status":"fine"})" "\n", "", "t.jsonl") ==
        "t.jsonl:2:25: expected status as \"ok\", \"error\", \"unset\" or null");
  CHECK(load_error(head + R"({"time_ns":1})" "\n", "", "t.jsonl") == "t.jsonl:2:1: expected a kind column (\"span\" or \"log\")");
  CHECK(load_error(head + R"({"kind":"span"} x)" "\n", "", "t.jsonl") ==
        "t.jsonl:2:17: expected the end of the line after the object");
}

TEST_CASE("trace-jsonl: invalid UTF-8 is located at its first bad byte", "[convert][trace-jsonl]") {
  const std::string head =
      R"({"kind":"log","time_ns":1,"duration_ns":null,"trace_id":null,"span_id":null,"parent_id":null,"status":null,"attrs":{}})"
      "\n";
  // \xC3 opens a two-byte sequence that '(' does not continue: column 29 of line 2.
  CHECK(load_error(head + "{\"kind\":\"log\",\"message\":\"caf\xC3(\"}\n", "", "t.jsonl") ==
        "t.jsonl:2:29: expected a JSON object (The input is not valid UTF-8)");
}
