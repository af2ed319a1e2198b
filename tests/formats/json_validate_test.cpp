#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "formats/json_validate.h"

using trace::formats::is_json_value;

TEST_CASE("json validate: JSON values, however written, pass", "[json-validate]") {
  for (std::string text : {
           "{}", "[]", " [ ] ", "0", "-0", "1.5e-3", "1E+5", "true", "null", R"("")",
           R"({"a":[1,-2.5e+3,true,false,null,"s\u00e9\n\"\\\/"],"b":{"c":{}},"d":[[[]]]})",
           "\n{\r\n \"a\" :\t1 }\n",
       }) {
    INFO(text);
    CHECK(is_json_value(text));
  }
  CHECK(is_json_value(std::string(100000, '[') + std::string(100000, ']')));  // any depth
}

TEST_CASE("json validate: anything else is refused", "[json-validate]") {
  for (std::string text : {
           "", " ", "[1 2]", R"({"a" 1})", R"({"a":1,})", "[1,]", "{,}", "[01]", "[1.]", "[.5]", "[-]", "[1e]",
           "[1e+]", "[+1]", "[\"a\x01\"]", R"(["\x"])", R"(["\u12G4"])", R"(["\u12"])", "[tru]", "[nul]", "[1] x",
           R"({"a":1}})", "[", R"("unterminated)", "[1}", R"({"a":[1}])", "{1:2}", "[1,,2]", "[1 ,]",
           R"({"a":1 "b":2})", R"({"a":1,2:3})", R"({"a":1,b":2})",
       }) {
    INFO(text);
    CHECK_FALSE(is_json_value(text));
  }
}

TEST_CASE("json validate: agrees with simdjson on random token soup", "[json-validate]") {
  const std::vector<std::string> tokens = {"{", "}", "[", "]", ",", ":", " ", "\"k\"", "\"v\\n\"", "1", "-2.5",
                                           "3e2", "true", "null", "\"", "x", "0", "01"};
  std::mt19937_64 random(3);
  simdjson::dom::parser parser;
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = round % 2 ? "[" : "{\"k\":";
    size_t count = random() % 12;
    for (size_t i = 0; i < count; ++i) text += tokens[random() % tokens.size()];
    text += round % 2 ? "]" : "}";
    simdjson::dom::element element;
    simdjson::error_code error = parser.parse(text).get(element);
    // Number range is simdjson's business, not this check's ("3e2" then "0", "1", ...).
    if (error == simdjson::NUMBER_ERROR) continue;
    bool simdjson_accepts = error == simdjson::SUCCESS;
    INFO(text);
    CHECK(is_json_value(text) == simdjson_accepts);
    valid += simdjson_accepts;
  }
  CHECK(valid > 1000);
}
