#include <algorithm>
#include <cstdint>
#include <iterator>

#include "src/output/html_escape.h"
#include "src/output/svg_charts.h"
#include "src/output/svg_util.h"
#include "src/output/units.h"

namespace trace::output {

namespace {

constexpr double kWidth = 1200, kRowHeight = 18;
constexpr int kColours = 8;

void append_percent(int64_t part, int64_t whole, std::string& out) {
  if (whole <= 0) return;
  fmt::format_to(std::back_inserter(out), " ({:.1f}%)", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// One frame: a nested <svg> clips its label to its own box.
void append_frame(std::string_view classes, std::string_view name, double x, double y, double width, int64_t offset,
                  int64_t total, int depth, std::string_view title, std::string& out) {
  out += R"(<svg class="tip fr )";
  out += classes;
  out += R"(" x=")";
  svg::append_number(x, out);
  out += R"(" y=")";
  svg::append_number(y, out);
  out += R"(" width=")";
  svg::append_number(width, out);
  fmt::format_to(std::back_inserter(out), R"(" height="17" data-o="{}" data-w="{}" data-d="{}">)", offset, total,
                 depth);
  out += title;
  out += R"(<rect width="100%" height="100%"/><text x="3" y="12.5">)";
  append_html_escaped(name, out);
  out += "</text></svg>";
}

}  // namespace

void write_flame_svg(const FlameView& view, std::string& out) {
  double height = kRowHeight * (view.frames.empty() ? 1 : view.max_depth + 2) + 2;
  double scale = view.total_ns > 0 ? kWidth / static_cast<double>(view.total_ns) : 0;
  out += R"(<svg class="flame" viewBox="0 0 1200 )";
  svg::append_number(height, out);
  out += R"(" width="1200" height=")";
  svg::append_number(height, out);
  fmt::format_to(std::back_inserter(out), R"(" role="img" data-total="{}" data-frames="{}">)", view.total_ns,
                 view.frames.size());

  std::string title = "<title>all";
  fmt::format_to(std::back_inserter(title), "\nspans: {}\ntotal self time: ", view.spans);
  append_duration_ns(view.total_ns, title);
  title += "\nclick a frame to zoom, here to zoom out</title>";
  append_frame("root", "all", 0, 0, kWidth, 0, view.total_ns, -1, title, out);

  for (const FlameFrame& f : view.frames) {
    title = "<title>";
    append_html_escaped(f.name, title);
    title += "\ntime: ";
    append_duration_ns(f.total_ns, title);
    append_percent(f.total_ns, view.total_ns, title);
    title += "\nself: ";
    append_duration_ns(f.self_ns, title);
    append_percent(f.self_ns, view.total_ns, title);
    fmt::format_to(std::back_inserter(title), "\nspans: {}", f.spans);
    if (f.errors > 0) fmt::format_to(std::back_inserter(title), "\nerrors: {}", f.errors);
    title += "</title>";
    std::string classes = f.name == "…" ? "unk" : fmt::format("c{}", svg::name_hash(f.name) % kColours);
    if (f.errors > 0) classes += " err";
    append_frame(classes, f.name, scale * static_cast<double>(f.offset_ns), kRowHeight * (f.depth + 1),
                 std::max(0.5, scale * static_cast<double>(f.total_ns)), f.offset_ns, f.total_ns,
                 static_cast<int>(f.depth), title, out);
  }
  out += "</svg>";
}

}  // namespace trace::output
