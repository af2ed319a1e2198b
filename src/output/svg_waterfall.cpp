#include <algorithm>
#include <cstdint>
#include <iterator>

#include "src/output/html_escape.h"
#include "src/output/svg_charts.h"
#include "src/output/svg_util.h"
#include "src/output/units.h"

namespace trace::output {

namespace {

constexpr double kPlotLeft = 400, kPlotRight = 1190;
constexpr double kAxisHeight = 26, kRowHeight = 18;
constexpr double kNameClip = 318;  // the name column, before the duration column
constexpr double kDurationRight = 392;

void append_offset(int64_t ns, std::string& out) {
  if (ns == 0) {
    out += '0';
    return;
  }
  out += ns < 0 ? "-" : "+";
  append_duration_ns(ns < 0 ? -ns : ns, out);
}

void append_title(const WaterfallRow& row, std::string& out) {
  out += "<title>";
  append_html_escaped(row.label, out);
  if (!row.service.empty()) {
    out += "\nservice: ";
    append_html_escaped(row.service, out);
  }
  out += "\nstart: ";
  if (row.start_unknown) out += "unknown";
  else append_offset(row.offset_ns, out);
  out += "\nduration: ";
  if (row.incomplete) out += "never ended";
  else if (row.duration_ns < 0) out += "unknown";
  else append_duration_ns(row.duration_ns, out);
  if (row.self_ns >= 0) {
    out += " (self ";
    append_duration_ns(row.self_ns, out);
    out += ')';
  }
  if (row.error) {
    out += "\nstatus: error";
    if (!row.status_message.empty()) {
      out += ": ";
      append_html_escaped(row.status_message, out);
    }
  }
  if (row.critical) out += "\non the critical path";
  for (const auto& [key, value] : row.details) {
    out += '\n';
    append_html_escaped(key, out);
    out += ": ";
    append_html_escaped(value, out);
  }
  out += "</title>";
}

}  // namespace

void write_waterfall_svg(const WaterfallView& view, const std::string& id, std::string& out) {
  double height = kAxisHeight + kRowHeight * static_cast<double>(view.rows.size()) + 4;
  int64_t span = std::max<int64_t>(view.duration_ns, 0);
  double scale = span > 0 ? (kPlotRight - kPlotLeft) / static_cast<double>(span) : 0;
  auto x_of = [scale](int64_t ns) { return kPlotLeft + scale * static_cast<double>(ns); };

  out += R"(<svg class="waterfall" viewBox="0 0 1200 )";
  svg::append_number(height, out);
  out += R"(" width="1200" height=")";
  svg::append_number(height, out);
  out += R"(" role="img" data-rows=")";
  fmt::format_to(std::back_inserter(out), "{}", view.rows.size());
  out += "\">";
  fmt::format_to(std::back_inserter(out), R"(<defs><clipPath id="{}-c"><rect x="0" y="0" width="{}" height="{}"/></clipPath></defs>)",
                 id, kNameClip, height);

  // Time axis: ticks at round offsets, grid lines through every row.
  int64_t step = svg::tick_step(span, 8);
  out += R"(<g class="axis">)";
  for (int64_t t = 0; span > 0 && t <= span; t += step) {
    double x = x_of(t);
    out += R"(<line x1=")";
    svg::append_number(x, out);
    out += R"(" y1="20" x2=")";
    svg::append_number(x, out);
    out += R"(" y2=")";
    svg::append_number(height, out);
    out += R"("/><text x=")";
    svg::append_number(x, out);
    out += R"(" y="14">)";
    append_offset(t, out);
    out += "</text>";
    if (t > span - step) break;
  }
  out += "</g>";

  for (size_t r = 0; r < view.rows.size(); ++r) {
    const WaterfallRow& row = view.rows[r];
    double y = kAxisHeight + kRowHeight * static_cast<double>(r);
    if (row.kind != WaterfallRowKind::kSpan) {
      out += R"(<g class="hdr"><rect class="bg" x="0" y=")";
      svg::append_number(y, out);
      out += R"(" width="1200" height="18"/><text x="4" y=")";
      svg::append_number(y + 13, out);
      out += "\">";
      append_html_escaped(row.label, out);
      out += "</text></g>";
      continue;
    }
    out += R"(<g class="tip span)";
    if (row.error) out += " err";
    if (row.critical) out += " crit";
    out += "\">";
    append_title(row, out);
    out += R"(<rect class="bg" x="0" y=")";
    svg::append_number(y, out);
    out += R"(" width="1200" height="18"/>)";
    double indent = 4 + 12 * static_cast<double>(std::min<uint32_t>(row.depth, 16));
    out += R"(<text class="name" x=")";
    svg::append_number(indent, out);
    out += R"(" y=")";
    svg::append_number(y + 13, out);
    fmt::format_to(std::back_inserter(out), R"X(" clip-path="url(#{}-c)">)X", id);
    append_html_escaped(row.label, out);
    out += R"(</text><text class="dur" x=")";
    svg::append_number(kDurationRight, out);
    out += R"(" y=")";
    svg::append_number(y + 13, out);
    out += "\">";
    if (row.incomplete) out += "open";
    else if (row.duration_ns >= 0) append_duration_ns(row.duration_ns, out);
    else out += "?";
    out += "</text>";

    // The bar; one that never ended (or of unknown length) runs open to the axis' end.
    bool open = row.incomplete || row.duration_ns < 0;
    double x0 = x_of(row.offset_ns);
    double x1 = open ? kPlotRight : x_of(row.offset_ns + row.duration_ns);
    double width = std::max(1.5, x1 - x0);
    out += R"(<rect class="bar)";
    if (open) out += " open";
    if (row.instant) out += " inst";
    if (row.start_unknown) out += " nostart";
    out += R"(" x=")";
    svg::append_number(x0, out);
    out += R"(" y=")";
    svg::append_number(y + 3, out);
    out += R"(" width=")";
    svg::append_number(width, out);
    out += R"(" height="12"/></g>)";
  }
  out += "</svg>";
}

}  // namespace trace::output
