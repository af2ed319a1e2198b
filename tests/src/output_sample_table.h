// A small table with every common cell type, for the renderers' byte-exact tests.
#pragma once

#include "src/output/table.h"

namespace trace::testing {

inline output::Table sample_table() {
  using output::ColumnKind;
  output::Table t;
  t.columns = {
      {"name", "name", ColumnKind::kText},
      {"count", "count", ColumnKind::kCount},
      {"error_rate", "err%", ColumnKind::kRatio, true},
      {"p50_ns", "p50", ColumnKind::kDurationNs},
      {"total_ns", "total", ColumnKind::kDurationNs},
  };
  t.rows.push_back({std::string("GET /users"), int64_t{3}, 0.125, int64_t{1'250'000'000},
                    int64_t{3'750'000'000}});
  t.rows.push_back({std::string("db.query"), int64_t{120}, 0.0, int64_t{12'300}, {}});
  t.meta.command = "stats";
  t.meta.inputs = {"a.json", "b \"q\".jsonl"};
  t.meta.records = 125;
  t.meta.spans = 123;
  t.meta.skipped = 2;
  t.meta.percentile_method = "exact";
  t.meta.notes = {"1 incomplete span"};
  return t;
}

}  // namespace trace::testing
