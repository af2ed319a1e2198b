#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "formats/otlp_common.h"
#include "formats/otlp_traces.h"
#include "src/errors.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::read_sample;
using trace::testing::OwnedAttr;
using trace::testing::OwnedSpan;

namespace {

std::vector<OwnedSpan> spans_of(const std::string& text, const std::string& name = "input.json") {
  return load_text(text, "", name).records.spans;
}

// One request holding `spans` (a JSON array's contents) under service rag-api.
std::string request(const std::string& spans) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
         R"("scopeSpans":[{"spans":[)" +
         spans + "]}]}]}";
}

const OwnedAttr& attr_named(const std::vector<OwnedAttr>& attrs, const std::string& key) {
  for (const OwnedAttr& attr : attrs)
    if (attr.key == key) return attr;
  static const OwnedAttr kNone{};
  FAIL("no attribute " << key);
  return kNone;
}

}  // namespace

TEST_CASE("otlp-traces: a request is detected as otlp-traces, pretty or one per line", "[otlp-traces]") {
  std::string pretty = "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": []}\n  ]\n}\n";
  CHECK(load_text(pretty).format == "otlp-traces");
  std::string lines = request("") + "\n" + request("") + "\n";
  CHECK(load_text(lines, "", "traces.jsonl").format == "otlp-traces");
}

TEST_CASE("otlp-traces: every field of a span is read", "[otlp-traces]") {
  auto spans = spans_of(R"({"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}},
                            {"key":"deployment.environment","value":{"stringValue":"prod"}}]},
  "scopeSpans":[{"scope":{"name":"app.tracer","version":"0.3.1"},"spans":[
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
     "parentSpanId":"00f067aa0ba902b7","traceState":"k=v","flags":257,"name":"chat gpt-4o","kind":3,
     "startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937001250000000",
     "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}],
     "droppedAttributesCount":0,"links":[],
     "status":{"code":1,"message":""}}]}]}]})");
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(span.span_id == "b7ad6b7169203331");
  CHECK(span.parent_id == "00f067aa0ba902b7");
  CHECK(span.name == "chat gpt-4o");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.start_ns == 1736937000000000000);
  CHECK(span.duration_ns == 1250000000);
  CHECK(span.flags == 0);
  CHECK(span.status == trace::Status::kOk);
  CHECK(span.status_message == "");
  CHECK(span.events.empty());
  CHECK(span.line == 1);
  REQUIRE(span.attrs.size() == 3);
  CHECK(span.attrs[0].key == "gen_ai.request.model");
  CHECK(span.attrs[0].text == "gpt-4o");
  CHECK(span.attrs[1].key == "otel.scope.name");
  CHECK(span.attrs[1].text == "app.tracer");
  CHECK(span.attrs[2].key == "otel.scope.version");
  CHECK(span.attrs[2].text == "0.3.1");
  REQUIRE(span.resource_attrs.size() == 2);
  CHECK(span.resource_attrs[0].key == "service.name");
  CHECK(span.resource_attrs[1].key == "deployment.environment");
  CHECK(span.resource_attrs[1].text == "prod");
}

TEST_CASE("otlp-traces: every AnyValue kind becomes an attribute value", "[otlp-traces]") {
  auto spans = spans_of(request(R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
    "name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
    {"key":"s","value":{"stringValue":"say \"hi\"\n"}},
    {"key":"i","value":{"intValue":"-812"}},
    {"key":"d","value":{"doubleValue":0.25}},
    {"key":"nan","value":{"doubleValue":"NaN"}},
    {"key":"b","value":{"boolValue":true}},
    {"key":"bytes","value":{"bytesValue":"aGk="}},
    {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"stop \"now\""},{"intValue":"2"},
        {"boolValue":false},{"doubleValue":1.5},{},{"arrayValue":{"values":[]}}]}}},
    {"key":"kv","value":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":1}},
        {"value":{"stringValue":"x"},"key":"b"},{"key":"c","value":{}},
        {"key":"d","value":{"kvlistValue":{"values":[{"key":"e","value":{"boolValue":true}}]}}}]}}},
    {"key":"empty","value":{}},
    {"value":{"stringValue":"keyless"}}]})"));
  REQUIRE(spans.size() == 1);
  const auto& attrs = spans[0].attrs;
  REQUIRE(attrs.size() == 10);
  using K = trace::ValueKind;
  CHECK(attr_named(attrs, "s").kind == K::kString);
  CHECK(attr_named(attrs, "s").text == "say \"hi\"\n");
  CHECK(attr_named(attrs, "i").kind == K::kInt);
  CHECK(attr_named(attrs, "i").text == "-812");
  CHECK(attr_named(attrs, "d").kind == K::kDouble);
  CHECK(attr_named(attrs, "d").text == "0.25");
  CHECK(attr_named(attrs, "nan").kind == K::kDouble);
  CHECK(attr_named(attrs, "nan").text == "nan");
  CHECK(attr_named(attrs, "b").kind == K::kBool);
  CHECK(attr_named(attrs, "b").text == "true");
  CHECK(attr_named(attrs, "bytes").kind == K::kString);
  CHECK(attr_named(attrs, "bytes").text == "aGk=");
  CHECK(attr_named(attrs, "arr").kind == K::kRawJson);
  CHECK(attr_named(attrs, "arr").text == R"(["stop \"now\"",2,false,1.5,null,[]])");
  CHECK(attr_named(attrs, "kv").kind == K::kRawJson);
  CHECK(attr_named(attrs, "kv").text == R"({"a":1,"b":"x","c":null,"d":{"e":true}})");
  CHECK(attr_named(attrs, "empty").kind == K::kNull);
  CHECK(attr_named(attrs, "").text == "keyless");
}

TEST_CASE("otlp-traces: int64 values are read from decimal strings and from numbers", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"as strings",
     "startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937000004000000",
     "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"812"}}],
     "events":[{"timeUnixNano":"1736937000001000000","name":"e"}]},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"c7ad6b7169203331","name":"as numbers",
     "startTimeUnixNano":1736937000000000000,"endTimeUnixNano":1736937000004000000,
     "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":812}}],
     "events":[{"timeUnixNano":1736937000001000000,"name":"e"}]})"));
  REQUIRE(spans.size() == 2);
  for (const OwnedSpan& span : spans) {
    INFO(span.name);
    CHECK(span.start_ns == 1736937000000000000);
    CHECK(span.duration_ns == 4000000);
    CHECK(span.attrs[0].kind == trace::ValueKind::kInt);
    CHECK(span.attrs[0].text == "812");
    REQUIRE(span.events.size() == 1);
    CHECK(span.events[0].time_ns == 1736937000001000000);
  }
}

TEST_CASE("otlp-traces: upper-case and base64 ids become lower-case hex", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
     "name":"upper","startTimeUnixNano":"1","endTimeUnixNano":"2"},
    {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"base64",
     "startTimeUnixNano":"1","endTimeUnixNano":"2"})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "5b8efff798038103d269b633813fc60c");
  CHECK(spans[0].span_id == "eee19b7ec3c1b174");
  CHECK(spans[0].parent_id == "eee19b7ec3c1b173");
  CHECK(spans[1].trace_id == "5b8efff798038103d269b633813fc60c");
  CHECK(spans[1].span_id == "eee19b7ec3c1b174");
}

TEST_CASE("otlp-traces: canonical_id sorts every byte as a byte loop does, at every position", "[otlp-traces]") {
  // The neighbours of each hex range ('/' ':' '@' 'G' '`' 'g'), base64's other bytes, a
  // high byte; ids of every length around the 16-byte blocks.
  const std::string alphabet = "0123456789abcdefABCDEF/:@G`g+=_-\xff ";
  std::mt19937_64 random(11);
  for (int round = 0; round < 20000; ++round) {
    std::string id(random() % 40, '0');
    int odd_ones = static_cast<int>(random() % 3);  // most ids are (nearly) all hex
    for (char& c : id) c = "0123456789abcdef"[random() % 16];
    for (int k = 0; k < odd_ones && !id.empty(); ++k) id[random() % id.size()] = alphabet[random() % alphabet.size()];
    bool upper = false, other = false;
    for (char c : id) {
      bool is_upper = c >= 'A' && c <= 'F';
      upper |= is_upper;
      other |= !is_upper && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f');
    }
    std::string expected = id;
    if (!other && upper)
      for (char& c : expected) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    std::string buffer;
    INFO(id);
    if (other) {
      // Not hex: base64 when it decodes as one (only 11 or 22 characters can), else as written.
      std::string_view got = trace::formats::canonical_id(id, buffer);
      if (id.size() != 11 && id.size() != 22 && id.find('=') == std::string::npos) CHECK(got == id);
    } else {
      CHECK(trace::formats::canonical_id(id, buffer) == expected);
    }
  }
}

TEST_CASE("otlp-traces: a span without a parent id, or with an empty or zero one, is a root", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"absent","startTimeUnixNano":"1","endTimeUnixNano":"2"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","parentSpanId":"","name":"empty","startTimeUnixNano":"1","endTimeUnixNano":"2"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000003","parentSpanId":"0000000000000000","name":"zero","startTimeUnixNano":"1","endTimeUnixNano":"2"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000004","parentSpanId":"0000000000000001","name":"child","startTimeUnixNano":"1","endTimeUnixNano":"2"})"));
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].parent_id == "");
  CHECK(spans[1].parent_id == "");
  CHECK(spans[2].parent_id == "");
  CHECK(spans[3].parent_id == "0000000000000001");
}

TEST_CASE("otlp-traces: status code 2 is an error with its message", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"chat gpt-4o",
     "startTimeUnixNano":"1","endTimeUnixNano":"2","status":{"message":"429 rate limited","code":2}},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"unset",
     "startTimeUnixNano":"1","endTimeUnixNano":"2","status":{}})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "429 rate limited");
  CHECK(spans[1].status == trace::Status::kUnset);
  CHECK(spans[1].status_message == "");
}

TEST_CASE("otlp-traces: kind and status code are read from enum names too", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"a",
     "kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1","endTimeUnixNano":"2","status":{"code":"STATUS_CODE_ERROR"}},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"b",
     "kind":"SPAN_KIND_CONSUMER","startTimeUnixNano":"1","endTimeUnixNano":"2","status":{"code":"STATUS_CODE_OK"}},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000003","name":"unknown numbers",
     "kind":9,"startTimeUnixNano":"1","endTimeUnixNano":"2","status":{"code":7}})"));
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].kind == trace::SpanKind::kServer);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[1].kind == trace::SpanKind::kConsumer);
  CHECK(spans[1].status == trace::Status::kOk);
  CHECK(spans[2].kind == trace::SpanKind::kUnspecified);
  CHECK(spans[2].status == trace::Status::kUnset);
}

TEST_CASE("otlp-traces: events keep their time, name and attributes", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"execute_tool web_search",
     "startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937002000000000",
     "events":[
       {"timeUnixNano":"1736937000500000000","name":"retry","attributes":[{"key":"attempt","value":{"intValue":"1"}}]},
       {"name":"exception","timeUnixNano":"1736937001900000000","attributes":[
         {"key":"exception.type","value":{"stringValue":"TimeoutError"}},
         {"key":"exception.message","value":{"stringValue":"search backend timed out"}}]},
       {"timeUnixNano":"1736937001950000000","name":"no attributes"}],
     "attributes":[{"key":"gen_ai.tool.name","value":{"stringValue":"web_search"}}]})"));
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.status == trace::Status::kUnset);  // a recorded exception alone is not an error status
  REQUIRE(span.events.size() == 3);
  CHECK(span.events[0].time_ns == 1736937000500000000);
  CHECK(span.events[0].name == "retry");
  REQUIRE(span.events[0].attrs.size() == 1);
  CHECK(span.events[0].attrs[0].key == "attempt");
  CHECK(span.events[0].attrs[0].text == "1");
  CHECK(span.events[1].time_ns == 1736937001900000000);
  CHECK(span.events[1].name == "exception");
  REQUIRE(span.events[1].attrs.size() == 2);
  CHECK(span.events[1].attrs[0].text == "TimeoutError");
  CHECK(span.events[1].attrs[1].text == "search backend timed out");
  CHECK(span.events[2].name == "no attributes");
  CHECK(span.events[2].attrs.empty());
  REQUIRE(span.attrs.size() == 1);
  CHECK(span.attrs[0].text == "web_search");
}

TEST_CASE("otlp-traces: a span without an end time is incomplete with unknown duration", "[otlp-traces]") {
  auto spans = spans_of(request(R"(
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"open","startTimeUnixNano":"1736937000000000000"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"zero end","startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"0"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000003","name":"no start","endTimeUnixNano":"1736937000000000000"},
    {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000004","name":"skewed","startTimeUnixNano":"1736937000000000005","endTimeUnixNano":"1736937000000000000"})"));
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[0].flags == trace::kSpanIncomplete);
  CHECK(spans[0].start_ns == 1736937000000000000);
  CHECK(spans[1].duration_ns == -1);
  CHECK(spans[1].flags == trace::kSpanIncomplete);
  CHECK(spans[2].duration_ns == -1);
  CHECK(spans[2].flags == trace::kSpanStartUnknown);
  CHECK(spans[3].duration_ns == 0);
  CHECK(spans[3].flags == 0);
}

TEST_CASE("otlp-traces: resource listed after scopeSpans still gives the service", "[otlp-traces]") {
  auto spans = spans_of(R"({"resourceSpans":[{
    "scopeSpans":[{"spans":[
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"2"}],
      "scope":{"name":"late.scope"}}],
    "schemaUrl":"https://opentelemetry.io/schemas/1.21.0",
    "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-agent"}}]}}]})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].service == "rag-agent");
  CHECK(spans[0].attr("service.name") == "rag-agent");
  CHECK(spans[0].attr("otel.scope.name") == "late.scope");
}

TEST_CASE("otlp-traces: each resourceSpans gives its own service", "[otlp-traces]") {
  auto spans = spans_of(R"({"resourceSpans":[
    {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-agent"}}]},
     "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"a"}]}]},
    {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"gpu-7"}},
                               {"key":"service.name","value":{"stringValue":"vector-store"}}]},
     "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"b"}]},
                   {"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000003","name":"c"}]}]},
    {"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000004","name":"d"}]}]}]})");
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].service == "rag-agent");
  CHECK(spans[0].resource_attrs.size() == 1);
  CHECK(spans[1].service == "vector-store");
  CHECK(spans[1].attr("host.name") == "gpu-7");
  CHECK(spans[2].service == "vector-store");
  CHECK(spans[3].service == "");
  CHECK(spans[3].resource_attrs.empty());
}

TEST_CASE("otlp-traces: instrumentationLibrarySpans of old OTLP are read like scopeSpans", "[otlp-traces]") {
  auto spans = spans_of(R"({"resourceSpans":[{"resource":{"attributes":[]},
    "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old.lib","version":"1.0"},"spans":[
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"legacy","kind":"SPAN_KIND_INTERNAL",
       "startTimeUnixNano":"1","endTimeUnixNano":"3"}]}]}]})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].name == "legacy");
  CHECK(spans[0].kind == trace::SpanKind::kInternal);
  CHECK(spans[0].duration_ns == 2);
  CHECK(spans[0].attr("otel.scope.name") == "old.lib");
  CHECK(spans[0].attr("otel.scope.version") == "1.0");
}

TEST_CASE("otlp-traces: each line of a file-exporter file is one request, with its line number", "[otlp-traces]") {
  std::string text = request(R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"a"})") + "\n" +
                     request(R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"b"},
                                {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000003","name":"c"})") +
                     "\n";
  // The second request was written over two lines above; make it one.
  for (size_t pos = text.find("},\n"); pos != std::string::npos; pos = text.find("},\n")) text.erase(pos + 2, 1);
  auto spans = spans_of(text, "traces.jsonl");
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].line == 1);
  CHECK(spans[1].line == 2);
  CHECK(spans[2].name == "c");
  CHECK(spans[2].line == 2);
}

TEST_CASE("otlp-traces: a cut-off document is an error at its end", "[otlp-traces]") {
  // Column 74 is just past the last character.
  std::string text = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat gpt-4o","kind":3)";
  REQUIRE(text.size() == 73);
  CHECK_THROWS_WITH(load_text(text, "otlp-traces"),
                    "input.json:1:74: expected a closing '}' or ']', found the end of the text");
  // Cut just after a closing brace: simdjson finds it while looking for the resource.
  std::string cut = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"a\"}\n";
  CHECK_THROWS_WITH(load_text(cut, "otlp-traces"),
                    "input.json:1:56: expected a field or '}' in ResourceSpans (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"cha)", "otlp-traces"),
                    "input.json:1:56: expected a closing '\"', found the end of the text");
}

TEST_CASE("otlp-traces: broken JSON inside a span names the object", "[otlp-traces]") {
  // The missing comma is before "kind", at column 66.
  std::string text = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat gpt-4o" "kind":3}]}]}]})";
  CHECK_THROWS_WITH(load_text(text, "otlp-traces"),
                    "input.json:1:66: expected a field or '}' in Span (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)");
}

TEST_CASE("otlp-traces: a field of the wrong type is an error naming the field and the value", "[otlp-traces]") {
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":5}]}]})", "otlp-traces"),
                    "input.json:1:43: expected spans as an array, found 5");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":true}]}]}]})", "otlp-traces"),
                    "input.json:1:65: expected startTimeUnixNano as a decimal string or number, found true");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"endTimeUnixNano":"12:00"}]}]}]})", "otlp-traces"),
                    "input.json:1:63: expected endTimeUnixNano as a decimal string or number, found \"12:00\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":{"hi":1}}]}]}]})", "otlp-traces"),
                    "input.json:1:55: expected traceId as a hex string, found an object");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_BOGUS"}]}]}]})", "otlp-traces"),
                    "input.json:1:52: expected kind as a number or a SPAN_KIND_* name, found \"SPAN_KIND_BOGUS\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"scopeSpans":[{"spans":["span"]}]}]})", "otlp-traces"),
                    "input.json:1:44: expected Span as an object, found \"span\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":{}})", "otlp-traces"),
                    "input.json:1:18: expected resourceSpans as an array, found an object");
  CHECK_THROWS_WITH(load_text(R"([{"resourceSpans":[]}])", "otlp-traces"),
                    "input.json:1:1: expected an OTLP traces request (a JSON object with resourceSpans), found an array");
}

TEST_CASE("otlp-traces: a bad attribute value is an error at the value", "[otlp-traces]") {
  std::string text =
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"n","value":{"intValue":"12.5.1"}}]}}]})";
  CHECK_THROWS_WITH(load_text(text, "otlp-traces"),
                    "input.json:1:77: expected intValue as a decimal string or number, found \"12.5.1\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"resource":{"attributes":[{"key":"b","value":{"boolValue":"yes"}}]}}]})",
                              "otlp-traces"),
                    "input.json:1:78: expected boolValue as true or false, found \"yes\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceSpans":[{"resource":{"attributes":{"service.name":"x"}}}]})", "otlp-traces"),
                    "input.json:1:45: expected attributes as an array, found an object");
}

TEST_CASE("otlp-traces: an error on a later line of a JSON-lines file is located on that line", "[otlp-traces]") {
  std::string text = request("") + "\n" + R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]})" + "\n";
  CHECK_THROWS_WITH(load_text(text, "", "traces.jsonl"), "traces.jsonl:2:52: expected name as a string, found 7");
}

TEST_CASE("otlp-traces: JSON after the request object is an error", "[otlp-traces]") {
  simdjson::padded_string text(std::string(R"({"resourceSpans":[]} {"resourceSpans":[]})"));
  simdjson::ondemand::parser parser;
  trace::formats::LoadContext ctx{parser, 0};
  auto loader = trace::formats::make_otlp_traces_loader(trace::formats::InputHead{});
  trace::testing::CollectSink sink;
  try {
    loader->load(std::string_view(text), {}, ctx, sink);
    FAIL("no error");
  } catch (const trace::DocumentError& e) {
    CHECK(e.offset() == 21);
    CHECK(std::string(e.what()) == "expected the end of the text after the request object");
  }
}

namespace {

// Stops after the first span and keeps where it came from.
class FirstSpanSink : public trace::RecordSink {
 public:
  trace::Flow on_span(const trace::Span& span) override {
    ++spans;
    src = span.src;
    return trace::Flow::kStop;
  }
  trace::Flow on_log(const trace::LogRecord&) override { return trace::Flow::kContinue; }

  int spans = 0;
  trace::SourceRef src;
};

}  // namespace

TEST_CASE("otlp-traces: a sink's stop ends the request early and spans carry the given source", "[otlp-traces]") {
  simdjson::padded_string text(request(
      R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","name":"a"},
         {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","name":"b"})"));
  simdjson::ondemand::parser parser;
  trace::formats::LoadContext ctx{parser, 3};
  auto loader = trace::formats::make_otlp_traces_loader(trace::formats::InputHead{});
  FirstSpanSink sink;
  trace::SourceRef where{3, 42, 4096, "the line"};
  CHECK(loader->load(std::string_view(text), where, ctx, sink) == trace::Flow::kStop);
  CHECK(sink.spans == 1);
  CHECK(sink.src.file_index == 3);
  CHECK(sink.src.line == 42);
  CHECK(sink.src.offset == 4096);
  CHECK(sink.src.text == "the line");
}

TEST_CASE("otlp-traces: one loader reads many requests in a row", "[otlp-traces]") {
  // Reused buffers must not leak one request's attributes into the next.
  simdjson::ondemand::parser parser;
  trace::formats::LoadContext ctx{parser, 0};
  auto loader = trace::formats::make_otlp_traces_loader(trace::formats::InputHead{});
  trace::testing::CollectSink sink;
  simdjson::padded_string first(request(R"({"spanId":"AB","name":"a","attributes":[
      {"key":"list","value":{"arrayValue":{"values":[{"intValue":"1"}]}}}],"events":[{"name":"e"}]})"));
  simdjson::padded_string second(request(R"({"spanId":"CD","name":"b"})"));
  CHECK(loader->load(std::string_view(first), {}, ctx, sink) == trace::Flow::kContinue);
  CHECK(loader->load(std::string_view(second), {}, ctx, sink) == trace::Flow::kContinue);
  REQUIRE(sink.spans.size() == 2);
  CHECK(sink.spans[0].span_id == "ab");
  CHECK(sink.spans[0].attr("list") == "[1]");
  CHECK(sink.spans[0].events.size() == 1);
  CHECK(sink.spans[1].span_id == "cd");
  CHECK(sink.spans[1].attrs.empty());
  CHECK(sink.spans[1].events.empty());
  CHECK(sink.spans[1].service == "rag-api");
}

TEST_CASE("otlp-traces: the samples load", "[otlp-traces]") {
  auto json = load_text(read_sample("otlp_traces.json"), "", "otlp_traces.json");
  CHECK(json.format == "otlp-traces");
  CHECK(json.records.spans.size() == 25);
  auto jsonl = load_text(read_sample("otlp_traces.jsonl"), "", "otlp_traces.jsonl");
  CHECK(jsonl.format == "otlp-traces");
  CHECK(jsonl.records.spans.size() == 18);
  for (const OwnedSpan& span : jsonl.records.spans) CHECK(span.service == "rag-api");
}
