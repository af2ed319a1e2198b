#include "formats/plain_json.h"

#include <algorithm>

#include "formats/json_scan.h"
#include "formats/json_util.h"

namespace trace::formats {

using flat_json::is_digit;
using flat_json::QuoteCursor;
using flat_json::skip_space;

namespace plain_json {

namespace {

// `"key" :` and the space after it, from `pos`; returns where the value starts.
size_t skip_key(std::string_view text, size_t pos, QuoteCursor& quotes) {
  if (pos >= text.size() || text[pos] != '"') return npos;
  size_t end = skip_string(pos, quotes);
  if (end == npos) return npos;
  end = skip_space(text, end);
  if (end >= text.size() || text[end] != ':') return npos;
  return skip_space(text, end + 1);
}

}  // namespace

size_t skip_value(std::string_view text, size_t pos, QuoteCursor& quotes) {
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
      i = (c == '-' || is_digit(c)) ? flat_json::read_number(text, i, ignored, /*want_value=*/false)
                                    : flat_json::read_literal(text, i, ignored);
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

}  // namespace plain_json

PlainJsonCursor::PlainJsonCursor(std::string_view text, size_t window_bytes)
    : p_(text.data()), text_(text), quotes_(text.data(), text.size(), words_, window_bytes) {
  // Rare bytes are checked first when the whole text fits the first window: a declined
  // text then costs no walk.
  checked_early_ = quotes_.indexed_whole_line();
  if (checked_early_ && quotes_.rare() != 0 && !flat_json::rare_bytes_allowed(quotes_.rare(), p_, text.size())) {
    failed_ = true;
    return;
  }
  pos_ = skip_space(text_, 0);
  if (pos_ >= text_.size()) failed_ = true;
}

bool PlainJsonCursor::read_literal(Value& out) {
  if (failed_) return false;
  size_t end = flat_json::read_literal(text_, pos_, out);
  if (end == plain_json::npos) return false;
  pos_ = end;
  return true;
}

bool PlainJsonCursor::read_value(Value& out) {
  if (failed_) return false;
  char c = p_[pos_];
  if (c == '"') {
    std::string_view s;
    if (!read_string(s)) return false;
    out = Value::of_string(s);
    return true;
  }
  if (c == '{' || c == '[') {
    std::string_view text;
    if (!skip(&text)) return false;
    out = Value::of_raw_json(text);
    return true;
  }
  if (c == '-' || is_digit(c)) return read_number(out);
  return read_literal(out) || fail();
}

bool PlainJsonCursor::skip(std::string_view* text) {
  if (failed_) return false;
  size_t end = plain_json::skip_value(text_, pos_, quotes_);
  if (end == plain_json::npos) return fail();
  if (text) *text = std::string_view(p_ + pos_, end - pos_);
  pos_ = end;
  return true;
}

bool PlainJsonCursor::skip_brackets() {
  if (failed_) return false;
  if (p_[pos_] != '{' && p_[pos_] != '[') return skip();
  // The bracket that closes it, found 32 bytes at a time with strings respected.
  size_t end = find_value_end(text_, pos_);
  if (end == plain_json::npos || end > text_.size()) return fail();
  quotes_.skip_to(end);
  pos_ = end;
  return true;
}

bool PlainJsonCursor::finish() {
  if (failed_ || depth_ != 0) return fail();
  if (skip_space(text_, pos_) != text_.size()) return fail();
  // Strings lie in the windows indexed; every byte outside them was read on the way.
  if (!checked_early_ && quotes_.rare() != 0 && !flat_json::rare_bytes_allowed(quotes_.rare(), p_, text_.size()))
    return fail();
  return true;
}

bool PlainJsonCursor::finish_value() {
  if (failed_ || depth_ != 0) return fail();
  const size_t end = pos_;
  if (checked_early_ || quotes_.rare() == 0) return true;
  // The windows indexed may reach past the value: its own rare bytes decide, indexed
  // again (the walk is over, so the quote words are free).
  unsigned rare = 0;
  for (size_t at = 0; at < end; at += sizeof words_ * 8) {
    rare |= flat_json::index_quotes(p_ + at, std::min(end - at, sizeof words_ * 8), words_);
  }
  return rare == 0 || flat_json::rare_bytes_allowed(rare, p_, end) || fail();
}

bool read_plain_int64(PlainJsonCursor& in, int64_t& out) {
  std::string_view text;
  if (in.read_string(text)) return parse_decimal_int(text, out);
  Value number;
  if (!in.read_number(number)) return false;
  if (number.kind == ValueKind::kInt) {
    out = number.integer;
    return true;
  }
  return double_to_int64(number.number, out);
}

}  // namespace trace::formats
