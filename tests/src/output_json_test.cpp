#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "src/output/json_writer.h"
#include "src/output/write_table.h"
#include "output_sample_table.h"

using namespace trace::output;

namespace {

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

}  // namespace

TEST_CASE("json: quotes and backslashes are escaped", "[output]") {
  CHECK(quoted(R"(say "hi" \o/)") == R"("say \"hi\" \\o/")");
}

TEST_CASE("json: control characters are escaped", "[output]") {
  CHECK(quoted("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(quoted(std::string("\x01\x1f\0", 3)) == R"("\u0001\u001f\u0000")");
  CHECK(quoted("\x7f") == "\"\x7f\"");  // DEL needs no escape in JSON
}

TEST_CASE("json: valid UTF-8 is copied as is", "[output]") {
  CHECK(quoted("12.3 µs, naïve, 日本, 😀") == "\"12.3 µs, naïve, 日本, 😀\"");
}

TEST_CASE("json: invalid UTF-8 becomes U+FFFD, one per maximal invalid subsequence",
          "[output]") {
  CHECK(quoted("a\xff" "b") == "\"a\xEF\xBF\xBD" "b\"");        // never valid
  CHECK(quoted("\x80") == "\"\xEF\xBF\xBD\"");                   // stray continuation
  CHECK(quoted("\xC3") == "\"\xEF\xBF\xBD\"");                   // truncated at the end
  CHECK(quoted("\xE2\x82" "x") == "\"\xEF\xBF\xBD" "x\"");       // truncated 3-byte
  CHECK(quoted("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");   // overlong '/'
  CHECK(quoted("\xED\xA0\x80") ==                                // a surrogate
        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(quoted("\xF4\x90\x80\x80") ==                            // past U+10FFFF
        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(quoted("\xF0\x9F\x98") == "\"\xEF\xBF\xBD\"");           // truncated emoji
}

TEST_CASE("json: numbers in shortest form, non-finite as null", "[output]") {
  std::string out;
  append_json_number(0.125, out);
  out += ' ';
  append_json_number(0.0, out);
  out += ' ';
  append_json_number(1.0 / 3, out);
  out += ' ';
  append_json_number(std::nan(""), out);
  out += ' ';
  append_json_number(std::numeric_limits<double>::infinity(), out);
  out += ' ';
  append_json_number(int64_t{-42}, out);
  CHECK(out == "0.125 0 0.3333333333333333 null null -42");
}

TEST_CASE("json: a table is one document with metadata and rows", "[output]") {
  std::string out;
  write_json(trace::testing::sample_table(), {}, out);
  CHECK(out ==
        "{\n"
        "  \"schema_version\": 1,\n"
        "  \"command\": \"stats\",\n"
        "  \"inputs\": [\"a.json\", \"b \\\"q\\\".jsonl\"],\n"
        "  \"records\": 125,\n"
        "  \"spans\": 123,\n"
        "  \"logs\": 0,\n"
        "  \"skipped\": 2,\n"
        "  \"skipped_at\": [],\n"
        "  \"approximate\": false,\n"
        "  \"percentile_method\": \"exact\",\n"
        "  \"notes\": [\"1 incomplete span\"],\n"
        "  \"rows\": [\n"
        "    {\"name\":\"GET /users\",\"count\":3,\"error_rate\":0.125,\"p50_ns\":1250000000,"
        "\"total_ns\":3750000000},\n"
        "    {\"name\":\"db.query\",\"count\":120,\"error_rate\":0,\"p50_ns\":12300,"
        "\"total_ns\":null}\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("json: an empty table has an empty rows array and no percentile method",
          "[output]") {
  Table table;
  table.columns.push_back({"name", "name", ColumnKind::kText});
  table.meta.command = "summary";
  std::string out;
  write_json(table, {}, out);
  CHECK(out ==
        "{\n"
        "  \"schema_version\": 1,\n"
        "  \"command\": \"summary\",\n"
        "  \"inputs\": [],\n"
        "  \"records\": 0,\n"
        "  \"spans\": 0,\n"
        "  \"logs\": 0,\n"
        "  \"skipped\": 0,\n"
        "  \"skipped_at\": [],\n"
        "  \"approximate\": false,\n"
        "  \"notes\": [],\n"
        "  \"rows\": []\n"
        "}\n");
}

TEST_CASE("jsonl: one compact row object per line, no metadata", "[output]") {
  std::string out;
  write_jsonl(trace::testing::sample_table(), {}, out);
  CHECK(out ==
        "{\"name\":\"GET /users\",\"count\":3,\"error_rate\":0.125,\"p50_ns\":1250000000,"
        "\"total_ns\":3750000000}\n"
        "{\"name\":\"db.query\",\"count\":120,\"error_rate\":0,\"p50_ns\":12300,"
        "\"total_ns\":null}\n");
}
