// trace cost: tokens x list price for every LLM call span or log record, in total, per
// model and per group; calls of unknown models listed, never priced as zero; --budget
// for CI.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "analyzers/cost_report.h"
#include "analyzers/cost_report_state.h"
#include "analyzers/price_table.h"
#include "analyzers/record_key.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_report.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/output_file.h"
#include "src/time.h"

namespace trace::cli {

namespace {

constexpr RecordKeyKind kCostKeys[] = {
    RecordKeyKind::kName,    RecordKeyKind::kModel,   RecordKeyKind::kProvider, RecordKeyKind::kService,
    RecordKeyKind::kTrace,   RecordKeyKind::kSession, RecordKeyKind::kUser,     RecordKeyKind::kFile,
    RecordKeyKind::kLogger,  RecordKeyKind::kAttr,
};

struct CostCliOptions {
  InputOptions input;
  OutputOptions output;
  std::vector<std::string> prices;
  std::vector<std::string> group_by;
  std::string every;
  std::optional<double> budget;
  size_t top = 0;
  std::string section;
  bool show_prices = false;
  bool partial = false;
};

// --show-prices: the table in force, for people to check and for --prices files to copy.
int show_prices(const CostCliOptions& options, const PriceTable& prices) {
  using output::ColumnKind;
  output::Report report;
  report.meta.command = "cost";
  report.main_section = "prices";
  add_price_fields(report, prices);
  report.fields.emplace_back("prices_source", prices.source());
  output::Section section{
      "prices", fmt::format("Prices in USD per 1M tokens, list prices as of {}", prices.as_of()), {}, {}};
  section.table.columns = {
      {"model", "model", ColumnKind::kText},          {"provider", "provider", ColumnKind::kText},
      {"input", "input", ColumnKind::kCostUsd},       {"cached_input", "cached input", ColumnKind::kCostUsd},
      {"cache_write", "cache write", ColumnKind::kCostUsd}, {"output", "output", ColumnKind::kCostUsd},
      {"aliases", "aliases", ColumnKind::kText},
  };
  for (const ModelPrice& p : prices.models()) {
    std::string aliases;
    for (const std::string& a : p.aliases) aliases += (aliases.empty() ? "" : " ") + a;
    section.table.rows.push_back({p.name, p.provider, p.input, p.cached_input, p.cache_write, p.output, aliases});
  }
  report.sections.push_back(std::move(section));
  print_report(report, options.output, options.section);
  return kExitOk;
}

int run_cost(const CostCliOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  PriceTable prices = load_prices(options.prices);
  if (options.show_prices) return show_prices(options, prices);
  CostOptions analysis;
  analysis.top = options.top;
  if (!options.every.empty()) {
    std::optional<int64_t> ns = parse_duration_ns(options.every);
    if (!ns || *ns <= 0)
      throw UsageError(
          fmt::format("--every: '{}' is not a duration above zero (expected e.g. 1m, 30s, 1h, 500ms)", options.every));
    analysis.group_by.parts.push_back({RecordKeyKind::kTime, {}, *ns});
  }
  RecordKeySpec keys = parse_record_key_spec(options.group_by, kCostKeys);
  analysis.group_by.parts.insert(analysis.group_by.parts.end(), keys.parts.begin(), keys.parts.end());

  formats::ReadReport read;
  std::vector<formats::Input> inputs = options.input.inputs();
  CostReport cost = formats::run_all<CostReport>(
      inputs, options.input.read_options(), [&] { return CostReport(prices, analysis); }, &read);
  report_skips(read);
  if (options.partial) {
    // The state, priced: --budget, --top and --section apply where the partials merge.
    output::write_output(options.output.path,
                         CostReportState::partial(cost, prices, read, fmt::format("trace {}", TRACE_VERSION)));
    return kExitOk;
  }

  print_report(cost_output(cost, prices, read, options.budget), options.output, options.section);
  return cost_budget_status(cost, options.budget);
}

}  // namespace

Command register_cost(CLI::App& parent) {
  auto options = std::make_shared<CostCliOptions>();
  CLI::App* app = parent.add_subcommand("cost", "LLM cost: tokens x list price per call, in total, per model and group");
  add_input_options(*app, options->input);
  app->add_option("--prices", options->prices,
                  "A JSON price file whose entries replace or extend the built-in table (repeatable)")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);
  app->add_option("-g,--group-by", options->group_by,
                  "Also total per group of name (span or stage), model, provider, service, trace, session, user, "
                  "file, logger or attr:KEY (several: trace,model)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--every", options->every, "Also total per time bucket of this width (1m, 1h): spend over time");
  app->add_option("--budget", options->budget, "Exit 1 when the total cost in USD is above this (for CI); the report still prints")
      ->check(CLI::NonNegativeNumber);
  app->add_option("-n,--top", options->top, "Rows of the groups section, by cost; 0 = all (default)");
  app->add_option("--section", options->section,
                  "Print only this section: total, models, groups or unknown_models (csv prints models unless told)");
  app->add_flag("--show-prices", options->show_prices, "Print the price table in force (built-in plus --prices) and exit");
  app->add_flag("--partial", options->partial,
                "Write the mergeable state (JSON, one line; calls priced here) for 'trace merge' instead of the "
                "report: run it on parts of the input, merge the parts");
  add_output_options(*app, options->output);
  app->footer(
      "Prices are list prices in USD per 1M tokens as of the date --show-prices prints; a call that\n"
      "carries its own cost (llm.cost.total, cost_usd ...) keeps it. Calls of models the table does\n"
      "not know are counted and listed, never priced as zero.\n"
      "\nExamples:\n"
      "  trace cost samples/otlp_traces.json\n"
      "  trace cost --group-by trace samples/otlp_traces.json samples/otlp_traces.jsonl\n"
      "  trace cost --group-by name,model --format md samples/app_logs.jsonl\n"
      "  trace cost --group-by user --json samples/llm_calls.jsonl\n"
      "  trace cost --show-prices\n"
      "  trace cost --partial samples/llm_calls.jsonl | trace merge --budget 1 -\n"
      "  trace cost --budget 2.50 run.jsonl || echo 'over budget'");
  return {app, [options] { return run_cost(*options); }};
}

}  // namespace trace::cli
