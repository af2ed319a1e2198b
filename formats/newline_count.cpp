#include "formats/newline_count.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trace::formats {

uint64_t count_newlines(const char* data, size_t size) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  // A compare gives -1 per newline; subtracting it counts in 16 byte-wide lanes, which
  // are summed (psadbw) before any can pass 255.
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
#endif
  for (; i < size; ++i) count += data[i] == '\n';
  return count;
}

}  // namespace trace::formats
