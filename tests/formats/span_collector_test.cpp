// span-collector: TraceCollector.save_trace() files (schema in formats/span_collector.cpp).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::load_error;
using trace::testing::render;
using trace::testing::read_sample;
using trace::testing::Loaded;
using trace::testing::OwnedAttr;
using trace::testing::OwnedSpan;

namespace {

// 2025-01-15T11:00:00Z
constexpr int64_t kT0 = 1736938800000000000;
constexpr int64_t kMs = 1000000;

std::string trace_of(const std::string& spans, const std::string& events = "",
                     const std::string& head = R"("trace_id": "tr-1", "service_name": "research-agent", )") {
  return "{" + head + "\"spans\": [" + spans + "], \"events\": [" + events + "]}";
}

Loaded load(const std::string& text) {
  Loaded loaded = load_text(text, "", "trace.json");
  REQUIRE(loaded.format == "span-collector");
  return loaded;
}

std::vector<OwnedSpan> spans_of(const std::string& text) { return load(text).records.spans; }

std::string error_of(const std::string& text) { return load_error(text, "span-collector", "trace.json"); }

const char* kInference = R"({"span_id": "a7cae8f6", "parent_id": "a1c4e2f0", "name": "model_inference",
  "start_time": 1736938800.612040, "end_time": 1736938802.103518, "status": "ok", "error": null,
  "attributes": {"model_name": "gpt-4o", "input_tokens": 2310, "temperature": 0.2, "stream": true, "stop": ["\n\n"]},
  "events": [{"name": "first_token", "timestamp": 1736938801.2143, "attributes": {"ttft_ms": 602}}]})";

}  // namespace

TEST_CASE("span-collector: detected by a spans array whose spans have span_id", "[seeds][span-collector]") {
  CHECK(load_text(trace_of(kInference)).format == "span-collector");
  CHECK(load_text(R"({"spans": [{"span_id": "a", "name": "x"}]})").format == "span-collector");
}

TEST_CASE("span-collector: a span and its attributes", "[seeds][span-collector]") {
  auto spans = spans_of(trace_of(kInference));
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "tr-1");
  CHECK(span.span_id == "a7cae8f6");
  CHECK(span.parent_id == "a1c4e2f0");
  CHECK(span.name == "model_inference");
  CHECK(span.service == "research-agent");
  CHECK(span.start_ns == kT0 + 612040000);
  CHECK(span.duration_ns == 1491478000);
  CHECK(span.status == trace::Status::kOk);
  CHECK(span.flags == 0);
  CHECK(render(span.attrs) == "model_name=gpt-4o;input_tokens=2310;temperature=0.2;stream=true;stop=[\"\\n\\n\"];");
  REQUIRE(span.events.size() == 1);
  CHECK(span.events[0].name == "first_token");
  CHECK(span.events[0].time_ns == kT0 + 1214300000);
  CHECK(render(span.events[0].attrs) == "ttft_ms=602;");
  CHECK(span.line == 1);
}

TEST_CASE("span-collector: the file's trace_id and service may come after the spans", "[seeds][span-collector]") {
  auto spans = spans_of(R"({"spans": [{"span_id": "a", "name": "x", "start_time": 1736938800, "end_time": 1736938801}],
    "service": "svc", "trace_id": "tr-late"})");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].trace_id == "tr-late");
  CHECK(spans[0].service == "svc");
}

TEST_CASE("span-collector: a span's own trace_id wins; without any, collector-<n>", "[seeds][span-collector]") {
  std::string one = R"({"span_id": "a", "name": "x", "trace_id": "own"}, {"span_id": "b", "name": "y"})";
  auto spans = spans_of(trace_of(one));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "own");
  CHECK(spans[1].trace_id == "tr-1");
  // Two collections back to back, neither naming its trace.
  spans = spans_of("{\"spans\": [{\"span_id\": \"a\", \"name\": \"x\"}]}\n{\"spans\": [{\"span_id\": \"a\", \"name\": \"x\"}]}\n");
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "collector-0");
  CHECK(spans[1].trace_id == "collector-1");
}

TEST_CASE("span-collector: integer ids are kept as written; a null parent is a root", "[seeds][span-collector]") {
  auto spans = spans_of(trace_of(R"({"span_id": 17, "parent_id": 3, "name": "x"}, {"span_id": 3, "parent_id": null, "name": "root"})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].span_id == "17");
  CHECK(spans[0].parent_id == "3");
  CHECK(spans[1].parent_id == "");
}

TEST_CASE("span-collector: an error object makes an error span with its message and type", "[seeds][span-collector]") {
  auto spans = spans_of(trace_of(R"({"span_id": "c9", "name": "tool_call", "start_time": 1736938802.815301,
    "end_time": 1736938804.816992, "status": "error",
    "error": {"type": "TimeoutError", "message": "fetch_page timed out after 2.0s"}, "attributes": {"tool": "fetch_page"}})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "fetch_page timed out after 2.0s");
  CHECK(render(spans[0].attrs) == "tool=fetch_page;error.type=TimeoutError;");
  CHECK(spans[0].duration_ns == 2001691000);
}

TEST_CASE("span-collector: status words and OTel's status object", "[seeds][span-collector]") {
  auto spans = spans_of(trace_of(R"({"span_id": "1", "name": "a", "status": "SUCCESS"},
    {"span_id": "2", "name": "b", "status": "failed"},
    {"span_id": "3", "name": "c", "error": "connection reset"},
    {"span_id": "4", "name": "d", "status": {"status_code": "ERROR", "description": "rate limited"}},
    {"span_id": "5", "name": "e", "status": "degraded"},
    {"span_id": "6", "name": "f", "status": "unset", "error": false})"));
  REQUIRE(spans.size() == 6);
  CHECK(spans[0].status == trace::Status::kOk);
  CHECK(spans[1].status == trace::Status::kError);
  CHECK(spans[1].status_message == "");
  CHECK(spans[2].status == trace::Status::kError);
  CHECK(spans[2].status_message == "connection reset");
  CHECK(spans[3].status == trace::Status::kError);
  CHECK(spans[3].status_message == "rate limited");
  CHECK(spans[4].status == trace::Status::kUnset);
  CHECK(spans[4].attr("status") == "degraded");
  CHECK(spans[5].status == trace::Status::kUnset);
}

TEST_CASE("span-collector: a span without end_time is incomplete unless duration_ms says", "[seeds][span-collector]") {
  auto spans = spans_of(trace_of(R"({"span_id": "1", "name": "cache_write", "start_time": 1736938806.481955, "end_time": null},
    {"span_id": "2", "name": "b", "start_time": "2025-01-15T11:00:00Z", "duration_ms": 12.5},
    {"span_id": "3", "name": "c", "end_time": 1736938801, "duration_ms": 250},
    {"span_id": "4", "name": "d"})"));
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].flags == trace::kSpanIncomplete);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[0].start_ns == 1736938806481955000);
  CHECK(spans[1].flags == 0);
  CHECK(spans[1].start_ns == kT0);
  CHECK(spans[1].duration_ns == 12500000);
  CHECK(spans[2].flags == trace::kSpanStartUnknown);
  CHECK(spans[2].start_ns == kT0 + 750 * kMs);
  CHECK(spans[2].duration_ns == 250 * kMs);
  CHECK(spans[3].flags == (trace::kSpanStartUnknown | trace::kSpanIncomplete));
}

TEST_CASE("span-collector: log_event events are log records joined to their span", "[seeds][span-collector]") {
  Loaded loaded = load(trace_of(kInference, R"({"name": "model_loaded", "timestamp": 1736938799.598,
      "data": {"model_type": "transformer", "parameters": 7e9, "device": "cuda:0"}},
    {"name": "tool_failed", "timestamp": 1736938804.8171, "span_id": "c9", "level": "ERROR", "data": {"tool": "fetch_page"}})"));
  const auto& logs = loaded.records.logs;
  REQUIRE(logs.size() == 2);
  CHECK(logs[0].message == "model_loaded");
  CHECK(logs[0].time_ns == kT0 - 402 * kMs);
  CHECK(logs[0].trace_id == "tr-1");
  CHECK(logs[0].span_id == "");
  CHECK(logs[0].service == "research-agent");
  CHECK(logs[0].severity == 0);
  CHECK(render(logs[0].fields) == "model_type=transformer;parameters=7000000000;device=cuda:0;");
  CHECK(logs[1].span_id == "c9");
  CHECK(logs[1].level_text == "ERROR");
  CHECK(logs[1].severity == 17);
  CHECK(logs[1].line == 6);
}

TEST_CASE("span-collector: a span without span_id or name is an error at the span", "[seeds][span-collector]") {
  CHECK(error_of("{\"spans\": [\n  {\"name\": \"x\"}]}") == "trace.json:2:3: expected span_id in a span");
  CHECK(error_of("{\"spans\": [\n  {\"span_id\": \"a\"}]}") == "trace.json:2:3: expected name in a span");
}

TEST_CASE("span-collector: wrongly typed fields are errors at the value", "[seeds][span-collector]") {
  CHECK(error_of(R"({"spans": {"span_id": "a"}})") == "trace.json:1:11: expected spans as an array, found an object");
  CHECK(error_of(R"({"spans": [{"span_id": "a", "name": 5}]})") == "trace.json:1:37: expected name as a string, found 5");
  CHECK(error_of(R"({"spans": [{"span_id": "a", "name": "x", "start_time": [1]}]})") ==
        "trace.json:1:56: expected start_time as epoch seconds or an ISO 8601 time, found an array");
  CHECK(error_of(R"({"spans": [{"span_id": "a", "name": "x", "attributes": [1, 2]}]})") ==
        "trace.json:1:56: expected attributes as an object, found an array");
  CHECK(error_of(R"({"spans": [], "events": [{"name": "e", "timestamp": "soon"}]})") ==
        "trace.json:1:53: expected event timestamp as epoch seconds or an ISO 8601 time, found \"soon\"");
}

TEST_CASE("span-collector: broken JSON is an error where it breaks", "[seeds][span-collector]") {
  CHECK(error_of("{\"spans\": [\n  {\"span_id\": \"a\",") == "trace.json:2:19: expected a closing '}' or ']', found the end of the text");
  CHECK(error_of("\"trace\"") == "trace.json:1:1: expected a TraceCollector trace (a JSON object), found \"trace\"");
}

TEST_CASE("span-collector: samples/span_collector.json is one research-agent run", "[seeds][span-collector]") {
  Loaded loaded = load_text(read_sample("span_collector.json"), "", "samples/span_collector.json");
  REQUIRE(loaded.format == "span-collector");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 12);
  REQUIRE(loaded.records.logs.size() == 5);
  CHECK(spans[0].name == "agent_run");
  CHECK(spans[0].parent_id == "");
  CHECK(spans[0].duration_ns == 6482113000);
  size_t errors = 0;
  for (const OwnedSpan& span : spans) {
    CHECK(span.trace_id == "tr-4e1f0a9b7c2d");
    if (span.status == trace::Status::kError) ++errors;
  }
  CHECK(errors == 1);
  CHECK(spans[11].name == "cache_write");
  CHECK(spans[11].flags == trace::kSpanIncomplete);
}
