// trace merge: partial results of stats, summary or cost (made with --partial on parts of
// the input, on many machines or in a map-reduce job) merged into what one run over the
// whole input prints.
#include <unistd.h>

#include <memory>
#include <optional>

#include <fmt/format.h>

#include "analyzers/cost_report_state.h"
#include "analyzers/latency_stats_state.h"
#include "analyzers/partial_document.h"
#include "analyzers/run_summary_state.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_report.h"
#include "cli/print_table.h"
#include "src/errors.h"
#include "src/exit_codes.h"

namespace trace::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> paths;
  OutputOptions output;
  std::optional<std::string> sort;
  std::optional<size_t> top;
  uint64_t exact_memory = ExactBudget::kDefaultBytes;
  std::string section;
  std::optional<double> budget;
  CLI::Option* exact_memory_option = nullptr;
};

// The finishing options a single run of `command` takes; the others are usage errors.
void check_finishing_options(const MergeOptions& options, const std::string& command) {
  auto refuse = [&](std::string_view flag, std::string_view takes) {
    throw UsageError(fmt::format("{}: partial results of 'trace {}' do not take it (they take {})", flag, command, takes));
  };
  bool exact_memory = options.exact_memory_option->count() > 0;
  if (command == "stats") {
    if (!options.section.empty()) refuse("--section", "--sort, --top and --exact-memory");
    if (options.budget) refuse("--budget", "--sort, --top and --exact-memory");
  } else if (command == "summary") {
    if (options.sort) refuse("--sort", "--top and --section");
    if (exact_memory) refuse("--exact-memory", "--top and --section");
    if (options.budget) refuse("--budget", "--top and --section");
  } else if (command == "cost") {
    if (options.sort) refuse("--sort", "--top, --section and --budget");
    if (exact_memory) refuse("--exact-memory", "--top, --section and --budget");
  }
}

int run_merge(const MergeOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  StatsSortKey sort = parse_stats_sort_key(options.sort.value_or("total"));
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) {
    if (::isatty(STDIN_FILENO))
      throw UsageError("no partial results (give FILE arguments, or '-' to read them from standard input)");
    paths.emplace_back("-");
  }

  PartialMerge merge;
  std::optional<LatencyStatsPartials> stats;
  std::optional<RunSummaryPartials> summary;
  std::optional<CostReportPartials> cost;
  for_each_partial(paths, [&](const PartialHeader& header, PartialCursor& cursor, od::object state) {
    if (merge.empty()) {
      if (header.command != "stats" && header.command != "summary" && header.command != "cost")
        throw InputError(fmt::format("{}: a partial result of 'trace {}', which this trace does not merge (it merges "
                                     "stats, summary and cost)",
                                     header.label, header.command));
      check_finishing_options(options, header.command);
    }
    std::vector<uint32_t> files = merge.add(header);
    if (header.command == "stats") {
      if (!stats) stats.emplace(header, options.exact_memory);
      stats->add(cursor, state);
    } else if (header.command == "summary") {
      if (!summary) summary.emplace(header, options.top.value_or(10));
      summary->add(cursor, state, files);
    } else {
      if (!cost) cost.emplace(header, options.top.value_or(0));
      cost->add(cursor, state, files);
    }
  });

  // From here on, exactly what run_stats, run_summary and run_cost do with their result.
  const formats::ReadReport& read = merge.report();
  report_skips(read);
  if (stats) {
    output::Table table = stats->stats().finish({sort, options.top.value_or(0)});
    table.meta.command = "stats";
    fill_meta(table.meta, read);
    print_table(table, options.output);
    return kExitOk;
  }
  if (summary) {
    print_report(summary_output(summary->summary(), read), options.output, options.section);
    return kExitOk;
  }
  print_report(cost_output(cost->report(), cost->prices(), read, options.budget), options.output, options.section);
  return cost_budget_status(cost->report(), options.budget);
}

}  // namespace

Command register_merge(CLI::App& parent) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* app = parent.add_subcommand(
      "merge", "Merge partial results of stats, summary or cost (--partial) into what one run over all input prints");
  app->add_option("files", options->paths,
                  "Partial results: files (any number of partials each, one after another), directories, quoted globs, "
                  "or '-' for standard input");
  app->add_option("-s,--sort", options->sort,
                  "stats: sort rows by total (default), count, errors, error_rate, min, mean, p50, p90, p95, p99, max "
                  "or name");
  app->add_option("-n,--top", options->top,
                  "stats: show the first N rows; summary: rows of each top-N section (default 10); cost: rows of the "
                  "groups section");
  options->exact_memory_option =
      app->add_option("--exact-memory", options->exact_memory,
                      "stats: memory for exact percentiles while merging (8 bytes per duration); past it they come "
                      "from the sketch and the output says so (default 256MiB)")
          ->transform(CLI::AsSizeValue(false));
  app->add_option("--section", options->section,
                  "summary, cost: print only this section (as their --section)");
  app->add_option("--budget", options->budget, "cost: exit 1 when the total cost in USD is above this")
      ->check(CLI::NonNegativeNumber);
  add_output_options(*app, options->output);
  app->footer(
      "Partials must come from one command run with the same options (--group-by, --every, --approx,\n"
      "the price table); the inputs are listed in the order of the partials, and every '<stdin>'\n"
      "input is one: the pieces of one stream (a mapper's input). See trace-merge(1).\n"
      "\nExamples:\n"
      "  trace stats --partial samples/otlp_traces.json | trace merge -\n"
      "  trace stats --partial -o a.json samples/otlp_traces.json\n"
      "  trace merge --sort p99 --top 5 a.json b.json\n"
      "  trace merge --format md 'parts/*.json'\n"
      "  for f in logs/*.jsonl; do trace summary --partial \"$f\"; done | trace merge -");
  return {app, [options] { return run_merge(*options); }};
}

}  // namespace trace::cli
