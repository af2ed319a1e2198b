// The fast path for the commonest JSON-lines record: one flat object whose values are
// strings without escapes, numbers, true, false or null, such as
//   {"ts":"2025-01-15T08:00:01.02Z","level":"info","msg":"llm call","duration_ms":812.5}
//
// Such a line is read in two passes without simdjson's structural indexing, which for
// these lines costs more than all the rest of the loader: the quotes are found 64 bytes
// at a time (flat_json_index.h), then the fields are walked from quote to quote, reading
// only the bytes between strings. It accepts a strict subset of JSON and declines
// anything else: a nested object or array, an escape or a control character in a
// string, a number that does not fit (an integer past int64, a double out of range or
// subnormal, "-0"), invalid UTF-8, whitespace other than JSON's, or any syntax error.
// A declined line is read again by the general simdjson path, which also reports
// malformed lines, so the fast path never needs an error message of its own, and for a
// line it accepts it yields exactly the keys, values and number texts the general path
// would (tests/formats/flat_json_line_test.cpp compares both, and fuzz/ does on random
// lines).
//
// The byte after the line must be readable: it is the sentinel scan_flat_object checks
// (the loaders' padded buffers give 64 bytes).
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "formats/flat_json_index.h"
#include "src/record.h"

namespace trace::formats {

namespace flat_json {

inline bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Compact JSON has no whitespace between tokens: one compare decides the usual case.
inline size_t skip_space(std::string_view text, size_t pos) {
  const char* p = text.data();
  if (static_cast<uint8_t>(p[pos]) > ' ') return pos;
  while (pos < text.size() && is_json_space(p[pos])) ++pos;
  return pos;
}

// The quotes of a line, handed out in order: the position of each string's opening and
// closing quote is a bit scan away. The line is indexed a window at a time, so a line of
// any length needs only a fixed array (1 KiB of bits for 8 KiB of line), the caller's.
class QuoteCursor {
 public:
  static constexpr size_t kWindowBlocks = 128;
  using Words = uint64_t[kWindowBlocks];

  // `window_bytes` (a multiple of 64, at most the array's 8 KiB) bounds how far ahead
  // of the walk the quotes are found: less for a text whose end is not known.
  QuoteCursor(const char* p, size_t size, Words& words, size_t window_bytes = kWindowBlocks * 64)
      : p_(p), size_(size), words_(words), window_bytes_(window_bytes) {
    index_window();
  }

  // The next quote's index in the line, npos when no quote is left.
  size_t next() {
    while (bits_ == 0) {
      if (++block_ == blocks_ && !index_window()) return std::string_view::npos;
      bits_ = words_[block_];
    }
    size_t at = window_begin_ + block_ * 64 + static_cast<size_t>(std::countr_zero(bits_));
    bits_ &= bits_ - 1;
    return at;
  }

  // Drops the quotes before index `end`: the caller stepped over them some other way.
  void skip_to(size_t end) {
    for (;;) {
      while (bits_ == 0) {
        if (++block_ == blocks_ && !index_window()) return;
        bits_ = words_[block_];
      }
      if (window_begin_ + block_ * 64 + static_cast<size_t>(std::countr_zero(bits_)) >= end) return;
      bits_ &= bits_ - 1;
    }
  }

  // Rare-byte flags of the bytes indexed so far.
  unsigned rare() const { return rare_; }
  bool indexed_whole_line() const { return window_end_ >= size_; }

 private:
  bool index_window() {
    if (window_end_ >= size_) {
      block_ = 0;  // so that the next call comes back here
      blocks_ = 1;
      return false;
    }
    size_t bytes = std::min(size_ - window_end_, window_bytes_);
    rare_ |= index_quotes(p_ + window_end_, bytes, words_);
    window_begin_ = window_end_;
    window_end_ += bytes;
    blocks_ = (bytes + 63) / 64;
    block_ = 0;
    bits_ = words_[0];
    return true;
  }

  const char* p_;
  size_t size_;
  uint64_t* words_;
  size_t window_bytes_;
  size_t window_begin_ = 0;
  size_t window_end_ = 0;  // bytes indexed so far
  size_t blocks_ = 0;      // blocks in the window
  size_t block_ = 0;       // the block bits_ comes from
  uint64_t bits_ = 0;      // its quotes not yet handed out
  unsigned rare_ = 0;
};

// The quotes of a line short enough to index at once (nearly every log line), handed
// out like QuoteCursor's but without its window bookkeeping, which was a sixth of the
// scanner's time: a quote marked just past the line's last block ends the walk, so next()
// checks no bounds. Once it has returned a position at or past the line's size, it must
// not be called again.
class LineQuotes {
 public:
  // The words hold the line's blocks and the end mark.
  static constexpr size_t kMaxBytes = (QuoteCursor::kWindowBlocks - 1) * 64;

  // `size` at most kMaxBytes.
  LineQuotes(const char* p, size_t size, QuoteCursor::Words& words) : words_(words) {
    rare_ = index_quotes(p, size, words);
    words[(size + 63) / 64] = 1;
    bits_ = words[0];
  }

  size_t next() {
    while (bits_ == 0) bits_ = words_[++block_];
    size_t at = block_ * 64 + static_cast<size_t>(std::countr_zero(bits_));
    bits_ &= bits_ - 1;
    return at;
  }

  unsigned rare() const { return rare_; }

 private:
  const uint64_t* words_;
  size_t block_ = 0;
  uint64_t bits_ = 0;
  unsigned rare_ = 0;
};

// Control characters are JSON whitespace outside strings (the scanner checks those bytes
// one by one) and errors inside them. Without backslashes, quotes toggle strings.
inline bool controls_outside_strings(const char* p, size_t size) {
  bool in_string = false;
  for (size_t i = 0; i < size; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c == '"') in_string = !in_string;
    else if (in_string && c < 0x20) return false;
  }
  return true;
}

// Whether the rare bytes the line holds leave it to the fast path: no escapes, no control
// character inside a string, valid UTF-8.
inline bool rare_bytes_allowed(unsigned rare, const char* p, size_t size) {
  if (rare & kBackslash) return false;
  if ((rare & kControl) && !controls_outside_strings(p, size)) return false;
  if ((rare & kHighBit) && !simdjson::validate_utf8(p, size)) return false;
  return true;
}

// Exact powers of ten for the fast decimal conversion below.
inline constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number token starting at `pos`; returns its end or npos when it is not one the
// fast path reads the same as simdjson. `value` is an int (int64 range, not "-0") or a
// normal or zero double, correctly rounded as simdjson's is. Relies on the sentinel
// after the line (see scan_flat_object): it is no digit, '.', 'e' or sign.
// Without `want_value`, for a number only stepped over, the same numbers are accepted
// but a long double without exponent is not converted (`value` is then not set): it
// cannot be out of range or subnormal, and converting it was the cost of stepping over
// a Chrome timestamp ("1736928001030344.899").
inline size_t read_number(std::string_view text, size_t pos, Value& value, bool want_value = true) {
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
  // Without an exponent, 300 characters stay within 1e-300 and 1e300.
  if (!want_value && !has_exponent && i - pos <= 300) return i;
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

// The fields of a flat object, walked from quote to quote with `quotes` (LineQuotes or
// QuoteCursor: next() gives a position at or past the line's size when no quote is left).
// Whitespace is looked for only where a compact line has none, so that compact lines,
// the common kind, pay nothing for it.
template <class Quotes, class OnField>
inline bool walk_flat_object(std::string_view text, Quotes& quotes, OnField& on_field) {
  const char* p = text.data();
  const size_t size = text.size();
  size_t i = skip_space(text, 0);
  if (p[i] != '{') return false;
  i = skip_space(text, i + 1);
  if (p[i] == '}') return skip_space(text, i + 1) == size;
  for (;;) {
    if (quotes.next() != i) return false;
    size_t key_end = quotes.next();
    if (key_end >= size) return false;
    std::string_view key(p + i + 1, key_end - i - 1);
    i = key_end + 1;
    if (p[i] != ':') {
      i = skip_space(text, i);
      if (p[i] != ':') return false;
    }
    i = skip_space(text, i + 1);
    Value value;
    std::string_view token;
    char c = p[i];
    if (c == '"') {
      if (quotes.next() != i) return false;
      size_t end = quotes.next();
      if (end >= size) return false;
      value = Value::of_string(std::string_view(p + i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = (c == '-' || is_digit(c)) ? read_number(text, i, value) : read_literal(text, i, value);
      if (end == std::string_view::npos) return false;
      token = std::string_view(p + i, end - i);
      i = end;
    }
    on_field(key, value, token);
    if (p[i] != ',') {
      i = skip_space(text, i);
      if (p[i] == '}') return skip_space(text, i + 1) == size;
      if (p[i] != ',') return false;
    }
    i = skip_space(text, i + 1);
  }
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
  const char* p = text.data();
  const size_t size = text.size();
  if (static_cast<uint8_t>(p[size]) > ' ') return false;
  QuoteCursor::Words words;
  if (size <= LineQuotes::kMaxBytes) {
    LineQuotes quotes(p, size, words);
    if (quotes.rare() != 0 && !rare_bytes_allowed(quotes.rare(), p, size)) return false;
    return walk_flat_object(text, quotes, on_field);
  }
  // A longer line is indexed a window at a time: its rare bytes are known at the end.
  QuoteCursor quotes(p, size, words);
  if (!walk_flat_object(text, quotes, on_field)) return false;
  return quotes.rare() == 0 || rare_bytes_allowed(quotes.rare(), p, size);
}

}  // namespace trace::formats
