#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>

#include "src/output/svg_charts.h"
#include "src/output/svg_util.h"
#include "src/output/units.h"

namespace trace::output {

namespace {

constexpr double kWidth = 160, kBaseline = 26;

void append_bound(int64_t ns, std::string& out) {
  if (ns == std::numeric_limits<int64_t>::max()) out += "∞";
  else append_duration_ns(ns, out);
}

}  // namespace

void write_histogram_svg(const Histogram& h, size_t first, size_t last, std::string& out) {
  last = std::min(last, h.counts.size());
  if (first >= last) return;
  uint64_t max = 0;
  for (size_t i = first; i < last; ++i) max = std::max(max, h.counts[i]);
  double bar = kWidth / static_cast<double>(last - first);
  out += R"(<svg class="hist" viewBox="0 0 160 28" width="160" height="28" role="img">)";
  out += R"(<line class="base" x1="0" y1="26.5" x2="160" y2="26.5"/>)";
  for (size_t i = first; i < last; ++i) {
    if (h.counts[i] == 0) continue;
    // At least 2 units high, so a bucket of one span among thousands still shows.
    double height = std::max(2.0, (kBaseline - 2) * static_cast<double>(h.counts[i]) / static_cast<double>(max));
    out += R"(<rect class="tip" x=")";
    svg::append_number(bar * static_cast<double>(i - first) + 0.5, out);
    out += R"(" y=")";
    svg::append_number(kBaseline - height, out);
    out += R"(" width=")";
    svg::append_number(std::max(1.0, bar - 1), out);
    out += R"(" height=")";
    svg::append_number(height, out);
    out += R"("><title>)";
    append_bound(h.bounds[i], out);
    out += " to ";
    append_bound(h.bounds[i + 1], out);
    fmt::format_to(std::back_inserter(out), ": {} span{}</title></rect>", h.counts[i], h.counts[i] == 1 ? "" : "s");
  }
  out += "</svg>";
}

}  // namespace trace::output
