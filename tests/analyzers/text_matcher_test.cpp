// PATTERN matching of trace grep: the substring fast path and the std::regex fallback.
#include <catch2/catch.hpp>

#include <string>

#include "analyzers/text_matcher.h"
#include "src/errors.h"

using trace::find_text;
using trace::MatchOptions;
using trace::MatchRange;
using trace::TextMatcher;

namespace {

constexpr size_t npos = std::string_view::npos;

// The position of every occurrence, by the simplest possible search.
size_t naive_find(std::string_view hay, std::string_view needle, bool fold, size_t from) {
  auto low = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && (fold ? low(hay[i + j]) : hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return i;
  }
  return npos;
}

}  // namespace

TEST_CASE("text matcher: find_text agrees with a naive search at every offset and length", "[text_matcher]") {
  // Long enough for several vector blocks, with the needle at block edges.
  std::string hay;
  for (int i = 0; i < 70; ++i) hay += "abcXYZ\"q"[i % 8];
  for (std::string needle : {"a", "Z", "ab", "cX", "xyz", "\"q", "qab", "zzz", "abcxyz\"qabcxyz\"qa"}) {
    for (bool fold : {false, true}) {
      std::string wanted = fold ? trace::ascii_lower(needle) : needle;
      for (size_t from = 0; from <= hay.size(); ++from) {
        INFO(needle << " fold=" << fold << " from=" << from);
        REQUIRE(find_text(hay, wanted, fold, from) == naive_find(hay, wanted, fold, from));
      }
    }
  }
}

TEST_CASE("text matcher: case folding is ASCII only and exact for other bytes", "[text_matcher]") {
  CHECK(find_text("x RATE limit", "rate", true) == 2);
  CHECK(find_text("x RATE limit", "rate", false) == npos);
  // '@' | 0x20 is '`', '[' | 0x20 is '{': folding must not turn punctuation into letters.
  CHECK(find_text("@[`{", "`{", true) == 2);
  CHECK(find_text("caf\xC3\xA9", "caf\xC3\xA9", true) == 0);
  CHECK(find_text("CAF\xC3\x89", "caf\xC3\xA9", true) == npos);
}

TEST_CASE("text matcher: an empty needle is found where the search starts", "[text_matcher]") {
  CHECK(find_text("abc", "", false, 1) == 1);
  CHECK(find_text("abc", "", false, 3) == 3);
  CHECK(find_text("abc", "", false, 4) == npos);
}

TEST_CASE("text matcher: patterns without metacharacters are searched as text", "[text_matcher]") {
  CHECK(TextMatcher("rate limit", {}).is_literal());
  CHECK(TextMatcher("a\\.b", {}).literal() == "a.b");
  CHECK(TextMatcher("GET /v1/chat", {}).is_literal());
  CHECK_FALSE(TextMatcher("a.b", {}).is_literal());
  CHECK_FALSE(TextMatcher("\\d+", {}).is_literal());
  CHECK(TextMatcher("a.b", {true, false, false}).literal() == "a.b");
  CHECK(TextMatcher("Rate", {false, true, false}).literal() == "rate");
}

TEST_CASE("text matcher: regex, -F, -i and -w find the same ranges as grep would", "[text_matcher]") {
  CHECK(TextMatcher("l+m", {}).find("xllm", 0) == MatchRange{1, 4});
  CHECK_FALSE(TextMatcher("a.b", {true, false, false}).matches("axb"));
  CHECK(TextMatcher("a.b", {true, false, false}).matches("a.b"));
  CHECK(TextMatcher("TIMEOUT", {false, true, false}).find("a timeout", 0) == MatchRange{2, 9});
  CHECK(TextMatcher("time[a-z]+", {false, true, false}).find("a TIMEOUT", 0) == MatchRange{2, 9});
  // -w: "err" in "error" is not a word; the second one is.
  CHECK(TextMatcher("err", {false, false, true}).find("error, err!", 0) == MatchRange{7, 10});
  CHECK(TextMatcher("e.r", {false, false, true}).find("error, err!", 0) == MatchRange{7, 10});
  CHECK_FALSE(TextMatcher("err", {false, false, true}).matches("errors"));
  CHECK(TextMatcher("err", {false, false, true}).matches("err"));
}

TEST_CASE("text matcher: a search from an offset sees the text before it for anchors", "[text_matcher]") {
  TextMatcher start("^a", {});
  CHECK(start.find("aaa", 0) == MatchRange{0, 1});
  CHECK_FALSE(start.find("aaa", 1).has_value());
}

TEST_CASE("text matcher: an invalid regex is a usage error naming it", "[text_matcher]") {
  try {
    TextMatcher("(unclosed", {});
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()).rfind("PATTERN: invalid regular expression '(unclosed': ", 0) == 0);
  }
}

TEST_CASE("text matcher: huge backreference numbers and repeat counts are refused before std::regex sees them", "[text_matcher]") {
  // libstdc++ overflows an int computing \2011191115555 (undefined behaviour; found by fuzz/).
  CHECK(trace::regex_hazard("a\\2011191115555") == "backreference \\2011191115555 is out of range");
  CHECK(trace::regex_hazard("(a)\\1 and \\12").empty());
  CHECK(trace::regex_hazard("\\\\123").empty());  // an escaped backslash, then the text 123
  CHECK(trace::regex_hazard("w{66666666666}") == "repeat count 66666666666 is out of range (at most 9999)");
  CHECK(trace::regex_hazard("a{2,99999}") == "repeat count 99999 is out of range (at most 9999)");
  CHECK(trace::regex_hazard("a{2,9999} b{3} c{1,}").empty());
  try {
    TextMatcher("x\\999", MatchOptions{});
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) == "PATTERN: invalid regular expression 'x\\999': backreference \\999 is out of range");
  }
}
