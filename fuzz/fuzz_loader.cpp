// libFuzzer target: bytes -> detection (or one forced format) -> loader -> a counting
// sink, the whole input pipeline as `trace stats FILE` runs it, with 1 and 2 workers.
// A located InputError is the expected answer to bad input; a crash, a sanitizer report,
// a hang or any other exception is a bug.
//
// Built once per format by fuzz/CMakeLists.txt with TRACE_FUZZ_FORMAT set ("" = detect).
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/read_inputs.h"
#include "src/errors.h"

namespace {

// Reads every byte of every view it is given, so that ASan catches a view into freed or
// reused memory (the lifetime rule of src/record.h).
struct TouchingSink : trace::RecordSink {
  uint64_t sum = 0;
  void touch(std::string_view text) {
    for (char c : text) sum += static_cast<unsigned char>(c);
  }
  void touch(trace::Attrs attrs) {
    for (const trace::Attr& attr : attrs) {
      touch(attr.key);
      touch(attr.value.text);
    }
  }
  trace::Flow on_span(const trace::Span& span) override {
    for (std::string_view text : {span.trace_id, span.span_id, span.parent_id, span.name, span.service,
                                  span.status_message, span.src.text})
      touch(text);
    touch(span.attrs);
    touch(span.resource_attrs);
    for (const trace::SpanEvent& event : span.events) {
      touch(event.name);
      touch(event.attrs);
    }
    return trace::Flow::kContinue;
  }
  trace::Flow on_log(const trace::LogRecord& log) override {
    for (std::string_view text : {log.level_text, log.logger, log.message, log.trace_id, log.span_id, log.service,
                                  log.src.text})
      touch(text);
    touch(log.fields);
    touch(log.resource_attrs);
    return trace::Flow::kContinue;
  }
};

void read_with(const std::string& text, unsigned jobs, bool lenient) {
  trace::formats::Input input{"fuzz.json", [&text] { return trace::Source::from_string("fuzz.json", text); }};
  trace::formats::ReadOptions options;
  options.input_format = TRACE_FUZZ_FORMAT;
  options.jobs = jobs;
  options.lenient = lenient;
  options.chunk_bytes = 1024;  // many chunks: exercises the split and the merge of errors
  TouchingSink sinks[2];
  trace::RecordSink* pointers[] = {&sinks[0], &sinks[1]};
  try {
    trace::formats::read_inputs(std::span(&input, 1), options, std::span(pointers, jobs));
  } catch (const trace::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  read_with(text, 1, false);
  read_with(text, 2, true);
  return 0;
}
