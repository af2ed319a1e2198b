#include "src/output/html_table.h"

#include <iterator>

#include <fmt/format.h>

#include "src/output/html_escape.h"
#include "src/output/human_cells.h"
#include "src/output/json_writer.h"

namespace trace::output {

namespace {

bool numeric(ColumnKind kind) { return kind != ColumnKind::kText; }

void append_raw_value(const Cell& cell, std::string& out) {
  if (const auto* i = std::get_if<int64_t>(&cell)) append_json_number(*i, out);
  else if (const auto* d = std::get_if<double>(&cell)) append_json_number(*d, out);
}

}  // namespace

void write_html_table(const Table& table, const HtmlTableOptions& options, std::string& out) {
  out += "<div class=\"tablewrap\"><table class=\"sortable\"><thead><tr>";
  for (const Column& column : table.columns) {
    out += numeric(column.kind) ? "<th data-type=\"num\" title=\"" : "<th title=\"";
    append_html_escaped(column.key, out);
    out += "\">";
    append_html_escaped(column.header, out);
    out += "</th>";
  }
  if (options.extra_cell) {
    out += "<th class=\"nosort\">";
    append_html_escaped(options.extra_header, out);
    out += "</th>";
  }
  out += "</tr></thead><tbody>";
  // The same texts as the text table: units, and control characters made visible.
  detail::HumanTable human = detail::layout_human(table, detail::CellEscape::kPlain);
  size_t rows = table.rows.size();
  if (options.max_rows > 0 && rows > options.max_rows) rows = options.max_rows;
  for (size_t r = 0; r < rows; ++r) {
    const Row& row = table.rows[r];
    bool pinned = !row.empty() && !options.pinned_label.empty() && std::holds_alternative<std::string>(row[0]) &&
                  std::get<std::string>(row[0]) == options.pinned_label;
    out += pinned ? "<tr class=\"pin\">" : "<tr>";
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& column = table.columns[c];
      static const Cell kMissing;
      const Cell& cell = c < row.size() ? row[c] : kMissing;
      out += "<td";
      if (numeric(column.kind)) {
        bool alert = human.rows[r][c].alert;
        out += alert ? " class=\"num alert\"" : " class=\"num\"";
        if (!std::holds_alternative<std::monostate>(cell) && !std::holds_alternative<std::string>(cell)) {
          out += " data-v=\"";
          append_raw_value(cell, out);
          out += '"';
        }
      }
      out += '>';
      append_html_escaped(human.rows[r][c].text, out);
      out += "</td>";
    }
    if (options.extra_cell) {
      out += "<td class=\"chart\">";
      options.extra_cell(r, out);
      out += "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
}

}  // namespace trace::output
