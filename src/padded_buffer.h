// A growable byte buffer that always keeps SIMDJSON_PADDING readable bytes after its
// contents, so any JSON text inside it can be handed to simdjson in place.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace trace {

inline constexpr size_t kJsonPadding = 64;  // simdjson::SIMDJSON_PADDING, without the header

class PaddedBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data_.get(), size_}; }

  // Makes room for at least `capacity` bytes of contents, keeping the current ones.
  void reserve(size_t capacity) {
    if (capacity <= capacity_) return;
    Bytes grown = allocate(capacity + kJsonPadding);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
    pad();
  }

  // Sets the contents' length (after writing into data()); re-zeroes the padding.
  void resize(size_t size) {
    size_ = size;
    pad();
  }

  void assign(std::string_view bytes) {
    reserve(bytes.size());
    if (!bytes.empty()) std::memmove(data_.get(), bytes.data(), bytes.size());
    resize(bytes.size());
  }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  using Bytes = std::unique_ptr<char, Free>;

  // A whole document read into one buffer (a Chrome trace of a gigabyte) is written once,
  // page by page: with 4 KiB pages the kernel's page faults cost as much as the copy
  // itself. Big buffers are aligned for, and asked to get, 2 MiB transparent huge pages
  // (a hint: where they are off, nothing changes).
  static Bytes allocate(size_t bytes) {
    constexpr size_t kHugePage = size_t(2) << 20;
    void* p = nullptr;
    if (bytes >= 16 * kHugePage) {
      if (posix_memalign(&p, kHugePage, bytes) == 0) madvise(p, bytes, MADV_HUGEPAGE);
      else p = nullptr;
    } else {
      p = std::malloc(bytes);
    }
    if (p == nullptr) throw std::bad_alloc();
    return Bytes(static_cast<char*>(p));
  }

  void pad() {
    if (data_) std::memset(data_.get() + size_, 0, kJsonPadding);
  }

  Bytes data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace trace
