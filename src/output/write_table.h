// Renderers of a Table, one per output format, and the dispatcher the CLI calls.
// Each appends to `out`; the caller writes it in one go.
#pragma once

#include <string>
#include <string_view>

#include "src/output/table.h"

namespace trace::output {

enum class OutputFormat : uint8_t { kTable, kJson, kJsonl, kCsv, kMarkdown };

struct RenderStyle {
  bool color = false;  // ANSI colour in the text table (see terminal.h for the decision)
};

// "table", "json", "jsonl", "csv", "markdown" (or "md"). Throws UsageError:
// "--format: unknown format 'x' (expected table, json, jsonl, csv or markdown)".
OutputFormat parse_output_format(std::string_view text);

void write_table(const Table& table, OutputFormat format, const RenderStyle& style,
                 std::string& out);

// Aligned columns for people: text left, numbers right, two spaces between columns,
// one header line; units formatted (units.h); "-" for missing values. With
// style.color: bold header, red alert cells.
void write_text_table(const Table& table, const RenderStyle& style, std::string& out);

// A GitHub-flavoured Markdown table with the same cells as the text table; '|' in
// cells is escaped. Never coloured.
void write_markdown(const Table& table, const RenderStyle& style, std::string& out);

// One JSON document: the metadata, then "rows": an array of objects keyed by column
// key. Raw values: integer nanoseconds, fractions, dollars; null for missing values.
void write_json(const Table& table, const RenderStyle& style, std::string& out);

// One cell as a JSON value (null when missing), and a row's "key":value pairs without
// the braces: shared by the table and report JSON renderers so their rows agree.
void append_json_cell(const Cell& cell, std::string& out);
void append_json_row_fields(const Table& table, const Row& row, std::string& out);

// One compact row object per line, no metadata (for jq, grep, streaming consumers).
void write_jsonl(const Table& table, const RenderStyle& style, std::string& out);

// RFC 4180: a header of column keys, then one record per row; fields with a comma,
// quote, CR or LF quoted and quotes doubled; lines end with "\n"; missing = empty.
void write_csv(const Table& table, const RenderStyle& style, std::string& out);

}  // namespace trace::output
