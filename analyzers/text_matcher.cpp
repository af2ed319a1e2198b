#include "analyzers/text_matcher.h"

#include <cstring>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "src/errors.h"

namespace trace {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word_char(char c) { return is_letter(c) || (c >= '0' && c <= '9') || c == '_'; }

bool equal_at(const char* text, std::string_view needle, bool fold_case) {
  if (!fold_case) return std::memcmp(text, needle.data(), needle.size()) == 0;
  for (size_t i = 0; i < needle.size(); ++i)
    if (lower(text[i]) != needle[i]) return false;
  return true;
}

size_t find_scalar(std::string_view haystack, std::string_view needle, bool fold_case, size_t from) {
  if (haystack.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= haystack.size(); ++i)
    if (equal_at(haystack.data() + i, needle, fold_case)) return i;
  return std::string_view::npos;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

// Muła's "generic SIMD" substring search: compare the needle's first and last bytes
// against 16 candidate positions at once, and check the rest only where both agree.
// Folding ORs 0x20 into bytes compared with a letter, which maps upper-case letters onto
// lower case and no other byte onto a letter, so candidates stay exact.
size_t find_text(std::string_view haystack, std::string_view needle, bool fold_case, size_t from) {
  if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
  if (from >= haystack.size() || haystack.size() - from < needle.size()) return std::string_view::npos;
  if (needle.size() == 1 && !(fold_case && is_letter(needle[0]))) {
    const void* hit = std::memchr(haystack.data() + from, needle[0], haystack.size() - from);
    return hit ? static_cast<const char*>(hit) - haystack.data() : std::string_view::npos;
  }
#if defined(__SSE2__)
  const size_t last = needle.size() - 1;
  const char first_byte = needle[0];
  const char last_byte = needle[last];
  const __m128i first_fold = _mm_set1_epi8(fold_case && is_letter(first_byte) ? 0x20 : 0);
  const __m128i last_fold = _mm_set1_epi8(fold_case && is_letter(last_byte) ? 0x20 : 0);
  const __m128i first = _mm_set1_epi8(first_byte);
  const __m128i last_v = _mm_set1_epi8(last_byte);
  const char* data = haystack.data();
  size_t i = from;
  // Whole blocks whose last-byte window stays inside the haystack.
  while (i + last + 16 <= haystack.size()) {
    __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i)), first_fold);
    __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + last)), last_fold);
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last_v))));
    while (mask != 0) {
      unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
      if (equal_at(data + i + bit + 1, needle.substr(1, last > 0 ? last - 1 : 0), fold_case)) return i + bit;
      mask &= mask - 1;
    }
    i += 16;
  }
  return find_scalar(haystack, needle, fold_case, i);
#else
  return find_scalar(haystack, needle, fold_case, from);
#endif
}

std::optional<std::string> regex_as_literal(std::string_view pattern) {
  static constexpr std::string_view kMeta = "\\^$.|?*+()[]{}";
  std::string literal;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      // An escaped metacharacter or other punctuation is itself; \d, \b, \n ... are not.
      if (i + 1 >= pattern.size()) return std::nullopt;
      char next = pattern[i + 1];
      bool punctuation = kMeta.find(next) != std::string_view::npos || next == '/' || next == '-' ||
                         next == '"' || next == '\'' || next == ':' || next == ',' || next == '=' ||
                         next == '#' || next == '@' || next == '%' || next == '&' || next == '!' ||
                         next == '<' || next == '>' || next == '~' || next == ';' || next == ' ';
      if (!punctuation) return std::nullopt;
      literal += next;
      ++i;
      continue;
    }
    if (kMeta.find(c) != std::string_view::npos) return std::nullopt;
    literal += c;
  }
  return literal;
}

std::string regex_hazard(std::string_view pattern) {
  auto digits_at = [&pattern](size_t at) {
    size_t n = 0;
    while (at + n < pattern.size() && pattern[at + n] >= '0' && pattern[at + n] <= '9') ++n;
    return n;
  };
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      // Repeat counts: {n}, {n,}, {n,m}.
      for (size_t at = i + 1; at < pattern.size() && pattern[at] != '}';) {
        size_t n = digits_at(at);
        if (n > 4) return fmt::format("repeat count {} is out of range (at most 9999)", pattern.substr(at, n));
        at += n == 0 ? 1 : n;
      }
      continue;
    }
    if (pattern[i] != '\\') continue;
    size_t digits = digits_at(i + 1);
    if (digits > 2) return fmt::format("backreference \\{} is out of range", pattern.substr(i + 1, digits));
    ++i;  // skip the escaped character, so an escaped backslash starts no escape
  }
  return {};
}

TextMatcher::TextMatcher(std::string pattern, MatchOptions options) : options_(options) {
  literal_ = options.fixed ? std::optional<std::string>(pattern) : regex_as_literal(pattern);
  if (literal_) {
    if (options.ignore_case) *literal_ = ascii_lower(*literal_);
    return;
  }
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (options.ignore_case) flags |= std::regex::icase;
  // -w: a word character may neither precede nor follow the match. ECMAScript has no
  // look-behind, so the character before is matched by a group and left out of the range.
  std::string source = options.word ? "(^|[^A-Za-z0-9_])(" + pattern + ")(?=$|[^A-Za-z0-9_])" : pattern;
  if (std::string hazard = regex_hazard(pattern); !hazard.empty())
    throw UsageError(fmt::format("PATTERN: invalid regular expression '{}': {}", pattern, hazard));
  try {
    regex_.assign(source, flags);
  } catch (const std::regex_error& e) {
    throw UsageError(fmt::format("PATTERN: invalid regular expression '{}': {}", pattern, e.what()));
  }
}

std::optional<MatchRange> TextMatcher::find(std::string_view text, size_t from) const {
  if (from > text.size()) return std::nullopt;
  return literal_ ? find_literal(text, from) : find_regex(text, from);
}

std::optional<MatchRange> TextMatcher::find_literal(std::string_view text, size_t from) const {
  const std::string& needle = *literal_;
  for (size_t at = from;;) {
    size_t hit = find_text(text, needle, options_.ignore_case, at);
    if (hit == std::string_view::npos) return std::nullopt;
    size_t end = hit + needle.size();
    bool free_before = hit == 0 || !is_word_char(text[hit - 1]);
    bool free_after = end == text.size() || !is_word_char(text[end]);
    if (!options_.word || (free_before && free_after)) return MatchRange{hit, end};
    at = hit + 1;
  }
}

std::optional<MatchRange> TextMatcher::find_regex(std::string_view text, size_t from) const {
  std::cmatch match;
  // match_prev_avail: `from` is not the start of the text, for ^ and \b.
  auto flags = from > 0 ? std::regex_constants::match_prev_avail : std::regex_constants::match_default;
  if (!std::regex_search(text.data() + from, text.data() + text.size(), match, regex_, flags)) return std::nullopt;
  size_t group = options_.word ? 2 : 0;
  return MatchRange{static_cast<size_t>(match[group].first - text.data()),
                    static_cast<size_t>(match[group].second - text.data())};
}

}  // namespace trace
