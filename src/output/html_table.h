// A Table as an HTML <table> for the report: cells formatted as in the text table
// (units.h), every text escaped, numeric cells carrying their raw value in data-v so the
// page's script sorts by value, not by formatted text.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "src/output/table.h"

namespace trace::output {

struct HtmlTableOptions {
  size_t max_rows = 0;  // 0 = all
  // Rows whose first cell is this text stay last when sorting ("(total)").
  std::string pinned_label = "(total)";
  // An extra last column drawn by the caller (a chart per row); empty: none.
  std::string extra_header;
  std::function<void(size_t row, std::string& out)> extra_cell;
};

void write_html_table(const Table& table, const HtmlTableOptions& options, std::string& out);

}  // namespace trace::output
