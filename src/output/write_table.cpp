#include "src/output/write_table.h"

#include <fmt/format.h>

#include "src/errors.h"

namespace trace::output {

OutputFormat parse_output_format(std::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "jsonl") return OutputFormat::kJsonl;
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "markdown" || text == "md") return OutputFormat::kMarkdown;
  throw UsageError(fmt::format(
      "--format: unknown format '{}' (expected table, json, jsonl, csv or markdown)", text));
}

void write_table(const Table& table, OutputFormat format, const RenderStyle& style,
                 std::string& out) {
  switch (format) {
    case OutputFormat::kTable: write_text_table(table, style, out); return;
    case OutputFormat::kJson: write_json(table, style, out); return;
    case OutputFormat::kJsonl: write_jsonl(table, style, out); return;
    case OutputFormat::kCsv: write_csv(table, style, out); return;
    case OutputFormat::kMarkdown: write_markdown(table, style, out); return;
  }
}

}  // namespace trace::output
