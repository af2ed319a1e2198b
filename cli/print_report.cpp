#include "cli/print_report.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/print_table.h"
#include "src/exit_codes.h"
#include "src/output/output_file.h"
#include "src/output/terminal.h"
#include "src/output/units.h"

namespace trace::cli {

void fill_report_meta(output::TableMeta& meta, const formats::ReadReport& report, uint64_t records) {
  fill_meta(meta, report);
  meta.records = records;
}

PriceTable load_prices(const std::vector<std::string>& files) {
  PriceTable table = PriceTable::builtin();
  for (const std::string& file : files) table.overlay(PriceTable::load(file), file);
  return table;
}

void add_price_fields(output::Report& report, const PriceTable& prices) {
  report.fields.emplace_back("prices_as_of", prices.as_of());
  std::string overrides;
  for (const std::string& o : prices.overrides()) overrides += (overrides.empty() ? "" : "; ") + o;
  report.fields.emplace_back("price_overrides", overrides.empty() ? output::Cell{} : output::Cell{overrides});
}

output::Report summary_output(RunSummary& summary, const formats::ReadReport& read) {
  std::vector<InputFacts> facts;
  for (const formats::FileReport& file : read.files) facts.push_back({file.name, file.format, file.bytes, file.skipped});
  output::Report report = summary.finish(facts);
  report.meta.command = "summary";
  fill_report_meta(report.meta, read, report.meta.records);
  return report;
}

output::Report cost_output(CostReport& cost, const PriceTable& prices, const formats::ReadReport& read,
                           std::optional<double> budget) {
  std::vector<std::string> names;
  for (const formats::FileReport& file : read.files) names.push_back(file.name);
  output::Report report = cost.finish(names);
  report.meta.command = "cost";
  fill_report_meta(report.meta, read, read.spans() + read.logs());
  add_price_fields(report, prices);
  report.fields.emplace_back("total_cost_usd", cost.total_cost_usd());
  report.fields.emplace_back("budget_usd", budget ? output::Cell{*budget} : output::Cell{});
  return report;
}

int cost_budget_status(const CostReport& cost, std::optional<double> budget) {
  double total = cost.total_cost_usd();
  if (!budget || total <= *budget) return kExitOk;
  std::string unknown;
  if (uint64_t n = cost.unknown_calls(); n > 0)
    unknown = fmt::format(" ({} call{} with unknown models not included)", n, n == 1 ? "" : "s");
  fmt::print(stderr, "trace cost: budget exceeded: total {} is over the budget of {}{}\n",
             output::format_cost_usd(total), output::format_cost_usd(*budget), unknown);
  return kExitBudgetExceeded;
}

void print_report(const output::Report& report, const OutputOptions& options, const std::string& section) {
  output::RenderStyle style;
  style.color = options.use_color();
  output::OutputFormat format = output::parse_output_format(options.format);
  std::string out;
  write_report(report, format, style, section, out);
  output::write_output(options.path, out);
  if (format == output::OutputFormat::kTable || format == output::OutputFormat::kMarkdown)
    for (const std::string& note : output::report_notes(report, section)) fmt::print(stderr, "note: {}\n", note);
}

}  // namespace trace::cli
