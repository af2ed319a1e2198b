// trace convert --to otlp: the exact OTLP/JSON lines of known records, the id rules, and
// the output read back by trace's own OTLP loaders.
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/otlp_writer.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::Attr;
using trace::LogRecord;
using trace::Span;
using trace::SpanEvent;
using trace::Value;
using trace::formats::OtlpWriter;
using trace::testing::load_text;
using trace::testing::render;

namespace {

std::string write_otlp(const std::function<void(OtlpWriter&)>& feed) {
  std::string out;
  OtlpWriter writer([&out](std::string_view bytes) { out.append(bytes); });
  feed(writer);
  writer.finish();
  return out;
}

std::string hex_id(std::string_view id, size_t bytes) {
  std::string out;
  trace::formats::append_otlp_hex_id(id, bytes, out);
  return out;
}

std::string any_value(const Value& value) {
  std::string out;
  trace::formats::append_otlp_any_value(value, out);
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Records {
  std::vector<Attr> resource{{"service.name", Value::of_string("rag-api")}, {"host.name", Value::of_string("web-1")}};
  std::vector<Attr> attrs{{"gen_ai.request.model", Value::of_string("gpt-4o")},
                          {"otel.scope.name", Value::of_string("rag_agent")},
                          {"gen_ai.usage.input_tokens", Value::of_int(812)},
                          {"otel.scope.version", Value::of_string("1.4.2")}};
  std::vector<Attr> event_attrs{{"exception.type", Value::of_string("RateLimitError")}};
  std::vector<SpanEvent> events{{1736937001200000000, "exception", {}}};
  std::vector<Attr> fields{{"retry", Value::of_int(2)}};
  Span span;
  LogRecord log;

  Records() {
    events[0].attrs = event_attrs;
    span.trace_id = "0AF7651916CD43DD8448EB211C80319C";
    span.span_id = "b7ad6b7169203331";
    span.parent_id = "a1f3c2d4e5b60701";
    span.name = "chat gpt-4o";
    span.service = "rag-api";
    span.kind = trace::SpanKind::kClient;
    span.start_ns = 1736937000000000000;
    span.duration_ns = 1250000000;
    span.status = trace::Status::kError;
    span.status_message = "429 from provider";
    span.attrs = attrs;
    span.resource_attrs = resource;
    span.events = events;
    log.time_ns = 1736937000500000000;
    log.severity = 17;
    log.level_text = "ERROR";
    log.logger = "rag_api.retriever";
    log.message = "retrieval timed out";
    log.trace_id = "0af7651916cd43dd8448eb211c80319c";
    log.span_id = "b7ad6b7169203331";
    log.service = "rag-api";
    log.fields = fields;
  }
};

}  // namespace

TEST_CASE("otlp writer: a span is one request line, as the collector's file exporter writes it", "[convert][otlp-writer]") {
  Records r;
  CHECK(write_otlp([&](OtlpWriter& w) { w.on_span(r.span); }) ==
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}},)"
        R"({"key":"host.name","value":{"stringValue":"web-1"}}]},"scopeSpans":[{"scope":{"name":"rag_agent","version":"1.4.2"},)"
        R"("spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
        R"("parentSpanId":"a1f3c2d4e5b60701","name":"chat gpt-4o","kind":3,)"
        R"("startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937001250000000",)"
        R"("attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},)"
        R"({"key":"gen_ai.usage.input_tokens","value":{"intValue":"812"}}],)"
        R"("events":[{"timeUnixNano":"1736937001200000000","name":"exception","attributes":[)"
        R"({"key":"exception.type","value":{"stringValue":"RateLimitError"}}]}],)"
        R"("status":{"message":"429 from provider","code":2}}]}]}]})"
        "\n");
}

TEST_CASE("otlp writer: a log record is a logs request, its logger the scope, ids last", "[convert][otlp-writer]") {
  Records r;
  r.log.resource_attrs = {};
  CHECK(write_otlp([&](OtlpWriter& w) { w.on_log(r.log); }) ==
        R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
        R"("scopeLogs":[{"scope":{"name":"rag_api.retriever"},"logRecords":[{"timeUnixNano":"1736937000500000000",)"
        R"("severityNumber":17,"severityText":"ERROR","body":{"stringValue":"retrieval timed out"},)"
        R"("attributes":[{"key":"retry","value":{"intValue":"2"}}],"traceId":"0af7651916cd43dd8448eb211c80319c",)"
        R"("spanId":"b7ad6b7169203331"}]}]}]})"
        "\n");
}

TEST_CASE("otlp writer: what a record does not have is left out", "[convert][otlp-writer]") {
  Span span;
  span.name = "bare";
  span.duration_ns = -1;
  LogRecord log;
  CHECK(write_otlp([&](OtlpWriter& w) {
          w.on_span(span);
          w.on_log(log);
        }) == "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[{\"name\":\"bare\",\"status\":{}}]}]}]}\n"
              "{\"resourceLogs\":[{\"resource\":{},\"scopeLogs\":[{\"scope\":{},\"logRecords\":[{}]}]}]}\n");
}

TEST_CASE("otlp writer: a span that never ended has no end time; status ok is code 1", "[convert][otlp-writer]") {
  Span span;
  span.name = "open";
  span.start_ns = 1736937000000000000;
  span.duration_ns = -1;
  span.status = trace::Status::kOk;
  CHECK(write_otlp([&](OtlpWriter& w) { w.on_span(span); }) ==
        "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[{\"name\":\"open\","
        "\"startTimeUnixNano\":\"1736937000000000000\",\"status\":{\"code\":1}}]}]}]}\n");
}

TEST_CASE("otlp writer: records of one resource and scope share a line and its entries", "[convert][otlp-writer]") {
  Records r;
  std::string out = write_otlp([&](OtlpWriter& w) {
    w.on_span(r.span);
    w.on_span(r.span);
    w.on_span(r.span);
  });
  CHECK(count(out, "\n") == 1);
  CHECK(count(out, "\"resource\":") == 1);
  CHECK(count(out, "\"scope\":") == 1);
  CHECK(count(out, "\"spanId\":") == 3);
}

TEST_CASE("otlp writer: a new resource or scope opens an entry in the same line; a log record a new line",
          "[convert][otlp-writer]") {
  Records r;
  std::vector<Attr> other_resource{{"service.name", Value::of_string("worker")}};
  std::vector<Attr> no_scope{{"k", Value::of_string("v")}};
  std::string out = write_otlp([&](OtlpWriter& w) {
    w.on_span(r.span);
    Span other = r.span;
    other.attrs = no_scope;
    w.on_span(other);  // same resource, scope {}
    other.resource_attrs = other_resource;
    other.service = "worker";
    w.on_span(other);  // another resource
    w.on_log(r.log);
    w.on_span(r.span);
  });
  CHECK(count(out, "\n") == 3);
  std::string first = out.substr(0, out.find('\n'));
  CHECK(count(first, "\"resource\":") == 2);
  CHECK(count(first, "\"scope\":") == 3);
  CHECK(first.find("]}]},{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"worker\"}}]}") !=
        std::string::npos);
  CHECK(first.find("]},{\"scope\":{},\"spans\":[") != std::string::npos);
  CHECK(out.find("\n{\"resourceLogs\":") != std::string::npos);
  CHECK(out.find("\n{\"resourceSpans\":") != std::string::npos);
}

TEST_CASE("otlp writer: a line holds at most 1024 records", "[convert][otlp-writer]") {
  Records r;
  std::string out = write_otlp([&](OtlpWriter& w) {
    for (size_t i = 0; i < OtlpWriter::kMaxRecordsPerLine + 1; ++i) w.on_span(r.span);
  });
  REQUIRE(count(out, "\n") == 2);
  CHECK(count(out.substr(0, out.find('\n')), "\"spanId\":") == 1024);
  CHECK(count(out.substr(out.find('\n')), "\"spanId\":") == 1);
}

TEST_CASE("otlp writer: hex ids are lower-cased and left-padded, a UUID trace id loses its dashes",
          "[convert][otlp-writer]") {
  CHECK(hex_id("0AF7651916CD43DD8448EB211C80319C", 16) == "0af7651916cd43dd8448eb211c80319c");
  CHECK(hex_id("5c2e8a1f9d3b4c7e", 16) == "00000000000000005c2e8a1f9d3b4c7e");
  CHECK(hex_id("2a", 8) == "000000000000002a");
  CHECK(hex_id("3b0f8e52-91c4-4d7e-8a21-5F6C0D9E4B13", 16) == "3b0f8e5291c44d7e8a215f6c0d9e4b13");
}

TEST_CASE("otlp writer: other ids are hashed, FNV-1a then SplitMix64's finalizer", "[convert][otlp-writer]") {
  // Expected values computed independently (Python) from the documented definition.
  CHECK(hex_id("7:1:0", 8) == "07d53fa0c0ceb320");
  CHECK(hex_id("pid:7", 16) == "8ff27f65e170bfa2340cd59381e74d62");
  CHECK(trace::formats::otlp_id_hash("", 0) == 0xf52a15e9a9b5e89bULL);
  // Too long for the id's size, or a UUID where 8 bytes are wanted: hashed too.
  CHECK(hex_id("0af7651916cd43dd8448eb211c80319c", 8).size() == 16);
  CHECK(hex_id("0af7651916cd43dd8448eb211c80319c", 8) != "0af7651916cd43dd");
  CHECK(hex_id("3b0f8e52-91c4-4d7e-8a21-5f6c0d9e4b13", 8) == hex_id("3b0f8e52-91c4-4d7e-8a21-5f6c0d9e4b13", 8));
}

TEST_CASE("otlp writer: a hashed id keeps the original as an attribute; its parent hashes the same way",
          "[convert][otlp-writer]") {
  Span span;
  span.trace_id = "pid:7";
  span.span_id = "7:1:1";
  span.parent_id = "7:1:0";
  span.name = "plan";
  span.start_ns = 1000;
  span.duration_ns = 10;
  std::string out = write_otlp([&](OtlpWriter& w) { w.on_span(span); });
  CHECK(out.find(R"("traceId":"8ff27f65e170bfa2340cd59381e74d62")") != std::string::npos);
  CHECK(out.find(R"("parentSpanId":"07d53fa0c0ceb320")") != std::string::npos);
  CHECK(out.find(R"("attributes":[{"key":"trace.original_trace_id","value":{"stringValue":"pid:7"}},)"
                 R"({"key":"trace.original_span_id","value":{"stringValue":"7:1:1"}}])") != std::string::npos);
}

TEST_CASE("otlp writer: attribute values as typed AnyValue", "[convert][otlp-writer]") {
  CHECK(any_value(Value::of_string("a\"b")) == R"({"stringValue":"a\"b"})");
  CHECK(any_value(Value::of_int(-42)) == R"({"intValue":"-42"})");
  CHECK(any_value(Value::of_double(0.25)) == R"({"doubleValue":0.25})");
  CHECK(any_value(Value::of_double(std::numeric_limits<double>::quiet_NaN())) == R"({"doubleValue":"NaN"})");
  CHECK(any_value(Value::of_double(-std::numeric_limits<double>::infinity())) == R"({"doubleValue":"-Infinity"})");
  CHECK(any_value(Value::of_bool(true)) == R"({"boolValue":true})");
  CHECK(any_value(Value{}) == "{}");
}

TEST_CASE("otlp writer: JSON arrays and objects become arrayValue and kvlistValue", "[convert][otlp-writer]") {
  CHECK(any_value(Value::of_raw_json(R"([ "a", 1, 2.5, true, null, 12345678901234567890 ])")) ==
        R"({"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"doubleValue":2.5},{"boolValue":true},{},)"
        R"({"doubleValue":12345678901234567890}]}})");
  CHECK(any_value(Value::of_raw_json(R"({"k\"1": {"n": []}, "e": {}})")) ==
        R"({"kvlistValue":{"values":[{"key":"k\"1","value":{"kvlistValue":{"values":[{"key":"n","value":)"
        R"({"arrayValue":{"values":[]}}}]}}},{"key":"e","value":{"kvlistValue":{"values":[]}}}]}})");
  // Not JSON after all: kept as its text.
  CHECK(any_value(Value::of_raw_json("{not json")) == R"({"stringValue":"{not json"})");
  CHECK(any_value(Value::of_raw_json("[1] 2")) == R"({"stringValue":"[1] 2"})");
}

TEST_CASE("otlp writer: spans and logs in one file read back as the same records", "[convert][otlp-writer]") {
  Records r;
  std::string out = write_otlp([&](OtlpWriter& w) {
    w.on_log(r.log);
    w.on_span(r.span);
    w.on_log(r.log);
  });
  auto loaded = load_text(out, "", "out.otlp.jsonl");
  CHECK(loaded.format == "otlp-logs");
  REQUIRE(loaded.records.spans.size() == 1);
  REQUIRE(loaded.records.logs.size() == 2);
  const auto& span = loaded.records.spans[0];
  CHECK(span.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(span.span_id == "b7ad6b7169203331");
  CHECK(span.parent_id == "a1f3c2d4e5b60701");
  CHECK(span.name == "chat gpt-4o");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.status == trace::Status::kError);
  CHECK(span.status_message == "429 from provider");
  CHECK(span.start_ns == 1736937000000000000);
  CHECK(span.duration_ns == 1250000000);
  CHECK(render(span.attrs) ==
        "gen_ai.request.model=gpt-4o;gen_ai.usage.input_tokens=812;otel.scope.name=rag_agent;otel.scope.version=1.4.2;");
  CHECK(render(span.resource_attrs) == "service.name=rag-api;host.name=web-1;");
  REQUIRE(span.events.size() == 1);
  CHECK(span.events[0].time_ns == 1736937001200000000);
  CHECK(render(span.events[0].attrs) == "exception.type=RateLimitError;");
  for (const auto& log : loaded.records.logs) {
    CHECK(log.time_ns == 1736937000500000000);
    CHECK(log.severity == 17);
    CHECK(log.level_text == "ERROR");
    CHECK(log.logger == "rag_api.retriever");
    CHECK(log.message == "retrieval timed out");
    CHECK(log.trace_id == "0af7651916cd43dd8448eb211c80319c");
    CHECK(log.span_id == "b7ad6b7169203331");
    CHECK(log.service == "rag-api");
    CHECK(render(log.fields) == "retry=2;");
  }
}

TEST_CASE("otlp-traces: a file whose lines mix traces and logs requests reads both, either first",
          "[convert][otlp-traces][otlp-logs]") {
  std::string spans =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",)"
      R"("spanId":"b7ad6b7169203331","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"3"}]}]}]})";
  std::string logs = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"m"}}]}]}]})";
  auto traces_first = load_text(spans + "\n" + logs + "\n" + spans + "\n", "", "mixed.jsonl");
  CHECK(traces_first.format == "otlp-traces");
  CHECK(traces_first.records.spans.size() == 2);
  REQUIRE(traces_first.records.logs.size() == 1);
  CHECK(traces_first.records.logs[0].message == "m");
  CHECK(traces_first.records.logs[0].line == 2);
  auto logs_first = load_text(logs + "\n" + spans + "\n", "", "mixed.jsonl");
  CHECK(logs_first.format == "otlp-logs");
  CHECK(logs_first.records.logs.size() == 1);
  REQUIRE(logs_first.records.spans.size() == 1);
  CHECK(logs_first.records.spans[0].duration_ns == 2);
}
