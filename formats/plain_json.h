// Plain JSON read without simdjson: the fast paths for loaders whose records are objects
// too small, or read too selectively, for a parse each to pay (a Chrome trace's events,
// an OTLP span). Built from the JSON-lines fast path's pieces (flat_json_line.h): the
// quotes are found 64 bytes at a time, then the bytes between strings are read one by one.
//
// "Plain" is a strict subset of JSON: no escape and no control character in a string,
// valid UTF-8, numbers the flat path reads exactly as simdjson does (not over 18 integer
// digits, no long exponent, no subnormal, no "-0"), nesting of at most 64 levels. Every
// value is validated, read or skipped, so whatever a reader accepts is valid JSON, and a
// loader that reads a declined text the general way behaves exactly as if it had read
// every text so. Bytes just past the text are read (never used): it must lie inside a
// larger buffer or be followed by padding.
#pragma once

#include <cstdint>
#include <string_view>

#include "formats/flat_json_line.h"

namespace trace::formats {

namespace plain_json {

constexpr size_t npos = std::string_view::npos;

// A string starting at `pos` (its opening quote); returns the index past its closing quote.
inline size_t skip_string(size_t pos, flat_json::QuoteCursor& quotes) {
  if (quotes.next() != pos) return npos;
  size_t end = quotes.next();
  return end == npos ? npos : end + 1;
}

// Validates the value starting at `pos`; returns the index past it, or npos. `quotes`
// must be at the value's first quote, if any; it is left past its last.
size_t skip_value(std::string_view text, size_t pos, flat_json::QuoteCursor& quotes);

}  // namespace plain_json

// A forward-only reader of one plain JSON value: objects and arrays are entered and
// walked, scalars read as written, anything not wanted skipped. Every call returns false
// once the text turns out not to be plain (or not to be what the caller asked for);
// failed() then tells that from the end of a container. Each value a walk reaches must be
// read or skipped before the walk goes on.
class PlainJsonCursor {
 public:
  // The value is the whole of `text` (check with finish()).
  explicit PlainJsonCursor(std::string_view text) : PlainJsonCursor(text, flat_json::QuoteCursor::kWindowBlocks * 64) {}
  // The value starts `text`, and what follows it is none of its business (check with
  // finish_value()): quotes are looked for `window_bytes` at a time, not to the end. A
  // record (an OTLP span or log record) is mostly well under 1 KiB: quotes looked for
  // further ahead would be wasted.
  struct ValueAtStart {
    size_t window_bytes = 1024;
  };
  PlainJsonCursor(std::string_view text, ValueAtStart at_start) : PlainJsonCursor(text, at_start.window_bytes) {}
  PlainJsonCursor(const PlainJsonCursor&) = delete;  // its quote cursor points into it
  PlainJsonCursor& operator=(const PlainJsonCursor&) = delete;

  bool failed() const { return failed_; }

  // Enters the object at the cursor; then next_field() until it returns false.
  bool begin_object() { return enter('{'); }
  // Moves to the next field's value, its key in `key` (as written). False past the
  // object's last field (the object is done) or on failure.
  bool next_field(std::string_view& key) {
    if (!next_member('}')) return false;
    if (p_[pos_] != '"') return fail();
    size_t begin = pos_ + 1;
    size_t value = plain_json::skip_string(pos_, quotes_);
    if (value == plain_json::npos) return fail();
    key = std::string_view(p_ + begin, value - 1 - begin);
    value = flat_json::skip_space(text_, value);
    if (value >= text_.size() || p_[value] != ':') return fail();
    pos_ = flat_json::skip_space(text_, value + 1);
    return pos_ < text_.size() || fail();
  }
  bool begin_array() { return enter('['); }
  // Moves to the next element. False past the array's last element or on failure.
  bool next_element() { return next_member(']'); }

  // A string's contents; false, without moving, for another type.
  bool read_string(std::string_view& out) {
    if (failed_ || p_[pos_] != '"') return false;
    size_t end = plain_json::skip_string(pos_, quotes_);
    if (end == plain_json::npos) return fail();
    out = std::string_view(p_ + pos_ + 1, end - pos_ - 2);
    pos_ = end;
    return true;
  }
  // A number, as flat_json::read_number gives it; false for another type.
  bool read_number(Value& out) {
    if (failed_ || !(p_[pos_] == '-' || flat_json::is_digit(p_[pos_]))) return false;
    size_t end = flat_json::read_number(text_, pos_, out);
    if (end == plain_json::npos) return fail();
    pos_ = end;
    return true;
  }
  // true, false or null; false, without moving, for another value.
  bool read_literal(Value& out);
  // Any value as read_json_value (json_util.h) reads it: a string's contents, a number,
  // a literal, an object or array as its JSON text.
  bool read_value(Value& out);
  // Whether the value at the cursor starts with `first` ('{' an object, '[' an array).
  bool at(char first) const { return !failed_ && p_[pos_] == first; }
  // Any value, validated; `text` is what it spans.
  bool skip(std::string_view* text = nullptr);
  // A value stepped over as simdjson's On-Demand steps over one it is not asked for: an
  // object or array by its brackets alone (its strings held to the rare-byte checks, its
  // grammar, scalars and depth not looked at), anything else as skip() does. For a first
  // pass that reads nothing of the value and leaves the checking of it to a full read.
  bool skip_brackets();
  // Where the cursor is: after a ValueAtStart cursor's finish_value(), the value's length.
  size_t position() const { return pos_; }

  // After the walk: true when the whole text was one value and it was plain.
  bool finish();
  // After the walk of a ValueAtStart cursor: true when the value was plain.
  bool finish_value();

 private:
  PlainJsonCursor(std::string_view text, size_t window_bytes);

  bool fail() {
    failed_ = true;
    return false;
  }
  bool enter(char open) {
    if (failed_ || p_[pos_] != open || depth_ == 64) return fail();
    ++depth_;
    fresh_ = (fresh_ << 1) | 1u;
    pos_ = flat_json::skip_space(text_, pos_ + 1);
    return pos_ < text_.size() || fail();
  }
  // Past the closing bracket (false), or at the next member, past its comma (true).
  bool next_member(char close) {
    if (failed_ || depth_ == 0) return fail();
    pos_ = flat_json::skip_space(text_, pos_);
    if (pos_ >= text_.size()) return fail();
    if (p_[pos_] == close) {
      --depth_;
      fresh_ >>= 1;
      ++pos_;
      return false;
    }
    if (fresh_ & 1u) {
      fresh_ &= ~uint64_t{1};
      return true;
    }
    if (p_[pos_] != ',') return fail();
    pos_ = flat_json::skip_space(text_, pos_ + 1);
    return pos_ < text_.size() || fail();
  }

  const char* p_;
  std::string_view text_;
  flat_json::QuoteCursor::Words words_;
  flat_json::QuoteCursor quotes_;
  bool checked_early_ = false;
  bool failed_ = false;
  size_t pos_ = 0;
  int depth_ = 0;
  uint64_t fresh_ = 0;  // bit d: the container at depth d + 1 has no member yet
};

// An integer written as a decimal string or a number, as read_int64_lenient (json_util.h)
// reads it (a double rounded); false for any other value, or one it refuses.
bool read_plain_int64(PlainJsonCursor& in, int64_t& out);

}  // namespace trace::formats
