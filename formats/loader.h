// The contract of a format loader: read one format with simdjson On-Demand and push
// normalized records into a RecordSink. Loaders never compute statistics.
#pragma once

#include <memory>
#include <string_view>

#include <simdjson.h>

#include "formats/input_head.h"
#include "src/record_sink.h"

namespace trace::formats {

// Under --lenient, where a loader reports a record it skipped inside a text it otherwise
// reads: a span with a bad field in an OTLP request, a malformed event in a Chrome array.
// The driver locates it, counts it and goes on.
class SkipReporter {
 public:
  virtual ~SkipReporter() = default;
  // `offset` is relative to the text given to load(); `message` as a DocumentError's.
  virtual void skip(uint64_t offset, std::string_view message) = 0;
};

// Per-thread state a loader borrows: the reused parser and where the text comes from.
struct LoadContext {
  simdjson::ondemand::parser& parser;
  uint32_t file_index = 0;
  // Set only under --lenient. A loader that can skip one record and keep reading the
  // rest of its text (the JSON around the record is intact, only the record is bad)
  // reports it here; without a reporter it throws, and so does it for damage it cannot
  // step over (broken JSON), which the driver then skips as a whole text.
  SkipReporter* skips = nullptr;
};

class Loader {
 public:
  virtual ~Loader() = default;

  // Reads one whole JSON text: the file for kDocument framing, one line for kLines, one
  // value for kDocumentStream. `text` is followed by at least SIMDJSON_PADDING readable
  // bytes. `where` locates text's first byte (line, offset, file); loaders copy it into
  // each record's SourceRef (adjusting line/offset for records inside a big document
  // when cheap). Malformed input: throw DocumentError with an offset relative to text.
  virtual Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx,
                    RecordSink& sink) = 0;

  // Called once after the file's last text: flush what only the end settles (open
  // Chrome B events, stages that started and never ended).
  virtual Flow finish(LoadContext& /*ctx*/, RecordSink& /*sink*/) { return Flow::kContinue; }

  // The program that wrote the input, when the format itself tells ("pino", "clang
  // -ftime-trace"); empty when it does not. Read after the file's records are pushed.
  virtual std::string_view producer() const { return {}; }
};

struct FormatSpec {
  std::string_view name;         // the user's word: "otlp-traces", also --input-format
  std::string_view description;  // one line for --help and error messages
  bool (*sniff)(const InputHead& head);
  std::unique_ptr<Loader> (*make_loader)(const InputHead& head);
  // Lines of this format are independent, so chunks of a JSON-lines file may go to
  // different threads, each with its own loader made from the same head.
  bool line_parallel;
  // The format is always one JSON text, whatever its line layout looks like (a Chrome
  // profile whose first line is 100 KB long is still one document).
  bool whole_file = false;
};

}  // namespace trace::formats
