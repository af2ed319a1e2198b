// The fast path for the commonest JSON-lines record: one flat object whose values are
// strings without escapes, numbers, true, false or null, such as
//   {"ts":"2025-01-15T08:00:01.02Z","level":"info","msg":"llm call","duration_ms":812.5}
//
// Such a line is read in a single pass with 16-byte block scans, without simdjson's
// structural indexing, which for these lines costs more than all the rest of the
// loader. It accepts a strict subset of JSON and declines anything else: a nested object
// or array, an escape or a control character in a string, a number that does not fit
// (an integer past int64, a double out of range or subnormal, "-0"), invalid UTF-8,
// whitespace other than JSON's, or any syntax error. A declined line is read again by
// the general simdjson path, which also reports malformed lines, so the fast path never
// needs an error message of its own, and for a line it accepts it yields exactly the
// keys, values and number texts the general path would (tests/formats/
// flat_json_line_test.cpp compares both, and fuzz/ does on random lines).
//
// The line must be followed by at least 16 readable bytes (the loaders' padded buffers
// give 64): blocks are read past a string's closing quote.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <simdjson.h>

#include "src/record.h"

namespace trace::formats {

namespace flat_json {

static_assert(std::endian::native == std::endian::little, "word scans read little-endian");

inline constexpr uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kHighs = 0x8080808080808080ULL;

inline uint64_t load8(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Bytes equal to `c` (high bit set in each such byte; exact for the lowest one).
inline uint64_t bytes_equal(uint64_t word, char c) {
  uint64_t x = word ^ (kOnes * static_cast<uint8_t>(c));
  return (x - kOnes) & ~x & kHighs;
}

// Bytes below 0x20 (control characters, never allowed raw in a JSON string).
inline uint64_t bytes_below_space(uint64_t word) { return (word - kOnes * 0x20) & ~word & kHighs; }

inline bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Compact JSON has no whitespace between tokens: one compare decides the usual case.
inline size_t skip_space(std::string_view text, size_t pos) {
  const char* p = text.data();
  if (static_cast<uint8_t>(p[pos]) > ' ') return pos;
  while (pos < text.size() && is_json_space(p[pos])) ++pos;
  return pos;
}

// The string starting after an opening quote at `pos`: returns the index of the closing
// quote, or npos for an escape, a control character or the end of the line. ORs the
// high bits of every block read into `high`, so `high` says whether a byte >= 0x80 may
// be in the line (bytes read past the string may set it too: that costs only a check).
inline size_t string_end(std::string_view text, size_t pos, uint32_t& high) {
  const char* p = text.data();
#if defined(__SSE2__)
  // 16 bytes at a time: SSE2 is part of x86-64 itself, so no CPU check is needed.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  for (size_t i = pos;; i += 16) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i controls = _mm_cmpeq_epi8(_mm_max_epu8(block, below_space), below_space);
    __m128i stops_mask = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)), controls);
    auto stops = static_cast<uint32_t>(_mm_movemask_epi8(stops_mask));
    high |= static_cast<uint32_t>(_mm_movemask_epi8(block));
    if (stops == 0) {
      if (i + 16 >= text.size()) return std::string_view::npos;
      continue;
    }
    size_t at = i + static_cast<size_t>(std::countr_zero(stops));
    if (at >= text.size() || p[at] != '"') return std::string_view::npos;
    return at;
  }
#else
  for (size_t i = pos;; i += 8) {
    uint64_t word = load8(p + i);
    uint64_t stops = bytes_equal(word, '"') | bytes_equal(word, '\\') | bytes_below_space(word);
    high |= static_cast<uint32_t>((word & kHighs) != 0);
    if (stops == 0) {
      if (i + 8 >= text.size()) return std::string_view::npos;
      continue;
    }
    size_t at = i + (static_cast<size_t>(std::countr_zero(stops)) >> 3);
    if (at >= text.size() || p[at] != '"') return std::string_view::npos;
    return at;
  }
#endif
}

// Exact powers of ten for the fast decimal conversion below.
inline constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number token starting at `pos`; returns its end or npos when it is not one the
// fast path reads the same as simdjson. `value` is an int (int64 range, not "-0") or a
// normal or zero double, correctly rounded as simdjson's is. Relies on the sentinel
// after the line (see scan_flat_object): it is no digit, '.', 'e' or sign.
inline size_t read_number(std::string_view text, size_t pos, Value& value) {
  const char* p = text.data();
  size_t i = pos;
  bool negative = p[i] == '-';
  if (negative) ++i;
  size_t digits_begin = i;
  if (!is_digit(p[i])) return std::string_view::npos;
  uint64_t mantissa = 0;
  if (p[i] == '0') {
    ++i;
  } else {
    while (is_digit(p[i])) mantissa = mantissa * 10 + static_cast<uint64_t>(p[i++] - '0');
  }
  size_t int_digits = i - digits_begin;
  size_t fraction_digits = 0;
  bool is_integer = true;
  if (p[i] == '.') {
    is_integer = false;
    size_t fraction = ++i;
    while (is_digit(p[i])) mantissa = mantissa * 10 + static_cast<uint64_t>(p[i++] - '0');
    fraction_digits = i - fraction;
    if (fraction_digits == 0) return std::string_view::npos;
  }
  bool has_exponent = p[i] == 'e' || p[i] == 'E';
  if (has_exponent) {
    is_integer = false;
    ++i;
    if (p[i] == '+' || p[i] == '-') ++i;
    size_t exponent = i;
    while (is_digit(p[i])) ++i;
    // simdjson refuses exponents too long for its accumulator ("0e500000000000000000"):
    // leave long ones to it.
    if (i == exponent || i - exponent > 4) return std::string_view::npos;
  }
  if (i > text.size()) return std::string_view::npos;
  if (is_integer) {
    if (int_digits > 18) return std::string_view::npos;  // may not fit: leave it to simdjson
    if (negative && mantissa == 0) return std::string_view::npos;  // "-0": simdjson's choice
    value = Value::of_int(negative ? -static_cast<int64_t>(mantissa) : static_cast<int64_t>(mantissa));
    return i;
  }
  // Clinger's fast path: an integer below 2^53 and a power of ten up to 1e22 are both
  // exact doubles, so one division is correctly rounded. 15 digits stay below 2^53.
  if (!has_exponent && int_digits + fraction_digits <= 15) {
    double d = static_cast<double>(mantissa) / kExactPowersOfTen[fraction_digits];
    value = Value::of_double(negative ? -d : d);
    return i;
  }
  double d = 0;
  auto [end, error] = std::from_chars(p + pos, p + i, d);
  if (error != std::errc() || end != p + i) return std::string_view::npos;
  if (d != 0 && !std::isnormal(d)) return std::string_view::npos;
  value = Value::of_double(d);
  return i;
}

// A literal (true, false, null) at `pos`; returns its end or npos.
inline size_t read_literal(std::string_view text, size_t pos, Value& value) {
  std::string_view rest = text.substr(pos);
  if (rest.starts_with("true")) {
    value = Value::of_bool(true);
    return pos + 4;
  }
  if (rest.starts_with("false")) {
    value = Value::of_bool(false);
    return pos + 5;
  }
  if (rest.starts_with("null")) {
    value = Value{};
    return pos + 4;
  }
  return std::string_view::npos;
}

}  // namespace flat_json

// Calls on_field(key, value, token) for each field of a flat JSON object line, in order;
// token is a number's or literal's text as written (empty for strings). Returns false,
// possibly after some calls, when the line is not of the accepted shape: the caller
// then discards what it was told and reads the line the general way.
//
// The byte just after the line is a sentinel: the loaders' lines end at a newline, a
// carriage return or the zero padding of their buffer, none of which is a token byte,
// so the scan compares characters without checking the length first. A line followed
// by anything else is declined.
template <class OnField>
inline bool scan_flat_object(std::string_view text, OnField&& on_field) {
  using namespace flat_json;
  constexpr size_t npos = std::string_view::npos;
  const char* p = text.data();
  const size_t size = text.size();
  if (static_cast<uint8_t>(p[size]) > ' ') return false;
  uint32_t high = 0;
  size_t i = skip_space(text, 0);
  if (p[i] != '{') return false;
  i = skip_space(text, i + 1);
  if (p[i] == '}') {
    i = skip_space(text, i + 1);
  } else {
    for (;;) {
      if (p[i] != '"') return false;
      size_t key_end = string_end(text, i + 1, high);
      if (key_end == npos) return false;
      std::string_view key(p + i + 1, key_end - i - 1);
      i = skip_space(text, key_end + 1);
      if (p[i] != ':') return false;
      i = skip_space(text, i + 1);
      Value value;
      std::string_view token;
      char c = p[i];
      if (c == '"') {
        size_t end = string_end(text, i + 1, high);
        if (end == npos) return false;
        value = Value::of_string(std::string_view(p + i + 1, end - i - 1));
        i = end + 1;
      } else {
        size_t end = (c == '-' || is_digit(c)) ? read_number(text, i, value) : read_literal(text, i, value);
        if (end == npos) return false;
        token = std::string_view(p + i, end - i);
        i = end;
      }
      i = skip_space(text, i);
      on_field(key, value, token);
      if (p[i] == '}') {
        i = skip_space(text, i + 1);
        break;
      }
      if (p[i] != ',') return false;
      i = skip_space(text, i + 1);
    }
  }
  if (i != size) return false;
  // Only strings can hold bytes >= 0x80 here (anything else outside them was declined).
  if (high != 0 && !simdjson::validate_utf8(p, size)) return false;
  return true;
}

}  // namespace trace::formats
