#include "cli/print_report.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/print_table.h"
#include "src/output/stdout_writer.h"
#include "src/output/terminal.h"

namespace trace::cli {

void fill_report_meta(output::TableMeta& meta, const formats::ReadReport& report, uint64_t records) {
  fill_meta(meta, report);
  meta.records = records;
}

void print_report(const output::Report& report, const OutputOptions& options, const std::string& section) {
  output::RenderStyle style;
  style.color = output::color_enabled(output::parse_color_mode(options.color));
  output::OutputFormat format = output::parse_output_format(options.format);
  std::string out;
  write_report(report, format, style, section, out);
  output::write_stdout(out);
  if (format == output::OutputFormat::kTable || format == output::OutputFormat::kMarkdown)
    for (const std::string& note : output::report_notes(report, section)) fmt::print(stderr, "note: {}\n", note);
}

}  // namespace trace::cli
