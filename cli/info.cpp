// trace info: what each input is: detected format and producer, records by kind, time range,
// distinct traces, services and names, bytes read.
#include <memory>

#include <fmt/format.h>

#include "analyzers/input_info.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/exit_codes.h"

namespace trace::cli {

namespace {

struct InfoOptions {
  InputOptions input;
  OutputOptions output;
};

std::string distinct_note(size_t count, bool capped) {
  return capped ? fmt::format("at least {}", count) : std::string();
}

output::Table info_table(const formats::ReadReport& report, const InputInfo& info) {
  using output::ColumnKind;
  output::Table table;
  table.columns = {
      {"file", "file", ColumnKind::kText},        {"format", "format", ColumnKind::kText},
      {"producer", "producer", ColumnKind::kText},
      {"bytes", "bytes", ColumnKind::kBytes},     {"spans", "spans", ColumnKind::kCount},
      {"logs", "logs", ColumnKind::kCount},       {"errors", "errors", ColumnKind::kCount, true},
      {"first_ns", "first", ColumnKind::kTimestampNs}, {"last_ns", "last", ColumnKind::kTimestampNs},
      {"wall_ns", "wall", ColumnKind::kDurationNs}, {"traces", "traces", ColumnKind::kCount},
      {"services", "services", ColumnKind::kCount}, {"names", "names", ColumnKind::kCount},
  };
  static const FileInfo kNothing;
  for (size_t i = 0; i < report.files.size(); ++i) {
    const formats::FileReport& file = report.files[i];
    auto found = info.files().find(static_cast<uint32_t>(i));
    const FileInfo& stats = found != info.files().end() ? found->second : kNothing;
    output::Cell producer = file.producer.empty() ? output::Cell() : output::Cell(file.producer);
    output::Row row{file.name, file.format, producer, int64_t(file.bytes), int64_t(stats.spans), int64_t(stats.logs),
                    int64_t(stats.error_spans + stats.error_logs)};
    if (stats.has_time() && !stats.relative_clock) {
      row.insert(row.end(), {stats.first_ns, stats.last_ns, stats.last_ns - stats.first_ns});
    } else if (stats.has_time()) {
      // Relative clocks have no date: only the covered span of time means something.
      row.insert(row.end(), {std::monostate{}, std::monostate{}, stats.last_ns - stats.first_ns});
      table.meta.notes.push_back(
          fmt::format("{}: times are relative to an unknown origin (no epoch clock in the file)", file.name));
    } else {
      row.insert(row.end(), {std::monostate{}, std::monostate{}, std::monostate{}});
    }
    row.insert(row.end(), {int64_t(stats.traces.size()), int64_t(stats.services.size()), int64_t(stats.names.size())});
    for (auto [what, count, capped] : {std::tuple{"traces", stats.traces.size(), stats.traces_capped},
                                       std::tuple{"services", stats.services.size(), stats.services_capped},
                                       std::tuple{"names", stats.names.size(), stats.names_capped}})
      if (capped) table.meta.notes.push_back(fmt::format("{}: {} {} (distinct values counted up to {})", file.name,
                                                         distinct_note(count, capped), what, kMaxDistinctTracked));
    table.rows.push_back(std::move(row));
  }
  return table;
}

int run_info(const InfoOptions& options) {
  formats::ReadReport report;
  std::vector<formats::Input> inputs = options.input.inputs();
  InputInfo info = formats::run_all<InputInfo>(inputs, options.input.read_options(),
                                               [] { return InputInfo(); }, &report);
  report_skips(report);
  output::Table table = info_table(report, info);
  table.meta.command = "info";
  fill_meta(table.meta, report);
  print_table(table, options.output);
  return kExitOk;
}

}  // namespace

Command register_info(CLI::App& parent) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* app = parent.add_subcommand("info", "Detected format, record counts, time range and names of each input");
  add_input_options(*app, options->input);
  add_output_options(*app, options->output);
  app->footer(
      "Examples:\n"
      "  trace info samples/otlp_traces.json\n"
      "  trace info --format json samples/*.json*\n"
      "  zcat logs.jsonl.gz | trace info -");
  return {app, [options] { return run_info(*options); }};
}

}  // namespace trace::cli
