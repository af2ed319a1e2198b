#include "cli/trace_view.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <tuple>

#include <fmt/format.h>

#include "src/errors.h"
#include "src/output/json_writer.h"
#include "src/output/record_printer.h"
#include "src/output/units.h"

namespace trace::cli {

namespace {

constexpr size_t kMaxCandidatesShown = 10;

std::string_view kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kUnspecified: return "unspecified";
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
  }
  return "unspecified";
}

bool reads_stdin(const std::vector<formats::Input>& inputs) {
  for (const formats::Input& input : inputs)
    if (input.path == "-") return true;
  return false;
}

TraceCollector collect(const std::vector<formats::Input>& inputs, const InputOptions& input,
                       const TraceCollectorOptions& options, formats::ReadReport& report) {
  return formats::run_all<TraceCollector>(
      inputs, input.read_options(), [&options] { return TraceCollector(options); }, &report);
}

std::string candidates(const std::vector<const TraceSummary*>& traces) {
  std::string out;
  for (size_t i = 0; i < traces.size() && i < kMaxCandidatesShown; ++i) {
    out += i == 0 ? "" : ", ";
    out += traces[i]->trace_id;
    if (!traces[i]->root_name.empty()) out += fmt::format(" ({})", traces[i]->root_name);
  }
  if (traces.size() > kMaxCandidatesShown) out += fmt::format(" and {} more", traces.size() - kMaxCandidatesShown);
  return out;
}

// The one trace `prefix` names among `traces`: an exact id first, else the only one it
// starts. nullptr when none; throws UsageError when several.
const TraceSummary* by_prefix(const std::vector<const TraceSummary*>& traces, std::string_view prefix,
                              std::string_view flag) {
  std::vector<const TraceSummary*> matches;
  for (const TraceSummary* s : traces) {
    if (s->trace_id.size() == prefix.size() && trace_id_has_prefix(s->trace_id, prefix)) return s;
    if (trace_id_has_prefix(s->trace_id, prefix)) matches.push_back(s);
  }
  if (matches.size() > 1)
    throw UsageError(fmt::format("{}: '{}' starts {} trace ids: {} (give more of the id)", flag, prefix,
                                 matches.size(), candidates(matches)));
  return matches.empty() ? nullptr : matches.front();
}

const TraceSummary* choose(const std::vector<const TraceSummary*>& traces, const TraceChoice& choice) {
  const TraceSummary* best = nullptr;
  for (const TraceSummary* s : traces) {  // by start, then id: the first wins ties
    if (choice.first) return s;
    if (choice.failed && s->errors > 0) return s;
    if (choice.slowest && (!best || s->duration_ns() > best->duration_ns())) best = s;
  }
  return best;
}

}  // namespace

void add_trace_choice_options(CLI::App& app, TraceChoice& choice) {
  CLI::Option* trace =
      app.add_option("--trace", choice.trace, "The trace to show: its id, or the start of it (case ignored)");
  CLI::Option* run = app.add_option("--run", choice.trace,
                                    "Same as --trace, for event streams whose trace is a run (pipeline_run_id)");
  CLI::Option* first = app.add_flag("--first", choice.first, "The trace that starts first");
  CLI::Option* slowest = app.add_flag("--slowest", choice.slowest, "The longest trace");
  CLI::Option* failed = app.add_flag("--failed", choice.failed, "The first trace with an error span");
  std::vector<CLI::Option*> all{trace, run, first, slowest, failed};
  for (CLI::Option* a : all)
    for (CLI::Option* b : all)
      if (a != b) a->excludes(b);
}

Pick read_traces(const std::string& command, const InputOptions& input, const TraceChoice& choice, Want want,
                 TraceSet& out) {
  std::vector<formats::Input> inputs = input.inputs();
  bool all = want == Want::kEvery;
  if (!choice.trace.empty() && want != Want::kSummary) {
    // One read keeps the traces the prefix starts: memory is bounded by them.
    TraceCollectorOptions options;
    options.trace_prefix = choice.trace;
    out.collector = collect(inputs, input, options, out.report);
    const TraceSummary* found = by_prefix(out.collector.kept(), choice.trace, "--trace");
    if (!found) {
      fmt::print(stderr, "trace {}: no trace id is or starts with '{}' ({} trace{} in the input; "
                 "'trace replay --list' lists them)\n",
                 command, choice.trace, out.collector.trace_count(), out.collector.trace_count() == 1 ? "" : "s");
      return Pick::kNone;
    }
    out.chosen = {found};
    return Pick::kChosen;
  }

  // Standard input cannot be read twice: keep everything from it.
  bool keep_all = all || (want == Want::kOne && reads_stdin(inputs));
  TraceCollectorOptions options;
  options.keep_all = keep_all;
  out.collector = collect(inputs, input, options, out.report);
  std::vector<const TraceSummary*> traces = out.collector.summaries();
  if (traces.empty()) {
    fmt::print(stderr, "trace {}: no trace in the input (no span, and no log with a trace id)\n", command);
    return Pick::kNone;
  }
  const TraceSummary* picked = nullptr;
  if (want == Want::kSummary) {
    out.chosen = traces;
    return Pick::kAll;
  }
  if (choice.chooser()) {
    picked = choose(traces, choice);
    if (!picked) {
      fmt::print(stderr, "trace {}: no trace has an error span ({} trace{} in the input)\n", command, traces.size(),
                 traces.size() == 1 ? "" : "s");
      return Pick::kNone;
    }
  } else if (all) {
    out.chosen = traces;
    return Pick::kChosen;
  } else if (traces.size() == 1) {
    picked = traces.front();
  } else {
    out.chosen = traces;
    return Pick::kAll;
  }
  if (!keep_all) keep_one(input, picked->trace_id, out);
  else out.chosen = {picked};
  return Pick::kChosen;
}

void keep_one(const InputOptions& input, std::string trace_id, TraceSet& out) {
  // trace_id is a copy: it may name a summary of the collector replaced below.
  if (out.collector.records(trace_id).spans.empty() && out.collector.records(trace_id).logs.empty()) {
    TraceCollectorOptions options;
    options.trace_prefix = trace_id;
    std::vector<formats::Input> inputs = input.inputs();
    out.collector = collect(inputs, input, options, out.report);
  }
  out.chosen = {out.collector.find(trace_id)};
}

output::Table trace_listing(const std::vector<const TraceSummary*>& traces) {
  using output::ColumnKind;
  output::Table table;
  table.columns = {
      {"index", "#", ColumnKind::kCount},
      {"trace_id", "trace_id", ColumnKind::kText},
      {"root", "root", ColumnKind::kText},
      {"start_ns", "start", ColumnKind::kTimestampNs},
      {"duration_ns", "duration", ColumnKind::kDurationNs},
      {"spans", "spans", ColumnKind::kCount},
      {"errors", "errors", ColumnKind::kCount, true},
      {"logs", "logs", ColumnKind::kCount},
  };
  table.meta.command = "replay";
  for (size_t i = 0; i < traces.size(); ++i) {
    const TraceSummary& s = *traces[i];
    output::Row row;
    row.emplace_back(static_cast<int64_t>(i + 1));
    row.emplace_back(s.trace_id);
    if (s.root_name.empty()) row.emplace_back(std::monostate());
    else row.emplace_back(s.root_name);
    if (s.clock_relative) row.emplace_back(std::monostate());
    else row.emplace_back(s.start_ns);
    row.emplace_back(s.duration_ns());
    row.emplace_back(static_cast<int64_t>(s.spans));
    row.emplace_back(static_cast<int64_t>(s.errors));
    row.emplace_back(static_cast<int64_t>(s.logs));
    table.rows.push_back(std::move(row));
  }
  return table;
}

const TraceSummary* pick_from_listing(const std::vector<const TraceSummary*>& traces, std::string_view answer,
                                      std::string& why) {
  size_t number = 0;
  bool digits = !answer.empty() && answer.size() < 10;
  for (char c : answer) {
    if (c < '0' || c > '9') digits = false;
    else number = number * 10 + static_cast<size_t>(c - '0');
  }
  if (digits && number >= 1 && number <= traces.size()) return traces[number - 1];
  try {
    if (const TraceSummary* s = by_prefix(traces, answer, "trace")) return s;
    why = fmt::format("no trace is number {} or has an id starting with it", answer);
    if (!digits) why = fmt::format("no trace id starts with '{}'", answer);
  } catch (const UsageError& e) {
    why = e.what();
  }
  return nullptr;
}

void append_escaped(std::string_view text, std::string& out) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else fmt::format_to(std::back_inserter(out), "\\x{:02x}", u);
  }
}

void append_escaped_cut(std::string_view text, size_t max_bytes, std::string& out) {
  if (text.size() <= max_bytes) {
    append_escaped(text, out);
    return;
  }
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole code points
  append_escaped(text.substr(0, cut), out);
  out += "…";
}

void append_value_text(const Value& value, std::string& out, size_t max_bytes) {
  std::string text;
  switch (value.kind) {
    case ValueKind::kNull: text = "null"; break;
    case ValueKind::kBool: text = value.boolean ? "true" : "false"; break;
    case ValueKind::kInt: text = fmt::format("{}", value.integer); break;
    case ValueKind::kDouble: text = fmt::format("{}", value.number); break;
    case ValueKind::kString: text = value.text; break;
    case ValueKind::kRawJson: output::append_minified_json(value.text, text); break;
  }
  if (max_bytes > 0 && text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole code points
    text.resize(cut);
    text += "…";
  }
  bool quote = value.kind == ValueKind::kString && text.empty();
  if (value.kind == ValueKind::kString)
    for (char c : text)
      if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) quote = true;
  if (quote) output::append_json_string(text, out);
  else append_escaped(text, out);
}

void append_value_json(const Value& value, std::string& out) {
  switch (value.kind) {
    case ValueKind::kNull: out += "null"; break;
    case ValueKind::kBool: out += value.boolean ? "true" : "false"; break;
    case ValueKind::kInt: output::append_json_number(value.integer, out); break;
    case ValueKind::kDouble: output::append_json_number(value.number, out); break;
    case ValueKind::kString: output::append_json_string(value.text, out); break;
    case ValueKind::kRawJson:
      if (value.text.empty()) out += "null";
      else output::append_minified_json(value.text, out);
      break;
  }
}

void append_attrs_text(Attrs attrs, std::string& out, size_t max_bytes) {
  bool first = true;
  for (const Attr& a : attrs) {
    if (!first) out += ' ';
    first = false;
    append_escaped(a.key, out);
    out += '=';
    append_value_text(a.value, out, max_bytes);
  }
}

void append_attrs_json(Attrs attrs, std::string& out) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < attrs.size(); ++i) {
    bool duplicate = false;  // the first of duplicate keys wins, as in trace grep
    for (size_t j = 0; j < i && !duplicate; ++j) duplicate = attrs[j].key == attrs[i].key;
    if (duplicate) continue;
    if (!first) out += ',';
    first = false;
    output::append_json_string(attrs[i].key, out);
    out += ':';
    append_value_json(attrs[i].value, out);
  }
  out += '}';
}

void append_offset(int64_t ns, std::string& out) {
  out += ns < 0 ? '-' : '+';
  output::append_duration_ns(ns < 0 ? -ns : ns, out);
}

std::optional<Value> span_field(const KeptSpan& span, std::string_view name) {
  if (const Attr* a = span.attr(name)) return a->value;
  if (name == "service") return span.service.empty() ? std::nullopt : std::optional(Value::of_string(span.service));
  if (name == "kind") return Value::of_string(kind_name(span.kind));
  if (name == "span_id") return Value::of_string(span.span_id);
  if (name == "parent_id")
    return span.parent_id.empty() ? std::nullopt : std::optional(Value::of_string(span.parent_id));
  if (name == "status_message")
    return span.status_message.empty() ? std::nullopt : std::optional(Value::of_string(span.status_message));
  return std::nullopt;
}

void append_span_fields(const KeptSpan& span, const std::vector<std::string>& fields, std::string& out,
                        size_t max_bytes) {
  for (const std::string& name : fields) {
    std::optional<Value> value = span_field(span, name);
    if (!value) continue;
    out += "  ";
    append_escaped(name, out);
    out += '=';
    append_value_text(*value, out, max_bytes);
  }
}

std::string_view status_text(Status status) {
  switch (status) {
    case Status::kError: return "error";
    case Status::kOk: return "ok";
    case Status::kUnset: return "";
  }
  return "";
}

std::string trace_start_text(const TraceSummary& summary) {
  if (!summary.clock_relative) return output::format_timestamp_ns(summary.start_ns);
  std::string out;
  append_offset(summary.start_ns, out);
  return out;
}

std::vector<std::string> split_fields(const std::vector<std::string>& fields) {
  std::vector<std::string> out;
  for (const std::string& text : fields) {
    size_t at = 0;
    while (at <= text.size()) {
      size_t comma = text.find(',', at);
      if (comma == std::string::npos) comma = text.size();
      if (comma > at) out.push_back(text.substr(at, comma - at));
      at = comma + 1;
    }
  }
  return out;
}

}  // namespace trace::cli
