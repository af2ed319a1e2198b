#include "analyzers/message_template.h"

namespace trace {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_digit(c) || is_alpha(c) || c == '_'; }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view first_line(std::string_view text) {
  size_t end = text.find_first_of("\r\n");
  if (end != std::string_view::npos) text = text.substr(0, end);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Cuts `out` to kMaxTemplateBytes at a character boundary and marks the cut.
void cut(std::string& out) {
  if (out.size() <= kMaxTemplateBytes) return;
  size_t at = kMaxTemplateBytes;
  while (at > 0 && (static_cast<unsigned char>(out[at]) & 0xC0) == 0x80) --at;
  out.resize(at);
  out += "\u2026";
}

// Length of the run of letters and digits starting at i ('_' ends it: req_8f2c41d9e0).
size_t alnum_length(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_alnum(s[j])) ++j;
  return j - i;
}

bool is_uuid_at(std::string_view s, size_t i) {
  static constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  size_t j = i;
  for (size_t g = 0; g < 5; ++g) {
    if (g > 0) {
      if (j >= s.size() || s[j] != '-') return false;
      ++j;
    }
    for (size_t k = 0; k < kGroups[g]; ++k, ++j)
      if (j >= s.size() || !is_hex(s[j])) return false;
  }
  return j == s.size() || !is_alnum(s[j]);
}

bool is_hex_id(std::string_view word) {
  if (word.size() < 6) return false;
  bool digit = false, letter = false;
  for (char c : word) {
    if (!is_hex(c)) return false;
    if (is_digit(c)) digit = true; else letter = true;
  }
  return digit && letter;
}

}  // namespace

void first_line_cut(std::string_view message, std::string& out) {
  out.assign(first_line(message));
  cut(out);
}

void message_template(std::string_view message, std::string& out) {
  out.clear();
  std::string_view s = first_line(message);
  const bool json_like = !s.empty() && s.front() == '{';
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    bool at_word_start = i == 0 || !is_word(s[i - 1]);
    bool at_alnum_start = i == 0 || !is_alnum(s[i - 1]);
    if (at_alnum_start && is_hex(c) && is_uuid_at(s, i)) {
      out += "<uuid>";
      i += 36;
      continue;
    }
    if (at_alnum_start && c == '0' && i + 2 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && is_hex(s[i + 2])) {
      size_t j = i + 2;
      while (j < s.size() && is_hex(s[j])) ++j;
      if (j == s.size() || !is_alnum(s[j])) {
        out += "<hex>";
        i = j;
        continue;
      }
    }
    if (at_alnum_start && is_alnum(c)) {
      size_t len = alnum_length(s, i);
      if (is_hex_id(s.substr(i, len))) {
        out += "<hex>";
        i += len;
        continue;
      }
    }
    if (is_digit(c)) {
      size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      while (j + 1 < s.size() && s[j] == '.' && is_digit(s[j + 1])) {
        ++j;
        while (j < s.size() && is_digit(s[j])) ++j;
      }
      out += "<num>";
      i = j;
      continue;
    }
    if ((c == '\'' || c == '"') && at_word_start) {
      size_t close = s.find(c, i + 1);
      // A closing quote inside a word ("can't") does not close.
      while (close != std::string_view::npos && close + 1 < s.size() && is_word(s[close + 1]))
        close = s.find(c, close + 1);
      if (close != std::string_view::npos) {
        size_t after = close + 1;
        while (after < s.size() && s[after] == ' ') ++after;
        if (after < s.size() && s[after] == ':') {
          out.append(s.substr(i, close + 1 - i));  // an object key: "type": ...
          i = close + 1;
          continue;
        }
        if (json_like) {
          // A value inside a JSON object is the message itself: template its text.
          std::string inner;
          message_template(s.substr(i + 1, close - i - 1), inner);
          out += c;
          out += inner;
          out += c;
        } else {
          out += "<str>";
        }
        i = close + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  cut(out);
}

}  // namespace trace
