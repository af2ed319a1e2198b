#include "formats/json_validate.h"

#include <cstdint>
#include <vector>

#include "formats/json_scan.h"

namespace trace::formats {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The JSON text being checked, read from `pos` on; each reader returns false at the
// first byte that breaks the grammar.
class Checker {
 public:
  explicit Checker(std::string_view text) : p_(text.data()), size_(text.size()) {}

  bool value_then_end() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return pos_ == size_;
  }

 private:
  char at() const { return pos_ < size_ ? p_[pos_] : '\0'; }
  void skip_space() { pos_ = skip_whitespace(std::string_view(p_, size_), pos_); }

  // A value, then (inside containers) the separators around the next ones. Containers
  // are walked with a stack of bits, so that any depth costs no native stack and a bit a
  // level: the loaders keep a value nested 100,000 deep whole.
  bool value() {
    size_t depth = 0;
    for (;;) {
      // At a value.
      char c = at();
      if (c == '{' || c == '[') {
        bool object = c == '{';
        set_object(depth++, object);
        ++pos_;
        skip_space();
        if (at() == (object ? '}' : ']')) {
          ++pos_;
          --depth;
        } else {
          if (object && !key()) return false;
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers until one goes on with a comma.
      for (;;) {
        if (depth == 0) return true;
        skip_space();
        bool object = is_object(depth - 1);
        if (at() == ',') {
          ++pos_;
          skip_space();
          if (object && !key()) return false;
          break;
        }
        if (at() != (object ? '}' : ']')) return false;
        ++pos_;
        --depth;
      }
    }
  }

  // Whether the container at `depth` is an object: the first 64 levels in a word, deeper
  // ones (rare) in a vector.
  void set_object(size_t depth, bool object) {
    uint64_t& word = depth < 64 ? shallow_ : deep_word(depth);
    uint64_t bit = uint64_t{1} << (depth % 64);
    word = object ? word | bit : word & ~bit;
  }
  bool is_object(size_t depth) const {
    uint64_t word = depth < 64 ? shallow_ : deep_[depth / 64 - 1];
    return (word >> (depth % 64)) & 1u;
  }
  uint64_t& deep_word(size_t depth) {
    if (depth / 64 > deep_.size()) deep_.resize(depth / 64);
    return deep_[depth / 64 - 1];
  }

  // `"key" :` and the space after it.
  bool key() {
    if (at() != '"' || !string()) return false;
    skip_space();
    if (at() != ':') return false;
    ++pos_;
    skip_space();
    return true;
  }

  bool scalar() {
    char c = at();
    if (c == '"') return string();
    if (c == '-' || is_digit(c)) return number();
    return literal("true") || literal("false") || literal("null");
  }

  bool literal(std::string_view word) {
    if (std::string_view(p_ + pos_, size_ - pos_).substr(0, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool string() {
    ++pos_;  // the opening quote
    while (pos_ < size_) {
      auto c = static_cast<unsigned char>(p_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      char escape = at();
      ++pos_;
      switch (escape) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': break;
        case 'u':
          for (int i = 0; i < 4; ++i, ++pos_)
            if (!is_hex(at())) return false;
          break;
        default: return false;
      }
    }
    return false;
  }

  bool digits() {
    size_t start = pos_;
    while (is_digit(at())) ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (at() == '-') ++pos_;
    if (at() == '0') ++pos_;
    else if (!digits()) return false;
    if (at() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (at() == 'e' || at() == 'E') {
      ++pos_;
      if (at() == '+' || at() == '-') ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  const char* p_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t shallow_ = 0;         // bit d: the container at depth d (< 64) is an object
  std::vector<uint64_t> deep_;  // the same for depths 64 and more, 64 to a word
};

}  // namespace

bool is_json_value(std::string_view text) { return Checker(text).value_then_end(); }

}  // namespace trace::formats
