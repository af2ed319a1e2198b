// trace tree: the span tree of one trace, or of every trace, indented, with start
// offset, duration, self time, status and chosen attributes; the critical path marked.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analyzers/record_filter.h"
#include "analyzers/span_tree.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/trace_view.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/human_cells.h"
#include "src/output/json_writer.h"
#include "src/output/stdout_writer.h"
#include "src/output/terminal.h"
#include "src/output/units.h"

namespace trace::cli {

namespace {

constexpr size_t kMessageBytes = 80;  // an error message is cut here in a row
constexpr size_t kFieldBytes = 40;    // and a --fields value here

struct TreeOptions {
  InputOptions input;
  TraceChoice choice;
  std::vector<std::string> fields;
  uint32_t depth = 0;
  std::string min_duration;
  std::vector<std::string> focus, hide;
  bool critical_path = false;
  std::string format = "text";
  std::string color = "auto";
};

struct Context {
  const std::vector<std::string>& fields;
  bool color;
};

// ---- text ----------------------------------------------------------------------------

struct TextRow {
  std::string marker, start, duration, self, status, span;
  bool error = false;
};

void render_text(const TraceSummary& summary, const SpanTree& tree, const std::vector<TreeRow>& rows,
                 const Context& ctx, std::string& out) {
  size_t spans = tree.nodes.size();
  uint64_t errors = summary.errors;
  out += "trace ";
  append_escaped(summary.trace_id, out);
  if (!summary.root_name.empty()) {
    out += "  ";
    append_escaped(summary.root_name, out);
  }
  fmt::format_to(std::back_inserter(out), "  {}  {}  {} span{}  {} error{}", trace_start_text(summary),
                 output::format_duration_ns(summary.duration_ns()), spans, spans == 1 ? "" : "s", errors,
                 errors == 1 ? "" : "s");
  if (summary.logs > 0) fmt::format_to(std::back_inserter(out), "  {} log{}", summary.logs, summary.logs == 1 ? "" : "s");
  if (!tree.critical_path.empty())
    fmt::format_to(std::back_inserter(out), "  critical path (*): {} span{}", tree.critical_path.size(),
                   tree.critical_path.size() == 1 ? "" : "s");
  out += '\n';

  std::vector<TextRow> text;
  text.push_back({"", "START", "DURATION", "SELF", "STATUS", "SPAN"});
  std::vector<bool> more;  // per depth: a later sibling follows, so draw '│'
  for (const TreeRow& row : rows) {
    TextRow t;
    std::string branches;
    if (row.depth > 0) {
      if (more.size() < row.depth + 1) more.resize(row.depth + 1, false);
      for (uint32_t d = 1; d < row.depth; ++d) branches += more[d] ? "│  " : "   ";
      branches += row.last ? "└─ " : "├─ ";
    }
    if (more.size() < row.depth + 1) more.resize(row.depth + 1, false);
    more[row.depth] = !row.last;
    t.span = branches;
    if (row.kind == RowKind::kLane) {
      t.span += '[';
      append_escaped(tree.lanes[row.index].name, t.span);
      t.span += ']';
    } else if (row.kind == RowKind::kOrphans) {
      const OrphanGroup& group = tree.orphans[row.index];
      t.span += group.cycle ? "[parent ids loop back to " : "[missing parent ";
      append_escaped(group.missing_parent_id, t.span);
      t.span += ']';
    } else {
      const TreeNode& node = tree.nodes[row.index];
      const KeptSpan& span = *node.span;
      t.marker = node.critical ? "*" : "";
      if (span.flags & kSpanStartUnknown) t.start = "~";
      append_offset(span.start_ns - summary.start_ns, t.start);
      t.duration = span.duration_ns < 0 ? "-" : output::format_duration_ns(span.duration_ns);
      t.self = node.self_ns < 0 ? "-" : output::format_duration_ns(node.self_ns);
      t.status = status_text(span.status);
      t.error = span.is_error();
      append_escaped(span.name, t.span);
      if (!span.status_message.empty() && span.is_error()) {
        t.span += ": ";
        append_escaped_cut(span.status_message, kMessageBytes, t.span);
      }
      bool show_service = node.parent == kNoNode || tree.nodes[node.parent].span->service != span.service;
      if (show_service && !span.service.empty()) {
        t.span += "  [";
        append_escaped(span.service, t.span);
        t.span += ']';
      }
      append_span_fields(span, ctx.fields, t.span, kFieldBytes);
      if (span.flags & kSpanIncomplete) t.span += "  (never ended)";
      if (row.hidden > 0) fmt::format_to(std::back_inserter(t.span), "  (+{} hidden)", row.hidden);
    }
    text.push_back(std::move(t));
  }

  size_t w_marker = 1, w_start = 0, w_duration = 0, w_self = 0, w_status = 0;
  for (const TextRow& t : text) {
    w_start = std::max(w_start, output::detail::display_width(t.start));
    w_duration = std::max(w_duration, output::detail::display_width(t.duration));
    w_self = std::max(w_self, output::detail::display_width(t.self));
    w_status = std::max(w_status, output::detail::display_width(t.status));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const TextRow& t = text[i];
    std::string line;
    bool header = i == 0;
    output::detail::append_padded(t.marker, w_marker, false, line);
    line += ' ';
    output::detail::append_padded(t.start, w_start, true, line);
    line += "  ";
    output::detail::append_padded(t.duration, w_duration, true, line);
    line += "  ";
    output::detail::append_padded(t.self, w_self, true, line);
    line += "  ";
    if (ctx.color && t.error) line += kRed;
    output::detail::append_padded(t.status, w_status, false, line);
    if (ctx.color && t.error) line += kReset;
    line += "  ";
    if (ctx.color && header) {
      out += kBold;
      out += line;
      out += t.span;
      out += kReset;
    } else if (ctx.color && t.error) {
      out += line;
      out += kRed;
      out += t.span;
      out += kReset;
    } else {
      out += line;
      out += t.span;
    }
    out += '\n';
  }
}

// ---- JSON ----------------------------------------------------------------------------

void append_node_json(const TraceSummary& summary, const SpanTree& tree, const TreeRow& row, std::string_view lane,
                      const OrphanGroup* orphan, uint32_t depth, std::string& out) {
  const TreeNode& node = tree.nodes[row.index];
  const KeptSpan& span = *node.span;
  auto text_or_null = [&out](std::string_view text) {
    if (text.empty()) out += "null";
    else output::append_json_string(text, out);
  };
  out += "{\"span_id\":";
  text_or_null(span.span_id);
  out += ",\"parent_id\":";
  text_or_null(span.parent_id);
  out += ",\"name\":";
  output::append_json_string(span.name, out);
  out += ",\"service\":";
  text_or_null(span.service);
  out += ",\"depth\":";
  output::append_json_number(static_cast<int64_t>(depth), out);
  out += ",\"start_ns\":";
  if (span.flags & kSpanClockRelative) out += "null";
  else output::append_json_number(span.start_ns, out);
  out += ",\"offset_ns\":";
  output::append_json_number(span.start_ns - summary.start_ns, out);
  out += ",\"start_known\":";
  out += (span.flags & kSpanStartUnknown) ? "false" : "true";
  out += ",\"duration_ns\":";
  if (span.duration_ns < 0) out += "null";
  else output::append_json_number(span.duration_ns, out);
  out += ",\"self_ns\":";
  if (node.self_ns < 0) out += "null";
  else output::append_json_number(node.self_ns, out);
  out += ",\"status\":";
  text_or_null(status_text(span.status));
  out += ",\"status_message\":";
  text_or_null(span.status_message);
  out += ",\"critical\":";
  out += node.critical ? "true" : "false";
  out += ",\"hidden\":";
  output::append_json_number(static_cast<int64_t>(row.hidden), out);
  out += ",\"lane\":";
  text_or_null(lane);
  out += ",\"orphan_of\":";
  text_or_null(orphan ? orphan->missing_parent_id : std::string_view());
  if (orphan && orphan->cycle) out += ",\"cycle\":true";
  out += ",\"attrs\":";
  append_attrs_json(span.attrs, out);
  out += ",\"events\":[";
  for (size_t e = 0; e < span.events.size(); ++e) {
    if (e > 0) out += ',';
    out += "{\"time_ns\":";
    output::append_json_number(span.events[e].time_ns, out);
    out += ",\"name\":";
    output::append_json_string(span.events[e].name, out);
    out += ",\"attrs\":";
    append_attrs_json(span.events[e].attrs, out);
    out += '}';
  }
  out += ']';
}

void append_summary_json(const TraceSummary& summary, const SpanTree& tree, std::string& out) {
  out += "\"trace_id\":";
  output::append_json_string(summary.trace_id, out);
  out += ",\"root\":";
  if (summary.root_name.empty()) out += "null";
  else output::append_json_string(summary.root_name, out);
  out += ",\"start_ns\":";
  if (summary.clock_relative) out += "null";
  else output::append_json_number(summary.start_ns, out);
  out += ",\"duration_ns\":";
  output::append_json_number(summary.duration_ns(), out);
  fmt::format_to(std::back_inserter(out), ",\"spans\":{},\"errors\":{},\"logs\":{}", tree.nodes.size(), summary.errors,
                 summary.logs);
  out += ",\"critical_path\":[";
  for (size_t k = 0; k < tree.critical_path.size(); ++k) {
    if (k > 0) out += ',';
    output::append_json_string(tree.nodes[tree.critical_path[k]].span->span_id, out);
  }
  out += ']';
}

// Walks the rows, calling emit(row, lane, orphan, depth) for each span row with its
// depth below the lane or orphan header it sits under.
template <class Emit>
void walk_span_rows(const SpanTree& tree, const std::vector<TreeRow>& rows, Emit emit) {
  std::string_view lane = tree.lanes.size() == 1 ? std::string_view(tree.lanes.front().name) : std::string_view();
  const OrphanGroup* orphan = nullptr;
  uint32_t base = 0;
  for (const TreeRow& row : rows) {
    if (row.kind == RowKind::kLane) {
      lane = tree.lanes[row.index].name;
      orphan = nullptr;
      base = 1;
      continue;
    }
    if (row.kind == RowKind::kOrphans) {
      lane = {};
      orphan = &tree.orphans[row.index];
      base = 1;
      continue;
    }
    const TreeNode& node = tree.nodes[row.index];
    uint32_t depth = row.depth - base;
    bool top = depth == 0;
    std::string_view node_lane = node.lane == kNoNode ? std::string_view() : std::string_view(tree.lanes[node.lane].name);
    emit(row, top ? node_lane : std::string_view(), top && node.lane == kNoNode ? orphan : nullptr, depth);
  }
}

void render_json_trace(const TraceSummary& summary, const SpanTree& tree, const std::vector<TreeRow>& rows,
                       std::string& out) {
  out += '{';
  append_summary_json(summary, tree, out);
  out += ",\"tree\":[";
  uint32_t open = 0;   // objects open, each with a children array open
  bool first = true;   // the next object is the first of its array
  walk_span_rows(tree, rows, [&](const TreeRow& row, std::string_view lane, const OrphanGroup* orphan, uint32_t depth) {
    while (open > depth) {
      out += "]}";
      --open;
      first = false;
    }
    if (!first) out += ',';
    append_node_json(summary, tree, row, lane, orphan, depth, out);
    out += ",\"children\":[";
    ++open;
    first = true;
  });
  while (open > 0) {
    out += "]}";
    --open;
  }
  out += "]}";
}

void render_jsonl_trace(const TraceSummary& summary, const SpanTree& tree, const std::vector<TreeRow>& rows,
                        std::string& out) {
  walk_span_rows(tree, rows, [&](const TreeRow& row, std::string_view lane, const OrphanGroup* orphan, uint32_t depth) {
    out += "{\"schema_version\":1,\"trace_id\":";
    output::append_json_string(summary.trace_id, out);
    out += ',';
    std::string node;
    append_node_json(summary, tree, row, lane, orphan, depth, node);
    out.append(node, 1);  // without its '{'
    out += "}\n";
  });
}

int run_tree(const TreeOptions& options) {
  TreeFilter filter;
  filter.max_depth = options.depth;
  if (!options.min_duration.empty()) filter.min_duration_ns = parse_duration_flag("--min-duration", options.min_duration);
  filter.focus = options.focus;
  filter.hide = options.hide;
  filter.critical_only = options.critical_path;
  if (filter.critical_only && !filter.focus.empty())
    throw UsageError("--critical-path and --focus: the critical path is a whole trace's; give one of them");
  std::vector<std::string> fields = split_fields(options.fields);
  bool color = options.format == "text" && output::color_enabled(output::parse_color_mode(options.color));

  TraceSet set;
  Pick pick = read_traces("tree", options.input, options.choice, Want::kEvery, set);
  report_skips(set.report);
  if (pick == Pick::kNone) return kExitNoMatch;

  Context ctx{fields, color};
  std::string out;
  if (options.format == "json") {
    out += "{\"schema_version\":1,\"command\":\"tree\",\"inputs\":[";
    for (size_t i = 0; i < set.report.files.size(); ++i) {
      if (i > 0) out += ',';
      output::append_json_string(set.report.files[i].name, out);
    }
    out += "],\"traces\":[";
  }
  bool first = true;
  for (const TraceSummary* summary : set.chosen) {
    TraceRecords records = set.collector.records(summary->trace_id);
    if (records.spans.empty()) continue;  // a trace of logs only has no tree
    SpanTree tree = build_span_tree(records.spans);
    std::vector<TreeRow> rows = tree_rows(tree, filter);
    if (options.format == "json") {
      if (!first) out += ',';
      render_json_trace(*summary, tree, rows, out);
    } else if (options.format == "jsonl") {
      render_jsonl_trace(*summary, tree, rows, out);
    } else {
      if (!first) out += '\n';
      render_text(*summary, tree, rows, ctx, out);
    }
    first = false;
    if (out.size() > (size_t(1) << 20) && options.format != "json") {
      output::write_stdout(out);
      out.clear();
    }
  }
  if (options.format == "json") out += "]}\n";
  if (first && options.format != "json") {
    fmt::print(stderr, "trace tree: no span in the chosen trace{} (only logs)\n", set.chosen.size() == 1 ? "" : "s");
    return kExitNoMatch;
  }
  output::write_stdout(out);
  return kExitOk;
}

}  // namespace

Command register_tree(CLI::App& parent) {
  auto options = std::make_shared<TreeOptions>();
  CLI::App* app = parent.add_subcommand("tree", "The span tree of a trace: offsets, durations, self time, critical path");
  add_input_options(*app, options->input);
  add_trace_choice_options(*app, options->choice);
  app->add_option("--fields", options->fields,
                  "Attributes to show on each span (comma-separated; also service, kind, span_id, parent_id)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--depth", options->depth, "Show N levels (1 = the roots only)")->check(CLI::Range(1u, 1000000u));
  app->add_option("--min-duration", options->min_duration, "Hide spans shorter than this (500us, 10ms), with what is under them");
  app->add_option("--focus", options->focus, "Only the subtrees of spans named NAME ('*' and '?' match any text / one character)")
      ->allow_extra_args(false);
  app->add_option("--hide", options->hide, "Hide spans named NAME, with what is under them ('*', '?' as in --focus)")
      ->allow_extra_args(false);
  app->add_flag("--critical-path", options->critical_path, "Only the critical path (marked * in the full tree)");
  app->add_option("-f,--format", options->format, "Output: text (default), json (nested) or jsonl (one span per line)")
      ->check(CLI::IsMember({"text", "json", "jsonl"}));
  app->add_flag_callback("--json", [options] { options->format = "json"; }, "Same as --format json");
  app->add_option("--color", options->color, "Errors in red: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app->footer(
      "Without --trace (or --run, --first, --slowest, --failed) every trace is shown, by start.\n"
      "A span's children are in start order. SELF is its duration minus the time its children\n"
      "cover. * marks the critical path: from the root, always the child that finishes last.\n"
      "Spans whose parent is not in the input are kept, under [missing parent ID].\n"
      "Exit status: 0 a tree was shown, 1 no such trace (or no span), 2 an error.\n"
      "\nExamples:\n"
      "  trace tree samples/jaeger.json\n"
      "  trace tree --trace 8e1d --fields gen_ai.request.model samples/jaeger.json\n"
      "  trace tree --critical-path --trace 4bf9 samples/otlp_traces.json\n"
      "  trace tree --depth 2 --min-duration 10ms samples/chrome_trace.json\n"
      "  trace tree --run 6f1c samples/stage_events.jsonl\n"
      "  trace tree --format json --trace 8e1d samples/jaeger.json");
  return {app, [options] { return run_tree(*options); }};
}

}  // namespace trace::cli
