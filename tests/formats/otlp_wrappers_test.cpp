// The API wrappers around OTLP traces that formats2 added to the otlp-traces loader:
// Tempo's batches, Jaeger v2's result, Tempo v2's trace, with base64 ids as Tempo writes.
#include <string>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;

namespace {

// One ResourceSpans of service rag-api holding a span with base64 ids.
const std::string kResourceSpans =
    R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
    R"("scopeSpans":[{"scope":{"name":"rag_agent"},"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==",)"
    R"("spanId":"AAAAAAAAAAE=","parentSpanId":"AAAAAAAAAAI=","name":"chat gpt-4o","kind":"SPAN_KIND_CLIENT",)"
    R"("startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736937001250000000"}]}]})";

void check_span(const trace::testing::Loaded& loaded) {
  CHECK(loaded.format == "otlp-traces");
  REQUIRE(loaded.records.spans.size() == 1);
  const auto& span = loaded.records.spans[0];
  CHECK(span.trace_id == "5b8efff798038103d269b633813fc60c");
  CHECK(span.span_id == "0000000000000001");
  CHECK(span.parent_id == "0000000000000002");
  CHECK(span.service == "rag-api");
  CHECK(span.kind == trace::SpanKind::kClient);
  CHECK(span.duration_ns == 1250000000);
}

}  // namespace

TEST_CASE("otlp-traces: Tempo's {\"batches\":[...]} is read like resourceSpans", "[otlp-traces]") {
  check_span(load_text(R"({"batches":[)" + kResourceSpans + "]}"));
}

TEST_CASE("otlp-traces: Jaeger v2's {\"result\":{\"resourceSpans\":...}} is read", "[otlp-traces]") {
  check_span(load_text(R"({"result":{"resourceSpans":[)" + kResourceSpans + "]}}"));
}

TEST_CASE("otlp-traces: Tempo v2's {\"trace\":{\"resourceSpans\":...}} is read", "[otlp-traces]") {
  check_span(load_text(R"({"trace":{"resourceSpans":[)" + kResourceSpans + "]}}"));
}

TEST_CASE("otlp-traces: old instrumentationLibrarySpans batches are detected too", "[otlp-traces]") {
  auto loaded = load_text(R"({"batches":[{"instrumentationLibrarySpans":[{"spans":[{"spanId":"AAAAAAAAAAE=","name":"a"}]}]}]})");
  CHECK(loaded.format == "otlp-traces");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].span_id == "0000000000000001");
}

TEST_CASE("otlp-traces: a scalar result or trace field is an unknown field, not a wrapper", "[otlp-traces]") {
  auto loaded = load_text(R"({"resourceSpans":[)" + kResourceSpans + R"(],"result":"ok","trace":null})", "otlp-traces");
  CHECK(loaded.records.spans.size() == 1);
}

TEST_CASE("otlp-traces: a wrapper of the wrong type is an error naming it", "[otlp-traces]") {
  CHECK_THROWS_WITH(load_text(R"({"batches":{}})", "otlp-traces"), "input.json:1:12: expected batches as an array, found an object");
  CHECK_THROWS_WITH(load_text(R"({"result":{"resourceSpans":7}})", "otlp-traces"),
                    "input.json:1:28: expected resourceSpans as an array, found 7");
}
