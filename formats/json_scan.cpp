#include "formats/json_scan.h"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "src/cpu_features.h"

namespace trace::formats {

namespace {

constexpr size_t kNpos = std::string_view::npos;

bool is_whitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// One past the closing quote of the string whose opening quote is at `pos`, or npos.
size_t string_end(std::string_view text, size_t pos) {
  size_t i = pos + 1;
  while (i < text.size()) {
    const void* hit = std::memchr(text.data() + i, '"', text.size() - i);
    if (hit == nullptr) return kNpos;
    size_t quote = static_cast<const char*>(hit) - text.data();
    // The quote is escaped when an odd number of backslashes precede it.
    size_t backslashes = 0;
    while (quote - backslashes > pos + 1 && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    i = quote + 1;
  }
  return kNpos;
}

#if defined(__SSE2__)

// Set bits, without the POPCNT instruction the baseline x86-64 build may not use (the
// AVX2 version, inlining it, gets the instruction).
[[gnu::always_inline]] inline int64_t bit_count(uint64_t x) { return __builtin_popcountll(x); }

// Bit i set where an odd number of bits at or below i are set in x.
[[gnu::always_inline]] inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// container_end's state from one 64-byte block to the next, and its work on the block's
// bit masks, shared by the SSE2 and AVX2 versions (which only find the bytes).
struct BracketScan {
  static constexpr uint64_t kEven = 0x5555555555555555ULL;
  int64_t depth = 0;
  uint64_t prev_escaped = 0;
  uint64_t prev_in_string = 0;

  // Escaped characters from runs of backslashes, the inside of strings by a prefix XOR
  // of the unescaped quotes, as simdjson's first stage finds them; then the brackets
  // outside strings are counted, and walked one by one only where the depth may reach 0.
  // Returns one past the bracket that closes the container within the block, or -1.
  [[gnu::always_inline]] int step(uint64_t backslash, uint64_t quotes, uint64_t opens, uint64_t closes) {
    backslash &= ~prev_escaped;
    uint64_t follows_escape = backslash << 1 | prev_escaped;
    uint64_t odd_starts = backslash & ~kEven & ~follows_escape;
    uint64_t even_starts = 0;
    prev_escaped = __builtin_add_overflow(odd_starts, backslash, &even_starts) ? 1 : 0;
    uint64_t escaped = (kEven ^ (even_starts << 1)) & follows_escape;
    uint64_t in_string = prefix_xor(quotes & ~escaped) ^ prev_in_string;
    prev_in_string = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
    opens &= ~in_string;
    closes &= ~in_string;
    int64_t close_count = bit_count(closes);
    if (depth > close_count) {
      depth += bit_count(opens) - close_count;
      return -1;
    }
    for (uint64_t brackets = opens | closes; brackets != 0; brackets &= brackets - 1) {
      int bit = std::countr_zero(brackets);
      if (opens >> bit & 1) {
        ++depth;
      } else if (--depth == 0) {
        return bit + 1;
      }
    }
    return -1;
  }
};

// The 64 bytes at text[i]: in place, or for a last, partial block a copy padded with
// spaces (no quote, backslash or bracket), so that nothing past the text is read.
[[gnu::always_inline]] inline const char* block_at(std::string_view text, size_t i, char (&tail)[64]) {
  if (text.size() - i >= 64) return text.data() + i;
  std::memset(tail, ' ', sizeof tail);
  std::memcpy(tail, text.data() + i, text.size() - i);
  return tail;
}

// '{' and '[' differ only in bit 0x20, as do '}' and ']': one compare finds either.
constexpr char kOpenBracket = '{';
constexpr char kCloseBracket = '}';

size_t container_end_sse2(std::string_view text, size_t pos) {
  const __m128i backslash = _mm_set1_epi8('\\'), quote = _mm_set1_epi8('"'), case_bit = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8(kOpenBracket), close = _mm_set1_epi8(kCloseBracket);
  BracketScan scan;
  char tail[64];
  for (size_t i = pos; i < text.size(); i += 64) {
    const char* block = block_at(text, i, tail);
    uint64_t masks[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
      __m128i folded = _mm_or_si128(v, case_bit);
      int shift = 16 * k;
      masks[0] |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)))) << shift;
      masks[1] |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << shift;
      masks[2] |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open)))) << shift;
      masks[3] |= uint64_t(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close)))) << shift;
    }
    int end = scan.step(masks[0], masks[1], masks[2], masks[3]);
    if (end >= 0) return i + static_cast<size_t>(end);
  }
  return kNpos;
}

#if defined(__x86_64__)

__attribute__((target("avx2,popcnt"))) size_t container_end_avx2(std::string_view text, size_t pos) {
  const __m256i backslash = _mm256_set1_epi8('\\'), quote = _mm256_set1_epi8('"'), case_bit = _mm256_set1_epi8(0x20);
  const __m256i open = _mm256_set1_epi8(kOpenBracket), close = _mm256_set1_epi8(kCloseBracket);
  auto bits = [](__m256i lo, __m256i hi, __m256i byte) __attribute__((target("avx2"))) {
    return uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, byte)))) |
           uint64_t(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, byte)))) << 32;
  };
  BracketScan scan;
  char tail[64];
  for (size_t i = pos; i < text.size(); i += 64) {
    const char* block = block_at(text, i, tail);
    __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
    __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32));
    __m256i lo_folded = _mm256_or_si256(lo, case_bit), hi_folded = _mm256_or_si256(hi, case_bit);
    int end = scan.step(bits(lo, hi, backslash), bits(lo, hi, quote), bits(lo_folded, hi_folded, open),
                        bits(lo_folded, hi_folded, close));
    if (end >= 0) return i + static_cast<size_t>(end);
  }
  return kNpos;
}

// Chosen once, at first use (not at start-up: another file's start-up code may need it
// first): the build targets baseline x86-64, which has no AVX2.
std::span<const ContainerEnd> pick_container_ends() {
  static const ContainerEnd kVersions[] = {container_end_avx2, container_end_sse2};
  return cpu_has_avx2() ? std::span(kVersions) : std::span(kVersions).subspan(1);
}

#else

std::span<const ContainerEnd> pick_container_ends() {
  static const ContainerEnd kVersions[] = {container_end_sse2};
  return kVersions;
}

#endif

#else

size_t container_end_bytewise(std::string_view text, size_t pos) {
  size_t depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
      if (i == kNpos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return kNpos;
}

std::span<const ContainerEnd> pick_container_ends() {
  static const ContainerEnd kVersions[] = {container_end_bytewise};
  return kVersions;
}

#endif

}  // namespace

size_t skip_whitespace(std::string_view text, size_t pos) {
  while (pos < text.size() && is_whitespace(text[pos])) ++pos;
  return pos;
}

std::span<const ContainerEnd> container_end_versions() {
  static const std::span<const ContainerEnd> kPicked = pick_container_ends();
  return kPicked;
}

size_t find_value_end(std::string_view text, size_t pos) {
  if (pos >= text.size()) return kNpos;
  char first = text[pos];
  if (first == '"') return string_end(text, pos);
  if (first == '{' || first == '[') return container_end_versions()[0](text, pos);
  // A scalar ends at a structural character or whitespace.
  size_t i = pos;
  while (i < text.size() && !is_whitespace(text[i]) && text[i] != ',' && text[i] != '}' && text[i] != ']') ++i;
  return i;
}

}  // namespace trace::formats
