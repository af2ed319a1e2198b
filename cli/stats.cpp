// trace stats: per-group latency percentiles, counts and error rates of spans.
#include <memory>

#include <fmt/format.h>

#include "analyzers/group_key.h"
#include "analyzers/latency_stats.h"
#include "analyzers/latency_stats_state.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/exit_codes.h"
#include "src/output/output_file.h"

namespace trace::cli {

namespace {

struct StatsOptions {
  InputOptions input;
  OutputOptions output;
  std::vector<std::string> group_by;
  std::string sort = "total";
  size_t top = 0;
  bool approx = false;
  uint64_t exact_memory = ExactBudget::kDefaultBytes;
  bool partial = false;
};

int run_stats(const StatsOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  GroupKeySpec group_by = options.group_by.empty() ? GroupKeySpec::by_name() : parse_group_key_spec(options.group_by);
  LatencyStatsOptions finish_options{parse_stats_sort_key(options.sort), options.top};
  auto budget = std::make_shared<ExactBudget>(options.exact_memory, options.approx);

  formats::ReadReport report;
  std::vector<formats::Input> inputs = options.input.inputs();
  LatencyStats stats = formats::run_all<LatencyStats>(
      inputs, options.input.read_options(), [&group_by, &budget] { return LatencyStats(group_by, budget); }, &report);
  report_skips(report);
  if (options.partial) {
    // The state, not the table: --sort and --top apply where the partials merge.
    output::write_output(options.output.path,
                         LatencyStatsState::partial(stats, options.approx, report, fmt::format("trace {}", TRACE_VERSION)));
    return kExitOk;
  }

  output::Table table = stats.finish(finish_options);
  table.meta.command = "stats";
  fill_meta(table.meta, report);
  print_table(table, options.output);
  return kExitOk;
}

}  // namespace

Command register_stats(CLI::App& parent) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* app = parent.add_subcommand("stats", "Latency percentiles, counts and error rates per group of spans");
  add_input_options(*app, options->input);
  app->add_option("-g,--group-by", options->group_by,
                  "Group by name (default), service, model or attr:KEY; several keys allowed (name,service)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("-s,--sort", options->sort,
                  "Sort rows by total (default), count, errors, error_rate, min, mean, p50, p90, p95, p99, max or name");
  app->add_option("-n,--top", options->top, "Show only the first N rows after sorting");
  app->add_flag("--approx", options->approx,
                "Percentiles from a sketch within 1% relative error, in a few KiB per group (huge inputs)");
  app->add_option("--exact-memory", options->exact_memory,
                  "Memory for exact percentiles (8 bytes per duration); past it they come from the sketch "
                  "and the output says so (default 256MiB)")
      ->transform(CLI::AsSizeValue(false));
  app->add_flag("--partial", options->partial,
                "Write the mergeable state (JSON, one line) for 'trace merge' instead of the table: "
                "run it on parts of the input, merge the parts");
  add_output_options(*app, options->output);
  app->footer(
      "Percentiles are exact: linear interpolation between closest ranks (R-7), rounded to the ns;\n"
      "with --approx, or past --exact-memory of kept durations, within 1% (DDSketch).\n"
      "\nExamples:\n"
      "  trace stats samples/otlp_traces.json\n"
      "  trace stats --group-by service,name --sort p99 samples/otlp_traces.jsonl\n"
      "  trace stats --group-by model --format csv samples/otlp_traces.json\n"
      "  trace stats --group-by attr:stage --top 5 --json samples/app_logs.jsonl\n"
      "  trace stats --partial samples/app_logs.jsonl | trace merge -");
  return {app, [options] { return run_stats(*options); }};
}

}  // namespace trace::cli
