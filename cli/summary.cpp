// trace summary: the aggregate picture of many inputs in one pass: per file and in
// total, records, errors, time range, throughput, levels, top services, loggers, span
// names and error messages; groups or a histogram over time with --group-by / --every.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "analyzers/record_key.h"
#include "analyzers/run_summary.h"
#include "analyzers/run_summary_state.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_report.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/output_file.h"
#include "src/time.h"

namespace trace::cli {

namespace {

constexpr RecordKeyKind kSummaryKeys[] = {
    RecordKeyKind::kService, RecordKeyKind::kLogger, RecordKeyKind::kFile,    RecordKeyKind::kName,
    RecordKeyKind::kLevel,   RecordKeyKind::kModel,  RecordKeyKind::kProvider, RecordKeyKind::kTrace,
    RecordKeyKind::kSession, RecordKeyKind::kUser,   RecordKeyKind::kAttr,
};

struct SummaryCliOptions {
  InputOptions input;
  OutputOptions output;
  std::vector<std::string> group_by;
  std::string every;
  size_t top = 10;
  std::string section;
  bool partial = false;
};

int64_t parse_every(const std::string& text) {
  if (text.empty()) return 0;
  std::optional<int64_t> ns = parse_duration_ns(text);
  if (!ns || *ns <= 0)
    throw UsageError(fmt::format("--every: '{}' is not a duration above zero (expected e.g. 1m, 30s, 1h, 500ms)", text));
  return *ns;
}

int run_summary(const SummaryCliOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  SummaryOptions analysis;
  analysis.top = options.top;
  int64_t every_ns = parse_every(options.every);
  // The time bucket leads, so a histogram reads in time order.
  RecordKeySpec keys = parse_record_key_spec(options.group_by, kSummaryKeys);
  if (every_ns > 0) analysis.group_by.parts.push_back({RecordKeyKind::kTime, {}, every_ns});
  analysis.group_by.parts.insert(analysis.group_by.parts.end(), keys.parts.begin(), keys.parts.end());

  formats::ReadReport read;
  std::vector<formats::Input> inputs = options.input.inputs();
  RunSummary summary = formats::run_all<RunSummary>(
      inputs, options.input.read_options(), [&analysis] { return RunSummary(analysis); }, &read);
  report_skips(read);
  if (options.partial) {
    // The state, not the report: --top and --section apply where the partials merge.
    output::write_output(options.output.path,
                         RunSummaryState::partial(summary, read, fmt::format("trace {}", TRACE_VERSION)));
    return kExitOk;
  }

  print_report(summary_output(summary, read), options.output, options.section);
  return kExitOk;
}

}  // namespace

Command register_summary(CLI::App& parent) {
  auto options = std::make_shared<SummaryCliOptions>();
  CLI::App* app = parent.add_subcommand(
      "summary", "Per file and in total: records, errors, time range, throughput, levels, top services, names, errors");
  add_input_options(*app, options->input);
  app->add_option("-g,--group-by", options->group_by,
                  "Also count per group of service, logger, file, name, level, model, provider, trace, session, user "
                  "or attr:KEY (several: service,level)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--every", options->every, "Also count per time bucket of this width (1m, 30s, 1h): a histogram");
  app->add_option("-n,--top", options->top, "Rows in each top-N section (services, loggers, names, errors); 0 = all");
  app->add_option("--section", options->section,
                  "Print only this section: files, levels, services, loggers, span_names, errors or groups "
                  "(csv prints files unless told)");
  app->add_flag("--partial", options->partial,
                "Write the mergeable state (JSON, one line) for 'trace merge' instead of the report: "
                "run it on parts of the input, merge the parts");
  add_output_options(*app, options->output);
  app->footer(
      "FILE may be a directory (the *.json, *.jsonl, *.ndjson and *.log files in it, not in subfolders)\n"
      "or a quoted glob. Error messages group by template: numbers, hex ids, UUIDs and quoted strings\n"
      "become <num>, <hex>, <uuid> and <str>.\n"
      "\nExamples:\n"
      "  trace summary samples/app_logs.jsonl samples/otlp_traces.json\n"
      "  trace summary --every 30s samples/app_logs.jsonl\n"
      "  trace summary --group-by service,level --format md samples/pino.jsonl samples/otlp_logs.json\n"
      "  trace summary --json samples/\n"
      "  trace summary --section errors --csv 'samples/*.jsonl'\n"
      "  trace summary --partial samples/pino.jsonl | trace merge --section errors -");
  return {app, [options] { return run_summary(*options); }};
}

}  // namespace trace::cli
