// The predicates of `trace grep`: which records match. Flag texts are parsed into
// values here (bad ones throw UsageError naming the flag), and RecordFilter tests one
// record against all of them (they are ANDed).
//
// Spans read from a log line (a JSON-lines line that carries a duration is pushed as a
// LogRecord and then as a Span) are tested together with that line's log record, passed
// as `line_log`: the span has the line's level, time and message, so
// `--level error --min-duration 1s` finds the failed slow stage.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/text_matcher.h"
#include "src/record.h"

namespace trace {

// --level: a band ("warn": 13-16) or a band and everything above ("warn+": 13-24), on
// OpenTelemetry's severity scale.
struct LevelRange {
  uint8_t min = 1;
  uint8_t max = 24;
};

// Names as severity_from_text() reads them (trace, debug, info, warn, warning, error,
// fatal, critical ...), optionally followed by '+'. Throws UsageError:
// "--level: unknown level 'x' (expected trace, debug, info, warn, error or fatal, with a
// trailing + for that level and above)".
LevelRange parse_level_range(std::string_view text);

enum class WhereOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kRegex, kExists };

// One --where clause, "KEY OP VALUE" or "KEY exists".
struct WhereClause {
  std::string text;  // as given, for messages
  std::string key;
  WhereOp op = WhereOp::kExists;
  std::string value;              // quotes removed
  std::optional<double> number;   // VALUE as a number, or as a duration in ns ("500ms")
  std::shared_ptr<const std::regex> regex;  // for ~
};

// Throws UsageError: "--where: 'x': expected KEY OP VALUE, OP one of =, !=, <, <=, >,
// >=, ~ (regex), or KEY exists".
WhereClause parse_where_clause(std::string_view text);

// --since / --until: an ISO 8601 time ("2025-01-15T10:30:00Z", "2025-01-15 10:30:00")
// or a duration before `now_ns` ("-15m", "-1h30m"). Throws UsageError naming `flag`.
int64_t parse_time_bound(std::string_view flag, std::string_view text, int64_t now_ns);

// --min-duration / --max-duration: "500ms", "1.5s". Throws UsageError naming `flag`.
int64_t parse_duration_flag(std::string_view flag, std::string_view text);

struct FilterSpec {
  std::optional<std::string> pattern;  // PATTERN; none = only the predicates apply
  MatchOptions match;
  std::string field;  // --field KEY: search this value instead of the message / span name
  std::optional<LevelRange> level;
  std::vector<WhereClause> where;
  std::string trace_id;  // --trace (compared ASCII-case-insensitively)
  std::string span_id;   // --span
  std::optional<int64_t> since_ns, until_ns;  // inclusive
  std::optional<int64_t> min_duration_ns, max_duration_ns;
  bool errors = false;  // --errors: error spans and logs at ERROR or above
};

// The value of KEY in a record: the record's attributes (span attributes or log fields,
// then resource attributes) by exact key; else a dotted path into a nested object or
// array kept as raw JSON ("req.method", "tools.0"); else a built-in: name, service,
// trace_id, span_id, parent_id, status (unset/ok/error), duration (ns), kind (spans);
// message, logger, level (TRACE..FATAL), severity (1-24), trace_id, span_id, service
// (logs). Holds the storage values of nested paths point into, so one lookup's value
// lives until the next lookup.
class FieldLookup {
 public:
  FieldLookup();
  ~FieldLookup();
  FieldLookup(FieldLookup&&) noexcept;
  FieldLookup& operator=(FieldLookup&&) noexcept;

  const Value* find(const Span& span, const LogRecord* line_log, std::string_view key);
  const Value* find(const LogRecord& log, std::string_view key);

 private:
  const Value* find_in(Attrs attrs, Attrs resource, std::string_view key);
  const Value* find_nested(const Value& raw, std::string_view path);

  struct Parser;
  std::unique_ptr<Parser> parser_;
  Value value_;
  std::string text_;
};

class RecordFilter {
 public:
  // Compiles the pattern and --where regexes (UsageError for bad ones).
  explicit RecordFilter(FilterSpec spec);

  bool matches(const Span& span, const LogRecord* line_log = nullptr);
  bool matches(const LogRecord& log);

  const FilterSpec& spec() const { return spec_; }
  // The compiled PATTERN, or null when there is none.
  const TextMatcher* matcher() const { return matcher_ ? &*matcher_ : nullptr; }

 private:
  template <class Record>
  bool where_holds(const Record& record, const LogRecord* line_log);
  bool pattern_matches(const Span& span, const LogRecord* line_log);
  bool pattern_matches(const LogRecord& log);
  bool text_matches(const Value* value);

  FilterSpec spec_;
  std::optional<TextMatcher> matcher_;
  FieldLookup lookup_;
  std::string scratch_;
};

// Whether a value satisfies one clause (exposed for tests). `value` null = key absent.
bool where_clause_holds(const WhereClause& clause, const Value* value, std::string& scratch);

}  // namespace trace
