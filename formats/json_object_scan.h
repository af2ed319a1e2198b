// The top-level fields of one JSON object, the whole object validated on the way,
// nested objects and arrays included, without simdjson's structural indexing: the
// fast path for a loader that reads a few top-level fields of objects too small for a
// parse each to pay (a Chrome trace's events: a parse per event cost more than reading
// the event). Built from the JSON-lines fast path's pieces (flat_json_line.h): quotes
// found 64 bytes at a time, then the bytes between strings read one by one.
//
// Like that path it accepts a strict subset of JSON and declines the rest: an escape or
// a control character in a string, invalid UTF-8, a number the flat path would leave to
// simdjson (over 18 integer digits, long exponents, subnormals, "-0"), nesting over 64
// levels, or any syntax error. Whatever it accepts is valid JSON, so a caller that reads
// a declined object the general way behaves exactly as if it had read every object so.
#pragma once

#include <cstdint>
#include <string_view>

#include "formats/flat_json_line.h"

namespace trace::formats {

namespace json_object_scan {

using flat_json::is_digit;
using flat_json::QuoteCursor;
using flat_json::skip_space;
constexpr size_t npos = std::string_view::npos;

// A string starting at `pos` (its opening quote); returns the index past its closing quote.
inline size_t skip_string(size_t pos, QuoteCursor& quotes) {
  if (quotes.next() != pos) return npos;
  size_t end = quotes.next();
  return end == npos ? npos : end + 1;
}

// `"key" :` and the space after it, from `pos`; returns where the value starts.
inline size_t skip_key(std::string_view text, size_t pos, QuoteCursor& quotes) {
  if (text.data()[pos] != '"') return npos;
  size_t end = skip_string(pos, quotes);
  if (end == npos) return npos;
  end = skip_space(text, end);
  if (text.data()[end] != ':') return npos;
  return skip_space(text, end + 1);
}

// Validates the value starting at `pos`; returns the index past it, or npos.
inline size_t skip_value(std::string_view text, size_t pos, QuoteCursor& quotes) {
  const char* p = text.data();
  const size_t size = text.size();
  uint64_t objects = 0;  // bit d: the container at depth d + 1 is an object
  int depth = 0;
  size_t i = pos;
  for (;;) {
    // At a value.
    if (i >= size) return npos;
    char c = p[i];
    if (c == '"') {
      i = skip_string(i, quotes);
    } else if (c == '{' || c == '[') {
      if (depth == 64) return npos;
      bool object = c == '{';
      objects = (objects << 1) | (object ? 1u : 0u);
      ++depth;
      i = skip_space(text, i + 1);
      if (i < size && p[i] == (object ? '}' : ']')) {
        ++i;
        --depth;
        objects >>= 1;
      } else {
        if (object && (i = skip_key(text, i, quotes)) == npos) return npos;
        continue;
      }
    } else {
      Value ignored;
      i = (c == '-' || is_digit(c)) ? flat_json::read_number(text, i, ignored) : flat_json::read_literal(text, i, ignored);
    }
    // After a value: close containers until one continues with a comma.
    for (;;) {
      if (i == npos || i > size) return npos;
      if (depth == 0) return i;
      i = skip_space(text, i);
      if (i >= size) return npos;
      bool object = objects & 1u;
      if (p[i] == ',') {
        i = skip_space(text, i + 1);
        if (object && (i = skip_key(text, i, quotes)) == npos) return npos;
        break;
      }
      if (p[i] != (object ? '}' : ']')) return npos;
      ++i;
      --depth;
      objects >>= 1;
    }
  }
}

}  // namespace json_object_scan

// Calls on_field(key, value) for each top-level field of the object `text`, in order:
// `key` as written between its quotes, `value` the value's text (a string with its
// quotes, a number or literal as written, a container whole). on_field returns false to
// decline the object. Returns false, possibly after some calls, when the object is not
// of the accepted shape or on_field declined it: the caller then reads it the general way.
// Bytes just past `text` are read (never used): the object must lie inside a larger
// buffer or be followed by padding.
template <class OnField>
inline bool scan_json_object(std::string_view text, OnField&& on_field) {
  using namespace json_object_scan;
  const char* p = text.data();
  const size_t size = text.size();
  flat_json::QuoteCursor::Words words;
  QuoteCursor quotes(p, size, words);
  // Rare bytes are checked first, for all but objects of more than one window: a
  // declined object then costs no callbacks.
  const bool checked_early = quotes.indexed_whole_line();
  if (checked_early && quotes.rare() != 0 && !flat_json::rare_bytes_allowed(quotes.rare(), p, size)) return false;
  size_t i = skip_space(text, 0);
  if (i >= size || p[i] != '{') return false;
  i = skip_space(text, i + 1);
  if (i < size && p[i] == '}') {
    i = skip_space(text, i + 1);
  } else {
    for (;;) {
      if (i >= size || p[i] != '"') return false;
      size_t key_end = skip_string(i, quotes);
      if (key_end == npos) return false;
      std::string_view key(p + i + 1, key_end - i - 2);
      i = skip_space(text, key_end);
      if (i >= size || p[i] != ':') return false;
      i = skip_space(text, i + 1);
      if (i >= size) return false;
      size_t value_end = skip_value(text, i, quotes);
      if (value_end == npos) return false;
      if (!on_field(key, std::string_view(p + i, value_end - i))) return false;
      i = skip_space(text, value_end);
      if (i >= size) return false;
      if (p[i] == '}') {
        i = skip_space(text, i + 1);
        break;
      }
      if (p[i] != ',') return false;
      i = skip_space(text, i + 1);
    }
  }
  if (i != size) return false;
  if (!checked_early && quotes.rare() != 0 && !flat_json::rare_bytes_allowed(quotes.rare(), p, size)) return false;
  return true;
}

}  // namespace trace::formats
