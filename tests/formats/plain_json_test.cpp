// The plain JSON readers behind the Chrome and OTLP fast paths (formats/plain_json.h):
// what it accepts is valid JSON, read field by field with each value's text as written;
// anything else it declines, for simdjson to read or refuse.
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "formats/plain_json.h"

namespace {

// "key=value" per field, or "declined". The text is copied into a buffer with padding
// after it, as the loaders' buffers have.
std::string scan(const std::string& object) {
  std::string buffer = object + std::string(64, '\0');
  std::string out;
  trace::formats::PlainJsonCursor cursor(std::string_view(buffer.data(), object.size()));
  if (!cursor.begin_object()) return "declined";
  std::string_view key, value;
  while (cursor.next_field(key)) {
    if (!cursor.skip(&value)) return "declined";
    out += std::string(key) + "=" + std::string(value) + "\n";
  }
  return cursor.finish() ? out : "declined";
}

bool simdjson_accepts(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  return parser.parse(text).get(element) == simdjson::SUCCESS && element.is_object();
}

}  // namespace

TEST_CASE("plain json: top-level fields with each value's text, nested containers whole", "[plain-json]") {
  CHECK(scan(R"({"name":"llm.call","ph":"X","ts":1736928001030344.899,"pid":1,"args":{"a":[1,{"b":null}],"c":true}})") ==
        "name=\"llm.call\"\nph=\"X\"\nts=1736928001030344.899\npid=1\nargs={\"a\":[1,{\"b\":null}],\"c\":true}\n");
  CHECK(scan(" { \"a\" : [ ] , \"b\" : { } ,\n\"c\":false } ") == "a=[ ]\nb={ }\nc=false\n");
  CHECK(scan("{}") == "");
  CHECK(scan(R"({"s":"h\u00e9"})") == "declined");  // an escape: simdjson unescapes it
  CHECK(scan("{\"s\":\"caf\xC3\xA9\"}") == "s=\"caf\xC3\xA9\"\n");  // valid UTF-8 as is
}

TEST_CASE("plain json: what it declines", "[plain-json]") {
  for (std::string object : {
           R"({"a":1,})", R"({"a":1)", R"({"a" 1})", R"({"a":[1,]})", R"({"a":[1 2]})", R"({"a":{"b"}})",
           R"({"a":{"b":1,}})", R"({"a":01})", R"({"a":1.})", R"({"a":+1})", R"({"a":tru})", R"({"a":nul})",
           R"({"a":-0})", R"({"a":123456789012345678901})", R"({"a":"x\"y"})", "{\"a\":\"x\x01y\"}",
           "{\"a\":\"\xC3\x28\"}", R"({"a":1}x)", R"([1])", R"("a")", R"({"a":[}])", R"({"a":{]})", R"({a:1})",
       }) {
    INFO(object);
    CHECK(scan(object) == "declined");
  }
  std::string deep_ok = "{\"a\":" + std::string(63, '[') + std::string(63, ']') + "}";
  std::string too_deep = "{\"a\":" + std::string(65, '[') + std::string(65, ']') + "}";
  CHECK(scan(deep_ok) != "declined");
  CHECK(scan(too_deep) == "declined");
}

TEST_CASE("plain json: an object longer than one quote window", "[plain-json]") {
  std::string long_text(20000, 'x');
  std::string object = R"({"args":{"k":")" + long_text + R"(","n":[1,2,3]},"ph":"X"})";
  CHECK(scan(object) == "args={\"k\":\"" + long_text + "\",\"n\":[1,2,3]}\nph=\"X\"\n");
  CHECK(scan(R"({"args":{"k":")" + long_text + R"(\n"},"ph":"X"})") == "declined");  // escape in the second window
}

TEST_CASE("plain json: random objects and their mutations: whatever it accepts, simdjson accepts", "[plain-json]") {
  std::mt19937_64 random(20261127);
  const std::vector<std::string> values = {"1", "-2.5", "3e4", "true", "false", "null", "\"s\"", "\"\"", "[]", "{}"};
  const std::vector<std::string> junk = {",", ":", "{", "}", "[", "]", "\"", "1", "-", "e", " ", "x", "\\"};
  // An object of random depth and shape; `depth` bounds the nesting.
  auto value = [&](auto& self, int depth) -> std::string {
    int kind = static_cast<int>(random() % (depth > 0 ? 12 : 10));
    if (kind < 10) return values[static_cast<size_t>(kind)];
    std::string out = kind == 10 ? "[" : "{";
    int n = static_cast<int>(random() % 4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += random() % 8 == 0 ? " , " : ",";
      if (kind == 11) out += "\"k" + std::to_string(i) + "\":";
      out += self(self, depth - 1);
    }
    return out + (kind == 10 ? "]" : "}");
  };
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string object = "{";
    int fields = static_cast<int>(random() % 5);
    for (int i = 0; i < fields; ++i) {
      if (i > 0) object += ",";
      object += "\"f" + std::to_string(i) + "\":" + value(value, 3);
    }
    object += "}";
    bool mutated = random() % 3 == 0;
    if (mutated) object.insert(random() % (object.size() + 1), junk[random() % junk.size()]);
    INFO(object);
    std::string fields_seen = scan(object);
    if (fields_seen == "declined") {
      if (!mutated) CHECK(!simdjson_accepts(object));  // valid generated JSON is never declined
      continue;
    }
    ++accepted;
    CHECK(simdjson_accepts(object));
  }
  CHECK(accepted > 2500);
}

TEST_CASE("plain json: read_value gives each kind as read_json_value does", "[plain-json]") {
  using trace::Value;
  using trace::ValueKind;
  std::string text = R"({"s":"x y","i":-42,"d":0.5,"t":true,"n":null,"o":{ "a" : [1] },"a":[ ],"bad":tru})";
  std::string buffer = text + std::string(64, '\0');
  trace::formats::PlainJsonCursor in(std::string_view(buffer.data(), text.size()));
  REQUIRE(in.begin_object());
  std::string out;
  std::string_view key;
  while (in.next_field(key)) {
    CHECK(in.at(key == "o" ? '{' : key == "a" ? '[' : '"') == (key == "o" || key == "a" || key == "s"));
    Value v;
    if (!in.read_value(v)) break;
    out += std::string(key) + ":" + std::to_string(static_cast<int>(v.kind)) + "=";
    if (v.kind == ValueKind::kInt) out += std::to_string(v.integer);
    else if (v.kind == ValueKind::kDouble) out += std::to_string(v.number);
    else if (v.kind == ValueKind::kBool) out += v.boolean ? "true" : "false";
    else out += std::string(v.text);
    out += ";";
  }
  CHECK(out == "s:4=x y;i:2=-42;d:3=0.500000;t:1=true;n:0=;o:5={ \"a\" : [1] };a:5=[ ];");
  CHECK(in.failed());  // "tru" is no literal
  CHECK_FALSE(in.at('{'));
}

namespace {

// The top-level keys of a walk that steps over every value by its brackets, or "declined".
std::string keys_stepping_over(const std::string& object) {
  std::string buffer = object + std::string(64, '\0');
  trace::formats::PlainJsonCursor cursor(std::string_view(buffer.data(), object.size()));
  if (!cursor.begin_object()) return "declined";
  std::string out;
  std::string_view key;
  while (cursor.next_field(key)) {
    if (!cursor.skip_brackets()) return "declined";
    out += std::string(key) + ";";
  }
  return cursor.finish() ? out : "declined";
}

}  // namespace

TEST_CASE("plain json: skip_brackets steps over containers by their brackets alone", "[plain-json]") {
  CHECK(keys_stepping_over(R"({"a":{"x":[1,{"y":"}]"}]},"b":2,"c":[],"d":{},"e":"s"})") == "a;b;c;d;e;");
  // The grammar inside is not looked at, as simdjson's On-Demand does not look at a value
  // it steps over; a full read later checks it.
  CHECK(keys_stepping_over(R"({"a":{"x" 1 2 tru},"b":1})") == "a;b;");
  // Nesting is not counted either: On-Demand steps over 2000 levels too.
  CHECK(keys_stepping_over(R"({"a":)" + std::string(2000, '[') + std::string(2000, ']') + R"(,"b":1})") == "a;b;");
  // Scalars are still checked, strings still held to the rare-byte rules, brackets counted.
  CHECK(keys_stepping_over(R"({"a":tru,"b":1})") == "declined");
  CHECK(keys_stepping_over("{\"a\":{\"s\":\"\x01\"}}") == "declined");  // a control character
  CHECK(keys_stepping_over(R"({"a":{"s":"\u00e9"}})") == "declined");        // an escape
  CHECK(keys_stepping_over(R"({"a":{"s":"\"}"},"b":1})") == "declined");     // an escaped quote
  CHECK(keys_stepping_over(R"({"a":{"x":1},"b":1)") == "declined");
  CHECK(keys_stepping_over(R"({"a":{"x":{"y":1}})") == "declined");
  CHECK(keys_stepping_over(R"({"a":{"s":"unclosed}})") == "declined");
  // A container longer than the quote window, strings across its edges.
  std::string strings;
  for (int i = 0; i < 2000; ++i) strings += R"("s)" + std::to_string(i) + R"(",)";
  CHECK(keys_stepping_over(R"({"a":[)" + strings + R"(0],"b":"after"})") == "a;b;");
}
