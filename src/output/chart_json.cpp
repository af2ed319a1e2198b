// The report's own data as JSON: what the page draws and no other command prints.
#include <iterator>

#include <fmt/format.h>

#include "src/output/html_report.h"
#include "src/output/json_writer.h"

namespace trace::output {

namespace {

void append_strings(const std::vector<std::string>& items, std::string& out) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(items[i], out);
  }
  out += ']';
}

void append_key(std::string_view key, std::string& out) {
  append_json_string(key, out);
  out += ':';
}

void append_field(std::string_view key, int64_t value, std::string& out, bool comma = true) {
  append_key(key, out);
  append_json_number(value, out);
  if (comma) out += ',';
}

void append_field(std::string_view key, bool value, std::string& out, bool comma = true) {
  append_key(key, out);
  out += value ? "true" : "false";
  if (comma) out += ',';
}

void append_field(std::string_view key, std::string_view value, std::string& out, bool comma = true) {
  append_key(key, out);
  append_json_string(value, out);
  if (comma) out += ',';
}

std::string_view row_kind(WaterfallRowKind kind) {
  switch (kind) {
    case WaterfallRowKind::kSpan: return "span";
    case WaterfallRowKind::kLane: return "lane";
    case WaterfallRowKind::kOrphans: return "orphans";
  }
  return "span";
}

void append_histograms(const HtmlReport& report, std::string& out) {
  out += "\"histograms\":{\"bounds_ns\":[";
  if (!report.histograms.empty()) {
    const std::vector<int64_t>& bounds = report.histograms.front().bounds;
    for (size_t i = 0; i < bounds.size(); ++i) {
      if (i > 0) out += ',';
      append_json_number(bounds[i], out);
    }
  }
  out += "],\"groups\":[";
  for (size_t r = 0; r < report.histograms.size() && r < report.stats.rows.size(); ++r) {
    out += r > 0 ? ",\n{\"key\":[" : "\n{\"key\":[";
    const Row& row = report.stats.rows[r];
    for (size_t c = 0; c < report.stats_key_columns && c < row.size(); ++c) {
      if (c > 0) out += ',';
      if (const auto* s = std::get_if<std::string>(&row[c])) append_json_string(*s, out);
      else out += "null";
    }
    out += "],\"counts\":[";
    const std::vector<uint64_t>& counts = report.histograms[r].counts;
    for (size_t i = 0; i < counts.size(); ++i) {
      if (i > 0) out += ',';
      fmt::format_to(std::back_inserter(out), "{}", counts[i]);
    }
    out += "]}";
  }
  out += "]}";
}

void append_waterfall(const WaterfallView& view, std::string& out) {
  out += "\n{";
  append_field("trace_id", view.trace_id, out);
  append_field("root", view.root_name, out);
  append_field("start_ns", view.start_ns, out);
  append_field("clock_relative", view.clock_relative, out);
  append_field("duration_ns", view.duration_ns, out);
  append_field("spans", static_cast<int64_t>(view.spans_in_trace), out);
  append_field("errors", static_cast<int64_t>(view.errors_in_trace), out);
  append_field("spans_drawn", static_cast<int64_t>(view.spans_drawn), out);
  append_key("notes", out);
  append_strings(view.notes, out);
  out += ",\"rows\":[";
  for (size_t i = 0; i < view.rows.size(); ++i) {
    const WaterfallRow& row = view.rows[i];
    out += i > 0 ? ",\n{" : "\n{";
    append_field("kind", row_kind(row.kind), out);
    append_field("label", row.label, out);
    append_field("depth", static_cast<int64_t>(row.depth), out, row.kind == WaterfallRowKind::kSpan);
    if (row.kind == WaterfallRowKind::kSpan) {
      append_field("service", row.service, out);
      append_field("offset_ns", row.offset_ns, out);
      append_key("duration_ns", out);
      if (row.duration_ns < 0) out += "null,";
      else fmt::format_to(std::back_inserter(out), "{},", row.duration_ns);
      append_key("self_ns", out);
      if (row.self_ns < 0) out += "null,";
      else fmt::format_to(std::back_inserter(out), "{},", row.self_ns);
      append_field("error", row.error, out);
      append_field("critical", row.critical, out);
      append_field("incomplete", row.incomplete, out);
      append_field("status_message", row.status_message, out);
      out += "\"details\":{";
      for (size_t d = 0; d < row.details.size(); ++d) {
        if (d > 0) out += ',';
        append_field(row.details[d].first, row.details[d].second, out, false);
      }
      out += '}';
    }
    out += '}';
  }
  out += "]}";
}

void append_flame(const FlameView& flame, std::string& out) {
  out += "\"flame_graph\":{";
  append_field("total_ns", flame.total_ns, out);
  append_field("spans", static_cast<int64_t>(flame.spans), out);
  append_key("notes", out);
  append_strings(flame.notes, out);
  out += ",\"frames\":[";
  for (size_t i = 0; i < flame.frames.size(); ++i) {
    const FlameFrame& f = flame.frames[i];
    out += i > 0 ? ",\n{" : "\n{";
    append_field("name", f.name, out);
    append_field("depth", static_cast<int64_t>(f.depth), out);
    append_field("offset_ns", f.offset_ns, out);
    append_field("total_ns", f.total_ns, out);
    append_field("self_ns", f.self_ns, out);
    append_field("spans", static_cast<int64_t>(f.spans), out);
    append_field("errors", static_cast<int64_t>(f.errors), out, false);
    out += '}';
  }
  out += "]}";
}

}  // namespace

std::string report_charts_json(const HtmlReport& report) {
  std::string out = "{\"schema_version\":1,\"command\":\"report\",\"notes\":";
  append_strings(report.notes, out);
  out += ",\n";
  append_histograms(report, out);
  out += ",\n\"traces\":[";
  for (size_t i = 0; i < report.waterfalls.size(); ++i) {
    if (i > 0) out += ',';
    append_waterfall(report.waterfalls[i], out);
  }
  out += "],\n";
  append_flame(report.flame, out);
  out += "}\n";
  return out;
}

}  // namespace trace::output
