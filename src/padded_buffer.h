// A growable byte buffer that always keeps SIMDJSON_PADDING readable bytes after its
// contents, so any JSON text inside it can be handed to simdjson in place.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "src/huge_pages.h"

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

  static Bytes allocate(size_t bytes) { return Bytes(static_cast<char*>(allocate_for_huge_pages(bytes))); }

  void pad() {
    if (data_) std::memset(data_.get() + size_, 0, kJsonPadding);
  }

  Bytes data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace trace
