// The last step of the commands whose result has several sections (summary, cost):
// run metadata, one renderer, one write to stdout, notes to stderr for people.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzers/cost_report.h"
#include "analyzers/price_table.h"
#include "analyzers/run_summary.h"
#include "cli/common_options.h"
#include "src/output/report.h"

namespace trace::cli {

// Inputs, spans, logs and skips from the read report; `records` as the analyzer counted
// them (each record once).
void fill_report_meta(output::TableMeta& meta, const formats::ReadReport& report, uint64_t records);

// The price table in force: the built-in one with each --prices file laid over it.
PriceTable load_prices(const std::vector<std::string>& files);

// prices_as_of and price_overrides: which prices a cost report used.
void add_price_fields(output::Report& report, const PriceTable& prices);

// What `trace summary` prints for a finished RunSummary (and `trace merge` of summary
// partials): its sections and the run's meta.
output::Report summary_output(RunSummary& summary, const formats::ReadReport& read);

// What `trace cost` prints for a finished CostReport (and `trace report` embeds): its
// sections, the run's meta, the prices used and the total; budget_usd null without one.
output::Report cost_output(CostReport& cost, const PriceTable& prices, const formats::ReadReport& read,
                           std::optional<double> budget);

// After a cost report is printed: over `budget`, says so on stderr (the same words for
// cost and merge, so scripts read both alike) and returns kExitBudgetExceeded; else kExitOk.
int cost_budget_status(const CostReport& cost, std::optional<double> budget);

// Renders the report (only `section` when not empty) and writes it to stdout. Notes go
// to stderr for table and Markdown output; machine formats carry them inside.
void print_report(const output::Report& report, const OutputOptions& options, const std::string& section);

}  // namespace trace::cli
