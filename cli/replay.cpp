// trace replay: a recorded execution step by step (span starts and ends, events, the
// trace's logs), the state at any step, and a line-based prompt to move through it.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "analyzers/replay_steps.h"
#include "analyzers/span_tree.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "cli/trace_view.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/human_cells.h"
#include "src/output/json_writer.h"
#include "src/output/stdout_writer.h"
#include "src/output/terminal.h"
#include "src/output/units.h"
#include "src/output/write_table.h"
#include "src/severity.h"
#include "src/time.h"

namespace trace::cli {

namespace {

constexpr size_t kMessageBytes = 200;  // a log message is cut here in a step line
constexpr size_t kValueBytes = 40;     // and an attribute value here
constexpr int64_t kMaxSleepNs = 2 * kNsPerSecond;

struct ReplayOptions {
  InputOptions input;
  TraceChoice choice;
  bool list = false;
  std::optional<size_t> step;
  std::string at;
  bool interactive = false;
  std::string speed;
  std::vector<std::string> fields;
  std::string format = "text";
  std::string color = "auto";
};

// ---- what a run shows ------------------------------------------------------------------

struct View {
  const TraceSummary& summary;
  const SpanTree& tree;
  const std::vector<const KeptLog*>& logs;
  const Replay& replay;
  std::vector<std::string> fields;
  bool color = false;
  bool lanes = false;  // the trace has two lanes or more: show a LANE column
};

std::string_view kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kSpanStart: return "span_start";
    case StepKind::kSpanEnd: return "span_end";
    case StepKind::kEvent: return "event";
    case StepKind::kLog: return "log";
  }
  return "";
}

std::string level_of(const KeptLog& log) {
  std::string_view name = severity_name(log.severity);
  if (!name.empty()) return std::string(name);
  if (!log.level_text.empty()) {
    std::string text;
    append_escaped_cut(log.level_text, 12, text);
    return text;
  }
  return "log";
}

// One step as a line of columns; `plain` is what / searches.
struct StepLine {
  std::string number, offset, duration, status, lane, body;
  std::string_view color;  // for status and body; empty = none
};

StepLine step_line(const View& view, size_t index) {
  const Step& step = view.replay.steps[index];
  StepLine line;
  line.number = fmt::format("{}", index + 1);
  append_offset(view.replay.offset(step), line.offset);
  if (view.lanes && step.node != kNoNode && view.tree.nodes[step.node].lane != kNoNode)
    line.lane = view.tree.lanes[view.tree.nodes[step.node].lane].name;
  std::string& body = line.body;
  body.assign(2 * step.depth, ' ');
  const KeptSpan* span = step.node == kNoNode ? nullptr : view.tree.nodes[step.node].span;
  switch (step.kind) {
    case StepKind::kSpanStart: {
      append_escaped(span->name, body);
      body += " {";
      const TreeNode& node = view.tree.nodes[step.node];
      bool show_service = node.parent == kNoNode || view.tree.nodes[node.parent].span->service != span->service;
      if (show_service && !span->service.empty()) {
        body += "  [";
        append_escaped(span->service, body);
        body += ']';
      }
      append_span_fields(*span, view.fields, body, kValueBytes);
      break;
    }
    case StepKind::kSpanEnd:
      line.duration = output::format_duration_ns(span->duration_ns);
      line.status = status_text(span->status);
      if (span->is_error()) line.color = kRed;
      body += "} ";
      append_escaped(span->name, body);
      if (span->is_error() && !span->status_message.empty()) {
        body += ": ";
        append_escaped_cut(span->status_message, kMessageBytes, body);
      }
      break;
    case StepKind::kEvent: {
      const SpanEvent& event = span->events[step.item];
      body += "* ";
      append_escaped(event.name, body);
      if (!event.attrs.empty()) {
        body += "  ";
        append_attrs_text(event.attrs, body, kValueBytes);
      }
      if (event.name == "exception") line.color = kRed;
      break;
    }
    case StepKind::kLog: {
      const KeptLog& log = *view.logs[step.item];
      line.status = level_of(log);
      if (log.severity >= kSeverityError) line.color = kRed;
      else if (log.severity >= kSeverityWarn) line.color = kYellow;
      else if (log.severity != kSeverityUnknown && log.severity < kSeverityInfo) line.color = kDim;
      append_escaped_cut(log.message, kMessageBytes, body);
      bool show_service = !log.service.empty() && (!span || span->service != log.service);
      if (show_service) {
        body += "  [";
        append_escaped(log.service, body);
        body += ']';
      }
      if (!log.fields.empty()) {
        body += "  ";
        append_attrs_text(log.fields, body, kValueBytes);
      }
      break;
    }
  }
  return line;
}

struct Layout {
  std::vector<StepLine> lines;
  size_t number = 4, offset = 6, duration = 8, status = 6, lane = 4;
};

Layout layout(const View& view) {
  Layout l;
  l.lines.reserve(view.replay.steps.size());
  for (size_t i = 0; i < view.replay.steps.size(); ++i) {
    l.lines.push_back(step_line(view, i));
    const StepLine& s = l.lines.back();
    l.number = std::max(l.number, s.number.size());
    l.offset = std::max(l.offset, output::detail::display_width(s.offset));
    l.duration = std::max(l.duration, output::detail::display_width(s.duration));
    l.status = std::max(l.status, output::detail::display_width(s.status));
    l.lane = std::max(l.lane, output::detail::display_width(s.lane));
  }
  return l;
}

void append_columns(const Layout& l, const StepLine& s, bool lanes, bool color, std::string& out) {
  using output::detail::append_padded;
  append_padded(s.number, l.number, true, out);
  out += "  ";
  append_padded(s.offset, l.offset, true, out);
  out += "  ";
  append_padded(s.duration, l.duration, true, out);
  out += "  ";
  if (lanes) {
    append_padded(s.lane, l.lane, false, out);
    out += "  ";
  }
  bool paint = color && !s.color.empty();
  if (paint) out += s.color;
  append_padded(s.status, l.status, false, out);
  out += "  ";
  out += s.body;
  if (paint) out += kReset;
  out += '\n';
}

void append_header(const View& view, const Layout& l, std::string& out) {
  const TraceSummary& s = view.summary;
  out += "trace ";
  append_escaped(s.trace_id, out);
  if (!s.root_name.empty()) {
    out += "  ";
    append_escaped(s.root_name, out);
  }
  size_t steps = view.replay.steps.size();
  fmt::format_to(std::back_inserter(out), "  {}  {}  {} span{}  {} error{}  {} log{}  {} step{}\n", trace_start_text(s),
                 output::format_duration_ns(s.duration_ns()), view.tree.nodes.size(),
                 view.tree.nodes.size() == 1 ? "" : "s", s.errors, s.errors == 1 ? "" : "s", view.logs.size(),
                 view.logs.size() == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
  StepLine header{"STEP", "OFFSET", "DURATION", "STATUS", "LANE", "EVENT", {}};
  std::string line;
  append_columns(l, header, view.lanes, false, line);
  if (view.color) {
    out += kBold;
    line.insert(line.size() - 1, kReset);
  }
  out += line;
}

std::string plain_text(const Layout& l, const StepLine& s) {
  std::string out;
  append_columns(l, s, true, false, out);
  return out;
}

// ---- state ----------------------------------------------------------------------------

void append_state_text(const View& view, const Layout& l, size_t step, std::string& out) {
  ReplayState state = replay_state(view.tree, view.logs, view.replay, step);
  size_t total = view.replay.steps.size();
  if (state.step == 0) {
    fmt::format_to(std::back_inserter(out), "step 0 of {}: before the first step\n", total);
    return;
  }
  const Step& last = view.replay.steps[state.step - 1];
  out += fmt::format("step {} of {}  ", state.step, total);
  append_offset(view.replay.offset(last), out);
  if (!view.summary.clock_relative) {
    out += "  ";
    output::append_timestamp_ns(last.time_ns, out);
  }
  out += "\nlast record:\n";
  append_columns(l, l.lines[state.step - 1], view.lanes, view.color, out);
  fmt::format_to(std::back_inserter(out), "open spans ({}), outermost first:\n", state.open.size());
  for (uint32_t i : state.open) {
    const TreeNode& node = view.tree.nodes[i];
    const KeptSpan& span = *node.span;
    out.append(2 + 2 * node.depth, ' ');
    append_escaped(span.name, out);
    if (!span.service.empty()) {
      out += "  [";
      append_escaped(span.service, out);
      out += ']';
    }
    out += "  started ";
    append_offset(span.start_ns - view.replay.origin_ns, out);
    out += ", open ";
    output::append_duration_ns(last.time_ns - span.start_ns, out);
    out += '\n';
  }
  fmt::format_to(std::back_inserter(out), "attributes known so far ({}), by key:\n", state.attributes.size());
  for (const KnownAttr& a : state.attributes) {
    out += "  ";
    append_escaped(a.key, out);
    out += '=';
    append_value_text(a.value, out, kValueBytes);
    fmt::format_to(std::back_inserter(out), "  (step {})\n", a.step);
  }
}

// ---- JSON -----------------------------------------------------------------------------

void text_or_null(std::string_view text, std::string& out) {
  if (text.empty()) out += "null";
  else output::append_json_string(text, out);
}

void append_step_json(const View& view, size_t index, bool schema, std::string& out) {
  const Step& step = view.replay.steps[index];
  const KeptSpan* span = step.node == kNoNode ? nullptr : view.tree.nodes[step.node].span;
  const KeptLog* log = step.kind == StepKind::kLog ? view.logs[step.item] : nullptr;
  out += '{';
  if (schema) out += "\"schema_version\":1,";
  fmt::format_to(std::back_inserter(out), "\"step\":{},\"kind\":\"{}\",\"time_ns\":", index + 1, kind_name(step.kind));
  output::append_json_number(step.time_ns, out);
  out += ",\"offset_ns\":";
  output::append_json_number(view.replay.offset(step), out);
  fmt::format_to(std::back_inserter(out), ",\"depth\":{},\"trace_id\":", step.depth);
  output::append_json_string(view.summary.trace_id, out);
  out += ",\"span_id\":";
  text_or_null(log ? log->span_id : span ? span->span_id : std::string_view(), out);
  out += ",\"parent_id\":";
  text_or_null(span && !log ? span->parent_id : std::string_view(), out);
  out += ",\"name\":";
  if (step.kind == StepKind::kEvent) output::append_json_string(span->events[step.item].name, out);
  else text_or_null(log ? std::string_view() : span->name, out);
  out += ",\"service\":";
  text_or_null(log ? log->service : span->service, out);
  out += ",\"duration_ns\":";
  if (step.kind == StepKind::kSpanEnd) output::append_json_number(span->duration_ns, out);
  else out += "null";
  out += ",\"status\":";
  text_or_null(step.kind == StepKind::kSpanEnd ? status_text(span->status) : std::string_view(), out);
  out += ",\"status_message\":";
  text_or_null(step.kind == StepKind::kSpanEnd ? span->status_message : std::string_view(), out);
  out += ",\"level\":";
  text_or_null(log ? log->level_text : std::string_view(), out);
  out += ",\"severity\":";
  if (log && log->severity != 0) output::append_json_number(static_cast<int64_t>(log->severity), out);
  else out += "null";
  out += ",\"message\":";
  if (log) output::append_json_string(log->message, out);
  else out += "null";
  out += ",\"attrs\":";
  switch (step.kind) {
    case StepKind::kSpanStart: append_attrs_json(span->attrs, out); break;
    case StepKind::kSpanEnd: out += "{}"; break;
    case StepKind::kEvent: append_attrs_json(span->events[step.item].attrs, out); break;
    case StepKind::kLog: append_attrs_json(log->fields, out); break;
  }
  out += '}';
}

void append_trace_json(const View& view, std::string& out) {
  const TraceSummary& s = view.summary;
  out += "{\"trace_id\":";
  output::append_json_string(s.trace_id, out);
  out += ",\"root\":";
  text_or_null(s.root_name, out);
  out += ",\"start_ns\":";
  if (s.clock_relative) out += "null";
  else output::append_json_number(s.start_ns, out);
  out += ",\"duration_ns\":";
  output::append_json_number(s.duration_ns(), out);
  fmt::format_to(std::back_inserter(out), ",\"spans\":{},\"errors\":{},\"logs\":{},\"steps\":{}}}", view.tree.nodes.size(),
                 s.errors, view.logs.size(), view.replay.steps.size());
}

void append_state_json(const View& view, size_t step, std::string& out) {
  ReplayState state = replay_state(view.tree, view.logs, view.replay, step);
  fmt::format_to(std::back_inserter(out), "{{\"step\":{},\"steps\":{},\"time_ns\":", state.step, view.replay.steps.size());
  if (state.step == 0) {
    out += "null,\"offset_ns\":null,\"last\":null";
  } else {
    const Step& last = view.replay.steps[state.step - 1];
    output::append_json_number(last.time_ns, out);
    out += ",\"offset_ns\":";
    output::append_json_number(view.replay.offset(last), out);
    out += ",\"last\":";
    append_step_json(view, state.step - 1, false, out);
  }
  out += ",\"open\":[";
  int64_t now = state.step == 0 ? view.replay.origin_ns : view.replay.steps[state.step - 1].time_ns;
  for (size_t k = 0; k < state.open.size(); ++k) {
    const TreeNode& node = view.tree.nodes[state.open[k]];
    const KeptSpan& span = *node.span;
    if (k > 0) out += ',';
    out += "{\"span_id\":";
    text_or_null(span.span_id, out);
    out += ",\"name\":";
    output::append_json_string(span.name, out);
    out += ",\"service\":";
    text_or_null(span.service, out);
    fmt::format_to(std::back_inserter(out), ",\"depth\":{},\"start_ns\":", node.depth);
    output::append_json_number(span.start_ns, out);
    out += ",\"offset_ns\":";
    output::append_json_number(span.start_ns - view.replay.origin_ns, out);
    out += ",\"open_ns\":";
    output::append_json_number(now - span.start_ns, out);
    out += '}';
  }
  out += "],\"attributes\":[";
  for (size_t k = 0; k < state.attributes.size(); ++k) {
    const KnownAttr& a = state.attributes[k];
    if (k > 0) out += ',';
    out += "{\"key\":";
    output::append_json_string(a.key, out);
    out += ",\"value\":";
    append_value_json(a.value, out);
    fmt::format_to(std::back_inserter(out), ",\"step\":{}}}", a.step);
  }
  out += "]}";
}

// ---- pacing and the prompt ----------------------------------------------------------

// "max" -> 0 (no pacing); "1x", "10x", "0.5x" -> the factor.
double parse_speed(const std::string& text) {
  if (text == "max") return 0;
  if (text.size() >= 2 && (text.back() == 'x' || text.back() == 'X')) {
    std::string number = text.substr(0, text.size() - 1);
    char* end = nullptr;
    double factor = std::strtod(number.c_str(), &end);
    if (end == number.c_str() + number.size() && factor > 0 && factor < 1e12 && number.find_first_not_of("0123456789.") == std::string::npos)
      return factor;
  }
  throw UsageError(fmt::format("--speed: cannot read '{}' (expected max, or a factor such as 1x, 10x, 0.5x)", text));
}

void pause_for(int64_t gap_ns, double speed) {
  if (speed <= 0 || gap_ns <= 0) return;
  auto ns = static_cast<int64_t>(static_cast<double>(gap_ns) / speed);
  std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(ns, kMaxSleepNs)));
}

std::optional<std::string> read_line() {
  char* buffer = nullptr;
  size_t capacity = 0;
  ssize_t n = ::getline(&buffer, &capacity, stdin);
  if (n < 0) {
    std::free(buffer);
    return std::nullopt;
  }
  std::string line(buffer, static_cast<size_t>(n));
  std::free(buffer);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

bool stdin_is_tty() { return ::isatty(STDIN_FILENO) == 1; }

// Prompts, and reads one answer; echoes it when stdin is not a terminal, so a scripted
// session reads like a typed one. nullopt at the end of the input.
std::optional<std::string> ask(std::string_view prompt) {
  output::write_stdout(prompt);
  std::optional<std::string> line = read_line();
  if (!stdin_is_tty()) output::write_stdout(line ? *line + "\n" : std::string("\n"));
  return line;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool contains_ci(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(text[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::optional<size_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

constexpr std::string_view kHelp =
    "commands: Enter or n next, b back, g N go to step N, /TEXT search (/ again: next match),\n"
    "          s state at this step, h help, q quit\n";

int interact(const View& view, const Layout& l, size_t start) {
  std::string out;
  append_header(view, l, out);
  out += kHelp;
  size_t total = view.replay.steps.size();
  size_t at = std::min(start, total);
  if (at > 0) append_state_text(view, l, at, out);
  output::write_stdout(out);
  std::string last_search;
  while (true) {
    std::optional<std::string> answer = ask(fmt::format("[{}/{}]> ", at, total));
    if (!answer) return kExitOk;  // end of input: quit
    std::string_view command = trim(*answer);
    out.clear();
    if (command.empty() || command == "n") {
      if (at < total) append_columns(l, l.lines[at++], view.lanes, view.color, out);
      else fmt::format_to(std::back_inserter(out), "end of the trace ({} steps)\n", total);
    } else if (command == "b") {
      if (at > 1) append_columns(l, l.lines[--at - 1], view.lanes, view.color, out);
      else out += "at the first step\n";
    } else if (command == "q") {
      return kExitOk;
    } else if (command == "s") {
      append_state_text(view, l, at, out);
    } else if (command == "h" || command == "?") {
      out += kHelp;
    } else if (command[0] == '/') {
      std::string_view needle = trim(command.substr(1));
      if (!needle.empty()) last_search = needle;
      if (last_search.empty()) {
        out += "search for what? (/TEXT)\n";
      } else {
        std::optional<size_t> found;
        bool wrapped = false;
        for (size_t k = 1; k <= total && !found; ++k) {
          size_t i = (at + k - 1) % total;  // from the step after this one, around
          if (contains_ci(plain_text(l, l.lines[i]), last_search)) {
            found = i;
            wrapped = i + 1 <= at;
          }
        }
        if (!found) {
          fmt::format_to(std::back_inserter(out), "no step matches '{}'\n", last_search);
        } else {
          if (wrapped) out += "(search wrapped to the first step)\n";
          at = *found + 1;
          append_columns(l, l.lines[*found], view.lanes, view.color, out);
        }
      }
    } else {
      std::optional<size_t> n;
      if (command[0] == 'g') n = parse_count(trim(command.substr(1)));
      else n = parse_count(command);
      if (command[0] == 'g' && !n) {
        fmt::format_to(std::back_inserter(out), "g needs a step number (1-{})\n", total);
      } else if (!n) {
        out += fmt::format("unknown command '{}' (h for help)\n", command);
      } else if (*n < 1 || *n > total) {
        fmt::format_to(std::back_inserter(out), "no step {} (the steps are 1-{})\n", *n, total);
      } else {
        at = *n;
        append_state_text(view, l, at, out);
      }
    }
    output::write_stdout(out);
  }
}

// ---- choosing a trace -----------------------------------------------------------------

std::string listing_text(const std::vector<const TraceSummary*>& traces, bool color) {
  output::Table table = trace_listing(traces);
  output::RenderStyle style;
  style.color = color;
  std::string out;
  output::write_table(table, output::OutputFormat::kTable, style, out);
  return out;
}

// The trace the user picks from the listing; nullptr when they quit.
const TraceSummary* prompt_for_trace(const std::vector<const TraceSummary*>& traces, bool color) {
  output::write_stdout(listing_text(traces, color));
  while (true) {
    std::optional<std::string> answer =
        ask(fmt::format("which trace? (1-{} or the start of its id, q to quit)> ", traces.size()));
    if (!answer) return nullptr;
    std::string_view text = trim(*answer);
    if (text == "q") return nullptr;
    if (text.empty()) continue;
    std::string why;
    if (const TraceSummary* s = pick_from_listing(traces, text, why)) return s;
    output::write_stdout(why + "\n");
  }
}

int run_replay(const ReplayOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  if (options.step && !options.at.empty()) throw UsageError("--step and --at: give one of them");
  if (options.interactive && options.format != "text")
    throw UsageError(fmt::format("--interactive: the prompt is text; it cannot be combined with --format {}", options.format));
  if (options.list && (options.step || !options.at.empty() || options.interactive || !options.choice.trace.empty() ||
                       options.choice.chooser()))
    throw UsageError("--list lists every trace: it takes no --trace, --run, --first, --slowest, --failed, --step, "
                     "--at or --interactive");
  if (options.interactive)
    for (const std::string& path : options.input.paths)
      if (path == "-")
        throw UsageError("--interactive reads its commands from standard input, so the trace cannot come from it "
                         "('-'): give a file");
  double speed = options.speed.empty() ? (output::stdout_is_tty() ? 1.0 : 0.0) : parse_speed(options.speed);
  std::optional<int64_t> at_offset, at_time;
  if (!options.at.empty()) {
    std::string_view text = options.at;
    if (std::optional<int64_t> ts = parse_timestamp_ns(text)) {
      at_time = ts;
    } else {
      bool negative = !text.empty() && text.front() == '-';
      if (!text.empty() && (text.front() == '+' || negative)) text.remove_prefix(1);
      std::optional<int64_t> ns = parse_duration_ns(text);
      if (!ns)
        throw UsageError(fmt::format(
            "--at: cannot read '{}' (expected an offset from the trace's first step such as +1.5s or 250ms, "
            "or an ISO 8601 time)",
            options.at));
      at_offset = negative ? -*ns : *ns;
    }
  }
  bool color = options.format == "text" && output::color_enabled(output::parse_color_mode(options.color));

  TraceSet set;
  Pick pick = read_traces("replay", options.input, options.choice, options.list ? Want::kSummary : Want::kOne, set);
  report_skips(set.report);
  if (pick == Pick::kNone) return kExitNoMatch;
  if (options.list) {
    output::Table table = trace_listing(set.chosen);
    table.meta.command = "replay";
    fill_meta(table.meta, set.report);
    OutputOptions out;
    out.format = options.format == "text" ? "table" : options.format;
    out.color = options.color;
    print_table(table, out);
    return kExitOk;
  }
  if (pick == Pick::kAll) {
    if (options.interactive || stdin_is_tty()) {
      const TraceSummary* s = prompt_for_trace(set.chosen, color);
      if (!s) return kExitOk;
      keep_one(options.input, s->trace_id, set);
    } else {
      fmt::print(stderr, "{}", listing_text(set.chosen, false));
      fmt::print(stderr,
                 "trace replay: error: the input has {} traces: choose one with --trace ID (the start of the id is "
                 "enough), --first, --slowest or --failed\n",
                 set.chosen.size());
      return kExitError;
    }
  }

  const TraceSummary& summary = *set.chosen.front();
  TraceRecords records = set.collector.records(summary.trace_id);
  SpanTree tree = build_span_tree(records.spans);
  Replay replay = build_replay(tree, records.logs);
  View view{summary, tree, records.logs, replay, split_fields(options.fields), color, tree.lanes.size() > 1};

  std::optional<size_t> at_step = options.step;
  if (at_offset) at_step = steps_until(replay, *at_offset);
  if (at_time) at_step = steps_until(replay, *at_time - replay.origin_ns);

  std::string out;
  if (options.format == "json" || options.format == "jsonl") {
    bool lines = options.format == "jsonl";
    if (at_step) {
      if (!lines) {
        out += "{\"schema_version\":1,\"command\":\"replay\",\"trace\":";
        append_trace_json(view, out);
        out += ",\"state\":";
      } else {
        out += "{\"schema_version\":1,\"trace_id\":";
        output::append_json_string(summary.trace_id, out);
        out += ",\"state\":";
      }
      append_state_json(view, *at_step, out);
      out += "}\n";
      output::write_stdout(out);
      return kExitOk;
    }
    if (!lines) {
      out += "{\"schema_version\":1,\"command\":\"replay\",\"trace\":";
      append_trace_json(view, out);
      out += ",\"steps\":[";
    }
    for (size_t i = 0; i < replay.steps.size(); ++i) {
      if (lines && i > 0 && speed > 0) {
        output::write_stdout(out);
        out.clear();
        pause_for(replay.steps[i].time_ns - replay.steps[i - 1].time_ns, speed);
      }
      if (!lines && i > 0) out += ',';
      append_step_json(view, i, lines, out);
      if (lines) out += '\n';
    }
    if (!lines) out += "]}\n";
    output::write_stdout(out);
    return kExitOk;
  }

  Layout l = layout(view);
  if (options.interactive) return interact(view, l, at_step.value_or(0));
  if (at_step) {
    append_state_text(view, l, *at_step, out);
    output::write_stdout(out);
    return kExitOk;
  }
  append_header(view, l, out);
  for (size_t i = 0; i < l.lines.size(); ++i) {
    if (i > 0 && speed > 0) {
      output::write_stdout(out);
      out.clear();
      pause_for(replay.steps[i].time_ns - replay.steps[i - 1].time_ns, speed);
    }
    append_columns(l, l.lines[i], view.lanes, color, out);
  }
  output::write_stdout(out);
  return kExitOk;
}

}  // namespace

Command register_replay(CLI::App& parent) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* app = parent.add_subcommand("replay", "A recorded execution step by step, and the state at any step");
  add_input_options(*app, options->input);
  add_trace_choice_options(*app, options->choice);
  app->add_flag("--list", options->list, "List the input's traces (id, root, start, duration, spans, errors, logs)");
  app->add_option("--step", options->step, "Show the state after step N: open spans, last record, attributes known");
  app->add_option("--at", options->at, "Show the state at a time: an offset (+1.5s, 250ms) or an ISO 8601 time");
  app->add_flag("-i,--interactive", options->interactive,
                "Step through a prompt read from standard input: Enter/n, b, g N, /TEXT, s, q");
  app->add_option("--speed", options->speed,
                  "Pace the steps by their recorded gaps: 1x, 10x, 0.5x ... or max (no pause; the default off a terminal)");
  app->add_option("--fields", options->fields,
                  "Attributes to show on each span start (comma-separated; also service, kind, span_id, parent_id)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("-f,--format", options->format, "Output: text (default), json or jsonl (one step per line)")
      ->check(CLI::IsMember({"text", "json", "jsonl"}));
  app->add_flag_callback("--json", [options] { options->format = "json"; }, "Same as --format json");
  app->add_option("--color", options->color, "Errors in red: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app->footer(
      "Steps: span start ('NAME {'), span end ('} NAME' with duration and status), span events\n"
      "('* NAME') and the trace's logs (joined by trace and span id, across files), in time order.\n"
      "With several traces and no --trace/--first/--slowest/--failed: a terminal is asked which;\n"
      "otherwise the traces are listed on stderr and the exit status is 2.\n"
      "Exit status: 0 shown, 1 no such trace, 2 an error.\n"
      "\nExamples:\n"
      "  trace replay --list samples/jaeger.json\n"
      "  trace replay --trace 8e1d samples/jaeger.json samples/otlp_logs.json\n"
      "  trace replay --failed --step 12 samples/jaeger.json samples/otlp_logs.json\n"
      "  trace replay --run 6f1c --at +500ms samples/stage_events.jsonl\n"
      "  trace replay --slowest --format jsonl samples/otlp_traces.json\n"
      "  trace replay --trace 8e1d --interactive samples/jaeger.json samples/otlp_logs.json");
  return {app, [options] { return run_replay(*options); }};
}

}  // namespace trace::cli
