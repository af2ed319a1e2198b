#include "formats/read_inputs.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/detect.h"
#include "formats/document_stream.h"
#include "formats/json_scan.h"
#include "formats/loader.h"
#include "formats/newline_count.h"
#include "src/errors.h"
#include "src/expand_paths.h"
#include "src/padded_buffer.h"

namespace trace::formats {

uint64_t ReadReport::skipped() const {
  uint64_t total = 0;
  for (const FileReport& file : files) total += file.skipped;
  return total;
}

uint64_t ReadReport::spans() const {
  uint64_t total = 0;
  for (const FileReport& file : files) total += file.spans;
  return total;
}

uint64_t ReadReport::logs() const {
  uint64_t total = 0;
  for (const FileReport& file : files) total += file.logs;
  return total;
}

std::vector<Input> inputs_from_paths(std::span<const std::string> paths) {
  std::vector<Input> inputs;
  for (std::string& path : expand_input_paths(paths)) inputs.push_back({std::move(path), {}});
  return inputs;
}

namespace {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

constexpr uint64_t kNoChunk = std::numeric_limits<uint64_t>::max();
// Orders what is found where an input's readable bytes end after everything else.
constexpr uint64_t kInputEnd = kNoChunk - 1;

// A byte order mark is no JSON, but editors on Windows write one: it is dropped.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string_view without_byte_order_mark(std::string_view text) {
  return text.starts_with(kByteOrderMark) ? text.substr(kByteOrderMark.size()) : text;
}

// No JSON text holds a NUL byte, not even inside a string: where one is found, the input
// is binary data (or a log file padded with zeros after a crash).
constexpr std::string_view kNulMessage = "found a NUL byte: binary data, not JSON text";

// For a NUL byte the reading stops at: nothing after it is looked at.
std::string nul_cut_message() { return std::string(kNulMessage) + " (the rest of the input was not read)"; }

// A malformed record, located; ordered by where it is in the input.
struct Problem {
  uint64_t seq = kNoChunk;  // chunk (or document) number: input order
  uint64_t line = 0;
  uint64_t column = 0;
  std::string message;

  bool before(const Problem& other) const {
    return seq != other.seq ? seq < other.seq : line < other.line;
  }
};

bool is_blank(std::string_view line) { return skip_whitespace(line, 0) == line.size(); }

// Length of `text` without its trailing JSON whitespace.
size_t trimmed_size(std::string_view text) {
  size_t size = text.size();
  while (size > 0 && (text[size - 1] == ' ' || text[size - 1] == '\n' || text[size - 1] == '\r' || text[size - 1] == '\t'))
    --size;
  return size;
}

// The input as the reader sees it. Under --lenient a read failure (truncated or corrupt
// compressed data) ends the input after its good bytes, and is kept to be reported as a
// skip where they end; without --lenient it is thrown as it was.
class InputStream {
 public:
  InputStream(Source& source, bool lenient) : source_(source), lenient_(lenient) {}

  size_t read(char* dst, size_t n) {
    if (failure_) return 0;
    try {
      return source_.read(dst, n);
    } catch (const InputError& e) {
      if (!lenient_) throw;
      std::string_view message = e.what();
      std::string prefix = source_.name() + ": ";
      if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
      failure_ = std::string(message);
      return 0;
    }
  }

  // Reads until `n` bytes are in or the input ends.
  size_t read_full(char* dst, size_t n) {
    size_t total = 0;
    while (total < n) {
      size_t got = read(dst + total, n - total);
      if (got == 0) break;
      total += got;
    }
    return total;
  }

  const std::optional<std::string>& failure() const { return failure_; }
  uint64_t size_hint() const { return source_.size_hint(); }

 private:
  Source& source_;
  bool lenient_;
  std::optional<std::string> failure_;
};

std::string_view text_attr(Attrs attrs, std::string_view key) {
  const Attr* attr = find_attr(attrs, key);
  return attr && attr->value.kind == ValueKind::kString ? attr->value.text : std::string_view();
}

// OpenTelemetry SDKs name themselves in the resource (telemetry.sdk.*), Jaeger clients
// in the process tags (jaeger.version): "opentelemetry python 1.27.0", "jaeger Go-2.30.0".
std::string sdk_of(Attrs resource) {
  std::string_view name = text_attr(resource, "telemetry.sdk.name");
  std::string_view jaeger = text_attr(resource, "jaeger.version");
  if (name.empty() && jaeger.empty()) return {};
  if (name.empty()) return fmt::format("jaeger {}", jaeger);
  std::string sdk(name);
  for (std::string_view part : {text_attr(resource, "telemetry.sdk.language"), text_attr(resource, "telemetry.sdk.version")})
    if (!part.empty()) fmt::format_to(std::back_inserter(sdk), " {}", part);
  return sdk;
}

struct Chunk {
  std::string_view text;  // whole lines: in `buffer`, or in the input's mapping
  PaddedBuffer buffer;
  uint64_t seq = 0;
  uint64_t offset = 0;      // byte offset of the chunk in the input
  uint64_t first_line = 1;  // line number of its first line
};

// Hands out whole-line chunks of one JSON-lines input to workers, in input order.
class ChunkQueue {
 public:
  // `already_read` starts at input offset `first_offset`, on line `first_line` (after a
  // streamed document, the lines that follow it).
  ChunkQueue(InputStream& source, std::string_view already_read, size_t chunk_bytes, bool lenient, bool one_worker,
             uint64_t first_line = 1, uint64_t first_offset = 0)
      : source_(source), carry_(already_read), chunk_bytes_(chunk_bytes), lenient_(lenient), one_worker_(one_worker),
        first_line_(first_line), offset_(first_offset), line_(first_line) {}

  // The line the input starts on (not line_, which workers' take() calls change).
  uint64_t first_line() const { return first_line_; }

  // Hands out chunks of `mapped` (the whole input, from its start) instead of reading:
  // no copy out of the page cache, which was a fifth of the time of trace stats on one
  // core. Before the first take().
  void use_mapping(const MappedText& mapped, std::string_view text) {
    mapped_ = &mapped;
    mapped_text_ = text;
    carry_.clear();
  }

  // Fills `chunk` with the next run of whole lines; false when there is none left or the
  // work is over (an error earlier in the input, or a stop). `lines_read` is the line the
  // one worker reached, which spares the queue its own count (see one_worker_).
  bool take(Chunk& chunk, uint64_t lines_read) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (one_worker_) line_ = lines_read;
    if (stop_.load(std::memory_order_relaxed) || next_seq_ > first_error_seq_) return false;
    if (mapped_ != nullptr) return take_mapped(chunk);
    if (eof_ && carry_.empty()) return false;
    PaddedBuffer& buffer = chunk.buffer;
    buffer.reserve(std::max(chunk_bytes_, carry_.size() * 2));
    std::memcpy(buffer.data(), carry_.data(), carry_.size());
    size_t size = carry_.size();
    bool carry_has_newline = carry_.find('\n') != std::string::npos;
    while (!eof_) {
      if (size == buffer.capacity()) {
        // A line longer than the buffer. Binary data has no line end to wait for
        // (/dev/zero): a NUL byte stops the reading instead of growing without bound.
        if (const void* nul = std::memchr(buffer.data(), '\0', size)) {
          end_input_at_nul(buffer.data(), size, static_cast<const char*>(nul));
          return false;
        }
        buffer.resize(size);
        buffer.reserve(buffer.capacity() * 2);
      }
      size_t got = source_.read(buffer.data() + size, buffer.capacity() - size);
      if (got == 0) {
        eof_ = true;
        break;
      }
      bool newline = std::memchr(buffer.data() + size, '\n', got) != nullptr;
      size += got;
      if ((newline || carry_has_newline) && size == buffer.capacity()) break;
    }
    size_t end = size;
    bool cut = eof_ && source_.failure();  // --lenient: the input broke off here
    if (!eof_ || cut) {
      const void* last = memrchr(buffer.data(), '\n', size);
      end = last != nullptr ? static_cast<const char*>(last) - buffer.data() + 1 : 0;
    }
    if (cut) {
      // The line the damage cut short is skipped with it: one skip, where the bytes end.
      LineCol at = line_col_at(buffer.data(), size, size);
      read_skip_ = Problem{kInputEnd, line_ + at.line - 1, at.column,
                           fmt::format("{} (the rest of the input is lost{})", *source_.failure(),
                                       end < size ? "; the line cut there was skipped" : "")};
      carry_.clear();
    } else {
      carry_.assign(buffer.data() + end, size - end);
    }
    buffer.resize(end);
    chunk.text = buffer.view();
    chunk.seq = next_seq_++;
    chunk.offset = offset_;
    chunk.first_line = line_;
    offset_ += end;
    if (!one_worker_) line_ += count_newlines(buffer.data(), end);
    return end > 0 || !carry_.empty();
  }

  // A chunk's lines are read: a mapping's pages under them are let go, so that memory
  // stays bounded whatever the input's size.
  void done(const Chunk& chunk) const {
    if (mapped_ != nullptr) mapped_->release(chunk.text.data(), chunk.text.size());
  }

  void report_error(Problem problem) {
    std::lock_guard<std::mutex> lock(mutex_);
    note_error(std::move(problem));
  }

  void report_failure(std::exception_ptr failure) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_) failure_ = failure;
    stop_ = true;
  }

  void stop() { stop_ = true; }
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }
  bool stopped_by_sink() const { return stop_ && !failure_; }
  std::exception_ptr failure() const { return failure_; }
  const Problem& first_error() const { return first_error_; }
  bool aborted_after(uint64_t seq) const { return seq > first_error_seq_.load(std::memory_order_relaxed); }
  // Under --lenient, where the input stopped being readable, if it did.
  const std::optional<Problem>& read_skip() const { return read_skip_; }

 private:
  // With the lock held.
  void note_error(Problem problem) {
    if (problem.before(first_error_)) {
      first_error_ = std::move(problem);
      first_error_seq_.store(first_error_.seq, std::memory_order_relaxed);
    }
  }

  // The next chunk_bytes_ of the mapping, up to its last line end. A longer line is
  // handed out whole, its end looked for a chunk at a time; as when reading, a NUL byte
  // in such a line (binary data) ends the input there. With the lock held.
  bool take_mapped(Chunk& chunk) {
    const char* data = mapped_text_.data();
    const size_t size = mapped_text_.size();
    if (mapped_pos_ == size) return false;
    const size_t begin = mapped_pos_;
    size_t end = std::min(size, begin + chunk_bytes_);
    if (end < size) {
      if (const void* last = memrchr(data + begin, '\n', end - begin)) {
        end = static_cast<const char*>(last) - data + 1;
      } else {
        for (size_t from = begin;; from = end, end = std::min(size, end + chunk_bytes_)) {
          if (const void* nul = std::memchr(data + from, '\0', end - from)) {
            end_input_at_nul(data + begin, size - begin, static_cast<const char*>(nul));
            mapped_pos_ = size;
            return false;
          }
          if (end == size) break;
          if (const void* line_end = std::memchr(data + end, '\n', std::min(size, end + chunk_bytes_) - end)) {
            end = static_cast<const char*>(line_end) - data + 1;
            break;
          }
        }
      }
    }
    chunk.text = mapped_text_.substr(begin, end - begin);
    chunk.seq = next_seq_++;
    chunk.offset = offset_;
    chunk.first_line = line_;
    offset_ += end - begin;
    mapped_pos_ = end;
    if (!one_worker_) line_ += count_newlines(data + begin, end - begin);
    return true;
  }

  // Stops reading the input at a NUL byte in a line longer than a chunk (binary data),
  // `text` being the input from the next chunk's start. With the lock held.
  void end_input_at_nul(const char* text, size_t size, const char* nul) {
    LineCol at = line_col_at(text, size, nul - text);
    end_input(Problem{next_seq_, line_ + at.line - 1, at.column, nul_cut_message()});
  }

  // Stops reading the input at a problem in it: an error, or under --lenient a skip of
  // the rest. With the lock held.
  void end_input(Problem problem) {
    eof_ = true;
    carry_.clear();
    if (lenient_) read_skip_ = std::move(problem);
    else note_error(std::move(problem));
  }

  std::mutex mutex_;
  InputStream& source_;
  const MappedText* mapped_ = nullptr;  // see use_mapping()
  std::string_view mapped_text_;
  size_t mapped_pos_ = 0;  // where the next chunk of the mapping starts
  std::string carry_;  // bytes read past the last whole line
  size_t chunk_bytes_;
  bool lenient_;
  // With one worker, chunks are read in order and the worker counts every line it steps
  // over anyway: counting them here too would be a second pass over the input.
  bool one_worker_;
  const uint64_t first_line_;
  std::optional<Problem> read_skip_;
  bool eof_ = false;
  uint64_t next_seq_ = 0;
  uint64_t offset_ = 0;
  uint64_t line_ = 1;
  std::atomic<bool> stop_{false};
  std::exception_ptr failure_;
  Problem first_error_;
  std::atomic<uint64_t> first_error_seq_{kNoChunk};
};

// What one worker found besides records: how many it read, and the records skipped
// under --lenient. It stands between the loader and the worker's sink to count.
struct alignas(kWorkerAlign) WorkerTally : RecordSink {
  RecordSink* sink = nullptr;
  bool forward_logs = true;  // false when the sink reads no log records (RecordNeeds::logs)
  uint64_t spans = 0;
  uint64_t logs = 0;
  uint64_t skipped = 0;
  // Who wrote the input, for formats that do not say: from the resource of the first
  // record this worker saw (the offset picks the earliest over workers).
  std::string sdk;
  uint64_t sdk_offset = 0;
  // The batch of a streamed document being read (its records may all carry the
  // document's offset): orders the first record before its offset does.
  uint64_t unit = 0;
  uint64_t sdk_unit = 0;

  Flow on_span(const Span& span) override {
    if (spans++ == 0 && logs == 0) note_sdk(span.resource_attrs, span.src.offset);
    return sink->on_span(span);
  }
  Flow on_log(const LogRecord& log) override {
    if (logs++ == 0 && spans == 0) note_sdk(log.resource_attrs, log.src.offset);
    return forward_logs ? sink->on_log(log) : Flow::kContinue;
  }
  void note_sdk(Attrs resource, uint64_t offset) {
    sdk = sdk_of(resource);
    sdk_offset = offset;
    sdk_unit = unit;
  }

  std::vector<Problem> first_skips;

  void add_skip(Problem problem) {
    ++skipped;
    if (first_skips.size() < kMaxSkipsShown) first_skips.push_back(std::move(problem));
  }
  // Whether the next skip would be shown, so worth the cost of locating it.
  bool shows_next_skip() const { return first_skips.size() < kMaxSkipsShown; }
};

// Locates and counts the records a loader skipped inside one text under --lenient.
class TextSkips final : public SkipReporter {
 public:
  explicit TextSkips(WorkerTally& tally) : tally_(tally) {}

  // The text is one JSON line, line `line` of the input: columns are offsets + 1.
  void at_line(uint64_t seq, uint64_t line) {
    seq_ = seq;
    line_ = line;
    input_ = {};
    batch_ = nullptr;
  }
  // The text starts at `pos` in `input`, the whole input read so far.
  void at_document(uint64_t seq, std::string_view input, uint64_t pos) {
    seq_ = seq;
    input_ = input;
    pos_ = pos;
    batch_ = nullptr;
  }
  // The text is a batch of a streamed document.
  void at_batch(const DocumentBatch& batch) {
    seq_ = batch.seq;
    input_ = {};
    batch_ = &batch;
  }

  void skip(uint64_t offset, std::string_view message) override {
    Problem problem{seq_, line_, offset + 1, std::string(message)};
    if (batch_ != nullptr && tally_.shows_next_skip()) {
      LineCol at = batch_->locate(offset);
      problem.line = at.line;
      problem.column = at.column;
    }
    // Counting lines in a big document costs: only the skips shown are located.
    if (input_.data() != nullptr && tally_.shows_next_skip()) {
      LineCol at = line_col_at(input_.data(), input_.size(), pos_ + offset);
      problem.line = at.line;
      problem.column = at.column;
    }
    tally_.add_skip(std::move(problem));
  }

 private:
  WorkerTally& tally_;
  uint64_t seq_ = 0;
  uint64_t line_ = 0;
  std::string_view input_;
  uint64_t pos_ = 0;
  const DocumentBatch* batch_ = nullptr;
};

// Where records go when only the error of a text is wanted, its records having been
// pushed already.
struct DiscardSink final : RecordSink {
  Flow on_span(const Span&) override { return Flow::kContinue; }
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }
};

class FileReader {
 public:
  FileReader(const Input& input, uint32_t file_index, const ReadOptions& options,
             std::span<RecordSink* const> sinks, std::vector<simdjson::ondemand::parser>& parsers)
      : input_(input), file_index_(file_index), options_(options), sinks_(sinks), parsers_(parsers) {
    needs_ = RecordNeeds::nothing();
    for (RecordSink* sink : sinks_) needs_ = needs_ | sink->needs();
  }

  // Returns false when a sink asked to stop.
  bool run(FileReport& report) {
    std::unique_ptr<Source> source = input_.open ? input_.open() : Source::open(input_.path);
    report.name = source->name();
    report.compressed = source->compressed();
    InputStream input(*source, options_.lenient);

    buffer_.reserve(std::max<size_t>(kHeadBytes, source->size_hint() + 1));
    size_t got = input.read_full(buffer_.data(), kHeadBytes);
    buffer_.resize(got);
    bool whole = got < kHeadBytes;
    if (std::string_view text = without_byte_order_mark(buffer_.view()); text.size() != buffer_.size())
      buffer_.assign(text);
    head_bytes_.assign(buffer_.view());
    if (is_blank(head_bytes_) && whole) {
      report.format = "empty";
      report.bytes = source->bytes_read();
      if (input.failure()) {
        LineCol at = line_col_at(head_bytes_.data(), head_bytes_.size(), head_bytes_.size());
        report.skipped = 1;
        report.first_skips.push_back(
            fmt::format("{}: {} (the rest of the input is lost)", location(at.line, at.column), *input.failure()));
      }
      return true;
    }
    InputHead head = make_head(input_.path, head_bytes_, whole);
    const FormatSpec& spec = detect_format(head, options_.input_format);
    report.format = std::string(spec.name);
    if (spec.whole_file) head.framing = Framing::kDocument;
    if (options_.on_format) options_.on_format(spec.name, head.framing == Framing::kLines);

    const DocumentShape* shape = options_.stream_documents ? document_shape(spec.name) : nullptr;
    source_ = source.get();
    bool keep_going = shape != nullptr && streams_document(head) ? read_streamed(input, head, spec, *shape, report)
                                                                  : read_whole(input, head, spec, report, true);
    report.bytes = source->bytes_read();
    return keep_going;
  }

 private:
  std::string location(uint64_t line, uint64_t column) const {
    return fmt::format("{}:{}:{}", input_.path == "-" ? "<stdin>" : input_.path, line, column);
  }

  [[noreturn]] void throw_problem(const Problem& problem) const {
    throw InputError(fmt::format("{}: {}", location(problem.line, problem.column), problem.message));
  }

  void record_skips(FileReport& report, std::vector<WorkerTally>& tallies, const Loader& loader) const {
    // A streamed document may be recorded in two parts (the whole path reads its end):
    // the first part's producer stands.
    if (report.producer.empty()) report.producer = std::string(loader.producer());
    if (report.producer.empty()) {
      const WorkerTally* first = nullptr;
      for (const WorkerTally& tally : tallies)
        if (tally.spans + tally.logs > 0 &&
            (!first || std::pair(tally.sdk_unit, tally.sdk_offset) < std::pair(first->sdk_unit, first->sdk_offset)))
          first = &tally;
      if (first) report.producer = first->sdk;
    }
    std::vector<Problem> skips;
    for (WorkerTally& tally : tallies) {
      report.spans += tally.spans;
      report.logs += tally.logs;
      report.skipped += tally.skipped;
      for (Problem& problem : tally.first_skips) skips.push_back(std::move(problem));
    }
    std::sort(skips.begin(), skips.end(), [](const Problem& a, const Problem& b) { return a.before(b); });
    for (size_t i = 0; i < skips.size() && report.first_skips.size() < kMaxSkipsShown; ++i)
      report.first_skips.push_back(fmt::format("{}: {}", location(skips[i].line, skips[i].column), skips[i].message));
  }

  // A loader and a tally per worker thread of a parallel read.
  struct Workers {
    std::vector<WorkerTally> tallies;
    std::vector<std::unique_ptr<Loader>> loaders;
    size_t size() const { return loaders.size(); }
  };

  // Whether work on `bytes` of input goes to more than one worker: two chunks' worth.
  bool worth_splitting(uint64_t bytes) const { return bytes >= 2 * options_.chunk_bytes; }

  // One worker per sink when the input's units are independent, but one for an input
  // too small for two chunks.
  Workers make_workers(const InputStream& input, const InputHead& head, const FormatSpec& spec, bool parallel) {
    size_t count = parallel ? sinks_.size() : 1;
    if (input.size_hint() > 0 && !worth_splitting(input.size_hint())) count = 1;
    Workers workers;
    workers.tallies.resize(count);
    for (size_t w = 0; w < count; ++w) {
      attach(workers.tallies[w], w);
      workers.loaders.push_back(make_loader(spec, head));
    }
    return workers;
  }

  // Worker w's tally, in front of its sink.
  void attach(WorkerTally& tally, size_t w) {
    tally.sink = discard_records_ ? &discard_ : sinks_[w];
    tally.forward_logs = needs_.logs;
  }

  std::unique_ptr<Loader> make_loader(const FormatSpec& spec, const InputHead& head) const {
    std::unique_ptr<Loader> loader = spec.make_loader(head);
    loader->set_needs(needs_);
    return loader;
  }

  // Runs work(w) for every worker, worker 0 on this thread.
  static void run_workers(size_t count, const std::function<void(size_t)>& work) {
    std::vector<std::thread> threads;
    for (size_t w = 1; w < count; ++w) threads.emplace_back(work, w);
    work(0);
    for (std::thread& thread : threads) thread.join();
  }

  // Lets every loader finish (unless a sink stopped the reading) and records the file's
  // counts and skips; false when the reading is to stop.
  bool finish_workers(Workers& workers, bool keep_going, FileReport& report) {
    for (size_t w = 0; w < workers.size() && keep_going; ++w) {
      LoadContext ctx{parsers_[w], file_index_};
      keep_going = workers.loaders[w]->finish(ctx, workers.tallies[w]) == Flow::kContinue;
    }
    record_skips(report, workers.tallies, *workers.loaders[0]);
    return keep_going;
  }

  // `may_map`: nothing but the head has been read (not a replay of a streamed document).
  bool read_whole(InputStream& input, const InputHead& head, const FormatSpec& spec, FileReport& report,
                  bool may_map = false) {
    may_map = may_map && !head.whole;  // a text held whole in the head is not worth a mapping
    if (head.framing == Framing::kLines) return read_lines(input, head, spec, report, may_map);
    return read_documents(input, head, spec, report, may_map);
  }

  // A document is streamed when its first value is big: longer than the head read for
  // detection, or than a chunk (tests make chunks tiny to exercise the streamed path). A
  // file of JSON lines is, when its first line is longer than the head (a minified
  // document is one long line).
  bool streams_document(const InputHead& head) const {
    size_t end = head.first.value_end();
    if (head.framing == Framing::kLines) return end == 0 && !head.whole;
    if (head.framing != Framing::kDocument) return false;
    return (end == 0 && !head.whole) || (end == 0 ? head.bytes.size() : end) > options_.chunk_bytes;
  }

  // One big document, its record array split into batches of whole elements that the
  // workers load as small documents (document_stream.h). What the splitter does not read
  // (a truncated end, broken layout, text after the document) the whole path reads, on
  // the input with the elements already loaded blanked out, so that its records and
  // errors are today's.
  bool read_streamed(InputStream& input, const InputHead& head, const FormatSpec& spec, const DocumentShape& shape,
                     FileReport& report) {
    DocumentSplitter splitter(shape, [&input](char* dst, size_t n) { return input.read_full(dst, n); },
                              buffer_.view(), options_.chunk_bytes);
    if (!splitter.open()) {
      splitter.take_all(buffer_);
      return read_whole(input, head, spec, report);
    }
    buffer_ = PaddedBuffer();  // the splitter took a copy
    // The elements of the streamed shapes are independent, as JSON lines are.
    Workers workers = make_workers(input, head, spec, true);
    // Per worker: the error that stopped it (without --lenient) and the batch it was in.
    std::vector<std::optional<Problem>> errors(workers.size());
    std::vector<DocumentBatch> failed(workers.size());
    std::exception_ptr failure;
    std::mutex failure_mutex;
    std::atomic<bool> stopped{false};
    BatchQueue queue(splitter);
    SourceRef document{file_index_, splitter.document_line(), splitter.document_offset(), {}};

    auto work = [&](size_t w) {
      try {
        DocumentBatch batch;
        DocumentBatch part;
        WorkerTally& tally = workers.tallies[w];
        LoadContext ctx{parsers_[w], file_index_};
        TextSkips skips(tally);
        if (options_.lenient) ctx.skips = &skips;
        while (queue.take(batch)) {
          tally.unit = batch.seq;
          begin_unit(w, batch.seq);
          if (load_batch(*workers.loaders[w], shape, batch, part, shape.document_ref ? &document : nullptr, ctx, tally,
                         skips, errors[w]) == Flow::kStop) {
            end_unit(w, batch.seq, false);
            stopped = true;
            queue.end_work();
            return;
          }
          end_unit(w, batch.seq, !errors[w]);
          if (errors[w]) {
            failed[w] = std::move(batch);
            queue.end_work();
            return;
          }
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        queue.end_work();
      }
    };
    run_workers(workers.size(), work);
    if (failure) std::rethrow_exception(failure);
    report.batches = splitter.batches();
    unit_base_ += splitter.batches();  // the lines after the document number on from here

    size_t first = workers.size();
    for (size_t w = 0; w < workers.size(); ++w)
      if (errors[w] && (first == workers.size() || errors[w]->seq < errors[first]->seq)) first = w;
    if (first < workers.size()) {
      // The whole path finds the error again where the batch met it, unless the end of
      // the document says otherwise first (simdjson checks a document's brackets before
      // reading it: a truncated document is an error at its end).
      splitter.take_replay(buffer_, &failed[first]);
      discard_records_ = true;
      read_whole(input, head, spec, report);
      throw_problem(*errors[first]);
    }

    if (!finish_workers(workers, !stopped, report)) return false;
    using State = DocumentSplitter::State;
    if (splitter.state() == State::kEnded && !input.failure()) return true;
    if (splitter.state() == State::kMore && head.framing == Framing::kLines && splitter.more_on_next_line()) {
      uint64_t offset = 0;
      uint64_t line = 1;
      splitter.take_rest(buffer_, offset, line);
      return read_lines(input, head, spec, report, false, line, offset);
    }
    splitter.take_replay(buffer_, nullptr);
    return read_whole(input, head, spec, report);
  }

  // Loads one batch. Under --lenient an element that breaks it is skipped alone: the
  // elements after it are loaded again as a batch of their own (and those before it too
  // when the loader refused the text before reading any: invalid UTF-8). Without it, the
  // error is left in `error`.
  Flow load_batch(Loader& loader, const DocumentShape& shape, const DocumentBatch& batch, DocumentBatch& part,
                  const SourceRef* document, LoadContext& ctx, WorkerTally& tally, TextSkips& skips,
                  std::optional<Problem>& error) {
    // Element ranges still to load, the next one last.
    std::vector<std::pair<size_t, size_t>> ranges{{0, batch.elements.size()}};
    while (!ranges.empty()) {
      auto [from, to] = ranges.back();
      ranges.pop_back();
      const DocumentBatch* text = &batch;
      if (from != 0 || to != batch.elements.size()) {
        batch.slice(from, to, part);
        text = &part;
      }
      skips.at_batch(*text);
      uint64_t records = tally.spans + tally.logs;
      try {
        SourceRef where = document != nullptr ? *document : text->where(file_index_);
        if (loader.load(text->text.view(), where, ctx, tally) == Flow::kStop) return Flow::kStop;
      } catch (const DocumentError& e) {
        LineCol at = text->locate(e.offset());
        if (!options_.lenient) {
          error = Problem{batch.seq, at.line, at.column, e.what()};
          return Flow::kContinue;
        }
        size_t bad = from + text->element_at(e.offset());
        tally.add_skip(Problem{batch.seq, at.line, at.column,
                               fmt::format("{} (the rest of the {} was skipped)", e.what(), shape.element)});
        if (bad + 1 < to) ranges.push_back({bad + 1, to});
        if (bad > from && tally.spans + tally.logs == records) ranges.push_back({from, bad});
      }
    }
    return Flow::kContinue;
  }

  // One JSON text or several back to back: the whole input is read (or, `may_map`, mapped
  // when it is a regular file), then loaded text by text.
  bool read_documents(InputStream& input, const InputHead& head, const FormatSpec& spec, FileReport& report,
                      bool may_map) {
    std::optional<MappedText> mapped = may_map ? source_->map_whole() : std::nullopt;
    std::string_view text;
    const void* nul = nullptr;
    if (mapped) {
      buffer_ = PaddedBuffer();
      text = without_byte_order_mark(mapped->view());  // as run() drops it
      nul = find_nul(text);
      if (nul != nullptr) text = text.substr(0, static_cast<const char*>(nul) - text.data());
    } else {
      text = read_all(input, nul);
    }
    // Where the text stops short of the input: at the NUL, or (--lenient) where damaged
    // compressed data gave out. A document that runs into it is reported as this.
    std::optional<Problem> cut;
    if (nul != nullptr || input.failure()) {
      LineCol at = line_col_at(text.data(), text.size(), text.size());
      cut = Problem{kInputEnd, at.line, at.column,
                    nul != nullptr ? nul_cut_message()
                                   : *input.failure() + " (the rest of the input is lost)"};
    }
    std::unique_ptr<Loader> loader = make_loader(spec, head);
    LoadContext ctx{parsers_[0], file_index_};
    // Every worker's tally, for a loader that spreads its work (WorkerPool).
    bool pooled = !options_.lenient && sinks_.size() > 1 && worth_splitting(text.size());
    std::vector<WorkerTally> tallies(pooled ? sinks_.size() : 1);
    for (size_t w = 0; w < tallies.size(); ++w) attach(tallies[w], w);
    WorkerTally& tally = tallies[0];
    RecordSink& sink = tally;
    TextSkips skips(tally);
    if (options_.lenient) ctx.skips = &skips;
    Pool pool(*this, tallies);
    if (pooled) ctx.pool = &pool;

    size_t pos = skip_whitespace(text, 0);
    uint64_t seq = 0;
    uint64_t line = 1 + count_newlines(text.data(), pos);
    while (pos < text.size()) {
      size_t end = text.size();
      if (head.framing == Framing::kDocumentStream) {
        end = find_value_end(text, pos);
        // No value ends here (truncated, or a stray '}' or ':' that is no value at all):
        // the rest is one bad document, so --lenient skips it rather than loop on it.
        if (end == std::string_view::npos || end <= pos) end = text.size();
      }
      std::string_view doc = text.substr(pos, end - pos);
      SourceRef where{file_index_, line, pos, {}};
      skips.at_document(seq, text, pos);
      try {
        Flow flow = loader->load(doc, where, ctx, sink);
        unit_base_ += pool.units();
        if (flow == Flow::kStop) {
          record_skips(report, tallies, *loader);
          return false;
        }
      } catch (const DocumentError& e) {
        // Running into the cut is the cut's doing: it is reported once, below.
        if (cut && (e.text_ended() || pos + e.offset() >= trimmed_size(text))) break;
        if (!options_.lenient) {
          LineCol bad = line_col_at(text.data(), text.size(), pos + e.offset());
          throw_problem(Problem{seq, bad.line, bad.column, e.what()});
        }
        Problem problem{seq, 0, 0, fmt::format("{} (the rest of the document was skipped)", e.what())};
        if (tally.shows_next_skip()) {
          LineCol bad = line_col_at(text.data(), text.size(), pos + e.offset());
          problem.line = bad.line;
          problem.column = bad.column;
        }
        tally.add_skip(std::move(problem));
      }
      ++seq;
      size_t next = skip_whitespace(text, end);
      // The next document's line; counting a gigabyte document's lines for none costs.
      if (next < text.size()) line += count_newlines(text.data() + pos, next - pos);
      pos = next;
    }
    if (cut) {
      if (!options_.lenient) throw_problem(*cut);
      tally.add_skip(std::move(*cut));
    }
    bool keep_going = loader->finish(ctx, sink) == Flow::kContinue;
    record_skips(report, tallies, *loader);
    return keep_going;
  }

  // The workers lent to a document's loader: a thread, a parser and a sink each.
  class Pool final : public WorkerPool {
   public:
    Pool(FileReader& reader, std::vector<WorkerTally>& tallies) : reader_(reader), tallies_(tallies) {}

    size_t size() const override { return tallies_.size(); }
    size_t unit_bytes() const override { return reader_.options_.chunk_bytes; }

    // The units numbered so far, taken back by units(): the next ones number on.
    uint64_t units() { return std::exchange(units_, 0); }

    void run_each(const std::function<void(size_t w, LoadContext& ctx)>& task) override {
      std::exception_ptr failure;
      std::mutex mutex;
      run_workers(size(), [&](size_t w) {
        try {
          LoadContext ctx{reader_.parsers_[w], reader_.file_index_};
          task(w, ctx);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!failure) failure = std::current_exception();
        }
      });
      if (failure) std::rethrow_exception(failure);
    }

    Flow run_units(uint64_t count, const std::function<Flow(size_t w, uint64_t unit, LoadContext& ctx,
                                                            RecordSink& sink)>& push) override {
      uint64_t base = units_;
      units_ += count;
      std::atomic<uint64_t> next{0};
      std::atomic<bool> stopped{false};
      std::atomic<uint64_t> error_unit{kNoChunk};  // the first unit that threw
      std::exception_ptr error;
      std::mutex mutex;
      // In a handler: the unit ends cut short, and its exception is kept if it ranks first.
      auto fail = [&](size_t w, uint64_t unit, uint64_t rank) {
        reader_.end_unit(w, base + unit, false);
        std::lock_guard<std::mutex> lock(mutex);
        if (rank <= error_unit) {
          error_unit = rank;
          error = std::current_exception();
        }
      };
      run_workers(size(), [&](size_t w) {
        LoadContext ctx{reader_.parsers_[w], reader_.file_index_};
        WorkerTally& tally = tallies_[w];
        for (;;) {
          uint64_t unit = next.fetch_add(1);
          if (unit >= count || stopped || unit > error_unit) return;
          tally.unit = reader_.unit_base_ + base + unit;
          reader_.begin_unit(w, base + unit);
          try {
            bool stop = push(w, unit, ctx, tally) == Flow::kStop;
            reader_.end_unit(w, base + unit, !stop);
            if (stop) {
              stopped = true;
              return;
            }
          } catch (const DocumentError&) {
            fail(w, unit, unit);
            return;
          } catch (...) {
            fail(w, unit, 0);  // out of memory, say: it ends the work as if it came first
            return;
          }
        }
      });
      if (error) std::rethrow_exception(error);
      return stopped ? Flow::kStop : Flow::kContinue;
    }

   private:
    FileReader& reader_;
    std::vector<WorkerTally>& tallies_;
    uint64_t units_ = 0;
  };

  // The first NUL byte in `text`, or null; searched on every worker, as this first pass
  // over a mapped file is also where its pages are mapped in.
  const void* find_nul(std::string_view text) const {
    size_t parts = worth_splitting(text.size()) ? sinks_.size() : 1;
    std::vector<const void*> found(parts, nullptr);
    run_workers(parts, [&](size_t w) {
      size_t from = text.size() / parts * w;
      size_t to = w + 1 == parts ? text.size() : text.size() / parts * (w + 1);
      found[w] = std::memchr(text.data() + from, '\0', to - from);
    });
    for (const void* nul : found)
      if (nul != nullptr) return nul;
    return nullptr;
  }

  // The rest of the input after the head, into buffer_. Reading stops at a NUL byte
  // (`nul`), which no JSON text holds: binary data without end (/dev/zero) cannot fill
  // the memory, and the text before it is still read.
  std::string_view read_all(InputStream& input, const void*& nul) {
    size_t size = buffer_.size();
    nul = std::memchr(buffer_.data(), '\0', size);
    while (nul == nullptr) {
      if (size == buffer_.capacity()) {
        buffer_.resize(size);
        buffer_.reserve(buffer_.capacity() * 2);
      }
      size_t got = input.read(buffer_.data() + size, buffer_.capacity() - size);
      if (got == 0) break;
      nul = std::memchr(buffer_.data() + size, '\0', got);
      size += got;
    }
    if (nul != nullptr) size = static_cast<const char*>(nul) - buffer_.data();
    buffer_.resize(size);
    return buffer_.view();
  }

  // `may_map`: nothing but the head has been read, so a regular file may be mapped.
  bool read_lines(InputStream& source, const InputHead& head, const FormatSpec& spec, FileReport& report,
                  bool may_map, uint64_t first_line = 1, uint64_t first_offset = 0) {
    // Only formats whose lines are independent may be split across threads.
    Workers workers = make_workers(source, head, spec, spec.line_parallel);
    ChunkQueue queue(source, buffer_.view(), options_.chunk_bytes, options_.lenient, workers.size() == 1, first_line,
                     first_offset);
    std::optional<MappedText> mapped = may_map ? source_->map_whole() : std::nullopt;
    if (mapped) queue.use_mapping(*mapped, without_byte_order_mark(mapped->view()));  // as run() drops it
    buffer_ = PaddedBuffer();  // the queue took a copy; chunks have buffers of their own

    run_workers(workers.size(), [&](size_t w) {
      try {
        read_chunks(queue, *workers.loaders[w], w, workers.tallies[w]);
      } catch (...) {
        queue.report_failure(std::current_exception());
      }
    });

    if (queue.failure()) std::rethrow_exception(queue.failure());
    if (queue.first_error().seq != kNoChunk) throw_problem(queue.first_error());
    if (queue.read_skip()) workers.tallies[0].add_skip(*queue.read_skip());
    return finish_workers(workers, !queue.stopped_by_sink(), report);
  }

  void read_chunks(ChunkQueue& queue, Loader& loader, size_t w, WorkerTally& tally) {
    Chunk chunk;
    LoadContext ctx{parsers_[w], file_index_};
    TextSkips skips(tally);
    if (options_.lenient) ctx.skips = &skips;
    RecordSink& sink = tally;
    const auto& precheck = options_.line_precheck;
    uint64_t line = queue.first_line();
    while (queue.take(chunk, line)) {
      const char* data = chunk.text.data();
      size_t size = chunk.text.size();
      size_t pos = 0;
      line = chunk.first_line;
      begin_unit(w, chunk.seq);
      bool whole = true;
      while (pos < size) {
        const void* newline = std::memchr(data + pos, '\n', size - pos);
        size_t end = newline ? static_cast<const char*>(newline) - data : size;
        std::string_view text(data + pos, end - pos);
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (!is_blank(text) && (!precheck || precheck(text))) {
          SourceRef where{file_index_, line, chunk.offset + pos, text};
          skips.at_line(chunk.seq, line);
          try {
            if (loader.load(text, where, ctx, sink) == Flow::kStop) {
              end_unit(w, chunk.seq, false);
              queue.stop();
              return;
            }
          } catch (const DocumentError& e) {
            Problem problem{chunk.seq, line, e.offset() + 1, e.what()};
            // A NUL byte before where the loader stopped is the first thing wrong there.
            size_t limit = std::min<size_t>(e.offset() + 1, text.size());
            if (const void* nul = std::memchr(text.data(), '\0', limit)) {
              problem.column = static_cast<const char*>(nul) - text.data() + 1;
              problem.message = kNulMessage;
            }
            if (!options_.lenient) {
              queue.report_error(std::move(problem));
              whole = false;
              break;  // later lines of this chunk cannot hold the first error
            }
            tally.add_skip(std::move(problem));
          }
        }
        if (queue.stopped() || queue.aborted_after(chunk.seq)) {
          end_unit(w, chunk.seq, false);
          return;
        }
        pos = end + 1;
        ++line;
      }
      end_unit(w, chunk.seq, whole);
      queue.done(chunk);
    }
  }

  void begin_unit(size_t w, uint64_t seq) const {
    if (options_.on_unit_begin) options_.on_unit_begin(w, unit_base_ + seq);
  }
  void end_unit(size_t w, uint64_t seq, bool whole) const {
    if (options_.on_unit_end) options_.on_unit_end(w, unit_base_ + seq, whole);
  }

  const Input& input_;
  uint32_t file_index_;
  const ReadOptions& options_;
  std::span<RecordSink* const> sinks_;
  std::vector<simdjson::ondemand::parser>& parsers_;
  RecordNeeds needs_;         // what any of the sinks reads
  Source* source_ = nullptr;  // the input being read
  PaddedBuffer buffer_;
  std::string head_bytes_;
  // Set when the whole path only has to find an error again (see read_streamed).
  bool discard_records_ = false;
  uint64_t unit_base_ = 0;  // the number of the first unit of the next ChunkQueue or splitter
  DiscardSink discard_;
};

}  // namespace

ReadReport read_inputs(std::span<const Input> inputs, const ReadOptions& options,
                       std::span<RecordSink* const> sinks) {
  ReadReport report;
  std::vector<simdjson::ondemand::parser> parsers(sinks.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    FileReport& file = report.files.emplace_back();
    file.name = inputs[i].path == "-" ? "<stdin>" : inputs[i].path;
    FileReader reader(inputs[i], static_cast<uint32_t>(i), options, sinks, parsers);
    if (!reader.run(file)) {
      report.stopped_early = true;
      break;
    }
  }
  return report;
}

}  // namespace trace::formats
