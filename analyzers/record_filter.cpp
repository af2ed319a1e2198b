#include "analyzers/record_filter.h"

#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

#include "analyzers/group_key.h"
#include "src/errors.h"
#include "src/severity.h"
#include "src/time.h"

namespace trace {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> numeric_value(const Value& value) {
  switch (value.kind) {
    case ValueKind::kInt: return static_cast<double>(value.integer);
    case ValueKind::kDouble: return value.number;
    case ValueKind::kString: return parse_number(value.text);
    default: return std::nullopt;
  }
}

std::string_view status_text(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kError: return "error";
    case Status::kUnset: break;
  }
  return "unset";
}

std::string_view kind_text(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
    case SpanKind::kUnspecified: break;
  }
  return "unspecified";
}

// When a record happened, for --since/--until; nullopt when it has no epoch time.
std::optional<int64_t> time_of(const Span& span, const LogRecord* line_log) {
  if (line_log) return line_log->time_ns != 0 ? std::optional<int64_t>(line_log->time_ns) : std::nullopt;
  if (span.flags & (kSpanStartUnknown | kSpanClockRelative)) return std::nullopt;
  return span.start_ns;
}

std::optional<int64_t> time_of(const LogRecord& log) {
  return log.time_ns != 0 ? std::optional<int64_t>(log.time_ns) : std::nullopt;
}

bool in_time(std::optional<int64_t> time, const FilterSpec& spec) {
  if (!spec.since_ns && !spec.until_ns) return true;
  if (!time) return false;
  if (spec.since_ns && *time < *spec.since_ns) return false;
  if (spec.until_ns && *time > *spec.until_ns) return false;
  return true;
}

}  // namespace

LevelRange parse_level_range(std::string_view text) {
  std::string_view name = trim(text);
  bool and_above = !name.empty() && name.back() == '+';
  if (and_above) name.remove_suffix(1);
  uint8_t severity = name.empty() ? kSeverityUnknown : severity_from_text(name);
  if (severity == kSeverityUnknown)
    throw UsageError(fmt::format(
        "--level: unknown level '{}' (expected trace, debug, info, warn, error or fatal, with a trailing + for that "
        "level and above)",
        text));
  uint8_t band = static_cast<uint8_t>((severity - 1) / 4 * 4 + 1);
  return {band, and_above ? uint8_t(24) : static_cast<uint8_t>(band + 3)};
}

WhereClause parse_where_clause(std::string_view text) {
  auto fail = [&text](std::string_view why) -> UsageError {
    return UsageError(fmt::format("--where: '{}': {}", text, why));
  };
  static constexpr std::string_view kExpected =
      "expected KEY OP VALUE, OP one of =, !=, <, <=, >, >=, ~ (regex), or KEY exists";
  WhereClause clause;
  clause.text = std::string(text);
  std::string_view rest = trim(text);
  size_t key_end = rest.find_first_of(" \t=!<>~");
  clause.key = std::string(rest.substr(0, key_end));
  if (clause.key.empty() || key_end == std::string_view::npos) throw fail(kExpected);
  rest = trim(rest.substr(key_end));
  if (rest == "exists") return clause;
  struct OpText {
    std::string_view text;
    WhereOp op;
  };
  static constexpr OpText kOps[] = {{"!=", WhereOp::kNe}, {"<=", WhereOp::kLe}, {">=", WhereOp::kGe},
                                    {"==", WhereOp::kEq}, {"=", WhereOp::kEq},  {"<", WhereOp::kLt},
                                    {">", WhereOp::kGt},  {"~", WhereOp::kRegex}};
  const OpText* found = nullptr;
  for (const OpText& op : kOps)
    if (rest.substr(0, op.text.size()) == op.text) {
      found = &op;
      break;
    }
  if (!found) throw fail(kExpected);
  clause.op = found->op;
  std::string_view value = trim(rest.substr(found->text.size()));
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  else if (value.empty())
    throw fail("missing VALUE after the operator");
  clause.value = std::string(value);
  if (clause.op == WhereOp::kRegex) {
    if (std::string hazard = regex_hazard(clause.value); !hazard.empty())
      throw fail(fmt::format("invalid regular expression '{}': {}", clause.value, hazard));
    try {
      clause.regex = std::make_shared<const std::regex>(clause.value, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw fail(fmt::format("invalid regular expression '{}': {}", clause.value, e.what()));
    }
    return clause;
  }
  clause.number = parse_number(clause.value);
  if (!clause.number) {
    if (std::optional<int64_t> ns = parse_duration_ns(clause.value)) clause.number = static_cast<double>(*ns);
  }
  return clause;
}

int64_t parse_time_bound(std::string_view flag, std::string_view text, int64_t now_ns) {
  std::string_view value = trim(text);
  if (!value.empty() && value.front() == '-') {
    if (std::optional<int64_t> ago = parse_duration_ns(value.substr(1))) return now_ns - *ago;
  } else if (std::optional<int64_t> at = parse_timestamp_ns(value)) {
    return *at;
  } else if (value.size() == 10) {  // a date alone: its midnight, UTC
    if (std::optional<int64_t> day = parse_timestamp_ns(std::string(value) + "T00:00:00Z")) return *day;
  }
  throw UsageError(fmt::format(
      "{}: cannot read '{}' as a time (expected ISO 8601 such as 2025-01-15T10:30:00Z, or a duration ago such as -15m)",
      flag, text));
}

int64_t parse_duration_flag(std::string_view flag, std::string_view text) {
  if (std::optional<int64_t> ns = parse_duration_ns(trim(text))) return *ns;
  throw UsageError(fmt::format("{}: cannot read '{}' as a duration (expected a number and a unit: 500ms, 1.5s, 2m)",
                               flag, text));
}

bool where_clause_holds(const WhereClause& clause, const Value* value, std::string& scratch) {
  if (clause.op == WhereOp::kExists) return value != nullptr;
  if (value == nullptr) return clause.op == WhereOp::kNe;
  scratch.clear();
  if (!append_value_text(*value, scratch)) scratch = "null";
  if (clause.op == WhereOp::kRegex) return std::regex_search(scratch, *clause.regex);
  std::optional<double> number = clause.number ? numeric_value(*value) : std::nullopt;
  int order = 0;
  if (number) {
    order = *number < *clause.number ? -1 : *number > *clause.number ? 1 : 0;
  } else {
    int c = std::string_view(scratch).compare(clause.value);
    order = c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  switch (clause.op) {
    case WhereOp::kEq: return order == 0;
    case WhereOp::kNe: return order != 0;
    case WhereOp::kLt: return order < 0;
    case WhereOp::kLe: return order <= 0;
    case WhereOp::kGt: return order > 0;
    case WhereOp::kGe: return order >= 0;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------

struct FieldLookup::Parser {
  simdjson::dom::parser dom;
};

FieldLookup::FieldLookup() : parser_(std::make_unique<Parser>()) {}
FieldLookup::~FieldLookup() = default;
FieldLookup::FieldLookup(FieldLookup&&) noexcept = default;
FieldLookup& FieldLookup::operator=(FieldLookup&&) noexcept = default;

const Value* FieldLookup::find_in(Attrs attrs, Attrs resource, std::string_view key) {
  if (const Attr* attr = find_attr(attrs, key)) return &attr->value;
  if (const Attr* attr = find_attr(resource, key)) return &attr->value;
  // A dotted path: the longest prefix that names an attribute holding raw JSON, then the
  // rest of the path inside it.
  for (size_t dot = key.rfind('.'); dot != std::string_view::npos && dot > 0; dot = key.rfind('.', dot - 1)) {
    std::string_view head = key.substr(0, dot);
    const Attr* attr = find_attr(attrs, head);
    if (!attr) attr = find_attr(resource, head);
    if (attr && attr->value.kind == ValueKind::kRawJson) return find_nested(attr->value, key.substr(dot + 1));
    if (attr) return nullptr;
  }
  return nullptr;
}

const Value* FieldLookup::find_nested(const Value& raw, std::string_view path) {
  simdjson::dom::element element;
  if (parser_->dom.parse(raw.text.data(), raw.text.size(), true).get(element) != simdjson::SUCCESS) return nullptr;
  // Walk the path: at an object, the longest run of components that is a key (keys may
  // hold dots themselves); at an array, a component is an index.
  while (!path.empty()) {
    simdjson::dom::element next;
    bool stepped = false;
    if (element.is_object()) {
      simdjson::dom::object object = element.get_object().value();
      for (size_t end = path.size();;) {
        if (object.at_key(path.substr(0, end)).get(next) == simdjson::SUCCESS) {
          path = end < path.size() ? path.substr(end + 1) : std::string_view();
          stepped = true;
          break;
        }
        size_t dot = end > 0 ? path.rfind('.', end - 1) : std::string_view::npos;
        if (dot == std::string_view::npos || dot == 0) break;
        end = dot;
      }
    } else if (element.is_array()) {
      size_t end = path.find('.');
      std::string_view part = path.substr(0, end);
      size_t index = 0;
      auto [ptr, error] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (error == std::errc() && ptr == part.data() + part.size() &&
          element.get_array().value().at(index).get(next) == simdjson::SUCCESS) {
        path = end == std::string_view::npos ? std::string_view() : path.substr(end + 1);
        stepped = true;
      }
    }
    if (!stepped) return nullptr;
    element = next;
  }
  switch (element.type()) {
    case simdjson::dom::element_type::STRING: value_ = Value::of_string(element.get_string().value()); break;
    case simdjson::dom::element_type::INT64: value_ = Value::of_int(element.get_int64().value()); break;
    case simdjson::dom::element_type::UINT64:
      value_ = Value::of_double(static_cast<double>(element.get_uint64().value()));
      break;
    case simdjson::dom::element_type::DOUBLE: value_ = Value::of_double(element.get_double().value()); break;
    case simdjson::dom::element_type::BOOL: value_ = Value::of_bool(element.get_bool().value()); break;
    case simdjson::dom::element_type::NULL_VALUE: value_ = Value{}; break;
    default:
      text_ = simdjson::minify(element);
      value_ = Value::of_raw_json(text_);
      break;
  }
  return &value_;
}

const Value* FieldLookup::find(const Span& span, const LogRecord* line_log, std::string_view key) {
  if (const Value* value = find_in(span.attrs, span.resource_attrs, key)) return value;
  auto text = [this](std::string_view s) -> const Value* {
    if (s.empty()) return nullptr;
    value_ = Value::of_string(s);
    return &value_;
  };
  if (key == "name") return text(span.name);
  if (key == "service") return text(span.service);
  if (key == "trace_id") return text(span.trace_id);
  if (key == "span_id") return text(span.span_id);
  if (key == "parent_id") return text(span.parent_id);
  if (key == "status") return text(status_text(span.status));
  if (key == "kind") return text(kind_text(span.kind));
  if (key == "duration") {
    if (!span.has_duration()) return nullptr;
    value_ = Value::of_int(span.duration_ns);
    return &value_;
  }
  if (line_log) return find(*line_log, key);
  return nullptr;
}

const Value* FieldLookup::find(const LogRecord& log, std::string_view key) {
  if (const Value* value = find_in(log.fields, log.resource_attrs, key)) return value;
  auto text = [this](std::string_view s) -> const Value* {
    if (s.empty()) return nullptr;
    value_ = Value::of_string(s);
    return &value_;
  };
  if (key == "message") return text(log.message);
  if (key == "logger") return text(log.logger);
  if (key == "service") return text(log.service);
  if (key == "trace_id") return text(log.trace_id);
  if (key == "span_id") return text(log.span_id);
  if (key == "level") return text(severity_name(log.severity));
  if (key == "severity") {
    if (log.severity == kSeverityUnknown) return nullptr;
    value_ = Value::of_int(log.severity);
    return &value_;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------

RecordFilter::RecordFilter(FilterSpec spec) : spec_(std::move(spec)) {
  if (spec_.pattern) matcher_.emplace(*spec_.pattern, spec_.match);
}

bool RecordFilter::text_matches(const Value* value) {
  if (value == nullptr) return false;
  if (value->kind == ValueKind::kString || value->kind == ValueKind::kRawJson) return matcher_->matches(value->text);
  scratch_.clear();
  if (!append_value_text(*value, scratch_)) return false;
  return matcher_->matches(scratch_);
}

bool RecordFilter::pattern_matches(const Span& span, const LogRecord* line_log) {
  if (!spec_.field.empty()) return text_matches(lookup_.find(span, line_log, spec_.field));
  if (matcher_->matches(span.name)) return true;
  return line_log && matcher_->matches(line_log->message);
}

bool RecordFilter::pattern_matches(const LogRecord& log) {
  if (!spec_.field.empty()) return text_matches(lookup_.find(log, spec_.field));
  return matcher_->matches(log.message);
}

template <class Record>
bool RecordFilter::where_holds(const Record& record, const LogRecord* line_log) {
  for (const WhereClause& clause : spec_.where) {
    const Value* value;
    if constexpr (std::is_same_v<Record, Span>) value = lookup_.find(record, line_log, clause.key);
    else value = lookup_.find(record, clause.key);
    if (!where_clause_holds(clause, value, scratch_)) return false;
  }
  return true;
}

bool RecordFilter::matches(const Span& span, const LogRecord* line_log) {
  if (!spec_.trace_id.empty() && !equal_fold(span.trace_id, spec_.trace_id)) return false;
  if (!spec_.span_id.empty() && !equal_fold(span.span_id, spec_.span_id)) return false;
  if (spec_.min_duration_ns && (!span.has_duration() || span.duration_ns < *spec_.min_duration_ns)) return false;
  if (spec_.max_duration_ns && (!span.has_duration() || span.duration_ns > *spec_.max_duration_ns)) return false;
  if (spec_.level) {
    uint8_t severity = line_log ? line_log->severity : kSeverityUnknown;
    if (severity < spec_.level->min || severity > spec_.level->max) return false;
  }
  if (spec_.errors && !span.is_error() && !(line_log && line_log->is_error())) return false;
  if (!in_time(time_of(span, line_log), spec_)) return false;
  if (matcher_ && !pattern_matches(span, line_log)) return false;
  return where_holds(span, line_log);
}

bool RecordFilter::matches(const LogRecord& log) {
  if (!spec_.trace_id.empty() && !equal_fold(log.trace_id, spec_.trace_id)) return false;
  if (!spec_.span_id.empty() && !equal_fold(log.span_id, spec_.span_id)) return false;
  // Durations belong to spans; a log line with one is also pushed as a span.
  if (spec_.min_duration_ns || spec_.max_duration_ns) return false;
  if (spec_.level && (log.severity < spec_.level->min || log.severity > spec_.level->max)) return false;
  if (spec_.errors && !log.is_error()) return false;
  if (!in_time(time_of(log), spec_)) return false;
  if (matcher_ && !pattern_matches(log)) return false;
  return where_holds(log, nullptr);
}

}  // namespace trace
