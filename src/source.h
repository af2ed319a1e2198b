// An input: a path or "-" (stdin), read sequentially in caller-sized pieces. Gzip and
// zstd input is decompressed transparently, known by its magic bytes, whatever its name.
// A regular uncompressed file may instead be mapped (map_whole): JSON lines are then
// handed out chunk by chunk from the mapping, the pages of each chunk let go once read,
// and a document held whole is read in place. Both beat copying out of the page cache
// (a fifth of a one-core trace stats run); pipes and compressed input are read in
// fixed-size chunks into a reused buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "src/mapped_text.h"

namespace trace {

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Reads up to `n` bytes into `dst`; returns 0 only at the end of input.
  virtual size_t read(char* dst, size_t n) = 0;
};

class Source {
 public:
  // Opens `path`, or stdin for "-". Throws InputError for a missing, unreadable or
  // non-regular input (a directory).
  static std::unique_ptr<Source> open(const std::string& path);
  // An in-memory input, for tests.
  static std::unique_ptr<Source> from_string(const std::string& name, std::string text);

  // The name used in messages: the path, or "<stdin>".
  const std::string& name() const { return name_; }
  bool compressed() const { return compressed_; }
  // Size on disk when known (a regular, uncompressed file), else 0; for buffer sizing.
  uint64_t size_hint() const { return size_hint_; }
  uint64_t bytes_read() const { return bytes_read_; }

  // The whole input mapped into memory, for an input read whole: only a regular,
  // uncompressed file (else nullopt, and read() it is). Counts as read.
  std::optional<MappedText> map_whole();

  // Reads up to `n` bytes (fewer only at the end); returns 0 at the end. Throws InputError.
  // Compressed input that is truncated or corrupt first yields the bytes decompressed
  // before the damage (fewer than `n`), then throws at the next read.
  size_t read(char* dst, size_t n);

 private:
  Source(std::string name, std::unique_ptr<ByteReader> reader) : name_(std::move(name)), reader_(std::move(reader)) {}

  std::string name_;
  std::unique_ptr<ByteReader> reader_;
  bool compressed_ = false;
  uint64_t size_hint_ = 0;
  uint64_t bytes_read_ = 0;
  int mappable_fd_ = -1;  // a regular, uncompressed file's descriptor
};

// 1-based line and column of byte `offset` in `text` (the error path only: it counts).
struct LineCol {
  uint64_t line = 1;
  uint64_t column = 1;
};
LineCol line_col_at(const char* text, uint64_t size, uint64_t offset);

}  // namespace trace
