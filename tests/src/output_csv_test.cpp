#include <string>

#include <catch2/catch.hpp>

#include "output_sample_table.h"
#include "src/output/write_table.h"

using namespace trace::output;

TEST_CASE("csv: a header of column keys, raw integer nanoseconds, empty for missing",
          "[output]") {
  std::string out;
  write_csv(trace::testing::sample_table(), {}, out);
  CHECK(out ==
        "name,count,error_rate,p50_ns,total_ns\n"
        "GET /users,3,0.125,1250000000,3750000000\n"
        "db.query,120,0,12300,\n");
}

TEST_CASE("csv: fields with commas, quotes or line breaks are quoted (RFC 4180)",
          "[output]") {
  Table t;
  t.columns = {{"name", "name", ColumnKind::kText}, {"n", "n", ColumnKind::kCount}};
  t.rows = {{std::string("a,b"), int64_t{1}},
            {std::string("say \"hi\""), int64_t{2}},
            {std::string("two\nlines"), int64_t{3}},
            {std::string(" spaced "), int64_t{4}}};
  std::string out;
  write_csv(t, {}, out);
  CHECK(out ==
        "name,n\n"
        "\"a,b\",1\n"
        "\"say \"\"hi\"\"\",2\n"
        "\"two\nlines\",3\n"
        " spaced ,4\n");
}
