// Streaming of one big JSON document: its record array (OTLP resourceSpans, Jaeger's
// data, a Zipkin span list) is split at its commas into batches of whole elements, and
// each batch is wrapped into a small document of the format's own kind that the format's
// loader reads as it reads the whole one. Memory stays at a few chunks plus the largest
// element instead of the whole document (issue 9), and batches of independent elements
// can go to several threads.
//
// The splitter only finds where elements start and end (strings, escapes and nesting,
// with json_scan.h); the loaders still validate every byte. Whatever the splitter does not
// understand (a key it does not know before the array, broken layout between elements,
// a truncated document, text after it) is left to today's whole-document path: the
// elements already handed out are blanked into whitespace of the same length with the same
// line breaks (take_replay), so that path reads the rest, and reports its errors, at the
// same offsets, lines and columns as it would have on the whole input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "src/padded_buffer.h"
#include "src/record.h"
#include "src/source.h"

namespace trace::formats {

// What a top-level key of the document's object means to its loader.
enum class KeyRole {
  kRecords,      // the record array the splitter streams
  kInert,        // the loader ignores it (anywhere it stands)
  kInertIfEmpty,  // ignored when its value is null or [] (Jaeger's errors)
  kOther,        // the loader reads it: the splitter leaves the document to the whole path
};

struct DocumentShape {
  std::string_view format;
  bool object_form = false;  // {"key": [elements], ...}
  bool array_form = false;   // [elements]
  // Every record of a document carries the document's own SourceRef (OTLP traces), rather
  // than the place of the record (the loaders with a RecordLocator).
  bool document_ref = false;
  std::string_view element;  // what an element is, in skip messages
  // The role of `key` (raw, without quotes); `records_key` is the record array's key once
  // found ("" before), `had_elements` whether that array held any element.
  KeyRole (*role)(std::string_view key, std::string_view records_key, bool had_elements) = nullptr;
};

// The shape the splitter streams for a format, or nullptr (Chrome: its loader needs the
// whole text, see the .cpp).
const DocumentShape* document_shape(std::string_view format);

// A run of whole elements of the record array, wrapped: the fixed opening (`{"key":[` or
// `[`), the elements' bytes as they are in the input (with the separators between them),
// and the closing (`]}` or `]`). An offset in `text` past the opening maps back to the
// input by a subtraction.
struct DocumentBatch {
  struct Element {
    size_t begin = 0;  // offsets in text
    size_t end = 0;
  };

  PaddedBuffer text;
  uint64_t seq = 0;          // batch number: input order
  size_t open_size = 0;      // bytes of the opening
  size_t elements_end = 0;   // where the closing starts in text
  uint64_t offset = 0;       // input offset of text[open_size]
  uint64_t line = 1;         // line of text[open_size]
  uint64_t line_start = 0;   // input offset of the first byte of that line
  std::vector<Element> elements;

  uint64_t input_offset(uint64_t text_offset) const;
  // Line and column in the input of text[text_offset] (counts newlines: error path only).
  LineCol locate(uint64_t text_offset) const;
  // Where text[0] would be in the input, for loaders that locate records by offset.
  SourceRef where(uint32_t file_index) const { return {file_index, line, offset - open_size, {}}; }
  // The index of the element holding text[text_offset] (the last one starting at or before it).
  size_t element_at(uint64_t text_offset) const;
  // Elements [from, to) of this batch as a batch of their own (same seq).
  void slice(size_t from, size_t to, DocumentBatch& out) const;
};

class DocumentSplitter {
 public:
  using Read = std::function<size_t(char* dst, size_t n)>;

  // `already_read`: the input's first bytes (from offset 0), read by detection; `read`
  // gives the rest. Batches hold about `batch_bytes` of elements (at least one element).
  DocumentSplitter(const DocumentShape& shape, Read read, std::string_view already_read, size_t batch_bytes);

  // Reads the document's opening up to its record array's first element. False when the
  // document is not one to stream (not the shape, a key the loader reads before the
  // array, malformed): then take_all() gives every byte read, nothing having been used.
  bool open();
  void take_all(PaddedBuffer& out);

  // The next batch of whole elements; false when there is none left (see state()).
  bool next(DocumentBatch& batch);

  enum class State {
    kElements,  // batches are being handed out
    kEnded,     // the document closed, and only whitespace followed it up to the end
    kMore,      // the document closed and more text follows it
    kTrouble,   // something the splitter does not read: the whole path must
  };
  State state() const { return state_; }
  uint64_t batches() const { return next_seq_; }
  // kMore: whether a line break separates the document from the text after it.
  bool more_on_next_line() const { return more_on_next_line_; }

  // Line and offset of the document's first byte (the SourceRef of the whole document).
  uint64_t document_line() const { return document_line_; }
  uint64_t document_offset() const { return document_offset_; }

  // The input as the whole-document path must read it from here: every byte from the
  // start, with the elements handed out in batches blanked (same length, same line
  // breaks), except those of `failed` (a batch whose loading failed: its error is to be
  // found again there); then the bytes read and not handed out. The input's unread rest
  // follows it.
  void take_replay(PaddedBuffer& out, const DocumentBatch* failed);

  // kMore: the bytes from just after the document, and where they start.
  void take_rest(PaddedBuffer& out, uint64_t& offset, uint64_t& line);

 private:
  std::string_view data() const { return {win_.data(), limit_}; }
  bool read_more(size_t at_least = 0);
  bool skip_ws();
  size_t value_end(size_t start);
  bool read_key(std::string& key);
  void count_lines_to(size_t index);
  bool trouble();
  bool read_suffix();
  void read_trailing();
  static void append_blank(PaddedBuffer& out, uint64_t from, uint64_t to, uint64_t from_line, uint64_t to_line,
                           uint64_t to_line_start);

  const DocumentShape& shape_;
  Read read_;
  size_t batch_bytes_;
  size_t read_step_;      // bytes read at a time, at least
  PaddedBuffer win_;      // the bytes being scanned
  uint64_t base_ = 0;     // input offset of win_[0]
  size_t pos_ = 0;        // scan position in win_
  size_t keep_ = 0;       // win_ bytes from here on may still be needed
  size_t limit_ = 0;      // scanned bytes end here: win_.size(), or at a NUL byte
  bool eof_ = false;
  size_t counted_ = 0;       // newlines are counted in win_ up to here
  uint64_t line_ = 1;        // line at counted_
  uint64_t line_start_ = 0;  // input offset of that line's first byte

  State state_ = State::kElements;
  bool more_on_next_line_ = false;
  uint64_t document_line_ = 1;
  uint64_t document_offset_ = 0;
  std::string records_key_;
  std::string prefix_;          // input bytes [0, elements_from_)
  uint64_t elements_from_ = 0;  // input offset just after the array's '['
  uint64_t elements_line_ = 1;
  uint64_t elements_line_start_ = 0;
  uint64_t rest_ = 0;  // kMore: input offset just after the document
  std::string open_;        // the batches' opening: `{"key":[` or `[`
  std::string_view close_;  // and closing: `]}` or `]`
  bool had_elements_ = false;
  bool array_closed_ = false;
  uint64_t next_seq_ = 0;
};

// Hands out the splitter's batches to worker threads, in input order.
class BatchQueue {
 public:
  explicit BatchQueue(DocumentSplitter& splitter) : splitter_(splitter) {}

  // Fills `batch` with the next batch; false when there is none left or the work is over.
  bool take(DocumentBatch& batch);
  // No more batches after this: an error (the first in input order is kept by the caller)
  // or a sink that asked to stop.
  void end_work();

 private:
  std::mutex mutex_;
  DocumentSplitter& splitter_;
  bool over_ = false;
};

}  // namespace trace::formats
