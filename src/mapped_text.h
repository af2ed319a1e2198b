// A regular file's bytes mapped into memory, followed by SIMDJSON_PADDING readable zero
// bytes, for inputs that must be held whole (a Chrome trace): reading a 1 GB file into
// fresh memory cost a third of a second of page faults and copying, mapping it from the
// page cache a tenth of that. Streamed inputs (JSON lines, big OTLP documents) still read
// chunks into a reused buffer, which beats mapping for one pass.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace trace {

class MappedText {
 public:
  // Maps `size` bytes of file descriptor `fd` (a regular file) from its start; nullopt
  // when the system refuses. `name` is for the one error mapping brings: a file that
  // shrinks while it is read would fault on the lost pages, so a fault stops trace with
  // "NAME: the file shrank while it was read" and exit code 2, not a crash.
  static std::optional<MappedText> map(int fd, size_t size, const std::string& name);

  MappedText(MappedText&& other) noexcept;
  MappedText& operator=(MappedText&&) = delete;
  ~MappedText();

  std::string_view view() const { return {data_, size_}; }

 private:
  MappedText(char* data, size_t size, size_t mapped) : data_(data), size_(size), mapped_(mapped) {}

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // bytes reserved, padding included
};

}  // namespace trace
