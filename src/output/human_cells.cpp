#include "src/output/human_cells.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "src/output/units.h"

namespace trace::output::detail {

namespace {

const Cell kMissing;

void append_escaped(std::string_view text, CellEscape escape, std::string& out) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: fmt::format_to(std::back_inserter(out), "\\x{:02x}", c); break;
      }
    } else if (c == '|' && escape == CellEscape::kMarkdown) {
      out += "\\|";
    } else {
      out += ch;
    }
  }
}

bool is_positive(const Cell& cell) {
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i > 0;
  if (const auto* d = std::get_if<double>(&cell)) return *d > 0;
  return false;
}

void format_number(int64_t v, ColumnKind kind, std::string& out) {
  switch (kind) {
    case ColumnKind::kDurationNs: append_duration_ns(v, out); break;
    case ColumnKind::kRatio: append_ratio(static_cast<double>(v), out); break;
    case ColumnKind::kCostUsd: append_cost_usd(static_cast<double>(v), out); break;
    case ColumnKind::kBytes: append_bytes(v, out); break;
    case ColumnKind::kTimestampNs: append_timestamp_ns(v, out); break;
    case ColumnKind::kText:
    case ColumnKind::kCount: append_count(v, out); break;
  }
}

void format_number(double v, ColumnKind kind, std::string& out) {
  switch (kind) {
    case ColumnKind::kRatio: append_ratio(v, out); break;
    case ColumnKind::kCostUsd: append_cost_usd(v, out); break;
    case ColumnKind::kDurationNs:
    case ColumnKind::kBytes:
    case ColumnKind::kTimestampNs:
      format_number(static_cast<int64_t>(v < 0 ? v - 0.5 : v + 0.5), kind, out);
      break;
    case ColumnKind::kText:
    case ColumnKind::kCount: fmt::format_to(std::back_inserter(out), "{}", v); break;
  }
}

std::string format_cell(const Cell& cell, ColumnKind kind, CellEscape escape) {
  std::string text;
  if (std::holds_alternative<std::monostate>(cell)) {
    text = "-";
  } else if (const auto* s = std::get_if<std::string>(&cell)) {
    append_escaped(*s, escape, text);
  } else if (const auto* i = std::get_if<int64_t>(&cell)) {
    format_number(*i, kind, text);
  } else {
    format_number(std::get<double>(cell), kind, text);
  }
  return text;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  return width;
}

void append_padded(std::string_view text, size_t width, bool right, std::string& out) {
  size_t w = display_width(text);
  size_t pad = width > w ? width - w : 0;
  if (right) out.append(pad, ' ');
  out += text;
  if (!right) out.append(pad, ' ');
}

HumanTable layout_human(const Table& table, CellEscape escape) {
  HumanTable human;
  size_t n = table.columns.size();
  human.widths.resize(n);
  human.right.resize(n);
  for (size_t c = 0; c < n; ++c) {
    const Column& column = table.columns[c];
    std::string header;
    append_escaped(column.header, escape, header);
    human.widths[c] = display_width(header);
    human.right[c] = column.kind != ColumnKind::kText;
    human.headers.push_back(std::move(header));
  }
  human.rows.reserve(table.rows.size());
  for (const Row& row : table.rows) {
    std::vector<HumanCell>& cells = human.rows.emplace_back(n);
    for (size_t c = 0; c < n; ++c) {
      const Column& column = table.columns[c];
      const Cell& cell = c < row.size() ? row[c] : kMissing;
      cells[c].text = format_cell(cell, column.kind, escape);
      cells[c].alert = column.alert_if_positive && is_positive(cell);
      human.widths[c] = std::max(human.widths[c], display_width(cells[c].text));
    }
  }
  return human;
}

}  // namespace trace::output::detail
