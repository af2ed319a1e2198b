// --format csv (RFC 4180), for spreadsheets and pandas.
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "src/output/write_table.h"

namespace trace::output {

namespace {

void append_field(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_cell(const Cell& cell, std::string& out) {
  if (const auto* s = std::get_if<std::string>(&cell))
    append_field(*s, out);
  else if (const auto* i = std::get_if<int64_t>(&cell))
    fmt::format_to(std::back_inserter(out), "{}", *i);
  else if (const auto* d = std::get_if<double>(&cell); d != nullptr && std::isfinite(*d))
    fmt::format_to(std::back_inserter(out), "{}", *d);
}

}  // namespace

void write_csv(const Table& table, const RenderStyle&, std::string& out) {
  if (table.columns.empty()) return;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    append_field(table.columns[c].key, out);
  }
  out += '\n';
  for (const Row& row : table.rows) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ',';
      if (c < row.size()) append_cell(row[c], out);
    }
    out += '\n';
  }
}

}  // namespace trace::output
