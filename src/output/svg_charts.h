// Inline SVG drawings of the report's charts, written by trace itself so the page needs
// no script to show them: every text from the input is HTML-escaped, every shape with
// something to say carries a <title> (the browser's own tooltip; the page's script, when
// it runs, shows it in a richer box). No external references of any kind.
#pragma once

#include <cstddef>
#include <string>

#include "src/output/chart_model.h"

namespace trace::output {

// A histogram as a small bar chart (a sparkline for a table cell): buckets
// [first, last) of `h`, one bar each, equal widths (1-2-5 buckets are nearly equal on a
// log scale), heights relative to the fullest bucket. `first`/`last` are shared by the
// rows of one table, so their bars line up.
void write_histogram_svg(const Histogram& h, size_t first, size_t last, std::string& out);

// A trace as a waterfall: one row per span in tree order, the name indented by depth on
// the left, a bar on the trace's time axis on the right; errors red, the critical path
// outlined, spans that never ended drawn open to the end. `id` must be unique in the
// page (it names the SVG's clip path).
void write_waterfall_svg(const WaterfallView& view, const std::string& id, std::string& out);

// A flame graph, root on top (an icicle): one row per depth, each frame as wide as its
// time; the page's script zooms into a frame on click.
void write_flame_svg(const FlameView& view, std::string& out);

}  // namespace trace::output
