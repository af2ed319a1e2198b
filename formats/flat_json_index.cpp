#include "formats/flat_json_index.h"

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

// Both versions keep the rare bytes of whole blocks in three vectors, ORed block after
// block and tested once at the end; only the last, partial block needs bit masks, to
// leave out the bytes past the line.

unsigned index_quotes_sse2(const char* p, size_t size, uint64_t* quote_bits) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  __m128i backslashes = _mm_setzero_si128(), controls = _mm_setzero_si128(), highs = _mm_setzero_si128();
  const size_t full_blocks = size / 64;
  for (size_t b = 0; b < full_blocks; ++b) {
    uint64_t quotes = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 64 * b + 16 * k));
      quotes |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << (16 * k);
      backslashes = _mm_or_si128(backslashes, _mm_cmpeq_epi8(v, backslash));
      controls = _mm_or_si128(controls, _mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space));
      highs = _mm_or_si128(highs, v);
    }
    quote_bits[b] = quotes;
  }
  unsigned flags = (_mm_movemask_epi8(backslashes) != 0 ? kBackslash : 0) |
                   (_mm_movemask_epi8(controls) != 0 ? kControl : 0) | (_mm_movemask_epi8(highs) != 0 ? kHighBit : 0);
  const size_t rest = size % 64;
  if (rest == 0) return flags;
  const uint64_t valid = (uint64_t(1) << rest) - 1;
  uint64_t quotes = 0, rare_backslash = 0, rare_control = 0, rare_high = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 64 * full_blocks + 16 * k));
    auto bits = [k](__m128i hits) { return uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(hits))) << (16 * k); };
    quotes |= bits(_mm_cmpeq_epi8(v, quote));
    rare_backslash |= bits(_mm_cmpeq_epi8(v, backslash));
    rare_control |= bits(_mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space));
    rare_high |= bits(v);
  }
  quote_bits[full_blocks] = quotes & valid;
  return flags | ((rare_backslash & valid) != 0 ? kBackslash : 0) | ((rare_control & valid) != 0 ? kControl : 0) |
         ((rare_high & valid) != 0 ? kHighBit : 0);
}

// A bit per byte of two 32-byte compare results.
__attribute__((target("avx2"))) uint64_t bits(__m256i lo_hits, __m256i hi_hits) {
  return uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(lo_hits))) |
         uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(hi_hits))) << 32;
}

__attribute__((target("avx2"))) unsigned index_quotes_avx2(const char* p, size_t size, uint64_t* quote_bits) {
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i below_space = _mm256_set1_epi8(0x1f);
  __m256i backslashes = _mm256_setzero_si256(), controls = _mm256_setzero_si256(), highs = _mm256_setzero_si256();
  const size_t full_blocks = size / 64;
  for (size_t b = 0; b < full_blocks; ++b) {
    __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64 * b));
    __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64 * b + 32));
    quote_bits[b] = bits(_mm256_cmpeq_epi8(lo, quote), _mm256_cmpeq_epi8(hi, quote));
    backslashes = _mm256_or_si256(backslashes, _mm256_or_si256(_mm256_cmpeq_epi8(lo, backslash),
                                                               _mm256_cmpeq_epi8(hi, backslash)));
    controls = _mm256_or_si256(controls,
                               _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(lo, below_space), below_space),
                                               _mm256_cmpeq_epi8(_mm256_max_epu8(hi, below_space), below_space)));
    highs = _mm256_or_si256(highs, _mm256_or_si256(lo, hi));
  }
  unsigned flags = (_mm256_movemask_epi8(backslashes) != 0 ? kBackslash : 0) |
                   (_mm256_movemask_epi8(controls) != 0 ? kControl : 0) |
                   (_mm256_movemask_epi8(highs) != 0 ? kHighBit : 0);
  const size_t rest = size % 64;
  if (rest == 0) return flags;
  const uint64_t valid = (uint64_t(1) << rest) - 1;
  __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64 * full_blocks));
  __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64 * full_blocks + 32));
  quote_bits[full_blocks] = bits(_mm256_cmpeq_epi8(lo, quote), _mm256_cmpeq_epi8(hi, quote)) & valid;
  uint64_t rare_backslash = bits(_mm256_cmpeq_epi8(lo, backslash), _mm256_cmpeq_epi8(hi, backslash));
  uint64_t rare_control = bits(_mm256_cmpeq_epi8(_mm256_max_epu8(lo, below_space), below_space),
                               _mm256_cmpeq_epi8(_mm256_max_epu8(hi, below_space), below_space));
  uint64_t rare_high = bits(lo, hi);
  return flags | ((rare_backslash & valid) != 0 ? kBackslash : 0) | ((rare_control & valid) != 0 ? kControl : 0) |
         ((rare_high & valid) != 0 ? kHighBit : 0);
}

// Chosen once, at start-up: the build targets baseline x86-64, which has no AVX2.
const IndexQuotes kIndexQuotes = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? index_quotes_avx2 : index_quotes_sse2;
}();

}  // namespace

unsigned index_quotes(const char* p, size_t size, uint64_t* quote_bits) { return kIndexQuotes(p, size, quote_bits); }

std::span<const IndexQuotes> index_quotes_versions() {
  static const IndexQuotes kAll[] = {index_quotes_sse2, index_quotes_avx2};
  return std::span(kAll, kIndexQuotes == index_quotes_avx2 ? 2 : 1);
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
