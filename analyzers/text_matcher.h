// The PATTERN of `trace grep`: ECMAScript regular expressions (std::regex), with a
// substring fast path for the common case of a pattern that is plain text.
//
// std::regex is slow (a backtracking matcher, a virtual call per character), so a
// pattern without regex metacharacters, or any pattern under -F, is searched with a
// vectorised substring search instead; the answers are the same.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>

namespace trace {

// Finds `needle` in `haystack` from `from` on; npos when absent. With `fold_case`, ASCII
// letters compare case-insensitively and `needle` must already be lower case (other
// bytes, UTF-8 included, compare exactly: the same folding std::regex::icase does in the
// "C" locale). An empty needle is found at `from`.
size_t find_text(std::string_view haystack, std::string_view needle, bool fold_case, size_t from = 0);

// ASCII lower case of `text` (other bytes unchanged).
std::string ascii_lower(std::string_view text);

struct MatchOptions {
  bool fixed = false;        // -F: the pattern is text, not a regex
  bool ignore_case = false;  // -i: ASCII letters match either case
  bool word = false;         // -w: the match must not touch a word character ([A-Za-z0-9_])
};

// [begin, end) of a match in the searched text.
using MatchRange = std::pair<size_t, size_t>;

class TextMatcher {
 public:
  // Throws UsageError naming the pattern for an invalid regex:
  // "PATTERN: invalid regular expression '(': mismatched ( and )".
  TextMatcher(std::string pattern, MatchOptions options);

  bool matches(std::string_view text) const { return find(text, 0).has_value(); }

  // The first match starting at or after `from`; an empty pattern matches empty text at
  // `from`.
  std::optional<MatchRange> find(std::string_view text, size_t from) const;

  // True when the pattern is searched as plain text (then literal() is what is searched,
  // already lower case under -i).
  bool is_literal() const { return literal_.has_value(); }
  const std::string& literal() const { return *literal_; }
  bool ignore_case() const { return options_.ignore_case; }

 private:
  std::optional<MatchRange> find_literal(std::string_view text, size_t from) const;
  std::optional<MatchRange> find_regex(std::string_view text, size_t from) const;

  MatchOptions options_;
  std::optional<std::string> literal_;
  std::regex regex_;
};

// The text a regex (ECMAScript) pattern stands for when it has no metacharacters once
// backslash-escaped punctuation ("a\.b") is read as the character itself; nullopt when
// the pattern needs a regex engine.
std::optional<std::string> regex_as_literal(std::string_view pattern);

// The reason std::regex cannot take `pattern` safely, or empty. libstdc++ computes a
// backreference's number in an int without a bound (\2011191115555 overflows: undefined
// behaviour, found by fuzz/), and the same for repeat counts ({6666666666666666666}), so
// backreference numbers past two digits and repeat counts past four are refused up front.
std::string regex_hazard(std::string_view pattern);

}  // namespace trace
