// One big document read in batches of its record array's elements (issue 9) must give
// what reading it whole gives: the same records (with the same lines and offsets), the same
// statistics for any thread count and batch size, and the same located errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analyzers/latency_stats.h"
#include "formats/document_stream.h"
#include "formats/read_inputs.h"
#include "src/errors.h"
#include "src/output/record_printer.h"
#include "src/output/write_table.h"
#include "support/load_text.h"
#include "support/run_trace.h"

using trace::formats::Input;
using trace::formats::ReadOptions;
using trace::formats::ReadReport;

namespace {

// Keeps every record as the normalized JSON line of `trace convert --to jsonl`, with the
// byte offset the record's SourceRef gives.
struct RenderSink final : trace::RecordSink {
  std::vector<std::string> lines;
  trace::Flow on_span(const trace::Span& span) override {
    std::string line;
    trace::output::append_record_json(span, "input.json", line, trace::output::RecordColumns::kTable);
    lines.push_back(fmt::format("{} @{}", line, span.src.offset));
    return trace::Flow::kContinue;
  }
  trace::Flow on_log(const trace::LogRecord& log) override {
    std::string line;
    trace::output::append_record_json(log, "input.json", line, trace::output::RecordColumns::kTable);
    lines.push_back(fmt::format("{} @{}", line, log.src.offset));
    return trace::Flow::kContinue;
  }
};

struct Read {
  std::vector<std::string> records;  // in input order for one thread, sorted for several
  ReadReport report;
  std::string error;  // the InputError's message, "" when none
};

ReadOptions options_for(const std::string& format, size_t chunk, unsigned jobs, bool stream, bool lenient) {
  ReadOptions options;
  options.input_format = format;
  options.chunk_bytes = chunk;
  options.jobs = jobs;
  options.stream_documents = stream;
  options.lenient = lenient;
  return options;
}

Read read_text(const std::string& text, const std::string& format, size_t chunk, unsigned jobs, bool stream,
               bool lenient = false) {
  ReadOptions options = options_for(format, chunk, jobs, stream, lenient);
  std::vector<Input> inputs{{"input.json", [&] { return trace::Source::from_string("input.json", text); }}};
  std::vector<RenderSink> sinks(jobs);
  std::vector<trace::RecordSink*> pointers;
  for (RenderSink& sink : sinks) pointers.push_back(&sink);
  Read read;
  try {
    read.report = trace::formats::read_inputs(inputs, options, pointers);
  } catch (const trace::InputError& e) {
    read.error = e.what();
  }
  for (RenderSink& sink : sinks) read.records.insert(read.records.end(), sink.lines.begin(), sink.lines.end());
  if (jobs > 1) std::sort(read.records.begin(), read.records.end());
  return read;
}

Read read_whole(const std::string& text, const std::string& format = "", unsigned jobs = 1, bool lenient = false) {
  return read_text(text, format, size_t(4) << 20, jobs, false, lenient);
}

std::string stats_json(const std::string& text, size_t chunk, unsigned jobs, bool stream) {
  ReadOptions options = options_for("", chunk, jobs, stream, false);
  std::vector<Input> inputs{{"input.json", [&] { return trace::Source::from_string("input.json", text); }}};
  trace::LatencyStats stats =
      trace::formats::run_all<trace::LatencyStats>(inputs, options, [] { return trace::LatencyStats(); });
  std::string out;
  trace::output::write_table(stats.finish({}), trace::output::OutputFormat::kJson, {}, out);
  return out;
}

// Checks that streaming `text` in batches of `chunk` bytes on `jobs` threads reads what
// reading it whole does, and that it was streamed.
void check_same(const std::string& text, size_t chunk, unsigned jobs, const std::string& format = "") {
  INFO("chunk " << chunk << ", " << jobs << " threads");
  Read whole = read_whole(text, format, jobs);
  Read streamed = read_text(text, format, chunk, jobs, true);
  CHECK(streamed.error == whole.error);
  CHECK(streamed.records == whole.records);
  CHECK(streamed.report.files.at(0).batches > 0);
  CHECK(whole.report.files.at(0).batches == 0);
  CHECK(streamed.report.files.at(0).producer == whole.report.files.at(0).producer);
  CHECK(streamed.report.spans() == whole.report.spans());
  CHECK(streamed.report.logs() == whole.report.logs());
}

// ---------------------------------------------------------------------------------------
// Generated documents, bigger than the 64 KiB head detection reads, so that the splitter
// refills its window while elements straddle reads.

std::string otlp_resource_spans(int i, bool pretty) {
  std::string nl = pretty ? "\n      " : "";
  std::string service = fmt::format("svc-{}", i % 7);
  std::string spans;
  for (int s = 0; s < 1 + i % 4; ++s) {
    if (s > 0) spans += ",";
    spans += fmt::format(
        R"({}{{"traceId":"{:032x}","spanId":"{:016x}",{}"name":"op \"{}\" \\ {}","kind":{},"startTimeUnixNano":"{}",)"
        R"("endTimeUnixNano":"{}","attributes":[{{"key":"n","value":{{"intValue":"{}"}}}}]{}}})",
        nl, 1000 + i, i * 16 + s + 1, s > 0 ? fmt::format(R"("parentSpanId":"{:016x}",)", i * 16 + 1) : "",
        i % 5, s, 1 + s % 3, 1736937000000000000 + int64_t(i) * 1000000, 1736937000000000000 + int64_t(i) * 1000000 + (i * 7919 + s * 104729) % 5000000 + 1000,
        i * s, s == 2 ? R"(,"status":{"code":2,"message":"failed [x]"})" : "");
  }
  return fmt::format(R"({{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}},)"
                     R"({{"key":"telemetry.sdk.name","value":{{"stringValue":"opentelemetry"}}}}]}},{})"
                     R"("scopeSpans":[{{"scope":{{"name":"s{}"}},"spans":[{}{}]}}]}})",
                     service, nl, i % 3, spans, pretty ? "\n    " : "");
}

std::string otlp_document(int elements, bool pretty, const std::string& before = "", const std::string& after = "") {
  std::string sep = pretty ? ",\n    " : ",";
  std::string text = "{" + before + (pretty ? "\n  \"resourceSpans\": [\n    " : "\"resourceSpans\":[");
  for (int i = 0; i < elements; ++i) text += (i > 0 ? sep : "") + otlp_resource_spans(i, pretty);
  text += (pretty ? "\n  ]" : "]") + after + (pretty ? "\n}\n" : "}");
  return text;
}

std::string otlp_logs_document(int elements) {
  std::string text = "{\n  \"resourceLogs\": [";
  for (int i = 0; i < elements; ++i) {
    text += fmt::format(R"({}
    {{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc-{}"}}}}]}},
     "scopeLogs":[{{"scope":{{"name":"app.{}"}},"logRecords":[
       {{"timeUnixNano":"{}","severityNumber":{},"severityText":"x","body":{{"stringValue":"request {} done"}},
        "attributes":[{{"key":"duration_ms","value":{{"doubleValue":{}.5}}}}]}}]}}]}})",
                        i > 0 ? "," : "", i % 5, i % 3, 1736937000000000000 + int64_t(i) * 1000, 1 + i % 24, i, i % 97);
  }
  return text + "\n  ]\n}\n";
}

std::string jaeger_document(int traces) {
  std::string text = R"({"data":[)";
  for (int i = 0; i < traces; ++i) {
    text += fmt::format(
        R"({}{{"traceID":"{:032x}","spans":[{{"traceID":"{:032x}","spanID":"{:016x}","operationName":"GET /{}",)"
        R"("references":[],"startTime":{},"duration":{},"tags":[{{"key":"http.status_code","type":"int64","value":{}}}],)"
        R"("processID":"p1"}}],"processes":{{"p1":{{"serviceName":"svc-{}","tags":[]}}}}}})",
        i > 0 ? ",\n" : "\n", i + 1, i + 1, i + 1, i % 9, 1736937000000000 + int64_t(i) * 100, 1 + (i * 7919) % 90000,
        200 + i % 3, i % 4);
  }
  return text + "\n],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n";
}

std::string zipkin_document(int spans) {
  std::string text = "[";
  for (int i = 0; i < spans; ++i) {
    text += fmt::format(R"({}{{"traceId":"{:016x}","id":"{:016x}","name":"get /{}","timestamp":{},"duration":{},)"
                        R"("localEndpoint":{{"serviceName":"svc-{}"}},"tags":{{"k":"v{}"}}}})",
                        i > 0 ? ",\n " : "\n ", i / 3 + 1, i + 1, i % 11, 1736937000000000 + int64_t(i) * 50,
                        1 + (i * 104729) % 70000, i % 5, i);
  }
  return text + "\n]\n";
}

// The bytes of an input up to the first `needle`, for offsets in expected messages.
size_t offset_of(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return at;
}

std::string located(const std::string& text, size_t offset) {
  trace::LineCol at = trace::line_col_at(text.data(), text.size(), offset);
  return fmt::format("input.json:{}:{}", at.line, at.column);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The same records and statistics as the whole path

TEST_CASE("document-stream: every sample of a streamed format reads the same in batches of 1 B, 64 B and 4 KiB on 1 and 4 threads",
          "[document-stream]") {
  for (const char* name : {"otlp_traces.json", "otlp_logs.json", "jaeger.json", "zipkin.json"}) {
    INFO(name);
    std::string text = trace::testing::read_sample(name);
    std::string reference = stats_json(text, size_t(4) << 20, 1, false);
    for (size_t chunk : {size_t(1), size_t(64), size_t(4096)}) {
      for (unsigned jobs : {1u, 4u}) {
        check_same(text, chunk, jobs);
        CHECK(stats_json(text, chunk, jobs, true) == reference);
      }
    }
  }
}

TEST_CASE("document-stream: a 300 KB OTLP document, one line or pretty-printed, reads the same for any batch size and thread count",
          "[document-stream]") {
  for (bool pretty : {false, true}) {
    INFO("pretty " << pretty);
    std::string text = otlp_document(600, pretty);
    REQUIRE(text.size() > 200000);
    std::string reference = stats_json(text, size_t(4) << 20, 1, false);
    for (size_t chunk : {size_t(1), size_t(64), size_t(4096), size_t(4) << 20}) {
      for (unsigned jobs : {1u, 4u}) {
        check_same(text, chunk, jobs);
        CHECK(stats_json(text, chunk, jobs, true) == reference);
      }
    }
  }
}

TEST_CASE("document-stream: big OTLP logs, Jaeger and Zipkin documents read the same in batches", "[document-stream]") {
  for (const std::string& text : {otlp_logs_document(500), jaeger_document(700), zipkin_document(1500)}) {
    REQUIRE(text.size() > 70000);
    for (size_t chunk : {size_t(64), size_t(4096), size_t(4) << 20})
      for (unsigned jobs : {1u, 4u}) check_same(text, chunk, jobs);
  }
}

TEST_CASE("document-stream: records keep the line and offset they have when the document is read whole",
          "[document-stream]") {
  // Jaeger locates each span: its line in a pretty-printed document.
  std::string text = jaeger_document(3);
  Read streamed = read_text(text, "", 1, 1, true);
  REQUIRE(streamed.records.size() == 3);
  CHECK(streamed.records[1].find("\"line\":3,") != std::string::npos);
  CHECK(streamed.records[1].substr(streamed.records[1].rfind(" @")) ==
        fmt::format(" @{}", offset_of(text, "{\"traceID\":\"00000000000000000000000000000002\",\"spanID\"")));
  // OTLP spans carry the document's own place, as they do when it is read whole.
  Read otlp = read_text(otlp_document(3, true), "", 1, 1, true);
  REQUIRE(otlp.records.size() == 6);
  for (const std::string& record : otlp.records) {
    CHECK(record.find("\"line\":1,") != std::string::npos);
    CHECK(record.substr(record.rfind(" @")) == " @0");
  }
}

TEST_CASE("document-stream: keys around the record array that the loader ignores do not stop the streaming",
          "[document-stream]") {
  std::string text = otlp_document(40, true, R"("schemaUrl": "https://x/{[\"", "extra": [1, {"a": "]"}],)",
                                   R"(, "after": {"b": [true, null, "}"]}, "resourceSpans": "the first one wins")");
  check_same(text, 64, 1);
  check_same(text, 4096, 4);
  std::string jaeger = R"({"total": 2, "data": [)" + jaeger_document(4).substr(9);
  check_same(jaeger, 64, 2);
}

TEST_CASE("document-stream: keys the loader reads are left to the whole path, with the same result", "[document-stream]") {
  std::string logs = R"("resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1736937000000000000","body":{"stringValue":"hello"}}]}]}])";
  // Before the array: not streamed at all.
  std::string before = otlp_document(20, false, logs + ",");
  Read whole = read_whole(before);
  Read streamed = read_text(before, "", 64, 1, true);
  CHECK(streamed.error.empty());
  CHECK(streamed.records == whole.records);
  CHECK(streamed.report.files.at(0).batches == 0);
  CHECK(streamed.report.logs() == 1);
  // After it: the elements are streamed, and the whole path reads the rest.
  std::string after = otlp_document(20, false, "", "," + logs);
  whole = read_whole(after);
  streamed = read_text(after, "", 64, 1, true);
  CHECK(streamed.error.empty());
  CHECK(streamed.records == whole.records);
  CHECK(streamed.report.files.at(0).batches > 0);
  CHECK(streamed.report.logs() == 1);
  CHECK(streamed.report.spans() == whole.report.spans());
}

TEST_CASE("document-stream: an empty record array reads as no records", "[document-stream]") {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"resourceSpans":[]})", "otlp-traces"},
      {"{\n  \"resourceLogs\" : [ \n ]\n}\n", "otlp-logs"},
      {R"({"data":[],"total":0,"errors":null})", "jaeger"},
      {"[ ]", "zipkin"},
  };
  for (const auto& [text, format] : cases) {
    INFO(text);
    Read streamed = read_text(text, format, 1, 2, true);
    CHECK(streamed.error.empty());
    CHECK(streamed.records.empty());
    REQUIRE(streamed.report.files.size() == 1);
    CHECK(streamed.report.files[0].batches == 0);
    CHECK(read_whole(text, format).error.empty());
  }
}

TEST_CASE("document-stream: a one-line document longer than the head, followed by JSON lines, reads as the whole path does",
          "[document-stream]") {
  std::string line = otlp_document(300, false);
  REQUIRE(line.size() > 65536);
  std::string text = line + "\n" + otlp_document(2, false) + "\n\n" + otlp_document(3, false) + "\n";
  Read whole = read_whole(text);
  for (unsigned jobs : {1u, 3u}) {
    Read streamed = read_text(text, "", 4096, jobs, true);
    Read whole_jobs = read_whole(text, "", jobs);
    CHECK(streamed.error.empty());
    CHECK(streamed.records == whole_jobs.records);
    CHECK(streamed.report.files.at(0).batches > 0);
  }
  // The records of the lines after it keep their lines.
  Read streamed = read_text(text, "", 4096, 1, true);
  REQUIRE(streamed.records.size() == whole.records.size());
  CHECK(streamed.records.back().find("\"line\":4,") != std::string::npos);
}

TEST_CASE("document-stream: the producer is the first record's SDK whatever the thread count", "[document-stream]") {
  std::string text = otlp_document(200, false);
  for (unsigned jobs : {1u, 2u, 4u}) CHECK(read_text(text, "", 64, jobs, true).report.files.at(0).producer == "opentelemetry");
}

// ---------------------------------------------------------------------------------------
// Errors: the same message at the same line and column as the whole path gives

TEST_CASE("document-stream: every prefix of a pretty-printed OTLP document fails or reads exactly as read whole",
          "[document-stream]") {
  std::string text = otlp_document(3, true);
  size_t streamed_before_error = 0;
  for (size_t cut = 1; cut <= text.size(); ++cut) {
    std::string prefix = text.substr(0, cut);
    Read whole = read_whole(prefix, "otlp-traces");
    for (size_t chunk : {size_t(1), size_t(7)}) {
      Read streamed = read_text(prefix, "otlp-traces", chunk, 1, true);
      INFO("cut at " << cut << ", chunk " << chunk << ":\n" << prefix);
      CHECK(streamed.error == whole.error);
      if (whole.error.empty()) CHECK(streamed.records == whole.records);
      // Read whole, a truncated document gives nothing; streamed, its whole elements were
      // read before the error.
      if (!streamed.error.empty() && streamed.records.size() > whole.records.size()) ++streamed_before_error;
    }
  }
  CHECK(streamed_before_error > text.size());
}

TEST_CASE("document-stream: every prefix of a Zipkin and a Jaeger document fails or reads exactly as read whole",
          "[document-stream]") {
  for (const std::string& text : {zipkin_document(3), jaeger_document(2)}) {
    std::string format = text[0] == '[' ? "zipkin" : "jaeger";
    for (size_t cut = 1; cut <= text.size(); ++cut) {
      std::string prefix = text.substr(0, cut);
      Read whole = read_whole(prefix, format);
      Read streamed = read_text(prefix, format, 5, 1, true);
      INFO(format << " cut at " << cut << ":\n" << prefix);
      CHECK(streamed.error == whole.error);
      if (whole.error.empty()) CHECK(streamed.records == whole.records);
    }
  }
}

TEST_CASE("document-stream: broken JSON inside, between and after the elements of a big document is the whole path's error",
          "[document-stream]") {
  std::string text = otlp_document(400, true);
  size_t middle = offset_of(text, "\"spanId\":\"0000000000000c81\"");  // element 200's first span
  // Element 150 and the comma before it.
  size_t after_element = text.rfind("{\"resource\"", offset_of(text, fmt::format("\"traceId\":\"{:032x}\"", 1150)));
  size_t comma = text.rfind(',', after_element);
  struct Case {
    const char* what;
    std::string text;
  };
  std::vector<Case> cases = {
      {"a colon missing in an element", text.substr(0, middle + 8) + text.substr(middle + 9)},
      {"a comma missing between elements", text.substr(0, comma) + " " + text.substr(comma + 1)},
      {"garbage between elements", text.substr(0, after_element - 1) + "x" + text.substr(after_element)},
      {"a bracket missing in an element", text.substr(0, middle - 1) + text.substr(middle)},
      {"a NUL byte in an element", text.substr(0, middle) + std::string(1, '\0') + text.substr(middle + 1)},
      {"invalid UTF-8 in an element", text.substr(0, middle + 30) + "\xC3\x28" + text.substr(middle + 32)},
      {"a wrong type in an element", text.substr(0, middle) + "\"kind\":\"many\"," + text.substr(middle)},
      {"a truncated document", text.substr(0, text.size() / 2)},
      {"text after the document", text + "{\"resourceSpans\":[]}\n"},
      {"garbage after the document", text + "x"},
      {"a trailing comma", text.substr(0, text.rfind(']')) + ",]}"},
      {"the closing brace missing", text.substr(0, text.rfind('}'))},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Read whole = read_whole(c.text, "otlp-traces");
    REQUIRE(!whole.error.empty());
    for (size_t chunk : {size_t(64), size_t(4096)}) {
      for (unsigned jobs : {1u, 4u}) {
        INFO("chunk " << chunk << ", " << jobs << " threads");
        CHECK(read_text(c.text, "otlp-traces", chunk, jobs, true).error == whole.error);
      }
    }
  }
}

TEST_CASE("document-stream: a Jaeger query error saved to a file is the same error", "[document-stream]") {
  std::string text = R"({"data": [], "total": 0, "errors": [{"code": 404, "msg": "trace not found"}]})";
  Read streamed = read_text(text, "jaeger", 1, 1, true);
  CHECK(streamed.error == "input.json:1:37: the Jaeger query returned an error: trace not found");
  CHECK(streamed.error == read_whole(text, "jaeger").error);
}

// ---------------------------------------------------------------------------------------
// --lenient: a broken element is skipped alone

TEST_CASE("document-stream: --lenient skips the element with broken JSON and reads every other one", "[document-stream]") {
  std::string text = otlp_document(400, true);
  size_t middle = offset_of(text, "\"spanId\":\"0000000000000c81\"");  // element 200's first span
  std::string broken = text.substr(0, middle + 8) + text.substr(middle + 9);  // "spanId" "..."
  Read good = read_whole(text);
  for (unsigned jobs : {1u, 4u}) {
    Read streamed = read_text(broken, "", 4096, jobs, true, true);
    INFO(jobs << " threads");
    CHECK(streamed.error.empty());
    const trace::formats::FileReport& file = streamed.report.files.at(0);
    CHECK(file.skipped == 1);
    REQUIRE(file.first_skips.size() == 1);
    CHECK(file.first_skips[0] == located(broken, middle + 8) +
                                     ": expected a field or '}' in Span (The JSON document has an improper "
                                     "structure: missing or superfluous commas, braces, missing keys, etc.) (the rest "
                                     "of the ResourceSpans was skipped)");
    // Element 200 holds one span (200 % 4 + 1), the one broken: every other span is read.
    CHECK(streamed.report.spans() == good.report.spans() - 1);
  }
  // Read whole, the rest of the document is lost with it.
  Read whole = read_whole(broken, "", 1, true);
  CHECK(whole.report.spans() < good.report.spans() / 2 + 10);
}

TEST_CASE("document-stream: --lenient skips an element refused before any was read (invalid UTF-8) and reads the others",
          "[document-stream]") {
  std::string text = zipkin_document(300);
  size_t at = offset_of(text, "\"name\":\"get /7\"") + 9;
  std::string broken = text.substr(0, at) + "\xFF" + text.substr(at + 1);
  Read good = read_whole(text);
  Read streamed = read_text(broken, "", 4096, 1, true, true);
  CHECK(streamed.error.empty());
  CHECK(streamed.report.spans() == good.report.spans() - 1);
  REQUIRE(streamed.report.files.at(0).first_skips.size() == 1);
  CHECK(streamed.report.files.at(0).first_skips[0] ==
        located(broken, at) + ": expected a span object (The input is not valid UTF-8) (the rest of the element was skipped)");
}

TEST_CASE("document-stream: --lenient on a truncated document keeps every whole element and says where it was cut",
          "[document-stream]") {
  std::string text = otlp_document(400, true);
  std::string cut = text.substr(0, text.rfind("\"name\"", text.size() * 3 / 4));
  Read streamed = read_text(cut, "", 4096, 2, true, true);
  CHECK(streamed.error.empty());
  const trace::formats::FileReport& file = streamed.report.files.at(0);
  CHECK(file.skipped == 1);
  REQUIRE(file.first_skips.size() == 1);
  CHECK(file.first_skips[0] == located(cut, cut.size()) +
                                   ": expected a closing '}' or ']', found the end of the text (the rest of the "
                                   "document was skipped)");
  CHECK(streamed.report.spans() > read_whole(text).report.spans() / 2);
  // Read whole, nothing of it is kept: the brackets are checked before anything is read.
  Read whole = read_whole(cut, "", 1, true);
  CHECK(whole.report.spans() == 0);
  CHECK(whole.report.files.at(0).first_skips == file.first_skips);
}

// ---------------------------------------------------------------------------------------
// The command line: --chunk-bytes sets the batch size

TEST_CASE("document-stream: trace stats and grep print the same bytes for a streamed sample", "[document-stream][e2e]") {
  using trace::testing::run_trace;
  for (const char* sample : {"samples/otlp_traces.json", "samples/jaeger.json", "samples/zipkin.json", "samples/otlp_logs.json"}) {
    INFO(sample);
    std::string whole = run_trace(std::string("stats --json ") + sample).out;
    CHECK(run_trace(std::string("stats --json -j4 --chunk-bytes 1024 ") + sample).out == whole);
    std::string grep = run_trace(std::string("grep --format jsonl . ") + sample).out;
    CHECK(!grep.empty());
    CHECK(run_trace(std::string("grep --format jsonl --chunk-bytes 1024 . ") + sample).out == grep);
  }
}
