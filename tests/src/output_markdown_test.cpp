#include <string>

#include <catch2/catch.hpp>

#include "output_sample_table.h"
#include "src/output/write_table.h"

using namespace trace::output;

TEST_CASE("markdown: a GitHub table with the text table's cells", "[output]") {
  std::string out;
  write_markdown(trace::testing::sample_table(), {}, out);
  CHECK(out ==
        "| name       | count |  err% |     p50 |  total |\n"
        "|:-----------|------:|------:|--------:|-------:|\n"
        "| GET /users |     3 | 12.5% |  1.25 s | 3.75 s |\n"
        "| db.query   |   120 |  0.0% | 12.3 µs |      - |\n");
}

TEST_CASE("markdown: pipes in cells are escaped and colour is never used", "[output]") {
  Table t;
  t.columns = {{"name", "name", ColumnKind::kText}, {"rate", "rate", ColumnKind::kRatio, true}};
  t.rows = {{std::string("a|b"), 0.5}};
  std::string out;
  write_markdown(t, {.color = true}, out);
  CHECK(out ==
        "| name |  rate |\n"
        "|:-----|------:|\n"
        "| a\\|b | 50.0% |\n");
}
