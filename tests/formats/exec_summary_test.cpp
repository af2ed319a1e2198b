// exec-summary: ExecutionTracker.get_execution_summary() objects (FORMATS.md §6c).
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

constexpr int64_t kMs = 1000000;
constexpr uint8_t kSynthetic = trace::kSpanStartUnknown | trace::kSpanClockRelative;

std::string summary_of(const std::string& stages, const std::string& extra = "") {
  return R"({"total_duration_ms": 1.0, "stage_count": 1, "success": true, )" + extra + R"("stages": [)" + stages + "]}";
}

std::string stage(const std::string& id, const std::string& name, const std::string& ms, const std::string& substages = "",
                  const std::string& metadata = "{}", const std::string& outcome = R"(true, "error_type": null, "error_message": null)") {
  return R"({"stage_id": ")" + id + R"(", "stage_name": ")" + name + R"(", "duration_ms": )" + ms +
         R"(, "success": )" + outcome + R"(, "substages": [)" + substages + R"(], "metadata": )" + metadata + "}";
}

Loaded load(const std::string& text, const std::string& name = "summary.json") {
  Loaded loaded = load_text(text, "", name);
  REQUIRE(loaded.format == "exec-summary");
  return loaded;
}

std::vector<OwnedSpan> spans_of(const std::string& text) { return load(text).records.spans; }

std::string error_of(const std::string& text) { return load_error(text, "exec-summary", "summary.json"); }

}  // namespace

TEST_CASE("exec-summary: detected by stages beside total_duration_ms or stage_count", "[seeds][exec-summary]") {
  CHECK(load_text(R"({"total_duration_ms": 5.2, "stages": []})").format == "exec-summary");
  CHECK(load_text(R"({"stage_count": 0, "stages": []})").format == "exec-summary");
  CHECK_THROWS_AS(load_text(R"({"stages": []})"), trace::InputError);
}

TEST_CASE("exec-summary: a stage is a span with its id, duration and metadata", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(stage("2.0_CACHE_LOOKUP", "Cache Lookup", "7.412", "",
                                         R"({"thread_id": "req-abc-123", "hit": false, "tier": 2, "nodes": ["c1", "c2"]})")));
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "req-abc-123");
  CHECK(span.span_id == "2.0_CACHE_LOOKUP");
  CHECK(span.parent_id == "");
  CHECK(span.name == "Cache Lookup");
  CHECK(span.service == "");
  CHECK(span.duration_ns == 7412000);
  CHECK(span.start_ns == 0);
  CHECK(span.flags == kSynthetic);
  CHECK(span.status == trace::Status::kOk);
  CHECK(render(span.attrs) == "stage.id=2.0_CACHE_LOOKUP;thread_id=req-abc-123;hit=false;tier=2;nodes=[\"c1\", \"c2\"];");
}

TEST_CASE("exec-summary: substages are children laid out one after another inside their parent", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(
      stage("1.0_REQUEST_VALIDATION", "Request Validation", "1.5") + ", " +
      stage("2.0_CACHE_LOOKUP", "Cache Lookup", "8", stage("2.1_L1_CACHE_LOOKUP", "L1 Cache", "0.25") + ", " +
                                                       stage("2.2_L2_CACHE_LOOKUP", "L2 Redis Cache", "7.5")) +
      ", " + stage("6.0_RESPONSE_FINALIZE", "Response Finalize", "3")));
  REQUIRE(spans.size() == 5);
  CHECK(spans[0].start_ns == 0);
  CHECK(spans[1].span_id == "2.0_CACHE_LOOKUP");
  CHECK(spans[1].start_ns == 1500000);
  CHECK(spans[2].parent_id == "2.0_CACHE_LOOKUP");
  CHECK(spans[2].start_ns == 1500000);
  CHECK(spans[2].duration_ns == 250000);
  CHECK(spans[3].parent_id == "2.0_CACHE_LOOKUP");
  CHECK(spans[3].start_ns == 1750000);
  CHECK(spans[4].parent_id == "");
  CHECK(spans[4].start_ns == 9500000);
  for (const OwnedSpan& span : spans) CHECK(span.flags == kSynthetic);
}

TEST_CASE("exec-summary: a failed stage is an error with its message and error.type", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(
      stage("5.0_LLM_STREAMING", "LLM Streaming", "30002.4", "", R"({"model": "gpt-4o-mini"})",
            R"(false, "error_type": "TimeoutError", "error_message": "LLM stream stalled: no chunk for 30s")") +
      ", " + stage("9.0_X", "X", "1", "", "{}", R"(false, "error_type": "ValueError", "error_message": null)")));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "LLM stream stalled: no chunk for 30s");
  CHECK(render(spans[0].attrs) == "stage.id=5.0_LLM_STREAMING;model=gpt-4o-mini;error.type=TimeoutError;");
  CHECK(spans[0].duration_ns == 30002400000);
  CHECK(spans[1].status_message == "ValueError");
}

TEST_CASE("exec-summary: the trace id comes from the summary, then stage metadata, else summary-<n>", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(stage("a", "A", "1", "", R"({"thread_id": "t-1"})"), R"("request_id": "r-top", )"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].trace_id == "r-top");
  // A Python thread id is an integer.
  spans = spans_of(summary_of(stage("a", "A", "1") + ", " + stage("b", "B", "1", "", R"({"thread_id": 140234567890})")));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "140234567890");
  CHECK(spans[1].trace_id == "140234567890");
  Loaded lines = load(summary_of(stage("a", "A", "1")) + "\n" + summary_of(stage("a", "A", "2")) + "\n", "summaries.jsonl");
  REQUIRE(lines.records.spans.size() == 2);
  CHECK(lines.records.spans[0].trace_id == "summary-0");
  CHECK(lines.records.spans[1].trace_id == "summary-1");
  CHECK(lines.records.spans[1].line == 2);
}

TEST_CASE("exec-summary: a repeated stage_id gets #2; a stage without one is stage-<n>", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(stage("REDIS.2_CONNECT", "Connect", "3") + ", " + stage("REDIS.2_CONNECT", "Connect", "4") +
                                   R"(, {"stage_name": "Anonymous", "duration_ms": 1, "substages": [{"duration_ms": 0.5}]})"));
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].span_id == "REDIS.2_CONNECT");
  CHECK(spans[1].span_id == "REDIS.2_CONNECT#2");
  CHECK(spans[2].span_id == "stage-2");
  CHECK(spans[2].attr("stage.id") == "<absent>");
  CHECK(spans[3].span_id == "stage-3");
  CHECK(spans[3].parent_id == "stage-2");
  CHECK(spans[3].name == "");
  CHECK(spans[3].status == trace::Status::kUnset);
}

TEST_CASE("exec-summary: a null duration is unknown and takes no room", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(stage("a", "A", "null") + ", " + stage("b", "B", "2")));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[1].start_ns == 0);
  CHECK(spans[0].name == "A");
}

TEST_CASE("exec-summary: the name falls back to stage_id", "[seeds][exec-summary]") {
  auto spans = spans_of(summary_of(R"({"stage_id": "ET.1_TRACKER_INITIALIZATION", "duration_ms": 0.1})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].name == "ET.1_TRACKER_INITIALIZATION");
}

TEST_CASE("exec-summary: wrongly typed fields are errors at the value", "[seeds][exec-summary]") {
  CHECK(error_of(R"({"stage_count": 1, "stages": {}})") == "summary.json:1:30: expected stages as an array, found an object");
  CHECK(error_of(R"({"stage_count": 1, "stages": [{"duration_ms": "fast"}]})") ==
        "summary.json:1:47: expected duration_ms as a non-negative number, found \"fast\"");
  CHECK(error_of(R"({"stage_count": 1, "stages": [{"success": "yes"}]})") ==
        "summary.json:1:43: expected success as true or false, found \"yes\"");
  CHECK(error_of(R"({"stage_count": 1, "stages": [{"substages": 3}]})") ==
        "summary.json:1:45: expected substages as an array, found 3");
  CHECK(error_of(R"({"stage_count": 1, "stages": [{"metadata": [1]}]})") ==
        "summary.json:1:44: expected metadata as an object, found an array");
  CHECK(error_of(R"({"stage_count": 1, "stages": [7]})") == "summary.json:1:31: expected a stage as an object, found 7");
}

TEST_CASE("exec-summary: a broken line of a JSON-lines file is an error at that line", "[seeds][exec-summary]") {
  std::string good = summary_of(stage("a", "A", "1"));
  CHECK(error_of(good + "\n" + R"({"stage_count": 1, "stages": [)" + "\n") ==
        "summary.json:2:31: expected a closing '}' or ']', found the end of the text");
}

TEST_CASE("exec-summary: samples/exec_summary.jsonl holds four sampled requests", "[seeds][exec-summary]") {
  Loaded loaded = load(read_sample("exec_summary.jsonl"), "samples/exec_summary.jsonl");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 29);
  std::vector<std::string> traces;
  size_t errors = 0;
  for (const OwnedSpan& span : spans) {
    if (traces.empty() || traces.back() != span.trace_id) traces.push_back(span.trace_id);
    if (span.status == trace::Status::kError) ++errors;
    CHECK(span.flags == kSynthetic);
  }
  CHECK(traces == std::vector<std::string>{"req-abc-123", "req-def-456", "req-0f9e-771", "summary-3"});
  CHECK(errors == 1);
}
