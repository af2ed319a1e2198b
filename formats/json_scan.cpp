#include "formats/json_scan.h"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// 64 bytes in four registers.
struct Block {
  __m128i v[4];
  explicit Block(const char* p) {
    for (int i = 0; i < 4; ++i) v[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
  }
  // Bit i set where byte i is `a` or `b`.
  uint64_t mask(char a, char b) const {
    const __m128i ka = _mm_set1_epi8(a);
    const __m128i kb = _mm_set1_epi8(b);
    uint64_t mask = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v[i], ka), _mm_cmpeq_epi8(v[i], kb));
      mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * i);
    }
    return mask;
  }
};

// Set bits, without the POPCNT instruction the baseline x86-64 build may not use.
int64_t bit_count(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int64_t>((x * 0x0101010101010101ULL) >> 56);
}

// Bit i set where an odd number of bits at or below i are set in x.
uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// The end of the object or array at `pos`, 64 bytes at a time, as simdjson's first stage
// finds strings: escaped characters from runs of backslashes, the inside of strings by a
// prefix XOR of the unescaped quotes; the brackets outside strings are then counted a
// block at a time, and walked one by one only in the block where the depth may reach 0.
// Scanning string by string with memchr cost a call per string: most of the time of
// reading a Chrome trace, whose events are found this way.
size_t container_end(std::string_view text, size_t pos) {
  constexpr uint64_t kEven = 0x5555555555555555ULL;
  int64_t depth = 0;
  uint64_t prev_escaped = 0;
  uint64_t prev_in_string = 0;
  char tail[64];
  for (size_t i = pos; i < text.size(); i += 64) {
    const char* block = text.data() + i;
    uint64_t valid = ~uint64_t(0);
    if (text.size() - i < 64) {
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, block, text.size() - i);
      block = tail;
      valid = (uint64_t(1) << (text.size() - i)) - 1;
    }
    Block bytes(block);
    uint64_t backslash = bytes.mask('\\', '\\') & ~prev_escaped;
    uint64_t follows_escape = backslash << 1 | prev_escaped;
    uint64_t odd_starts = backslash & ~kEven & ~follows_escape;
    uint64_t even_starts = 0;
    prev_escaped = __builtin_add_overflow(odd_starts, backslash, &even_starts) ? 1 : 0;
    uint64_t escaped = (kEven ^ (even_starts << 1)) & follows_escape;
    uint64_t quotes = bytes.mask('"', '"') & ~escaped;
    uint64_t in_string = prefix_xor(quotes) ^ prev_in_string;
    prev_in_string = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
    uint64_t opens = bytes.mask('{', '[') & ~in_string & valid;
    uint64_t closes = bytes.mask('}', ']') & ~in_string & valid;
    int64_t close_count = bit_count(closes);
    if (depth > close_count) {
      depth += bit_count(opens) - close_count;
      continue;
    }
    for (uint64_t brackets = opens | closes; brackets != 0; brackets &= brackets - 1) {
      int bit = std::countr_zero(brackets);
      if (opens >> bit & 1) {
        ++depth;
      } else if (--depth == 0) {
        return i + static_cast<size_t>(bit) + 1;
      }
    }
  }
  return kNpos;
}

#else

size_t container_end(std::string_view text, size_t pos) {
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

#endif

}  // namespace

size_t skip_whitespace(std::string_view text, size_t pos) {
  while (pos < text.size() && is_whitespace(text[pos])) ++pos;
  return pos;
}

size_t find_value_end(std::string_view text, size_t pos) {
  if (pos >= text.size()) return kNpos;
  char first = text[pos];
  if (first == '"') return string_end(text, pos);
  if (first == '{' || first == '[') return container_end(text, pos);
  // A scalar ends at a structural character or whitespace.
  size_t i = pos;
  while (i < text.size() && !is_whitespace(text[i]) && text[i] != ',' && text[i] != '}' && text[i] != ']') ++i;
  return i;
}

}  // namespace trace::formats
