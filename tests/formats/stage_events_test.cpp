// stage-events: the Stageflow EventSink stream (FORMATS.md §6b).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/registry.h"
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

// 2025-01-15T10:30:00Z
constexpr int64_t kT0 = 1736937000000000000;
constexpr int64_t kMs = 1000000;

const std::string kRun = R"("pipeline_run_id":"run-1","request_id":"req-9a2e41","user_id":"u-0412")";

// One event line: {"type": type, "data": {stage, timestamp (ms after kT0), ids, extra}}.
std::string event(const std::string& type, int ms, const std::string& extra = "", const std::string& run = kRun) {
  std::string stage;
  if (type.rfind("stage.", 0) == 0) {
    size_t dot = type.rfind('.');
    stage = R"("stage":")" + type.substr(6, dot - 6) + R"(",)";
  }
  char time[40];
  std::snprintf(time, sizeof time, "2025-01-15T10:30:%02d.%03dZ", ms / 1000, ms % 1000);
  return R"({"type":")" + type + R"(","data":{)" + stage + R"("timestamp":")" + time + R"(",)" + run +
         (extra.empty() ? "" : "," + extra) + "}}\n";
}

Loaded load(const std::string& text) {
  Loaded loaded = load_text(text, "", "events.jsonl");
  REQUIRE(loaded.format == "stage-events");
  return loaded;
}

std::vector<OwnedSpan> spans_of(const std::string& text) { return load(text).records.spans; }

std::string error_of(const std::string& text) { return load_error(text, "stage-events", "events.jsonl"); }

}  // namespace

TEST_CASE("stage-events: detected by a stage/pipeline/tool/stream type and a data object", "[seeds][stage-events]") {
  CHECK(load_text(event("stage.llm.started", 0), "", "e.jsonl").format == "stage-events");
  CHECK(load_text(event("pipeline.started", 0), "", "e.jsonl").format == "stage-events");
  CHECK(load_text(event("tool.invoked", 0), "", "e.jsonl").format == "stage-events");
  CHECK(load_text(event("stream.chunk_dropped", 0), "", "e.jsonl").format == "stage-events");
  // Another producer's type/data envelope is not Stageflow's.
  CHECK_THROWS_AS(load_text(R"({"type":"user.login","data":{"id":1}})" "\n", "", "e.jsonl"), trace::InputError);
  CHECK_THROWS_AS(load_text(R"({"type":"stage.llm.started","data":"x"})" "\n", "", "e.jsonl"), trace::InputError);
}

TEST_CASE("stage-events: a stream opening with a custom event is detected by the lines after it", "[seeds][stage-events]") {
  CHECK(load_text(event("custom.boot", 0) + event("stage.llm.started", 1), "", "e.jsonl").format == "stage-events");
  CHECK_THROWS_AS(load_text(event("custom.boot", 0) + event("custom.tick", 1), "", "e.jsonl"), trace::InputError);
}

TEST_CASE("stage-events: lines depend on each other, so the format is not line-parallel", "[seeds][stage-events]") {
  const trace::formats::FormatSpec* spec = trace::formats::find_format("stage-events");
  REQUIRE(spec != nullptr);
  CHECK_FALSE(spec->line_parallel);
}

TEST_CASE("stage-events: started and completed pair into a span", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.llm.started", 1000, R"("status":"started","topology":"chat_fast")") +
                        event("stage.llm.completed", 2300,
                              R"("status":"completed","topology":"chat_fast","execution_mode":"practice","duration_ms":1250)"));
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "run-1");
  CHECK(span.span_id == "run-1/llm@1");
  CHECK(span.parent_id == "run-1");
  CHECK(span.name == "llm");
  CHECK(span.service == "chat_fast");
  CHECK(span.start_ns == kT0 + 1000 * kMs);
  // duration_ms is the producer's own measure: it wins over the timestamps' 1300 ms.
  CHECK(span.duration_ns == 1250 * kMs);
  CHECK(span.status == trace::Status::kOk);
  CHECK(span.flags == 0);
  CHECK(render(span.attrs) ==
        "request_id=req-9a2e41;user_id=u-0412;topology=chat_fast;execution_mode=practice;");
  CHECK(span.line == 2);
}

TEST_CASE("stage-events: without duration_ms the duration is end - start", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.guard.started", 1000) + event("stage.guard.completed", 1061));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == kT0 + 1000 * kMs);
  CHECK(spans[0].duration_ns == 61 * kMs);
}

TEST_CASE("stage-events: a failed stage is an error with summarize_pipeline_error's message", "[seeds][stage-events]") {
  auto spans = spans_of(
      event("stage.llm.started", 0) +
      event("stage.llm.failed", 30000,
            R"("duration_ms":30000,"error":{"code":"TIMEOUT","type":"TimeoutError","message":"Stage timed out after 30000ms","retryable":true})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "Stage timed out after 30000ms");
  CHECK(spans[0].attr("error.type") == "TimeoutError");
  CHECK(spans[0].attr("error.code") == "TIMEOUT");
  CHECK(spans[0].attr("error") == "<absent>");
}

TEST_CASE("stage-events: an error given as a string is the message", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.retrieve.started", 0) +
                        event("stage.retrieve.failed", 120, R"("error":"vector store unavailable")"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "vector store unavailable");
}

TEST_CASE("stage-events: a completed stage whose start is not in the file starts duration_ms before its end",
          "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.llm.completed", 5000, R"("duration_ms":1412)"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].span_id == "run-1/llm@1");
  CHECK(spans[0].start_ns == kT0 + 3588 * kMs);
  CHECK(spans[0].duration_ns == 1412 * kMs);
  CHECK(spans[0].flags == 0);
}

TEST_CASE("stage-events: a lone end without duration_ms has an unknown start and duration", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.llm.completed", 5000));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].flags == trace::kSpanStartUnknown);
  CHECK(spans[0].start_ns == kT0 + 5000 * kMs);
  CHECK(spans[0].duration_ns == -1);
}

TEST_CASE("stage-events: pipeline events make the run's root span", "[seeds][stage-events]") {
  auto spans = spans_of(event("pipeline.started", 0, R"("pipeline_name":"support_agent","topology":"chat_fast")") +
                        event("stage.router.started", 4) + event("stage.router.completed", 42) +
                        event("pipeline.completed", 2121, R"("duration_ms":2121,"status":"completed")"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].name == "router");
  CHECK(spans[0].parent_id == "run-1");
  CHECK(spans[0].service == "");  // router's events name no topology
  const OwnedSpan& root = spans[1];
  CHECK(root.trace_id == "run-1");
  CHECK(root.span_id == "run-1");
  CHECK(root.parent_id == "");
  CHECK(root.name == "support_agent");
  CHECK(root.service == "chat_fast");
  CHECK(root.start_ns == kT0);
  CHECK(root.duration_ns == 2121 * kMs);
  CHECK(root.status == trace::Status::kOk);
}

TEST_CASE("stage-events: a failed or cancelled pipeline is an error", "[seeds][stage-events]") {
  auto spans = spans_of(event("pipeline.started", 0) + event("pipeline.cancelled", 260, R"("duration_ms":260)") +
                        event("pipeline.started", 1000, "", R"("pipeline_run_id":"run-2")") +
                        event("pipeline.failed", 1500, R"("error":"boom","stage":"llm")", R"("pipeline_run_id":"run-2")"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].name == "pipeline");
  CHECK(spans[0].status == trace::Status::kError);
  CHECK(spans[0].status_message == "cancelled");
  CHECK(spans[1].trace_id == "run-2");
  CHECK(spans[1].status_message == "boom");
  CHECK(spans[1].duration_ns == 500 * kMs);
  CHECK(spans[1].attr("stage") == "llm");
}

TEST_CASE("stage-events: a tool call is a child of the stage open when it started", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.llm.started", 0) +
                        event("tool.started", 100, R"("tool":"search_docs")") +
                        event("tool.completed", 512, R"("tool":"search_docs","duration_ms":412)") +
                        event("tool.started", 600, R"("tool":"get_weather")") +
                        event("tool.failed", 900, R"("tool":"get_weather","error":"upstream 504")") +
                        event("stage.llm.completed", 1000));
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].name == "search_docs");
  CHECK(spans[0].span_id == "run-1/search_docs@2");
  CHECK(spans[0].parent_id == "run-1/llm@1");
  CHECK(spans[0].start_ns == kT0 + 100 * kMs);
  CHECK(spans[0].duration_ns == 412 * kMs);
  CHECK(spans[0].attr("tool") == "search_docs");
  CHECK(spans[1].name == "get_weather");
  CHECK(spans[1].status == trace::Status::kError);
  CHECK(spans[1].status_message == "upstream 504");
  CHECK(spans[1].duration_ns == 300 * kMs);
  CHECK(spans[2].name == "llm");
}

TEST_CASE("stage-events: data.stage picks the tool's stage among several open ones", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.retrieve.started", 0) + event("stage.llm.started", 10) +
                        event("tool.started", 20, R"("tool":"search","stage":"retrieve")") +
                        event("tool.completed", 30, R"("tool":"search")"));
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].name == "search");
  CHECK(spans[0].parent_id == "run-1/retrieve@1");
}

TEST_CASE("stage-events: other events become events of the open stage, with their data", "[seeds][stage-events]") {
  auto spans = spans_of(
      event("stage.llm.started", 0) +
      event("tool.invoked", 98, R"("tool":"search_docs","arguments":{"query":"refund"})") +
      R"({"type":"stream.producer_blocked","data":{"pipeline_run_id":"run-1","queue":"tokens","waited_ms":12}})" "\n" +
      event("stage.llm.completed", 1000));
  REQUIRE(spans.size() == 1);
  const auto& events = spans[0].events;
  REQUIRE(events.size() == 2);
  CHECK(events[0].name == "tool.invoked");
  CHECK(events[0].time_ns == kT0 + 98 * kMs);
  REQUIRE(events[0].attrs.size() == 1);
  CHECK(events[0].attrs[0].key == "data");
  CHECK(events[0].attrs[0].text ==
        R"({"timestamp":"2025-01-15T10:30:00.098Z","pipeline_run_id":"run-1","request_id":"req-9a2e41","user_id":"u-0412","tool":"search_docs","arguments":{"query":"refund"}})");
  CHECK(events[1].name == "stream.producer_blocked");
  CHECK(events[1].time_ns == 0);
}

TEST_CASE("stage-events: with no stage open, an event goes to the run's span; with nothing open it is dropped",
          "[seeds][stage-events]") {
  auto spans = spans_of(event("custom.before", 0) + event("pipeline.started", 10) +
                        event("custom.processing_started", 20, R"("step":"validation")") +
                        event("pipeline.completed", 30));
  REQUIRE(spans.size() == 1);
  REQUIRE(spans[0].events.size() == 1);
  CHECK(spans[0].events[0].name == "custom.processing_started");
}

TEST_CASE("stage-events: a stage that never ends is pushed at the end as incomplete", "[seeds][stage-events]") {
  Loaded loaded = load(event("pipeline.started", 0, R"("pipeline_name":"support_agent")") +
                       event("stage.retrieve.started", 100, R"("topology":"chat_fast")") +
                       event("stage.router.started", 50, "", R"("pipeline_run_id":"run-2")"));
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 3);
  // In the order they were opened.
  CHECK(spans[0].span_id == "run-1");
  CHECK(spans[0].name == "support_agent");
  CHECK(spans[0].flags == trace::kSpanIncomplete);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[1].span_id == "run-1/retrieve@2");
  CHECK(spans[1].service == "chat_fast");
  CHECK(spans[1].start_ns == kT0 + 100 * kMs);
  CHECK(spans[1].line == 2);
  CHECK(render(spans[1].attrs) == "request_id=req-9a2e41;user_id=u-0412;topology=chat_fast;");
  CHECK(spans[2].trace_id == "run-2");
  CHECK(spans[2].flags == trace::kSpanIncomplete);
}

TEST_CASE("stage-events: a stage started again before it ended leaves the first incomplete", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.llm.started", 0) + event("stage.llm.started", 500) +
                        event("stage.llm.completed", 800));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].span_id == "run-1/llm@1");
  CHECK(spans[0].flags == trace::kSpanIncomplete);
  CHECK(spans[1].span_id == "run-1/llm@2");
  CHECK(spans[1].duration_ns == 300 * kMs);
}

TEST_CASE("stage-events: interleaved runs pair by run id", "[seeds][stage-events]") {
  const std::string run2 = R"("pipeline_run_id":"run-2")";
  auto spans = spans_of(event("stage.llm.started", 0) + event("stage.llm.started", 100, "", run2) +
                        event("stage.llm.completed", 300, "", run2) + event("stage.llm.completed", 1000));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "run-2");
  CHECK(spans[0].duration_ns == 200 * kMs);
  CHECK(spans[1].trace_id == "run-1");
  CHECK(spans[1].duration_ns == 1000 * kMs);
}

TEST_CASE("stage-events: the envelope's timestamp serves when data has none", "[seeds][stage-events]") {
  auto spans = spans_of(
      R"({"type":"stage.llm.started","data":{"stage":"llm","pipeline_run_id":"r"},"timestamp":"2025-01-15T10:30:00Z"})" "\n"
      R"({"timestamp":1736937001.5,"type":"stage.llm.completed","data":{"stage":"llm","pipeline_run_id":"r"}})" "\n");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == kT0);
  CHECK(spans[0].duration_ns == 1500 * kMs);
}

TEST_CASE("stage-events: without a run id the trace id is data.trace_id, else request_id", "[seeds][stage-events]") {
  auto spans = spans_of(event("stage.a.completed", 10, "", R"("trace_id":"abc123","request_id":"req-1")") +
                        event("stage.b.completed", 20, "", R"("request_id":"req-2")"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].trace_id == "abc123");
  CHECK(spans[0].attr("trace_id") == "abc123");
  CHECK(spans[1].trace_id == "req-2");
}

TEST_CASE("stage-events: a stage name may hold dots; stage.wide is no stage", "[seeds][stage-events]") {
  auto spans = spans_of(event("pipeline.started", 0) + event("stage.llm.v2.started", 10) +
                        event("custom.mark", 20, R"("stage":"llm.v2")") + event("stage.llm.v2.completed", 30) +
                        event("pipeline.completed", 40));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].name == "llm.v2");
  REQUIRE(spans[0].events.size() == 1);
  CHECK(spans[0].events[0].name == "custom.mark");
}

TEST_CASE("stage-events: an event naming a stage that has ended goes to the run, not to another stage",
          "[seeds][stage-events]") {
  auto spans = spans_of(event("pipeline.started", 0) + event("stage.guard.started", 10) +
                        event("stage.guard.completed", 20) + event("stage.llm.started", 21) +
                        event("stage.wide", 22, R"("stage":"guard","outcome":"ok")") +
                        event("stage.llm.completed", 30) + event("pipeline.completed", 40));
  REQUIRE(spans.size() == 3);
  CHECK(spans[1].name == "llm");
  CHECK(spans[1].events.empty());
  CHECK(spans[2].span_id == "run-1");
  REQUIRE(spans[2].events.size() == 1);
  CHECK(spans[2].events[0].name == "stage.wide");
}

TEST_CASE("stage-events: a malformed event is an error at its line and column", "[seeds][stage-events]") {
  std::string good = event("stage.llm.started", 0);
  CHECK(error_of(good + R"({"data":{"stage":"llm"}})" "\n") == "events.jsonl:2:1: expected a \"type\" in the event");
  CHECK(error_of(good + R"({"type":7,"data":{}})" "\n") == "events.jsonl:2:9: expected type as a string, found 7");
  CHECK(error_of(good + R"({"type":"stage.llm.completed","data":[1]})" "\n") ==
        "events.jsonl:2:38: expected data as an object, found an array");
  CHECK(error_of(good + R"({"type":"stage.llm.completed","data":{"timestamp":"yesterday"}})" "\n") ==
        "events.jsonl:2:51: expected data.timestamp as epoch seconds or an ISO 8601 time, found \"yesterday\"");
  CHECK(error_of(good + R"({"type":"stage.llm.completed","data":{"duration_ms":-5}})" "\n") ==
        "events.jsonl:2:53: expected data.duration_ms as a non-negative number, found -5");
  CHECK(error_of(good + R"(["stage.llm.completed"])" "\n") ==
        "events.jsonl:2:1: expected a Stageflow event (a JSON object), found an array");
  CHECK(error_of(good + R"({"type":"stage.llm.completed","data":{}} {})" "\n") ==
        "events.jsonl:2:42: expected the end of the text after a Stageflow event");
  CHECK(error_of(good + R"({"type":"stage.llm.completed","data":{"stage":"llm")" "\n") ==
        "events.jsonl:2:52: expected a closing '}' or ']', found the end of the text");
}

TEST_CASE("stage-events: samples/stage_events.jsonl pairs five runs into spans", "[seeds][stage-events]") {
  Loaded loaded = load_text(read_sample("stage_events.jsonl"), "", "samples/stage_events.jsonl");
  REQUIRE(loaded.format == "stage-events");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 29);
  size_t errors = 0, incomplete = 0, tools = 0, events = 0;
  for (const OwnedSpan& span : spans) {
    if (span.status == trace::Status::kError) ++errors;
    if (span.flags & trace::kSpanIncomplete) ++incomplete;
    if (span.name == "search_docs" || span.name == "get_weather") ++tools;
    events += span.events.size();
  }
  CHECK(errors == 4);
  CHECK(incomplete == 3);
  CHECK(tools == 2);
  CHECK(events == 6);
  CHECK(loaded.records.logs.empty());
}
