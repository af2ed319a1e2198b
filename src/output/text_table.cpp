// The aligned table for people (--format table, the default on a terminal).
#include <string_view>

#include "src/output/human_cells.h"
#include "src/output/write_table.h"

namespace trace::output {

namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kGap = "  ";

// One line. The last column, when left-aligned, is not padded: no trailing spaces.
template <class TextOf, class AlertOf>
void append_line(const detail::HumanTable& human, TextOf text_of, AlertOf alert_of,
                 bool color, std::string& out) {
  size_t n = human.widths.size();
  for (size_t c = 0; c < n; ++c) {
    if (c > 0) out += kGap;
    std::string_view text = text_of(c);
    bool right = human.right[c];
    size_t width = (c + 1 == n && !right) ? 0 : human.widths[c];
    size_t w = detail::display_width(text);
    size_t pad = width > w ? width - w : 0;
    if (right) out.append(pad, ' ');
    bool red = color && alert_of(c);
    if (red) out += kRed;
    out += text;
    if (red) out += kReset;
    if (!right) out.append(pad, ' ');
  }
  out += '\n';
}

}  // namespace

void write_text_table(const Table& table, const RenderStyle& style, std::string& out) {
  if (table.columns.empty()) return;
  detail::HumanTable human = detail::layout_human(table, detail::CellEscape::kPlain);
  if (style.color) out += kBold;
  append_line(
      human, [&](size_t c) -> std::string_view { return human.headers[c]; },
      [](size_t) { return false; }, false, out);
  if (style.color) {
    // Close the bold before the newline, so a pager never carries it to the next line.
    out.pop_back();
    out += kReset;
    out += '\n';
  }
  for (const auto& row : human.rows) {
    append_line(
        human, [&](size_t c) -> std::string_view { return row[c].text; },
        [&](size_t c) { return row[c].alert; }, style.color, out);
  }
}

}  // namespace trace::output
