#include <fstream>
#include <set>
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

// For short inputs whose spans leave out traceId, which detection needs.
std::vector<OwnedSpan> zipkin_spans(const std::string& text) { return load_text(text, "zipkin").records.spans; }

const OwnedAttr& attr_named(const std::vector<OwnedAttr>& attrs, const std::string& key) {
  for (const OwnedAttr& attr : attrs)
    if (attr.key == key) return attr;
  static const OwnedAttr kNone{};
  FAIL("no attribute " << key);
  return kNone;
}

const char* const kSpan = R"({"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","name":"post /chat"})";

}  // namespace

TEST_CASE("zipkin: a list of spans and a list of traces are detected as zipkin", "[zipkin]") {
  CHECK(load_text(std::string("[") + kSpan + "]").format == "zipkin");
  CHECK(load_text(std::string("[[") + kSpan + "],[" + kSpan + "]]").format == "zipkin");
  CHECK(load_text(std::string("[\n  ") + kSpan + ",\n  " + kSpan + "\n]\n").format == "zipkin");
}

TEST_CASE("zipkin: Chrome arrays and Jaeger lists are not claimed", "[zipkin]") {
  CHECK(load_text(R"([{"name":"x","ph":"X","ts":1,"dur":2,"pid":1,"tid":1,"id":"1","traceId":"a"}])").format == "chrome");
  CHECK(load_text(R"([{"traceID":"01","spans":[],"processes":{}}])").format == "jaeger");
}

TEST_CASE("zipkin: every field of a span is read", "[zipkin]") {
  auto spans = spans_of(R"([{"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2",
    "kind":"CLIENT","name":"chat gpt-4o","timestamp":1736937000100000,"duration":900000,"debug":false,"shared":false,
    "localEndpoint":{"serviceName":"rag-api","ipv4":"10.42.3.17","port":8000},
    "remoteEndpoint":{"serviceName":"openai","ipv6":"2001:db8::1","port":443},
    "annotations":[{"timestamp":1736937000500000,"value":"first_token"}],
    "tags":{"gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":"812"}}])");
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "5af7183fb1d4cf5f");
  CHECK(span.span_id == "352bff9a74ca9ad2");
  CHECK(span.parent_id == "6b221d5bc9e6496c");
  CHECK(span.name == "chat gpt-4o");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.start_ns == 1736937000100000000);
  CHECK(span.duration_ns == 900000000);
  CHECK(span.flags == 0);
  CHECK(span.status == trace::Status::kUnset);
  CHECK(span.line == 1);
  REQUIRE(span.attrs.size() == 5);
  CHECK(span.attrs[0].key == "peer.service");
  CHECK(span.attrs[0].text == "openai");
  CHECK(span.attrs[1].key == "network.peer.address");
  CHECK(span.attrs[1].text == "2001:db8::1");
  CHECK(span.attrs[2].key == "network.peer.port");
  CHECK(span.attrs[2].kind == trace::ValueKind::kInt);
  CHECK(span.attrs[2].text == "443");
  CHECK(span.attrs[3].key == "gen_ai.request.model");
  CHECK(span.attrs[3].text == "gpt-4o");
  CHECK(span.attrs[4].key == "gen_ai.usage.input_tokens");
  CHECK(span.attrs[4].kind == trace::ValueKind::kString);
  CHECK(span.attrs[4].text == "812");
  REQUIRE(span.resource_attrs.size() == 2);
  CHECK(span.resource_attrs[0].key == "network.local.address");
  CHECK(span.resource_attrs[0].text == "10.42.3.17");
  CHECK(span.resource_attrs[1].key == "network.local.port");
  CHECK(span.resource_attrs[1].text == "8000");
  REQUIRE(span.events.size() == 1);
  CHECK(span.events[0].time_ns == 1736937000500000000);
  CHECK(span.events[0].name == "first_token");
  CHECK(span.events[0].attrs.empty());
}

TEST_CASE("zipkin: an error tag makes an error span, its value the message", "[zipkin]") {
  auto spans = zipkin_spans(R"([{"id":"01","tags":{"http.status_code":"429","error":"upstream 429"}},
                            {"id":"02","tags":{"error":""}},
                            {"id":"03","tags":{"error":true}},
                            {"id":"04","tags":{"errors.count":"0"}}])");
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "upstream 429");
  CHECK(spans[1].status == trace::Status::kError);
  CHECK(spans[1].status_message == "");
  CHECK(spans[2].status == trace::Status::kError);
  CHECK(spans[3].status == trace::Status::kUnset);
}

TEST_CASE("zipkin: a span without timestamp or duration is flagged, not guessed", "[zipkin]") {
  auto spans = zipkin_spans(R"([{"id":"01","name":"late","duration":250},{"id":"02","name":"open","timestamp":1736937000000000}])");
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].flags == trace::kSpanStartUnknown);
  CHECK(spans[0].start_ns == 0);
  CHECK(spans[0].duration_ns == 250000);
  CHECK(spans[1].flags == trace::kSpanIncomplete);
  CHECK(spans[1].start_ns == 1736937000000000000);
  CHECK(spans[1].duration_ns == -1);
}

TEST_CASE("zipkin: every kind is read, in any case; no kind is unspecified", "[zipkin]") {
  auto spans = zipkin_spans(R"([{"id":"1","kind":"SERVER"},{"id":"2","kind":"client"},{"id":"3","kind":"PRODUCER"},
                            {"id":"4","kind":"CONSUMER"},{"id":"5"}])");
  REQUIRE(spans.size() == 5);
  using S = trace::SpanKind;
  CHECK(spans[0].kind == S::kServer);
  CHECK(spans[1].kind == S::kClient);
  CHECK(spans[2].kind == S::kProducer);
  CHECK(spans[3].kind == S::kConsumer);
  CHECK(spans[4].kind == S::kUnspecified);
}

TEST_CASE("zipkin: ids are lower-cased and an all-zero parent is a root", "[zipkin]") {
  auto spans = spans_of(R"([{"traceId":"5AF7183FB1D4CF5F","id":"6B221D5BC9E6496C","parentId":"0000000000000000"},
                            {"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","parentId":"6B221D5BC9E6496C"}])");
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "5af7183fb1d4cf5f");
  CHECK(spans[0].span_id == "6b221d5bc9e6496c");
  CHECK(spans[0].parent_id == "");
  CHECK(spans[1].parent_id == "6b221d5bc9e6496c");
}

TEST_CASE("zipkin: tags that are not strings keep their JSON type", "[zipkin]") {
  auto spans = zipkin_spans(R"([{"id":"1","tags":{"n":3,"d":0.5,"b":false,"z":null,"o":{"k":[1]}}}])");
  REQUIRE(spans.size() == 1);
  using K = trace::ValueKind;
  const auto& attrs = spans[0].attrs;
  CHECK(attr_named(attrs, "n").kind == K::kInt);
  CHECK(attr_named(attrs, "d").kind == K::kDouble);
  CHECK(attr_named(attrs, "b").kind == K::kBool);
  CHECK(attr_named(attrs, "z").kind == K::kNull);
  CHECK(attr_named(attrs, "o").kind == K::kRawJson);
  CHECK(attr_named(attrs, "o").text == R"({"k":[1]})");
  CHECK(spans[0].status == trace::Status::kUnset);
}

TEST_CASE("zipkin: a list of traces gives the spans of every trace, each on its line", "[zipkin]") {
  auto spans = spans_of("[\n [\n  {\"traceId\":\"01\",\"id\":\"a\"},\n  {\"traceId\":\"01\",\"id\":\"b\"}\n ],\n"
                        " [],\n [\n  {\"traceId\":\"02\",\"id\":\"c\"}\n ]\n]\n");
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].span_id == "a");
  CHECK(spans[0].line == 3);
  CHECK(spans[1].span_id == "b");
  CHECK(spans[1].line == 4);
  CHECK(spans[2].trace_id == "02");
  CHECK(spans[2].line == 8);
}

TEST_CASE("zipkin: one list per line is read line by line", "[zipkin]") {
  std::string line = std::string("[") + kSpan + "," + kSpan + "]";
  auto loaded = load_text(line + "\n" + line + "\n", "", "spans.jsonl");
  CHECK(loaded.format == "zipkin");
  REQUIRE(loaded.records.spans.size() == 4);
  CHECK(loaded.records.spans[3].line == 2);
}

TEST_CASE("zipkin: a long list is read span by span", "[zipkin]") {
  std::string text = "[";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) text += ",\n";
    text += R"({"traceId":"5af7183fb1d4cf5f","id":")" + std::to_string(i) + R"(","timestamp":1736937000000000,"duration":)" +
            std::to_string(i + 1) + "}";
  }
  text += "]";
  auto spans = spans_of(text);
  REQUIRE(spans.size() == 5000);
  CHECK(spans[4999].span_id == "4999");
  CHECK(spans[4999].duration_ns == 5000000);
  CHECK(spans[4999].line == 5000);
}

TEST_CASE("zipkin: Zipkin v1 is refused with a message that says so", "[zipkin]") {
  std::string v1 = R"([{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","name":"get",)"
                   R"("binaryAnnotations":[{"key":"http.path","value":"/","endpoint":{"serviceName":"web"}}]}])";
  CHECK_THROWS_WITH(load_text(v1), "input.json:1:2: Zipkin v1 JSON is not supported (expected Zipkin v2)");
  std::string v1_annotations = R"([{"traceId":"5af7183fb1d4cf5f","id":"1"},
 {"traceId":"5af7183fb1d4cf5f","id":"2","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"web"}}]}])";
  CHECK_THROWS_WITH(load_text(v1_annotations),
                    "input.json:2:2: Zipkin v1 JSON is not supported (expected Zipkin v2)");
}

TEST_CASE("zipkin: a broken list layout is an error where it breaks", "[zipkin]") {
  CHECK_THROWS_WITH(load_text(R"([{"id":"1"} {"id":"2"}])", "zipkin"),
                    "input.json:1:13: expected ',' or ']' after a span or a list of spans, found an object");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1"},])", "zipkin"),
                    "input.json:1:13: expected a span or a list of spans, found ]");
  CHECK_THROWS_WITH(load_text("[{\"id\":\"1\"},\n{\"id\":\"2\"}\n", "zipkin"),
                    "input.json:2:11: expected ',' or ']' after a span or a list of spans, found the end of the text");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1"},{"id":"2","name":"cut)", "zipkin"),
                    "input.json:1:13: expected the end of a span or a list of spans, found the end of the text");
  CHECK_THROWS_WITH(load_text(R"([[{"id":"1"}, 7]])", "zipkin"),
                    "input.json:1:15: expected a span object, found 7");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1"},"span"])", "zipkin"),
                    "input.json:1:13: expected a span object or a list of spans, found \"span\"");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1"}] [])", "zipkin"),
                    "input.json:1:14: expected the end of the text after the span list");
  CHECK_THROWS_WITH(load_text(R"({"traceId":"1","id":"2"})", "zipkin"),
                    "input.json:1:1: expected a Zipkin v2 span list (a JSON array), found an object");
}

TEST_CASE("zipkin: a bad field is an error at the value naming the field", "[zipkin]") {
  CHECK_THROWS_WITH(load_text(R"([{"id":"1","timestamp":"noon"}])", "zipkin"),
                    "input.json:1:24: expected timestamp as a number of microseconds, found \"noon\"");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1","duration":-3}])", "zipkin"),
                    "input.json:1:23: expected duration as a number of microseconds, found -3");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1","kind":"SPAN_KIND_SERVER"}])", "zipkin"),
                    "input.json:1:19: expected kind as CLIENT, SERVER, PRODUCER or CONSUMER, found \"SPAN_KIND_SERVER\"");
  CHECK_THROWS_WITH(load_text(R"([{"id":1}])", "zipkin"), "input.json:1:8: expected id as a string, found 1");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1","tags":["error"]}])", "zipkin"),
                    "input.json:1:19: expected tags as an object, found an array");
  CHECK_THROWS_WITH(load_text(R"([{"id":"1","localEndpoint":{"port":"http"}}])", "zipkin"),
                    "input.json:1:36: expected port as a number, found \"http\"");
  // The missing comma is before "name".
  CHECK_THROWS_WITH(load_text("[\n{\"id\":\"1\" \"name\":\"x\"}]", "zipkin"),
                    "input.json:2:11: expected a field or '}' in Span (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)");
}

TEST_CASE("zipkin: the sample loads: two traces, one error, every parent present", "[zipkin]") {
  auto loaded = load_text(read_sample("zipkin.json"), "", "zipkin.json");
  CHECK(loaded.format == "zipkin");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 15);
  std::set<std::string> ids;
  for (const OwnedSpan& span : spans) ids.insert(span.trace_id + "/" + span.span_id);
  int errors = 0;
  for (const OwnedSpan& span : spans) {
    if (!span.parent_id.empty()) CHECK(ids.count(span.trace_id + "/" + span.parent_id) == 1);
    CHECK(span.flags == 0);
    if (span.status == trace::Status::kError) {
      ++errors;
      CHECK(span.name == "chat gpt-4o");
      CHECK(span.status_message == "429 Too Many Requests: rate limit reached for gpt-4o");
    }
  }
  CHECK(errors == 1);
  CHECK(spans[0].trace_id == "5c2e8a1f9d3b4c7e");
  CHECK(spans[0].kind == trace::SpanKind::kServer);
  CHECK(spans[0].line == 3);
  CHECK(spans[4].name == "chat gpt-4o");
  CHECK(spans[4].attr("peer.service") == "openai");
  CHECK(spans[4].attr("gen_ai.usage.output_tokens") == "212");
  REQUIRE(spans[4].events.size() == 1);
  CHECK(spans[4].events[0].name == "first_token");
  CHECK(spans[6].service == "tool-gateway");
}
