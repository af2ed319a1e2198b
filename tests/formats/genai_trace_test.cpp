// genai-trace: the GenAI Processors TracingProcessor export (FORMATS.md §6a).
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

// 2025-01-15T10:30:00Z
constexpr int64_t kT0 = 1736937000000000000;

std::string export_of(const std::string& records, const std::string& session = R"({"processor":"RagAgent"})") {
  return "{\n\"session_info\": " + session + ",\n\"execution_trace\": [\n" + records + "\n],\n\"timing_summary\": {}\n}\n";
}

std::vector<OwnedSpan> spans_of(const std::string& text) {
  Loaded loaded = load_text(text, "", "trace_1736937000.json");
  REQUIRE(loaded.format == "genai-trace");
  return loaded.records.spans;
}

std::string error_of(const std::string& text) { return load_error(text, "genai-trace", "trace.json"); }

const char* kCall = R"({"trace_id": "trace_3f9a12c7", "operation": "processor_call", "start_time": 1736937000.25,
 "processor": "RagAgentPipeline", "thread_id": 139872915248960, "call_depth": 0,
 "end_time": 1736937003.75, "duration": 3.5})";

}  // namespace

TEST_CASE("genai-trace: an export is detected by execution_trace beside session_info", "[seeds][genai-trace]") {
  CHECK(load_text(export_of(kCall)).format == "genai-trace");
  // Written by hand without session_info: the records still say what it is.
  CHECK(load_text(R"({"execution_trace": [)" + std::string(kCall) + "]}").format == "genai-trace");
}

TEST_CASE("genai-trace: an operation record is a span", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(kCall));
  REQUIRE(spans.size() == 1);
  const OwnedSpan& span = spans[0];
  CHECK(span.trace_id == "trace_3f9a12c7");
  CHECK(span.span_id == "trace_3f9a12c7");
  CHECK(span.parent_id == "");
  CHECK(span.name == "processor_call");
  CHECK(span.service == "RagAgentPipeline");
  CHECK(span.start_ns == kT0 + 250000000);
  CHECK(span.duration_ns == 3500000000);
  CHECK(span.flags == 0);
  CHECK(span.status == trace::Status::kUnset);
  CHECK(render(span.attrs) == "thread_id=139872915248960;call_depth=0;");
  CHECK(span.events.empty());
}

TEST_CASE("genai-trace: a _part_<n> record is a child of its call, in the call's trace", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(std::string(kCall) + R"(,
{"trace_id": "trace_3f9a12c7_part_12", "operation": "process_part_12", "start_time": 1736937000.5,
 "processor": "RagAgentPipeline", "thread_id": 139872915248960, "call_depth": 1,
 "end_time": 1736937001.0, "duration": 0.5})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[1].trace_id == "trace_3f9a12c7");
  CHECK(spans[1].span_id == "trace_3f9a12c7_part_12");
  CHECK(spans[1].parent_id == "trace_3f9a12c7");
  CHECK(spans[1].name == "process_part_12");
  CHECK(spans[1].duration_ns == 500000000);
  CHECK(render(spans[1].attrs) == "thread_id=139872915248960;call_depth=1;");
}

TEST_CASE("genai-trace: nested part suffixes strip to the root trace, one level to the parent", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_ab_part_1_part_0", "operation": "process_part_0", "start_time": 1736937000, "end_time": 1736937001})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].trace_id == "trace_ab");
  CHECK(spans[0].parent_id == "trace_ab_part_1");
}

TEST_CASE("genai-trace: a _part_ without digits is part of the id", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_ab_part_x", "operation": "processor_call", "start_time": 1736937000, "end_time": 1736937001})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].trace_id == "trace_ab_part_x");
  CHECK(spans[0].parent_id == "");
}

TEST_CASE("genai-trace: part records are the input and output events of their operation", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(std::string(kCall) + R"(,
{"trace_id": "trace_3f9a12c7_part_0", "operation": "process_part_0", "start_time": 1736937000.5,
 "processor": "RagAgentPipeline", "thread_id": 7, "call_depth": 1, "end_time": 1736937001.5, "duration": 1.0},
{"trace_id": "trace_3f9a12c7_part_0", "type": "input", "part_index": 0, "mimetype": "text/plain",
 "size": 58, "timestamp": 1736937000.500031},
{"trace_id": "trace_3f9a12c7_part_0", "type": "output", "part_index": 0, "output_index": 0,
 "mimetype": "application/json", "timestamp": 1736937001.25},
{"trace_id": "trace_3f9a12c7_part_0", "type": "output", "part_index": 0, "output_index": 1,
 "mimetype": "text/plain", "timestamp": 1736937001.4})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].events.empty());
  const auto& events = spans[1].events;
  REQUIRE(events.size() == 3);
  CHECK(events[0].name == "input");
  CHECK(events[0].time_ns == kT0 + 500031000);
  CHECK(render(events[0].attrs) == "mimetype=text/plain;part_index=0;size=58;");
  CHECK(events[1].name == "output");
  CHECK(events[1].time_ns == kT0 + 1250000000);
  CHECK(render(events[1].attrs) == "mimetype=application/json;part_index=0;output_index=0;");
  CHECK(events[2].time_ns == kT0 + 1400000000);
  CHECK(render(events[2].attrs) == "mimetype=text/plain;part_index=0;output_index=1;");
}

TEST_CASE("genai-trace: a part written before its operation still finds it", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(R"(
{"trace_id": "trace_aa", "type": "input", "part_index": 0, "mimetype": "text/plain", "size": 3, "timestamp": 1736937000.1},
{"trace_id": "trace_aa", "operation": "processor_call", "start_time": 1736937000, "end_time": 1736937001})"));
  REQUIRE(spans.size() == 1);
  REQUIRE(spans[0].events.size() == 1);
  CHECK(spans[0].events[0].name == "input");
}

TEST_CASE("genai-trace: a part of no operation is dropped; an unknown record is ignored", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(std::string(kCall) + R"(,
{"trace_id": "trace_ffffffff", "type": "output", "part_index": 0, "output_index": 0, "mimetype": "text/plain", "timestamp": 1736937001},
{"trace_id": "trace_3f9a12c7", "note": "a record of a later version"})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].events.empty());
}

TEST_CASE("genai-trace: times are epoch seconds read exactly from their text", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_01", "operation": "processor_call", "start_time": 1736937000.123456, "end_time": 1736937000.412873})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == 1736937000123456000);
  CHECK(spans[0].duration_ns == 289417000);
}

TEST_CASE("genai-trace: times written as strings by default=str are read too", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_01", "operation": "processor_call", "start_time": "2025-01-15 10:30:00.5", "end_time": "1736937001.5"})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_ns == kT0 + 500000000);
  CHECK(spans[0].duration_ns == 1000000000);
}

TEST_CASE("genai-trace: a record without end_time is incomplete", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_e05c9b31", "operation": "processor_call", "start_time": 1736937008.702114, "processor": "P", "thread_id": 1, "call_depth": 1})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].flags == trace::kSpanIncomplete);
  CHECK(spans[0].duration_ns == -1);
  CHECK(spans[0].start_ns == 1736937008702114000);
}

TEST_CASE("genai-trace: duration serves when end_time is missing; end_time wins over it", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_01", "operation": "processor_call", "start_time": 1736937000, "duration": 0.25},
{"trace_id": "trace_02", "operation": "processor_call", "start_time": 1736937000, "end_time": 1736937002, "duration": 1.9999999})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].duration_ns == 250000000);
  CHECK(spans[0].flags == 0);
  CHECK(spans[1].duration_ns == 2000000000);
}

TEST_CASE("genai-trace: a record without start_time has an unknown start", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(R"({"trace_id": "trace_01", "operation": "processor_call", "duration": 0.25})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].flags == trace::kSpanStartUnknown);
  CHECK(spans[0].start_ns == 0);
  CHECK(spans[0].duration_ns == 250000000);
}

TEST_CASE("genai-trace: an end before the start is a zero-length span", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(
      R"({"trace_id": "trace_01", "operation": "processor_call", "start_time": 1736937001, "end_time": 1736937000})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].duration_ns == 0);
}

TEST_CASE("genai-trace: the service falls back to session_info.processor", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(R"({"trace_id": "trace_01", "operation": "processor_call", "start_time": 1736937000})",
                                  R"({"processor": "SessionProcessor", "trace_level": "BASIC"})"));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].service == "SessionProcessor");
}

TEST_CASE("genai-trace: each span knows the line of its record", "[seeds][genai-trace]") {
  auto spans = spans_of(export_of(std::string(kCall) + ",\n" +
                                  R"({"trace_id": "trace_3f9a12c7_part_0", "operation": "process_part_0", "start_time": 1736937001})"));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].line == 4);
  CHECK(spans[1].line == 7);
}

TEST_CASE("genai-trace: a wrongly typed field is an error at the value", "[seeds][genai-trace]") {
  CHECK(error_of(R"({"execution_trace": {"trace_id": "x"}})") ==
        "trace.json:1:21: expected execution_trace as an array, found an object");
  CHECK(error_of(R"({"execution_trace": ["trace_01"]})") ==
        "trace.json:1:22: expected an execution_trace record as an object, found \"trace_01\"");
  CHECK(error_of(R"({"execution_trace": [{"trace_id": "t", "operation": "o", "start_time": true}]})") ==
        "trace.json:1:72: expected start_time as epoch seconds or an ISO 8601 time, found true");
  CHECK(error_of(R"({"execution_trace": [{"trace_id": "t", "operation": "o", "start_time": "noon"}]})") ==
        "trace.json:1:72: expected start_time as epoch seconds or an ISO 8601 time, found \"noon\"");
  CHECK(error_of(R"({"execution_trace": [{"trace_id": "t", "operation": "o", "duration": -1}]})") ==
        "trace.json:1:70: expected duration as a non-negative number, found -1");
  CHECK(error_of(R"({"execution_trace": [{"trace_id": 7, "operation": "o"}]})") ==
        "trace.json:1:35: expected trace_id as a string, found 7");
}

TEST_CASE("genai-trace: a record without trace_id is an error at the record", "[seeds][genai-trace]") {
  CHECK(error_of("{\"execution_trace\": [\n  {\"operation\": \"processor_call\", \"start_time\": 1}]}") ==
        "trace.json:2:3: expected trace_id in an operation record");
  CHECK(error_of("{\"execution_trace\": [\n  {\"type\": \"input\", \"timestamp\": 1}]}") ==
        "trace.json:2:3: expected trace_id in a part record");
}

TEST_CASE("genai-trace: broken JSON is an error where it breaks", "[seeds][genai-trace]") {
  CHECK(error_of("{\"execution_trace\": [\n  {\"trace_id\": \"t\" \"operation\": \"o\"}]}") ==
        "trace.json:2:20: expected a field or '}' in an execution_trace record (The JSON document has an improper "
        "structure: missing or superfluous commas, braces, missing keys, etc.)");
  CHECK(error_of("{\"execution_trace\": [\n  {\"trace_id\": \"t\"") ==
        "trace.json:2:19: expected a closing '}' or ']', found the end of the text");
  CHECK(error_of("[1, 2]") == "trace.json:1:1: expected a TracingProcessor export (a JSON object), found an array");
  CHECK(error_of("{\"execution_trace\": []} 5") ==
        "trace.json:1:25: expected the end of the text after a TracingProcessor export");
}

TEST_CASE("genai-trace: samples/genai_trace.json reads as four calls of a RAG pipeline", "[seeds][genai-trace]") {
  Loaded loaded = load_text(read_sample("genai_trace.json"), "", "samples/genai_trace.json");
  REQUIRE(loaded.format == "genai-trace");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 14);
  size_t incomplete = 0, events = 0;
  for (const OwnedSpan& span : spans) {
    if (span.flags & trace::kSpanIncomplete) ++incomplete;
    events += span.events.size();
    CHECK(span.service == "RagAgentPipeline");
  }
  CHECK(incomplete == 2);
  CHECK(events == 22);
  CHECK(spans[0].name == "processor_call");
  CHECK(spans[0].start_ns == 1736937000104217000);
  CHECK(spans[0].duration_ns == 3912406000);
  // The failed tool part: an input and no output.
  const OwnedSpan& tool = spans[8];
  CHECK(tool.span_id == "trace_b71e04d2_part_2");
  REQUIRE(tool.events.size() == 1);
  CHECK(tool.events[0].name == "input");
}
