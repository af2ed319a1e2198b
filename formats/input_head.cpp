#include "formats/input_head.h"

#include "formats/json_scan.h"

namespace trace::formats {

namespace {

constexpr size_t kMaxDepth = 6;
constexpr size_t kMaxKeys = 512;
constexpr size_t kMaxScalar = 128;

// Walks a prefix of JSON text, recording key paths of objects and the first element of
// arrays. Stops quietly where the prefix ends; the caller learns only what it saw.
class PrefixWalker {
 public:
  PrefixWalker(std::string_view text, std::vector<HeadKey>& keys) : text_(text), keys_(keys) {}

  // Walks the value at pos_; returns false when the text ended inside it.
  bool walk_value(const std::string& path, size_t depth) {
    pos_ = skip_whitespace(text_, pos_);
    if (pos_ >= text_.size()) return false;
    char c = text_[pos_];
    if (!path.empty()) record(path, c);
    if (depth >= kMaxDepth || (c != '{' && c != '[')) return skip_value(path);
    return c == '{' ? walk_object(path, depth) : walk_array(path, depth);
  }

  size_t pos() const { return pos_; }

 private:
  void record(const std::string& path, char type) {
    if (keys_.size() < kMaxKeys) keys_.push_back({path, {}, type});
  }

  bool skip_value(const std::string& path) {
    size_t end = find_value_end(text_, pos_);
    if (end == std::string_view::npos || end <= pos_) return false;
    std::string_view token = text_.substr(pos_, end - pos_);
    if (!path.empty() && !keys_.empty() && keys_.back().path == path && token.size() <= kMaxScalar &&
        token[0] != '{' && token[0] != '[') {
      if (token[0] == '"') token = token.substr(1, token.size() - 2);
      keys_.back().scalar = std::string(token);
    }
    pos_ = end;
    return true;
  }

  bool walk_object(const std::string& path, size_t depth) {
    ++pos_;  // '{'
    for (;;) {
      pos_ = skip_whitespace(text_, pos_);
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == '}') return ++pos_, true;
      if (text_[pos_] == ',') { ++pos_; continue; }
      if (text_[pos_] != '"') return false;  // not JSON; detection will say so
      size_t key_end = find_value_end(text_, pos_);
      if (key_end == std::string_view::npos || key_end < pos_ + 2) return false;
      std::string key(text_.substr(pos_ + 1, key_end - pos_ - 2));
      pos_ = skip_whitespace(text_, key_end);
      if (pos_ >= text_.size() || text_[pos_] != ':') return false;
      ++pos_;
      if (!walk_value(path.empty() ? key : path + "." + key, depth + 1)) return false;
    }
  }

  bool walk_array(const std::string& path, size_t depth) {
    ++pos_;  // '['
    bool first = true;
    for (;;) {
      pos_ = skip_whitespace(text_, pos_);
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == ']') return ++pos_, true;
      if (text_[pos_] == ',') { ++pos_; continue; }
      if (first) {
        first = false;
        if (!walk_value(path + "[]", depth + 1)) return false;
      } else {
        // No progress (a stray ':' or '}') is not JSON: stop rather than loop.
        size_t end = find_value_end(text_, pos_);
        if (end == std::string_view::npos || end <= pos_) return false;
        pos_ = end;
      }
    }
  }

  std::string_view text_;
  std::vector<HeadKey>& keys_;
  size_t pos_ = 0;
};

}  // namespace

JsonPrefix JsonPrefix::scan(std::string_view text) {
  JsonPrefix prefix;
  size_t start = skip_whitespace(text, 0);
  if (start >= text.size()) return prefix;
  prefix.first_byte_ = text[start];
  PrefixWalker walker(text.substr(start), prefix.keys_);
  if (walker.walk_value("", 0)) prefix.value_end_ = start + walker.pos();
  return prefix;
}

const HeadKey* JsonPrefix::find(std::string_view path) const {
  for (const HeadKey& key : keys_)
    if (key.path == path) return &key;
  return nullptr;
}

std::string_view JsonPrefix::scalar(std::string_view path) const {
  const HeadKey* key = find(path);
  return key ? std::string_view(key->scalar) : std::string_view();
}

std::vector<std::string_view> InputHead::first_lines(size_t max) const {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (lines.size() < max && pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos && !whole) break;  // the last line may be cut short
    size_t end = nl == std::string_view::npos ? bytes.size() : nl;
    std::string_view line = bytes.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (skip_whitespace(line, 0) < line.size()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

}  // namespace trace::formats
