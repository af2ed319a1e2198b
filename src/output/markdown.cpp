// GitHub-flavoured Markdown: the text table's cells between pipes, for READMEs and PRs.
#include "src/output/human_cells.h"
#include "src/output/write_table.h"

namespace trace::output {

void write_markdown(const Table& table, const RenderStyle&, std::string& out) {
  if (table.columns.empty()) return;
  detail::HumanTable human = detail::layout_human(table, detail::CellEscape::kMarkdown);
  size_t n = human.widths.size();
  auto line = [&](auto text_of) {
    out += '|';
    for (size_t c = 0; c < n; ++c) {
      out += ' ';
      detail::append_padded(text_of(c), human.widths[c], human.right[c], out);
      out += " |";
    }
    out += '\n';
  };
  line([&](size_t c) -> std::string_view { return human.headers[c]; });
  out += '|';
  for (size_t c = 0; c < n; ++c) {
    // The divider spans the cell and its two spaces; the colon marks the alignment.
    if (human.right[c]) {
      out.append(human.widths[c] + 1, '-');
      out += ":|";
    } else {
      out += ':';
      out.append(human.widths[c] + 1, '-');
      out += '|';
    }
  }
  out += '\n';
  for (const auto& row : human.rows) line([&](size_t c) -> std::string_view { return row[c].text; });
}

}  // namespace trace::output
