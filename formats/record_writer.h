// The output end of `trace convert`: a RecordSink that renders each record in another
// format as it arrives and hands the bytes on in blocks.
//
// Records come in input order from one reader; a writer keeps only what its format
// needs across records (an open batch, Chrome's pid/tid numbering), never the records.
// Rendering goes into one reused buffer, passed to `write` whenever it holds a block
// (kBlockBytes), so the output is written in large writes whatever the record size.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "src/record_sink.h"

namespace trace::formats {

// Where the bytes go: an output::OutputFile for the command, a string for tests.
using WriteBytes = std::function<void(std::string_view bytes)>;

class RecordWriter : public RecordSink {
 public:
  static constexpr size_t kBlockBytes = size_t(1) << 20;

  explicit RecordWriter(WriteBytes write) : write_(std::move(write)) { out_.reserve(kBlockBytes + kBlockBytes / 4); }

  // Before the records of each input; `name` as messages show it ("<stdin>" for "-").
  virtual void begin_file(std::string_view /*name*/) {}

  // After the last record: closes what the format leaves open (a batch, the event
  // array) and writes everything still buffered.
  virtual void finish() { flush(); }

 protected:
  // Writes the buffer out once it holds a block; call after each record.
  void maybe_flush() {
    if (out_.size() >= kBlockBytes) flush();
  }
  void flush() {
    if (out_.empty()) return;
    write_(out_);
    out_.clear();
  }

  std::string out_;

 private:
  WriteBytes write_;
};

}  // namespace trace::formats
