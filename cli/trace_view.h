// What `trace tree` and `trace replay` share: choosing the trace(s) to show (--trace,
// --run, --first, --slowest, --failed), reading them, listing the input's traces, and
// the small text pieces both print (values, offsets, colours).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "analyzers/trace_collector.h"
#include "cli/common_options.h"
#include "src/output/table.h"

namespace trace::cli {

struct TraceChoice {
  std::string trace;  // --trace / --run: an id or a prefix of one
  bool first = false, slowest = false, failed = false;

  bool chooser() const { return first || slowest || failed; }
};

// Adds --trace, --run, --first, --slowest and --failed (at most one of them).
void add_trace_choice_options(CLI::App& app, TraceChoice& choice);

// The traces read, and the ones to show.
struct TraceSet {
  TraceCollector collector{TraceCollectorOptions{}};
  formats::ReadReport report;
  std::vector<const TraceSummary*> chosen;  // by start, then id
};

// Outcome of choosing when nothing picked a trace: what the command does next.
enum class Pick : uint8_t { kChosen, kNone, kAll };

// What the command wants of the input.
enum class Want : uint8_t {
  kEvery,    // every trace, or the ones the choice flags pick (trace tree)
  kOne,      // one trace (trace replay)
  kSummary,  // the summaries only (trace replay --list)
};

// Reads the inputs and picks traces:
//  - --trace/--run: the trace whose id it is, else the one it starts (ASCII case
//    ignored); a prefix of several is a UsageError listing them; none: kNone after a
//    message on stderr (exit 1 for the caller);
//  - --first (earliest start), --slowest (longest, ties: earlier start, then id),
//    --failed (the earliest with an error span): that one; --failed without any: kNone;
//  - otherwise kEvery: every trace; kOne: the only one, or, when there are several, kAll
//    with every summary in `chosen` and nothing kept (the caller lists them or asks,
//    then calls keep_one()); kSummary: kAll with every summary.
// An input with no trace at all: kNone after "no trace in the input".
Pick read_traces(const std::string& command, const InputOptions& input, const TraceChoice& choice, Want want,
                 TraceSet& out);

// Reads the inputs again (or uses what was kept from standard input) keeping only
// `trace_id`; leaves it alone in out.chosen.
void keep_one(const InputOptions& input, std::string trace_id, TraceSet& out);

// The listing: #, trace_id, root, start, duration, spans, errors, logs.
output::Table trace_listing(const std::vector<const TraceSummary*>& traces);

// The trace `answer` names in a listing: its number (1-based) or an id prefix of one.
// nullptr with `why` set when it names none or several.
const TraceSummary* pick_from_listing(const std::vector<const TraceSummary*>& traces, std::string_view answer,
                                      std::string& why);

// ---- text pieces -------------------------------------------------------------------

inline constexpr std::string_view kRed = "\x1b[31m";
inline constexpr std::string_view kYellow = "\x1b[33m";
inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kDim = "\x1b[2m";
inline constexpr std::string_view kReset = "\x1b[0m";

// Text with control characters made visible ("\n", "\x1b"), so data cannot break a line
// or send terminal escapes.
void append_escaped(std::string_view text, std::string& out);

// append_escaped, cut at `max_bytes` (on a code point boundary) with "…".
void append_escaped_cut(std::string_view text, size_t max_bytes, std::string& out);

// A value for people: strings as they are (as a JSON string when they hold a space, a
// quote, '=' or nothing), numbers in decimal, raw JSON minified; cut at `max_bytes`
// (0 = never) with "…".
void append_value_text(const Value& value, std::string& out, size_t max_bytes = 0);

// A value in JSON: raw JSON minified, strings quoted, NaN and infinities as null.
void append_value_json(const Value& value, std::string& out);

// "key=value" pairs separated by a space.
void append_attrs_text(Attrs attrs, std::string& out, size_t max_bytes);
void append_attrs_json(Attrs attrs, std::string& out);

// An offset from the trace's start: "+0 ns", "+1.25 s", "-2.00 ms".
void append_offset(int64_t ns, std::string& out);

// The value of a --fields name on a span: an attribute (the span's, then its
// resource's), or service, kind, span_id, parent_id, status_message. nullopt: none.
std::optional<Value> span_field(const KeptSpan& span, std::string_view name);

// "  name=value" for each --fields name the span has; values cut at `max_bytes`.
void append_span_fields(const KeptSpan& span, const std::vector<std::string>& fields, std::string& out,
                        size_t max_bytes);

// "error", "ok", or "" for unset.
std::string_view status_text(Status status);

// The when of a trace for people: RFC 3339 UTC, or "+D" when its clock has no epoch.
std::string trace_start_text(const TraceSummary& summary);

// A list of --fields names, split at commas.
std::vector<std::string> split_fields(const std::vector<std::string>& fields);

}  // namespace trace::cli
