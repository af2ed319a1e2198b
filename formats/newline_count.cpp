#include "formats/newline_count.h"

#include <algorithm>
#include <bit>

#include "src/cpu_features.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define TRACE_NEWLINES_X86 1
#endif

namespace trace::formats {

uint64_t count_newlines_bytewise(const char* data, size_t size) {
  uint64_t count = 0;
  for (size_t i = 0; i < size; ++i) count += data[i] == '\n';
  return count;
}

#if defined(TRACE_NEWLINES_X86)

namespace {

// A compare gives -1 per newline; subtracting it counts in byte-wide lanes, which are
// summed (psadbw) before any can pass 255.

uint64_t count_newlines_sse2(const char* data, size_t size) {
  uint64_t count = 0;
  size_t i = 0;
  const __m128i newline = _mm_set1_epi8('\n');
  while (size - i >= 16) {
    size_t blocks = std::min<size_t>((size - i) / 16, 255);
    __m128i lanes = _mm_setzero_si128();
    for (size_t b = 0; b < blocks; ++b, i += 16) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(bytes, newline));
    }
    __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    count += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
  return count + count_newlines_bytewise(data + i, size - i);
}

// 32 bytes a step, and the last few in one more step over the input's last 32 bytes,
// the ones counted already masked off: the Chrome loader counts the lines of every event
// (a few hundred bytes), where a byte loop over the rest was a good part of the work.
__attribute__((target("avx2,popcnt"))) uint64_t count_newlines_avx2(const char* data, size_t size) {
  if (size < 32) return count_newlines_bytewise(data, size);
  uint64_t count = 0;
  size_t i = 0;
  const __m256i newline = _mm256_set1_epi8('\n');
  while (size - i >= 32) {
    size_t blocks = std::min<size_t>((size - i) / 32, 255);
    __m256i lanes = _mm256_setzero_si256();
    for (size_t b = 0; b < blocks; ++b, i += 32) {
      __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
      lanes = _mm256_sub_epi8(lanes, _mm256_cmpeq_epi8(bytes, newline));
    }
    __m256i sums = _mm256_sad_epu8(lanes, _mm256_setzero_si256());
    count += static_cast<uint64_t>(_mm256_extract_epi64(sums, 0)) + static_cast<uint64_t>(_mm256_extract_epi64(sums, 1)) +
             static_cast<uint64_t>(_mm256_extract_epi64(sums, 2)) + static_cast<uint64_t>(_mm256_extract_epi64(sums, 3));
  }
  if (size_t rest = size - i; rest > 0) {
    __m256i last = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + size - 32));
    auto hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(last, newline)));
    count += static_cast<uint64_t>(std::popcount(hits >> (32 - rest)));
  }
  return count;
}

}  // namespace

// Chosen once, at first use: the build targets baseline x86-64, which has no AVX2.
std::span<const CountNewlines> count_newlines_versions() {
  static const CountNewlines kAll[] = {count_newlines_avx2, count_newlines_sse2};
  static const std::span<const CountNewlines> kPicked = cpu_has_avx2() ? std::span(kAll) : std::span(kAll).subspan(1);
  return kPicked;
}

uint64_t count_newlines(const char* data, size_t size) {
  static const CountNewlines kPicked = count_newlines_versions()[0];
  return kPicked(data, size);
}

#else

std::span<const CountNewlines> count_newlines_versions() {
  static const CountNewlines kAll[] = {count_newlines_bytewise};
  return kAll;
}

uint64_t count_newlines(const char* data, size_t size) { return count_newlines_bytewise(data, size); }

#endif

}  // namespace trace::formats
