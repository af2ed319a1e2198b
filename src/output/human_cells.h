// The cell formatting and column layout the text table and the Markdown table share
// (hyperfine's markup.rs idea): each renderer only adds its own separators.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/output/table.h"

namespace trace::output::detail {

struct HumanCell {
  std::string text;
  bool alert = false;  // a positive value in an alert_if_positive column
};

struct HumanTable {
  std::vector<std::string> headers;
  std::vector<std::vector<HumanCell>> rows;
  std::vector<size_t> widths;  // display width of each column: widest of header and cells
  std::vector<bool> right;     // numbers are right-aligned, text left
};

enum class CellEscape { kPlain, kMarkdown };

// Formats every cell for people (units.h). Control characters in text become visible
// escapes ("\n", "\x1b"), so data can neither break a row nor send terminal escapes;
// kMarkdown also escapes '|'.
HumanTable layout_human(const Table& table, CellEscape escape);

// Terminal columns taken by UTF-8 text: one per code point (no East Asian width).
size_t display_width(std::string_view text);

// Appends `text` padded with spaces to `width` columns, on the left when `right`.
void append_padded(std::string_view text, size_t width, bool right, std::string& out);

}  // namespace trace::output::detail
