#include "cli/print_table.h"

#include <cstdio>

#include <fmt/format.h>

#include "src/output/output_file.h"
#include "src/output/terminal.h"
#include "src/output/write_table.h"

namespace trace::cli {

void fill_meta(output::TableMeta& meta, const formats::ReadReport& report) {
  meta.inputs.clear();
  for (const formats::FileReport& file : report.files) meta.inputs.push_back(file.name);
  meta.skipped = report.skipped();
  meta.skipped_at.clear();
  for (const formats::FileReport& file : report.files)
    for (const std::string& where : file.first_skips)
      if (meta.skipped_at.size() < formats::kMaxSkipsShown) meta.skipped_at.push_back(where);
  meta.spans = report.spans();
  meta.logs = report.logs();
  meta.records = meta.spans + meta.logs;
}

void print_table(const output::Table& table, const OutputOptions& options) {
  output::RenderStyle style;
  style.color = options.use_color();
  std::string out;
  output::OutputFormat format = output::parse_output_format(options.format);
  write_table(table, format, style, out);
  output::write_output(options.path, out);
  // Machine formats carry the notes inside; a person reading a table sees them apart.
  if (format == output::OutputFormat::kTable || format == output::OutputFormat::kMarkdown)
    for (const std::string& note : table.meta.notes) fmt::print(stderr, "note: {}\n", note);
}

}  // namespace trace::cli
