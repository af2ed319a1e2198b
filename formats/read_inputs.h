// The input pipeline: Source -> detect -> Loader -> sinks, over many files, with JSON
// lines split at newlines into chunks that worker threads parse in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "src/record_sink.h"
#include "src/source.h"

namespace trace::formats {

struct ReadOptions {
  std::string input_format;  // --input-format; "" = detect per file
  unsigned jobs = 1;         // worker threads for JSON-lines input and streamed documents
  bool lenient = false;      // skip malformed records instead of stopping
  size_t chunk_bytes = size_t(4) << 20;  // also the bytes of elements per batch of a streamed document
  // One big document of a format whose record array document_stream.h knows is read in
  // batches of elements; false reads it whole (tests compare the two).
  bool stream_documents = true;
  // For JSON lines: a cheap test on a line's raw text; lines it rejects are not parsed.
  // It must never reject a line the command would want (a conservative pre-check, such
  // as "contains this literal"), so it only saves time.
  std::function<bool(std::string_view line)> line_precheck;
  // Told each input's format, and whether it is read as JSON lines, once detected and
  // before any of its records is pushed (grep prints JSON lines as they are and renders
  // records of whole documents).
  std::function<void(std::string_view format, bool json_lines)> on_format;
  // Told as a worker starts and ends each unit of parallel work: a chunk of JSON lines or
  // a batch of a streamed document, numbered from 0 in input order within each input.
  // The records a worker pushes between the two calls are that unit's. `whole` is false
  // when the unit stopped early: at an error in it, or because an earlier one had one (no
  // unit after the first cut short may be shown). Records pushed outside any unit (whole
  // documents, a loader's last records) come from one thread, once all units have ended.
  // grep prints from every core with these and still writes in input order.
  std::function<void(size_t worker, uint64_t unit)> on_unit_begin;
  std::function<void(size_t worker, uint64_t unit, bool whole)> on_unit_end;
};

struct FileReport {
  std::string name;    // as shown in messages
  std::string format;  // detected or forced format name; "empty" for an empty input
  std::string producer;  // the program that wrote it, when known ("pino", "opentelemetry python 1.27.0")
  uint64_t bytes = 0;  // bytes read (after decompression)
  bool compressed = false;
  uint64_t spans = 0;  // records read, whatever the sinks did with them
  uint64_t logs = 0;
  uint64_t batches = 0;  // batches of elements a streamed document was read in (0: read whole)
  uint64_t skipped = 0;                  // malformed records skipped under --lenient
  std::vector<std::string> first_skips;  // "file:line:col: message", at most kMaxSkipsShown
};

struct ReadReport {
  std::vector<FileReport> files;
  bool stopped_early = false;  // a sink asked to stop (grep -m, -q)
  uint64_t skipped() const;
  uint64_t spans() const;
  uint64_t logs() const;
};

inline constexpr size_t kMaxSkipsShown = 5;

// An input to open: a path ("-" for stdin), or a prepared source (tests).
struct Input {
  std::string path;
  std::function<std::unique_ptr<Source>()> open;  // empty = Source::open(path)
};

// Reads every input in order, pushing its records; worker w pushes into sinks[w], so
// sinks.size() bounds the threads used. Without --lenient the first malformed record
// throws InputError ("file:line:col: message"); the error reported is always the first
// in input order, whatever the thread count.
ReadReport read_inputs(std::span<const Input> inputs, const ReadOptions& options,
                       std::span<RecordSink* const> sinks);

// The inputs named by command-line paths: directories and quoted globs expanded as
// expand_input_paths (src/expand_paths.h) says.
std::vector<Input> inputs_from_paths(std::span<const std::string> paths);

// Memory a worker writes on every record (its analyzer, its counts), alone on its cache
// lines: two workers' objects side by side in one array had the cores take the line they
// shared from each other at every record.
inline constexpr size_t kWorkerAlign = 128;  // a line and the one prefetched with it

template <class T>
struct alignas(kWorkerAlign) WorkerSlot {
  T value;
};

// Runs analyzer A over the inputs with one instance per worker, merged at the end.
template <MergeableSink A>
A run_all(std::span<const Input> inputs, const ReadOptions& options, const std::function<A()>& make,
          ReadReport* report = nullptr) {
  std::vector<WorkerSlot<A>> workers;
  unsigned jobs = options.jobs == 0 ? 1 : options.jobs;
  workers.reserve(jobs);
  for (unsigned i = 0; i < jobs; ++i) workers.push_back({make()});
  std::vector<RecordSink*> sinks;
  for (WorkerSlot<A>& worker : workers) sinks.push_back(&worker.value);
  ReadReport result = read_inputs(inputs, options, sinks);
  for (size_t i = 1; i < workers.size(); ++i) workers[0].value.merge(workers[i].value);
  if (report) *report = std::move(result);
  return std::move(workers[0].value);
}

}  // namespace trace::formats
