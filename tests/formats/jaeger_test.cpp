#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::read_sample;
using trace::testing::OwnedAttr;
using trace::testing::OwnedSpan;

namespace {

std::vector<OwnedSpan> spans_of(const std::string& text) { return load_text(text).records.spans; }

// One trace {traceID, spans, processes} with process p1 = rag-api, holding `spans`.
std::string trace_of(const std::string& spans) {
  return R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[)" + spans +
         R"(],"processes":{"p1":{"serviceName":"rag-api","tags":[]}}})";
}

// A span of trace_of() with the given extra fields.
std::string span_with(const std::string& fields) {
  return R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7","operationName":"op",)"
         R"("startTime":1736937000000000,"duration":1000,"processID":"p1")" +
         (fields.empty() ? "" : "," + fields) + "}";
}

const OwnedAttr& attr_named(const std::vector<OwnedAttr>& attrs, const std::string& key) {
  for (const OwnedAttr& attr : attrs)
    if (attr.key == key) return attr;
  static const OwnedAttr kNone{};
  FAIL("no attribute " << key);
  return kNone;
}

}  // namespace

TEST_CASE("jaeger: the envelope, a bare trace and an array of traces are detected as jaeger", "[jaeger]") {
  std::string trace = trace_of(span_with(""));
  CHECK(load_text(R"({"data":[)" + trace + R"(],"total":0,"limit":0,"offset":0,"errors":null})").format == "jaeger");
  CHECK(load_text(trace).format == "jaeger");
  CHECK(load_text("[" + trace + "," + trace + "]").format == "jaeger");
  CHECK(load_text(trace + "\n" + trace + "\n", "", "traces.jsonl").format == "jaeger");
}

TEST_CASE("jaeger: Zipkin lists and OTLP requests are not claimed", "[jaeger]") {
  CHECK(load_text(R"([{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","name":"x"}])").format != "jaeger");
  CHECK(load_text(R"({"resourceSpans":[]})").format == "otlp-traces");
}

TEST_CASE("jaeger: every field of a span is read, with the process defined after the spans", "[jaeger]") {
  auto spans = spans_of(R"({"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[
  {"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"53995c3f42cd8ad8","flags":1,"operationName":"chat gpt-4o",
   "references":[{"refType":"CHILD_OF","traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7"}],
   "startTime":1736937000100000,"duration":900000,
   "tags":[{"key":"span.kind","type":"string","value":"client"},
           {"key":"gen_ai.request.model","type":"string","value":"gpt-4o"},
           {"key":"gen_ai.usage.input_tokens","type":"int64","value":812}],
   "logs":[{"timestamp":1736937000500000,"fields":[{"key":"event","type":"string","value":"first_token"},
                                                   {"key":"ttft_ms","type":"int64","value":400}]}],
   "processID":"p2","warnings":null}],
  "processes":{"p1":{"serviceName":"tool-gateway","tags":[]},
               "p2":{"serviceName":"rag-api","tags":[{"key":"hostname","type":"string","value":"rag-api-1"},
                                                     {"key":"ip","type":"string","value":"10.42.3.17"}]}},
  "warnings":null}],"total":0,"limit":0,"offset":0,"errors":null})");
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(span.span_id == "53995c3f42cd8ad8");
  CHECK(span.parent_id == "00f067aa0ba902b7");
  CHECK(span.name == "chat gpt-4o");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.start_ns == 1736937000100000000);
  CHECK(span.duration_ns == 900000000);
  CHECK(span.flags == 0);
  CHECK(span.status == trace::Status::kUnset);
  CHECK(span.line == 2);
  REQUIRE(span.attrs.size() == 3);
  CHECK(span.attrs[0].key == "span.kind");
  CHECK(span.attrs[0].text == "client");
  CHECK(span.attrs[1].key == "gen_ai.request.model");
  CHECK(span.attrs[1].text == "gpt-4o");
  CHECK(span.attrs[2].key == "gen_ai.usage.input_tokens");
  CHECK(span.attrs[2].kind == trace::ValueKind::kInt);
  CHECK(span.attrs[2].text == "812");
  REQUIRE(span.resource_attrs.size() == 2);
  CHECK(span.resource_attrs[0].key == "hostname");
  CHECK(span.resource_attrs[0].text == "rag-api-1");
  CHECK(span.resource_attrs[1].key == "ip");
  CHECK(span.resource_attrs[1].text == "10.42.3.17");
  REQUIRE(span.events.size() == 1);
  CHECK(span.events[0].time_ns == 1736937000500000000);
  CHECK(span.events[0].name == "first_token");
  REQUIRE(span.events[0].attrs.size() == 1);
  CHECK(span.events[0].attrs[0].key == "ttft_ms");
  CHECK(span.events[0].attrs[0].text == "400");
}

TEST_CASE("jaeger: tag values are read as their declared type, int64 beyond 2^53 exactly", "[jaeger]") {
  auto spans = spans_of(trace_of(span_with(R"("tags":[
    {"key":"s","type":"string","value":"say \"hi\""},
    {"key":"b","type":"bool","value":false},
    {"key":"b2","type":"bool","value":"true"},
    {"key":"big","type":"int64","value":9007199254740993},
    {"key":"neg","type":"int64","value":-42},
    {"key":"istr","type":"int64","value":"1234567890123"},
    {"key":"f","type":"float64","value":0.25},
    {"key":"fint","type":"float64","value":3},
    {"key":"bin","type":"binary","value":"aGk="},
    {"value":17,"type":"int64","key":"type_after_value"},
    {"key":"untyped_int","value":5},
    {"key":"untyped_double","value":1.5},
    {"key":"untyped_object","value":{"a":[1,2]}},
    {"key":"no_value","type":"string"}])")));
  REQUIRE(spans.size() == 1);
  const auto& attrs = spans[0].attrs;
  REQUIRE(attrs.size() == 14);
  using K = trace::ValueKind;
  CHECK(attr_named(attrs, "s").kind == K::kString);
  CHECK(attr_named(attrs, "s").text == "say \"hi\"");
  CHECK(attr_named(attrs, "b").kind == K::kBool);
  CHECK(attr_named(attrs, "b").text == "false");
  CHECK(attr_named(attrs, "b2").kind == K::kBool);
  CHECK(attr_named(attrs, "b2").text == "true");
  CHECK(attr_named(attrs, "big").kind == K::kInt);
  CHECK(attr_named(attrs, "big").text == "9007199254740993");
  CHECK(attr_named(attrs, "neg").text == "-42");
  CHECK(attr_named(attrs, "istr").kind == K::kInt);
  CHECK(attr_named(attrs, "istr").text == "1234567890123");
  CHECK(attr_named(attrs, "f").kind == K::kDouble);
  CHECK(attr_named(attrs, "f").text == "0.25");
  CHECK(attr_named(attrs, "fint").kind == K::kDouble);
  CHECK(attr_named(attrs, "fint").text == "3");
  CHECK(attr_named(attrs, "bin").kind == K::kString);
  CHECK(attr_named(attrs, "bin").text == "aGk=");
  CHECK(attr_named(attrs, "type_after_value").kind == K::kInt);
  CHECK(attr_named(attrs, "type_after_value").text == "17");
  CHECK(attr_named(attrs, "untyped_int").kind == K::kInt);
  CHECK(attr_named(attrs, "untyped_double").kind == K::kDouble);
  CHECK(attr_named(attrs, "untyped_object").kind == K::kRawJson);
  CHECK(attr_named(attrs, "untyped_object").text == R"({"a":[1,2]})");
  CHECK(attr_named(attrs, "no_value").kind == K::kNull);
}

TEST_CASE("jaeger: the parent is the first CHILD_OF, else the first FOLLOWS_FROM, else none", "[jaeger]") {
  auto spans = spans_of(trace_of(
      span_with(R"("references":[{"refType":"FOLLOWS_FROM","traceID":"t","spanID":"1111111111111111"},
                                 {"refType":"CHILD_OF","traceID":"t","spanID":"2222222222222222"},
                                 {"refType":"CHILD_OF","traceID":"t","spanID":"3333333333333333"}])") +
      "," + span_with(R"("references":[{"spanID":"4444444444444444","refType":"FOLLOWS_FROM"}])") + "," +
      span_with(R"("references":[])") + "," + span_with(R"("parentSpanID":"5555555555555555")") + "," +
      span_with("")));
  REQUIRE(spans.size() == 5);
  CHECK(spans[0].parent_id == "2222222222222222");
  CHECK(spans[1].parent_id == "4444444444444444");
  CHECK(spans[2].parent_id == "");
  CHECK(spans[3].parent_id == "5555555555555555");
  CHECK(spans[4].parent_id == "");
}

TEST_CASE("jaeger: error=true and otel.status_code=ERROR make an error, with otel.status_description", "[jaeger]") {
  auto spans = spans_of(trace_of(
      span_with(R"("tags":[{"key":"error","type":"bool","value":true}])") + "," +
      span_with(R"("tags":[{"key":"error","type":"string","value":"true"}])") + "," +
      span_with(R"("tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},
                           {"key":"otel.status_description","type":"string","value":"429 from provider"}])") +
      "," + span_with(R"("tags":[{"key":"otel.status_code","type":"string","value":"OK"}])") + "," +
      span_with(R"("tags":[{"key":"error","type":"bool","value":false}])")));
  REQUIRE(spans.size() == 5);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "");
  CHECK(spans[1].status == trace::Status::kError);
  CHECK(spans[2].status == trace::Status::kError);
  CHECK(spans[2].status_message == "429 from provider");
  CHECK(spans[3].status == trace::Status::kOk);
  CHECK(spans[4].status == trace::Status::kUnset);
}

TEST_CASE("jaeger: span.kind names every kind, in any case", "[jaeger]") {
  std::string spans_text;
  for (const char* kind : {"server", "CLIENT", "producer", "consumer", "internal", "weird"}) {
    if (!spans_text.empty()) spans_text += ",";
    spans_text += span_with(std::string(R"("tags":[{"key":"span.kind","type":"string","value":")") + kind + "\"}]");
  }
  auto spans = spans_of(trace_of(spans_text));
  REQUIRE(spans.size() == 6);
  using S = trace::SpanKind;
  CHECK(spans[0].kind == S::kServer);
  CHECK(spans[1].kind == S::kClient);
  CHECK(spans[2].kind == S::kProducer);
  CHECK(spans[3].kind == S::kConsumer);
  CHECK(spans[4].kind == S::kInternal);
  CHECK(spans[5].kind == S::kUnspecified);
}

TEST_CASE("jaeger: a log without an event field is named log and keeps all its fields", "[jaeger]") {
  auto spans = spans_of(trace_of(span_with(R"("logs":[{"timestamp":1736937000000500,"fields":[
      {"key":"message","type":"string","value":"retrying"},{"key":"attempt","type":"int64","value":2}]}])")));
  REQUIRE(spans.size() == 1);
  REQUIRE(spans[0].events.size() == 1);
  const auto& event = spans[0].events[0];
  CHECK(event.name == "log");
  CHECK(event.time_ns == 1736937000000500000);
  REQUIRE(event.attrs.size() == 2);
  CHECK(event.attrs[0].key == "message");
  CHECK(event.attrs[1].key == "attempt");
  CHECK(event.attrs[1].text == "2");
}

TEST_CASE("jaeger: missing start or duration is flagged, not guessed", "[jaeger]") {
  auto spans = spans_of(trace_of(R"({"spanID":"01","operationName":"a","duration":5,"processID":"p1"},
                                    {"spanID":"02","operationName":"b","startTime":7,"processID":"p1"})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].flags == trace::kSpanStartUnknown);
  CHECK(spans[0].duration_ns == 5000);
  CHECK(spans[1].flags == trace::kSpanIncomplete);
  CHECK(spans[1].start_ns == 7000);
  CHECK(spans[1].duration_ns == -1);
}

TEST_CASE("jaeger: ids are lower-cased and a span without traceID takes the trace's", "[jaeger]") {
  auto spans = spans_of(R"({"traceID":"4BF92F3577B34DA6A3CE929D0E0E4736","spans":[
      {"spanID":"00F067AA0BA902B7","operationName":"a","references":[{"refType":"CHILD_OF","spanID":"ABCDEF0123456789"}]},
      {"traceID":"00000000000000000123456789ABCDEF","spanID":"0000000000000001","operationName":"b"}],"processes":{}})");
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(spans[0].span_id == "00f067aa0ba902b7");
  CHECK(spans[0].parent_id == "abcdef0123456789");
  CHECK(spans[0].service == "");
  CHECK(spans[1].trace_id == "00000000000000000123456789abcdef");
}

TEST_CASE("jaeger: each trace of a list has its own processes", "[jaeger]") {
  std::string first = R"({"traceID":"01","spans":[{"spanID":"a1","operationName":"x","processID":"p1"}],
                          "processes":{"p1":{"serviceName":"rag-api"}}})";
  std::string second = R"({"traceID":"02","spans":[{"spanID":"b1","operationName":"y","processID":"p1"}],
                           "processes":{"p1":{"serviceName":"tool-gateway"}}})";
  auto spans = spans_of("[" + first + "," + second + "]");
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "01");
  CHECK(spans[0].service == "rag-api");
  CHECK(spans[1].trace_id == "02");
  CHECK(spans[1].service == "tool-gateway");
}

TEST_CASE("jaeger: a process embedded in the span gives its service", "[jaeger]") {
  auto spans = spans_of(trace_of(
      R"({"spanID":"01","operationName":"a","process":{"serviceName":"tool-gateway","tags":[{"key":"ip","type":"string","value":"10.0.0.9"}]}})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].service == "tool-gateway");
  CHECK(spans[0].attr("ip") == "10.0.0.9");
}

TEST_CASE("jaeger: spans of a pretty document carry their own line; of JSON lines, the line", "[jaeger]") {
  auto pretty = spans_of("{\"traceID\":\"01\",\"spans\":[\n  {\"spanID\":\"a\"},\n\n  {\"spanID\":\"b\"}\n],\n\"processes\":{}}\n");
  REQUIRE(pretty.size() == 2);
  CHECK(pretty[0].line == 2);
  CHECK(pretty[1].line == 4);
  std::string line = trace_of(span_with("") + "," + span_with(""));
  auto lines = load_text(line + "\n" + line + "\n", "", "traces.jsonl").records.spans;
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].line == 1);
  CHECK(lines[1].line == 1);
  CHECK(lines[2].line == 2);
  CHECK(lines[3].line == 2);
}

TEST_CASE("jaeger: an empty or null data is no spans; a saved query error is an error", "[jaeger]") {
  CHECK(load_text(R"({"data":[],"total":0})", "jaeger").records.spans.empty());
  CHECK(load_text(R"({"data":null,"errors":null})", "jaeger").records.spans.empty());
  auto failed = R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]})";
  // Detected as jaeger: the message is the loader's.
  CHECK_THROWS_WITH(load_text(failed), "input.json:1:55: the Jaeger query returned an error: trace not found");
}

TEST_CASE("jaeger: a tag value of the wrong type is an error at the value naming the tag", "[jaeger]") {
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":[{"key":"n","type":"int64","value":"12a"}])"))),
                    "input.json:1:255: expected the value of \"n\" (type int64) as an integer, found \"12a\"");
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":[{"key":"n","type":"int64","value":1.5}])"))),
                    "input.json:1:255: expected the value of \"n\" (type int64) as an integer, found 1.5");
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":[{"key":"b","type":"bool","value":"yes"}])"))),
                    "input.json:1:254: expected the value of \"b\" (type bool) as true or false, found \"yes\"");
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":[{"key":"s","type":"string","value":{"a":1}}])"))),
                    "input.json:1:256: expected the value of \"s\" (type string) as a string, found an object");
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":[{"key":"s","type":"int32","value":1}])"))),
                    "input.json:1:239: expected type as string, bool, int64, float64 or binary, found \"int32\"");
}

TEST_CASE("jaeger: a field of the wrong type is an error naming the field and the value", "[jaeger]") {
  CHECK_THROWS_WITH(load_text(trace_of(span_with(R"("tags":{"a":"b"})"))),
                    "input.json:1:220: expected tags as an array, found an object");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[{"spanID":"a","startTime":"noon"}]})"),
                    "input.json:1:52: expected startTime as a number of microseconds, found \"noon\"");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[{"spanID":"a","duration":-5}]})"),
                    "input.json:1:51: expected duration as a non-negative number of microseconds, found -5");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[{"spanID":"a","startTime":99999999999999999}]})"),
                    "input.json:1:52: expected startTime as a number of microseconds, found 99999999999999999");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[{"spanID":7}]})"),
                    "input.json:1:36: expected spanID as a string, found 7");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":["span"]})"),
                    "input.json:1:26: expected Span as an object, found \"span\"");
  CHECK_THROWS_WITH(load_text(R"({"data":[{"traceID":"01","spans":{}}]})"),
                    "input.json:1:34: expected spans as an array, found an object");
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[],"processes":{"p1":{"serviceName":5}}})"),
                    "input.json:1:61: expected serviceName as a string, found 5");
  CHECK_THROWS_WITH(load_text(R"("trace")", "jaeger"),
                    "input.json:1:1: expected a Jaeger trace (an object with data or spans, or an array of traces), "
                    "found \"trace\"");
}

TEST_CASE("jaeger: broken and cut-off JSON is an error located where it breaks", "[jaeger]") {
  std::string cut = R"({"data":[{"traceID":"01","spans":[{"spanID":"a","operationName":"x")";
  CHECK_THROWS_WITH(load_text(cut, "jaeger"),
                    "input.json:1:" + std::to_string(cut.size() + 1) +
                        ": expected a closing '}' or ']', found the end of the text");
  // The missing comma is before "operationName", at column 40.
  CHECK_THROWS_WITH(load_text(R"({"traceID":"01","spans":[{"spanID":"a" "operationName":"x"}]})", "jaeger"),
                    "input.json:1:40: expected a field or '}' in Span (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)");
  CHECK_THROWS_WITH(load_text("{\"traceID\":\"01\",\n\"spans\":[]}\n{\"x\"", "jaeger", "t.json"),
                    "t.json:3:5: expected a closing '}' or ']', found the end of the text");
}

TEST_CASE("jaeger: the sample loads: two traces, one error, processes after spans", "[jaeger]") {
  auto loaded = load_text(read_sample("jaeger.json"), "", "jaeger.json");
  CHECK(loaded.format == "jaeger");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 15);
  int errors = 0;
  for (const OwnedSpan& span : spans) {
    CHECK((span.service == "rag-api" || span.service == "tool-gateway"));
    CHECK(span.flags == 0);
    if (span.status == trace::Status::kError) {
      ++errors;
      CHECK(span.name == "chat gpt-4o");
      CHECK(span.status_message == "429 Too Many Requests: rate limit reached for gpt-4o");
      REQUIRE(span.events.size() == 1);
      CHECK(span.events[0].name == "exception");
    }
  }
  CHECK(errors == 1);
  const OwnedSpan& chat = spans[4];
  CHECK(chat.name == "chat gpt-4o");
  CHECK(chat.parent_id == "a1b2c3d4e5f60002");
  CHECK(chat.kind == trace::SpanKind::kClient);
  CHECK(chat.start_ns == 1736937000370000000);
  CHECK(chat.duration_ns == 1320000000);
  CHECK(chat.attr("gen_ai.usage.input_tokens") == "1850");
  CHECK(chat.attr("gen_ai.request.seed") == "9007199254740993");
  CHECK(chat.attr("telemetry.sdk.language") == "python");
  const OwnedSpan& follows = spans[14];
  CHECK(follows.name == "cache.write answer");
  CHECK(follows.parent_id == "b7c8d9e0f1a20001");
  CHECK(follows.service == "tool-gateway");
}

TEST_CASE("jaeger: JSON after the trace on the same line is an error", "[jaeger]") {
  std::string trace = R"({"traceID":"01","spans":[],"processes":{}})";
  REQUIRE(trace.size() == 42);
  CHECK_THROWS_WITH(load_text(trace + "\n" + trace + " []\n", "jaeger", "traces.jsonl"),
                    "traces.jsonl:2:44: expected the end of the text after the traces");
}
