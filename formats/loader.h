// The contract of a format loader: read one format with simdjson On-Demand and push
// normalized records into a RecordSink. Loaders never compute statistics.
#pragma once

#include <cstdint>
#include <functional>
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

struct LoadContext;

// The read's worker threads, lent to the loader of one big document whose work divides
// (a Chrome trace's events). Offered only where results cannot depend on the division:
// several sinks, a big text, and no --lenient (whose first skips shown follow the order
// they are met in).
class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  virtual size_t size() const = 0;
  // About how many bytes of the text a unit of run_units should cover (--chunk-bytes).
  virtual size_t unit_bytes() const = 0;
  // Runs task(w, ctx) for every worker w at once, worker 0 on the calling thread, each
  // with a parser of its own (ctx.parser; worker 0's is the caller's). Tasks push no
  // records. An exception ends its task and is rethrown once all have ended.
  virtual void run_each(const std::function<void(size_t w, LoadContext& ctx)>& task) = 0;
  // Pushes units 0..count-1 of records, each unit whole by one worker into that worker's
  // sink; commands that print (grep) write the units in their order. A sink's stop ends
  // the work (kStop); a DocumentError ends it too, and the first in unit order is rethrown
  // once every worker has stopped, the units before it pushed whole: as if one thread had
  // pushed them in order.
  virtual Flow run_units(uint64_t count,
                         const std::function<Flow(size_t w, uint64_t unit, LoadContext& ctx, RecordSink& sink)>& push) = 0;
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
  // Set only for one big document read with several workers (see WorkerPool).
  WorkerPool* pool = nullptr;
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

  // What the sinks read of a record, told before the first load(): a loader may skip
  // the work of filling the rest.
  virtual void set_needs(const RecordNeeds& /*needs*/) {}

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
