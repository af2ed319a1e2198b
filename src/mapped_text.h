// A regular file's bytes mapped into memory, followed by SIMDJSON_PADDING readable zero
// bytes. For inputs that must be held whole (a Chrome trace), reading a 1 GB file into
// fresh memory cost a third of a second of page faults and copying, mapping it from the
// page cache a tenth of that. JSON lines are read from the mapping chunk by chunk, each
// chunk's pages let go once read (release), so memory stays bounded: 0.70 -> 0.65 s for
// trace stats -j1 on 1 GB, against reading 4 MiB chunks into a reused buffer. Big OTLP
// documents are still streamed through a buffer.
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

  // Lets go of the pages from the one `begin` lies in up to, not including, the one
  // `begin + size` lies in (all within view()): read once, they need not stay in this
  // process's memory. Reading them again maps them again from the page cache, so a page
  // shared with a neighbour's bytes still being read costs time, never a wrong byte.
  void release(const char* begin, size_t size) const;

 private:
  MappedText(char* data, size_t size, size_t mapped) : data_(data), size_(size), mapped_(mapped) {}

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // bytes reserved, padding included
};

}  // namespace trace
