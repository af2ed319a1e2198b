// The OTLP span fast path (formats/otlp_plain_span.cpp): every span it takes reads as the
// general (simdjson) path reads it, and the spans it leaves are the ones only that path
// can read or refuse.
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/otlp_span_parts.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::formats::OtlpSpanParts;
using trace::formats::read_plain_span;
using trace::testing::load_text;
using trace::testing::OwnedSpan;
using trace::testing::read_sample;
using trace::testing::render;

namespace {

std::string render_spans(const std::vector<OwnedSpan>& spans) {
  std::string out;
  for (const OwnedSpan& s : spans) {
    out += fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", s.trace_id, s.span_id, s.parent_id, s.name,
                       s.service, s.status_message, static_cast<int>(s.kind), static_cast<int>(s.status), s.flags,
                       s.start_ns, s.duration_ns, render(s.attrs), render(s.resource_attrs), s.line);
    for (const auto& event : s.events) out += fmt::format("  {}|{}|{}\n", event.time_ns, event.name, render(event.attrs));
  }
  return out;
}

// The same document with a key no reader knows, escaped, first in every span: the fast
// path declines such a span, so the general path reads them all.
std::string without_fast_path(const std::string& text) {
  static const std::regex span_start(R"re(\{(\s*)"traceId")re");
  return std::regex_replace(text, span_start, R"re({$1"\u0078":0,"traceId")re");
}

bool plain(const std::string& span) {
  std::string padded = span + std::string(64, ' ');  // what follows a span is not read
  OtlpSpanParts parts;
  return read_plain_span(padded, parts);
}

const char* kSpans = R"([
 {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"b7ad6b7169203331","parentSpanId":"0000000000000000",
  "name":"chat gpt-4o","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1736937000000000000",
  "endTimeUnixNano":1736937001250000,"flags":257,"traceState":"k=v","droppedAttributesCount":0,"links":[],
  "attributes":[{"key":"s","value":{"stringValue":"caf\u00e9 ok"}},{"key":"i","value":{"intValue":"-42"}},
                {"key":"n","value":{"intValue":7}},{"key":"d","value":{"doubleValue":0.25}},
                {"key":"di","value":{"doubleValue":3}},{"key":"b","value":{"boolValue":false}},
                {"value":{"bytesValue":"AAEC"},"key":"bytes"},{"key":"empty","value":{}},
                {"key":"unknown","value":{"futureValue":1,"stringValue":"x"}},
                {"key":"dup","key":"ignored","value":{"stringValue":"first"},"value":{"stringValue":"second"}}],
  "events":[{"timeUnixNano":"1736937000500000000","name":"gen_ai.choice",
             "attributes":[{"key":"index","value":{"intValue":"0"}}]},{"name":"no time"},{}],
  "status":{"code":"STATUS_CODE_ERROR","message":"rate limited"}},
 {"traceId":"r7ZlGRbNQ92ESOshHIAxnA==","spanId":"t61rcWkgMzE=","name":"base64 ids","kind":2,
  "startTimeUnixNano":"1736937000000000000","endTimeUnixNano":"1736936000000000000","status":{"code":1}},
 {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","name":"ERROR","kind":9,
  "status":{"code":"OK","message":""},"name":"second name ignored","attributes":[]},
 {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b8","name":"caf\u00e9","kind":"INTERNAL",
  "attributes":[{"key":"list","value":{"arrayValue":{"values":[{"stringValue":"stop"},{"intValue":"3"}]}}},
                {"key":"map","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}}],
  "startTimeUnixNano":"1.7369370000000000e18","endTimeUnixNano":"1736937000000000001.0"}
])";

}  // namespace

TEST_CASE("otlp plain span: the fast path reads every span as the general path does", "[otlp-traces][plain-json]") {
  std::string crafted = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
                        R"("scopeSpans":[{"scope":{"name":"app","version":"1.0"},"spans":)" +
                        std::string(kSpans) + "}]}]}";
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"crafted.json", crafted},
           {"otlp_traces.json", read_sample("otlp_traces.json")},
           {"otlp_traces.jsonl", read_sample("otlp_traces.jsonl")},
       }) {
    INFO(name);
    std::string slow = without_fast_path(text);
    REQUIRE(slow != text);
    std::vector<OwnedSpan> fast_spans = load_text(text, "", name).records.spans;
    std::vector<OwnedSpan> slow_spans = load_text(slow, "", name).records.spans;
    REQUIRE(!fast_spans.empty());
    CHECK(render_spans(fast_spans) == render_spans(slow_spans));
  }
}

TEST_CASE("otlp plain span: what it reads and what it leaves to the general path", "[otlp-traces][plain-json]") {
  CHECK(plain(R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x",)"
              R"("startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":{"intValue":"1"}}]})"));
  CHECK(plain("{}"));
  for (std::string span : {
           R"({"name":"a\"b"})",                                                            // an escape
           R"({"attributes":[{"key":"l","value":{"arrayValue":{"values":[]}}}]})",       // rendered as JSON
           R"({"attributes":[{"key":"m","value":{"kvlistValue":{"values":[]}}}]})",
           R"({"attributes":[{"key":"d","value":{"doubleValue":"NaN"}}]})",              // a double as a string
           R"({"kind":"2"})",                                                            // an enum number as a string
           R"({"status":{"code":"STATUS_CODE_BOGUS"}})",                                 // a name no enum has
           R"({"startTimeUnixNano":"-5"})",                                              // a negative time
           R"({"name":5})",                                                              // wrong types
           R"({"traceId":7})",
           R"({"attributes":{}})",
           R"({"attributes":[{"key":"b","value":{"boolValue":null}}]})",
           R"({"attributes":[{"key":"v","value":null}]})",
           R"({"name":"x",})",                                                           // broken JSON
           R"({"name":"x")",
       }) {
    INFO(span);
    CHECK_FALSE(plain(span));
  }
}
