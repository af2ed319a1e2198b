// The JSON-lines fast path (formats/flat_json_line.h): what it accepts it reads exactly
// as simdjson does; everything else it declines, for the general path to read or refuse.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/flat_json_index.h"
#include "fuzz/flat_json_reference.h"
#include "support/run_trace.h"

using trace::flat_json_reference::disagreement;
using trace::flat_json_reference::with_scanner;
using trace::flat_json_reference::with_simdjson;

TEST_CASE("flat json: a compact log line is read field by field, numbers with their text", "[flat-json]") {
  std::string line = R"({"ts":"2025-01-15T08:00:01Z","level":"info","n":42,"d":812.5,"ok":true,"x":null,"neg":-3})";
  CHECK(with_scanner(line) ==
        "ts|4|2025-01-15T08:00:01Z|\n"
        "level|4|info|\n"
        "n|2|42|42\n"
        "d|3|4089640000000000|812.5\n"
        "ok|1|true|true\n"
        "x|0||null\n"
        "neg|2|-3|-3\n");
  CHECK(disagreement(line).empty());
}

TEST_CASE("flat json: JSON whitespace anywhere between tokens is accepted", "[flat-json]") {
  std::string line = " {\t\"a\" : 1 ,\r\"b\":\"x\"  }  ";
  CHECK(with_scanner(line) == "a|2|1|1\nb|4|x|\n");
  CHECK(with_scanner("{}") == "");
  CHECK(with_scanner("{ }") == "");
}

TEST_CASE("flat json: lines it leaves to simdjson", "[flat-json]") {
  for (std::string line : {
           R"({"a":{"b":1}})",                  // nested object
           R"({"a":[1,2]})",                    // array
           R"({"a":"say \"hi\""})",             // escape in a value
           R"({"a\u0062":1})",                  // escape in a key
           "{\"a\":\"tab\there\"}",             // raw control character
           R"({"a":-0})",                       // negative zero
           R"({"a":1234567890123456789})",      // 19 digits: may not fit int64
           R"({"a":1e400})",                    // out of double range
           R"({"a":1e-320})",                   // subnormal
           R"({"a":0e500000000000000000000000009})",  // an exponent simdjson refuses
           R"({"a":01})",                       // leading zero
           R"({"a":1.})",                       // no fraction digits
           R"({"a":.5})",                       // no integer digits
           R"({"a":tru})",                      // bad literal
           R"({"a":truex})",                    // literal run-on
           R"({"a":1,})",                       // trailing comma
           R"({"a" 1})",                        // missing colon
           R"({"a":1} x)",                      // content after the object
           R"({"a":1)",                         // unterminated object
           R"({"a":"unterminated)",             // unterminated string
           "{\"a\":\"\xC3\x28\"}",              // invalid UTF-8
           R"([1,2])",                          // not an object
           "{\"a\":1}\f",                       // form feed is not JSON whitespace
       }) {
    INFO(line);
    CHECK(with_scanner(line) == "declined");
  }
}

TEST_CASE("flat json: valid UTF-8 in strings is accepted and kept as is", "[flat-json]") {
  std::string line = "{\"msg\":\"caf\xC3\xA9 \xE2\x9C\x93\"}";
  CHECK(with_scanner(line) == "msg|4|caf\xC3\xA9 \xE2\x9C\x93|\n");
  CHECK(disagreement(line).empty());
}

TEST_CASE("flat json: a line not followed by a sentinel byte is declined", "[flat-json]") {
  std::string buffer = R"({"a":1}})";
  buffer.append(64, '\0');  // the padding the scanner may read
  std::string_view line(buffer.data(), 7);  // followed by '}'
  bool called = false;
  CHECK_FALSE(trace::formats::scan_flat_object(line, [&](auto, auto&, auto) { called = true; }));
  CHECK_FALSE(called);
}

TEST_CASE("flat json: numbers of every shape read as simdjson reads them", "[flat-json]") {
  std::vector<std::string> numbers = {"0", "7", "-7", "123456789012345678", "-123456789012345678", "0.1", "0.5",
                                      "812.5", "-812.25", "1.7976931348623157e308", "2.2250738585072014e-308",
                                      "123456789012345.6", "1234567890123456.7", "0.000000000000000000001",
                                      "3.141592653589793", "9007199254740993.0", "1e22", "1e23", "1E+2", "5e-1",
                                      "100000000000000000000000.5", "0.30000000000000004", "0.1234567890123456789012345",
                                      "1.00000000000000000001", "0.0017588888888888888888888888888888888888"};
  std::mt19937_64 random(20261126);
  for (int i = 0; i < 2000; ++i) {
    std::string n = std::to_string(random() % 100000000000ULL);
    size_t dot = random() % (n.size() + 1);
    if (dot > 0 && dot < n.size()) n.insert(dot, ".");
    if (random() % 2) n = "-" + n;
    if (random() % 4 == 0) n += "e" + std::to_string(static_cast<int>(random() % 40) - 20);
    numbers.push_back(n);
  }
  size_t accepted = 0;
  for (const std::string& n : numbers) {
    std::string line = "{\"v\":" + n + "}";
    INFO(line);
    CHECK(disagreement(line).empty());
    if (with_scanner(line) != "declined") ++accepted;
  }
  CHECK(accepted > numbers.size() * 9 / 10);  // the fast path is the usual path
}

TEST_CASE("flat json: random flat lines and their mutations agree with simdjson", "[flat-json]") {
  std::mt19937_64 random(42);
  const std::vector<std::string> pieces = {"\"a\"", "\"key_1\"", ":", ",", "{", "}", "1", "-2.5", "true", "null",
                                           "\"v\"", " ", "\"\xC3\xA9\"", "\"\\n\"", "[", "]", "\"", "0", "e5", "\t"};
  size_t accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string line = "{";
    int fields = static_cast<int>(random() % 6);
    for (int f = 0; f < fields; ++f) {
      if (f > 0) line += ",";
      line += "\"k" + std::to_string(f) + "\":";
      line += pieces[6 + random() % 7];
    }
    line += "}";
    // Mutate a third of them: a piece inserted at a random place.
    if (random() % 3 == 0) line.insert(random() % (line.size() + 1), pieces[random() % pieces.size()]);
    INFO(line);
    CHECK(disagreement(line).empty());
    if (with_scanner(line) != "declined") ++accepted;
  }
  CHECK(accepted > 2000);
}

TEST_CASE("flat json: every quote index version finds the quotes and rare bytes a byte loop finds", "[flat-json]") {
  using namespace trace::formats::flat_json;
  std::mt19937_64 random(7);
  const char alphabet[] = {'"', '\\', '\n', '\t', '\x1f', ' ', 'a', '{', '\x7f', '\x80', '\xC3', '\xFF'};
  size_t versions = index_quotes_versions().size();
  CHECK(versions >= 1);
  for (int round = 0; round < 3000; ++round) {
    size_t size = random() % 300;
    // The bytes past `size` are read but must not count: fill them with every kind.
    std::string buffer(size + 64, 'x');
    for (char& c : buffer)
      c = random() % 3 == 0 ? alphabet[random() % sizeof alphabet] : static_cast<char>('a' + random() % 26);
    std::vector<uint64_t> expected((size + 63) / 64 + 1, 0), got(expected.size(), 0);
    unsigned expected_flags = index_quotes_bytewise(buffer.data(), size, expected.data());
    for (auto version : index_quotes_versions()) {
      std::fill(got.begin(), got.end(), 0);
      INFO("size " << size << " round " << round);
      CHECK(version(buffer.data(), size, got.data()) == expected_flags);
      CHECK(got == expected);
    }
    CHECK(index_quotes(buffer.data(), size, got.data()) == expected_flags);
    CHECK(got == expected);
  }
}

TEST_CASE("flat json: lines longer than one quote window, strings across its edge", "[flat-json]") {
  // The cursor indexes 8 KiB at a time; a string may start in one window and end in the next.
  for (size_t filler : {8180u, 8187u, 8188u, 8191u, 8192u, 8200u, 20000u}) {
    std::string text(filler, 'y');
    std::string line = R"({"a":")" + text + R"(","b":"z","c":12,"d":"\u00e9"})";
    INFO(filler);
    CHECK(with_scanner(line) == "declined");  // the escape lies in the second window
    line = R"({"a":")" + text + R"(","b":"z","c":12})";
    CHECK(with_scanner(line) == "a|4|" + text + "|\nb|4|z|\nc|2|12|12\n");
    CHECK(disagreement(line).empty());
    CHECK(with_scanner(R"({"a":")" + text + "\x01\"}") == "declined");      // control in a string
    CHECK(with_scanner(R"({"a":")" + text + "\xC3\x28\"}") == "declined");  // invalid UTF-8
    CHECK(with_scanner(R"({"a":")" + text + "\",\t\"b\":1}") == "a|4|" + text + "|\nb|2|1|1\n");
  }
}

TEST_CASE("flat json: lines at the size where indexing at once gives way to windows", "[flat-json]") {
  const size_t edge = trace::formats::flat_json::LineQuotes::kMaxBytes;
  for (size_t size = edge - 66; size <= edge + 66; ++size) {
    // The last string ends on the line's last bytes: its closing quote is the last quote.
    std::string head = R"({"n":1,"s":")";
    std::string text(size - head.size() - 2, 'q');
    std::string line = head + text + "\"}";
    REQUIRE(line.size() == size);
    INFO(size);
    CHECK(with_scanner(line) == "n|2|1|1\ns|4|" + text + "|\n");
    CHECK(with_scanner(line.substr(0, size - 1)) == "declined");  // the object not closed
    CHECK(with_scanner(line.substr(0, size - 2) + "}") == "declined");  // the string not closed
  }
}

TEST_CASE("flat json: every line the scanner accepts, simdjson accepts too", "[flat-json]") {
  CHECK(with_simdjson(R"({"a":1,"b":"x"})") == "a|2|1|1\nb|4|x|\n");
  CHECK(with_simdjson(R"({"a":{"b":1}})") == "not flat");
}

TEST_CASE("jsonl: a decimal with 20+ integer digits is read correctly on both paths", "[flat-json][jsonl]") {
  // simdjson 3.0.1's get_number() reads it as 0; an escape sends the line to simdjson.
  for (std::string line : {R"({"msg":"x","big":100000000000000000000000.5})",
                           R"({"msg":"say \"x\"","big":100000000000000000000000.5})"}) {
    INFO(line);
    auto result = trace::testing::run_trace("grep --json '' -", line + "\n");
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("\"big\":1.0000000000000001e+23}") != std::string::npos);
  }
}

TEST_CASE("loaders: numbers of 20+ digits are read correctly rounded (simdjson 3.0.1 misreads them)", "[flat-json][jsonl]") {
  // A nested object sends the line to the general path; OTLP reads doubleValue there too.
  auto jsonl = trace::testing::run_trace("grep --json '' -", R"({"msg":"x","o":{},"v":0.1234567890123456789012345})"
                                                             "\n");
  CHECK(jsonl.exit_code == 0);
  CHECK(jsonl.out.find("\"v\":0.12345678901234568}") != std::string::npos);
  std::string otlp =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",)"
      R"("spanId":"b7ad6b7169203331","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"2",)"
      R"("attributes":[{"key":"v","value":{"doubleValue":1.00000000000000000001}}]}]}]}]})";
  auto result = trace::testing::run_trace("grep --json '' -", otlp + "\n");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("\"v\":1}") != std::string::npos);
}

TEST_CASE("flat json: a number stepped over is accepted exactly when it would be read", "[flat-json]") {
  using trace::formats::flat_json::read_number;
  std::vector<std::string> numbers = {"0", "-0", "12", "-7", "0.5", "-0.0", "1736928001030344.899", "1e5", "1.5E-3",
                                      "123456789012345678", "1234567890123456789", "1e400", "0e5", "2.",
                                      "0." + std::string(400, '0') + "1", "0." + std::string(290, '0') + "1",
                                      std::string(299, '9') + ".5", std::string(320, '9') + ".5", "4.9e-324",
                                      "1e-400", "01", "-", "1.e5", "1e", "1e+"};
  std::mt19937_64 random(11);
  for (int i = 0; i < 2000; ++i) {  // random digit strings with a point and maybe an exponent
    std::string n = random() % 2 ? "-" : "";
    n += std::to_string(random() % 1000000);
    n += "." + std::to_string(random());
    n += std::string(random() % 30, '7');
    if (random() % 3 == 0) n += "e" + std::to_string(static_cast<int>(random() % 700) - 350);
    numbers.push_back(n);
  }
  for (const std::string& number : numbers) {
    std::string buffer = number + " ";  // the sentinel after the token
    trace::Value read, stepped;
    size_t end = read_number(std::string_view(buffer.data(), number.size()), 0, read);
    INFO(number);
    CHECK(read_number(std::string_view(buffer.data(), number.size()), 0, stepped, /*want_value=*/false) == end);
  }
}
