// The mergeable state of `trace cost` (CostReport) as a partial result, and back: what
// `trace cost --partial` writes and `trace merge` reads (partial_document.h has the
// envelope; trace-merge(1) documents every key).
//
//   "options": {"group_by": [...], "every_ns": 0,
//               "prices": {"as_of": "2025-06-01", "overrides": ["FILE (as of DATE)"...],
//                          "digest": "fnv1a64:0123456789abcdef"}}
//   "state": {"models": [...], "groups": [...], "capped": {"models": false, "groups": false},
//             "without_usage": N, "uncounted": N, "uncounted_file": I|null,
//             "uncounted_line": N, "cost_keys": ["llm.cost.total"...]}
//
// Costs are integers of femto-dollars, written as decimal strings ("cost_fusd":
// "2500000000000") since a long run's total passes 2^63. Calls are priced where they are
// read: a merge adds the costs up and never prices again, so partials priced with
// different tables would add up to a total no single table gives. "prices" is therefore
// an option: partials whose price tables differ (the built-in table's date, the
// --prices files laid over it, or any price in them: the digest) do not merge.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "analyzers/cost_report.h"
#include "analyzers/partial_document.h"
#include "analyzers/price_table.h"

namespace trace {

// What read states point into, kept as long as the reports read with it: the price
// entries named by "priced_as", and the producers' cost keys.
struct CostStatePool {
  std::map<std::string, ModelPrice, std::less<>> prices;
  std::set<std::string, std::less<>> cost_keys;
};

class CostReportState {
 public:
  // The whole partial document of a cost run priced by `prices`.
  static std::string partial(const CostReport& cost, const PriceTable& prices, const formats::ReadReport& read,
                             std::string_view writer);

  static void write(const CostReport& cost, std::string& out);
  // Reads a "state" object into `into` (empty, grouping as the partial's options say);
  // `file_index` gives the index of each of the partial's inputs among the merge's.
  static void read(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index, CostStatePool& pool,
                   CostReport& into);

  // The "prices" option of a table, and a table carrying a "prices" option's as_of and
  // overrides (no entries: merged calls are priced already) for the output's fields.
  static std::string prices_option(const PriceTable& prices);
  static PriceTable provenance(const PartialHeader& header);
};

// The cost partials of one merge, added one by one (after PartialMerge checked them).
class CostReportPartials {
 public:
  // `top`: rows of the groups section (--top of trace merge).
  CostReportPartials(const PartialHeader& first, size_t top);

  void add(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index);
  CostReport& report() { return report_; }
  // Where the partials' prices came from (as_of, overrides), for cost_output.
  const PriceTable& prices() const { return prices_; }

 private:
  PriceTable prices_;
  CostStatePool pool_;
  CostOptions options_;
  CostReport report_;
};

}  // namespace trace
