// --format json and jsonl. A JSON document's rows are exactly the objects jsonl writes
// one per line, so a consumer can switch between the two without re-mapping keys.
#include "src/output/json_writer.h"
#include "src/output/write_table.h"

namespace trace::output {

void append_json_cell(const Cell& cell, std::string& out) {
  if (std::holds_alternative<std::monostate>(cell))
    out += "null";
  else if (const auto* s = std::get_if<std::string>(&cell))
    append_json_string(*s, out);
  else if (const auto* i = std::get_if<int64_t>(&cell))
    append_json_number(*i, out);
  else
    append_json_number(std::get<double>(cell), out);
}

void append_json_row_fields(const Table& table, const Row& row, std::string& out) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    append_json_string(table.columns[c].key, out);
    out += ':';
    if (c < row.size())
      append_json_cell(row[c], out);
    else
      out += "null";
  }
}

namespace {

void append_row_object(const Table& table, const Row& row, std::string& out) {
  out += '{';
  append_json_row_fields(table, row, out);
  out += '}';
}


void append_count_field(std::string_view key, uint64_t value, std::string& out) {
  out += "  \"";
  out += key;
  out += "\": ";
  append_json_number(static_cast<int64_t>(value), out);
  out += ",\n";
}

}  // namespace

void write_json(const Table& table, const RenderStyle&, std::string& out) {
  const TableMeta& meta = table.meta;
  out += "{\n";
  append_count_field("schema_version", static_cast<uint64_t>(meta.schema_version), out);
  out += "  \"command\": ";
  append_json_string(meta.command, out);
  out += ",\n  \"inputs\": ";
  append_json_string_array(meta.inputs, out);
  out += ",\n";
  append_count_field("records", meta.records, out);
  append_count_field("spans", meta.spans, out);
  append_count_field("logs", meta.logs, out);
  append_count_field("skipped", meta.skipped, out);
  out += "  \"skipped_at\": ";
  append_json_string_array(meta.skipped_at, out);
  out += ",\n  \"approximate\": ";
  out += meta.approximate ? "true" : "false";
  out += ",\n";
  if (!meta.percentile_method.empty()) {
    out += "  \"percentile_method\": ";
    append_json_string(meta.percentile_method, out);
    out += ",\n";
  }
  out += "  \"notes\": ";
  append_json_string_array(meta.notes, out);
  out += ",\n  \"rows\": [";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out += r > 0 ? ",\n    " : "\n    ";
    append_row_object(table, table.rows[r], out);
  }
  out += table.rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
}

void write_jsonl(const Table& table, const RenderStyle&, std::string& out) {
  for (const Row& row : table.rows) {
    append_row_object(table, row, out);
    out += '\n';
  }
}

}  // namespace trace::output
