#include <string>

#include <catch2/catch.hpp>

#include "output_sample_table.h"
#include "src/output/write_table.h"

using namespace trace::output;

TEST_CASE("text table: aligned columns, text left, numbers right, units formatted",
          "[output]") {
  std::string out;
  write_text_table(trace::testing::sample_table(), {}, out);
  CHECK(out ==
        "name        count   err%      p50   total\n"
        "GET /users      3  12.5%   1.25 s  3.75 s\n"
        "db.query      120   0.0%  12.3 µs       -\n");
}

TEST_CASE("text table: colour makes the header bold and positive alerts red", "[output]") {
  std::string out;
  write_text_table(trace::testing::sample_table(), {.color = true}, out);
  CHECK(out ==
        "\x1b[1mname        count   err%      p50   total\x1b[0m\n"
        "GET /users      3  \x1b[31m12.5%\x1b[0m   1.25 s  3.75 s\n"
        "db.query      120   0.0%  12.3 µs       -\n");
}

TEST_CASE("text table: a left-aligned last column has no trailing spaces", "[output]") {
  Table t;
  t.columns = {{"count", "count", ColumnKind::kCount}, {"name", "name", ColumnKind::kText}};
  t.rows = {{int64_t{1}, std::string("a")}, {int64_t{22}, std::string("longer")}};
  std::string out;
  write_text_table(t, {}, out);
  CHECK(out ==
        "count  name\n"
        "    1  a\n"
        "   22  longer\n");
}

TEST_CASE("text table: control characters in data are shown escaped", "[output]") {
  Table t;
  t.columns = {{"name", "name", ColumnKind::kText}, {"n", "n", ColumnKind::kCount}};
  t.rows = {{std::string("a\nb\x1b[31m"), int64_t{1}}};
  std::string out;
  write_text_table(t, {}, out);
  CHECK(out ==
        "name          n\n"
        "a\\nb\\x1b[31m  1\n");
}

TEST_CASE("text table: every column kind is formatted for people", "[output]") {
  Table t;
  t.columns = {{"bytes", "bytes", ColumnKind::kBytes},
               {"cost_usd", "cost", ColumnKind::kCostUsd},
               {"start_ns", "start", ColumnKind::kTimestampNs}};
  t.rows = {{int64_t{1536}, 0.0042, int64_t{1'705'314'600'123'456'789}}};
  std::string out;
  write_text_table(t, {}, out);
  CHECK(out ==
        "   bytes     cost                     start\n"
        "1.50 KiB  $0.0042  2024-01-15T10:30:00.123Z\n");
}

TEST_CASE("text table: a table without rows prints its header", "[output]") {
  Table t;
  t.columns = {{"name", "name", ColumnKind::kText}, {"count", "count", ColumnKind::kCount}};
  std::string out;
  write_text_table(t, {}, out);
  CHECK(out == "name  count\n");
}
