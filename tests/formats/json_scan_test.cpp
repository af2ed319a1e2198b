// find_value_end splits streams of documents and Chrome event arrays, and a big document's
// record array at its commas: it must end every value exactly where JSON says, strings and
// escapes included, however they fall across its 64-byte blocks.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/json_scan.h"

using trace::formats::container_end_versions;
using trace::formats::find_value_end;

namespace {

constexpr size_t kNpos = std::string_view::npos;

// The plain definition, a byte at a time: the oracle the block scanner is checked against.
size_t reference_container_end(std::string_view text, size_t pos) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return kNpos;
}

}  // namespace

TEST_CASE("json-scan: a container ends after its closing bracket, brackets in strings and escaped quotes ignored",
          "[json-scan]") {
  CHECK(find_value_end(R"({"a":"}"} x)", 0) == 9);
  CHECK(find_value_end(R"([1,[2,{"k":"\\"}],"]\""] ,)", 0) == 24);
  CHECK(find_value_end(R"(x {"a":1})", 2) == 9);
  CHECK(find_value_end(R"({"a":[1,2})", 0) == kNpos);     // one bracket short
  CHECK(find_value_end(R"({"a":"}]})", 0) == kNpos);      // the string never ends
  CHECK(find_value_end(R"("a\"b" ,)", 0) == 6);          // a string
  CHECK(find_value_end("-12.5e3,", 0) == 7);              // a number ends at the comma
  CHECK(find_value_end("true", 0) == 4);
  CHECK(find_value_end("", 0) == kNpos);
}

TEST_CASE("json-scan: containers end where the byte-at-a-time definition says, at every alignment, in every version",
          "[json-scan]") {
  // Random runs of these pieces: runs of backslashes, quotes and brackets in strings
  // land on every side of a 64-byte block boundary, and texts end inside strings and
  // with brackets unbalanced either way.
  const std::string pieces[] = {"{", "}", "[", "]", "\"x\"", "\"\\\\\"", "\"\\\"\"", "\"\\\\\\\"]\"", "\"{[\"", ",", " ", "1",
                                 "\"" + std::string(21, '\\') + "\"", "\"" + std::string(40, '\\') + "\"",
                                 "\"unterminated"};
  uint64_t seed = 12345;
  for (int round = 0; round < 5000; ++round) {
    std::string text(seed % 70, ' ');
    size_t start = text.size();
    text += "{\"k\":[";
    int pieces_count = static_cast<int>(seed >> 40) % 60;
    for (int n = 0; n < pieces_count; ++n) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      text += pieces[(seed >> 33) % std::size(pieces)];
    }
    if (round % 3 != 0) text += "]}";
    INFO(text);
    CHECK(find_value_end(text, start) == reference_container_end(text, start));
    for (auto container_end : container_end_versions()) CHECK(container_end(text, start) == reference_container_end(text, start));
  }
}
