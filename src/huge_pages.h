// Memory for big arrays written once from start to end (a whole document read into one
// buffer, an item per event of a gigabyte trace): with 4 KiB pages the kernel's page
// faults cost as much as the writing itself. Big blocks are aligned for, and asked to
// get, 2 MiB transparent huge pages: a hint; where they are off, nothing changes.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace trace {

inline constexpr size_t kHugePageBytes = size_t(2) << 20;

// malloc, or for 32 MiB and more a huge-page-aligned block with the hint. Free with
// std::free. Throws std::bad_alloc.
inline void* allocate_for_huge_pages(size_t bytes) {
  void* p = nullptr;
  if (bytes >= 16 * kHugePageBytes) {
    if (posix_memalign(&p, kHugePageBytes, bytes) == 0) madvise(p, bytes, MADV_HUGEPAGE);
    else p = nullptr;
  } else {
    p = std::malloc(bytes);
  }
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// A std::vector allocator over allocate_for_huge_pages.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(allocate_for_huge_pages(n * sizeof(T)));
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace trace
