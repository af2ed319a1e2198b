// trace top: the N slowest spans, overall or per group, with trace id, parent chain and
// key attributes.
#include <memory>

#include "analyzers/group_key.h"
#include "analyzers/slowest_spans.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/exit_codes.h"

namespace trace::cli {

namespace {

struct TopOptions {
  InputOptions input;
  OutputOptions output;
  size_t top = 10;
  std::string by = "duration";
  std::vector<std::string> group_by;
};

int run_top(const TopOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  SlowestSpansOptions analysis;
  analysis.top = options.top;
  analysis.by = parse_rank_by(options.by);
  if (!options.group_by.empty()) analysis.group_by = parse_group_key_spec(options.group_by);

  formats::ReadReport report;
  std::vector<formats::Input> inputs = options.input.inputs();
  SlowestSpans slowest = formats::run_all<SlowestSpans>(
      inputs, options.input.read_options(), [&analysis] { return SlowestSpans(analysis); }, &report);
  report_skips(report);

  std::vector<std::string> names;
  for (const formats::FileReport& file : report.files) names.push_back(file.name);
  output::Table table = slowest.finish(names);
  table.meta.command = "top";
  fill_meta(table.meta, report);
  print_table(table, options.output);
  return kExitOk;
}

}  // namespace

Command register_top(CLI::App& parent) {
  auto options = std::make_shared<TopOptions>();
  CLI::App* app = parent.add_subcommand("top", "The N slowest spans, with trace id, parent chain and key attributes");
  add_input_options(*app, options->input);
  app->add_option("-n,--top", options->top, "How many spans to show (per group with --group-by; default 10)")
      ->check(CLI::Range(size_t(1), size_t(1) << 20));
  app->add_option("--by", options->by, "Rank by duration (default) or self-time (duration minus children's time)")
      ->check(CLI::IsMember({"duration", "self-time"}));
  app->add_option("-g,--group-by", options->group_by,
                  "The slowest per group of name, service, model or attr:KEY (several: name,service)")
      ->delimiter(',')
      ->allow_extra_args(false);
  add_output_options(*app, options->output);
  app->footer(
      "Ties rank by trace id, then span id. Parent chains read root first; '…' marks an\n"
      "ancestor that is not in the input.\n"
      "\nExamples:\n"
      "  trace top samples/otlp_traces.json\n"
      "  trace top -n 3 --by self-time samples/chrome_trace.json\n"
      "  trace top -n 1 --group-by name samples/otlp_traces.jsonl\n"
      "  trace top --format json samples/app_logs.jsonl");
  return {app, [options] { return run_top(*options); }};
}

}  // namespace trace::cli
