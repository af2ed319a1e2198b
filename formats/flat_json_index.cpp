#include "formats/flat_json_index.h"

#include <cstring>

#include "src/cpu_features.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define TRACE_INDEX_X86 1
#endif

namespace trace::formats::flat_json {

unsigned index_quotes_bytewise(const char* p, size_t size, uint64_t* quote_bits) {
  unsigned flags = 0;
  for (size_t b = 0; b < (size + 63) / 64; ++b) quote_bits[b] = 0;
  for (size_t i = 0; i < size; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c == '"') quote_bits[i / 64] |= uint64_t(1) << (i % 64);
    if (c == '\\') flags |= kBackslash;
    if (c < 0x20) flags |= kControl;
    if (c >= 0x80) flags |= kHighBit;
  }
  return flags;
}

#if defined(TRACE_INDEX_X86)

namespace {

// The 64 bytes of block b: in place, or for a last, partial block a copy padded with
// spaces (no quote, no rare byte), so that no byte past the line is read or counted.
const char* block_at(const char* p, size_t size, size_t b, char (&tail)[64]) {
  size_t begin = 64 * b;
  if (size - begin >= 64) return p + begin;
  std::memset(tail, ' ', sizeof tail);
  std::memcpy(tail, p + begin, size - begin);
  return tail;
}

// Both versions OR the rare bytes into three vectors, block after block, and test them
// once at the end.

unsigned index_quotes_sse2(const char* p, size_t size, uint64_t* quote_bits) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  __m128i backslashes = _mm_setzero_si128(), controls = _mm_setzero_si128(), highs = _mm_setzero_si128();
  char tail[64];
  for (size_t b = 0; b < (size + 63) / 64; ++b) {
    const char* block = block_at(p, size, b, tail);
    uint64_t quotes = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
      quotes |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << (16 * k);
      backslashes = _mm_or_si128(backslashes, _mm_cmpeq_epi8(v, backslash));
      controls = _mm_or_si128(controls, _mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space));
      highs = _mm_or_si128(highs, v);
    }
    quote_bits[b] = quotes;
  }
  return (_mm_movemask_epi8(backslashes) != 0 ? kBackslash : 0) | (_mm_movemask_epi8(controls) != 0 ? kControl : 0) |
         (_mm_movemask_epi8(highs) != 0 ? kHighBit : 0);
}

__attribute__((target("avx2"))) unsigned index_quotes_avx2(const char* p, size_t size, uint64_t* quote_bits) {
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i below_space = _mm256_set1_epi8(0x1f);
  __m256i backslashes = _mm256_setzero_si256(), controls = _mm256_setzero_si256(), highs = _mm256_setzero_si256();
  char tail[64];
  for (size_t b = 0; b < (size + 63) / 64; ++b) {
    const char* block = block_at(p, size, b, tail);
    __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
    __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32));
    quote_bits[b] = uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, quote)))) |
                    uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, quote)))) << 32;
    backslashes = _mm256_or_si256(backslashes, _mm256_or_si256(_mm256_cmpeq_epi8(lo, backslash),
                                                               _mm256_cmpeq_epi8(hi, backslash)));
    controls = _mm256_or_si256(controls,
                               _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(lo, below_space), below_space),
                                               _mm256_cmpeq_epi8(_mm256_max_epu8(hi, below_space), below_space)));
    highs = _mm256_or_si256(highs, _mm256_or_si256(lo, hi));
  }
  return (_mm256_movemask_epi8(backslashes) != 0 ? kBackslash : 0) |
         (_mm256_movemask_epi8(controls) != 0 ? kControl : 0) | (_mm256_movemask_epi8(highs) != 0 ? kHighBit : 0);
}

}  // namespace

// Chosen once, at first use (not at start-up: another file's start-up code may need it
// first): the build targets baseline x86-64, which has no AVX2.
std::span<const IndexQuotes> index_quotes_versions() {
  static const IndexQuotes kAll[] = {index_quotes_avx2, index_quotes_sse2};
  static const std::span<const IndexQuotes> kPicked = cpu_has_avx2() ? std::span(kAll) : std::span(kAll).subspan(1);
  return kPicked;
}

unsigned index_quotes(const char* p, size_t size, uint64_t* quote_bits) {
  static const IndexQuotes kPicked = index_quotes_versions()[0];
  return kPicked(p, size, quote_bits);
}

#else

unsigned index_quotes(const char* p, size_t size, uint64_t* quote_bits) {
  return index_quotes_bytewise(p, size, quote_bits);
}

std::span<const IndexQuotes> index_quotes_versions() {
  static const IndexQuotes kAll[] = {index_quotes_bytewise};
  return kAll;
}

#endif

}  // namespace trace::formats::flat_json
