#include "formats/trace_jsonl.h"

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "src/errors.h"
#include "src/record_names.h"
#include "src/severity.h"

namespace trace::formats {

namespace {

using simdjson::SUCCESS;

enum class Column : uint8_t {
  kOther,  // not one of ours: kept as an attribute, so that added columns are not lost
  kIgnored,  // file, line: where the record was first read; this line is where it is now
  kKind, kTimeNs, kEndNs, kDurationNs, kName, kMessage, kLevel, kSeverity, kService,
  kTraceId, kSpanId, kParentId, kStatus, kStatusMessage, kSpanKind, kLogger,
  kAttrs, kResource, kEvents, kFlags,
};

Column column_of(std::string_view key) {
  struct Entry {
    std::string_view key;
    Column column;
  };
  static constexpr Entry kColumns[] = {
      {"kind", Column::kKind},         {"time_ns", Column::kTimeNs},
      {"end_ns", Column::kEndNs},      {"duration_ns", Column::kDurationNs},
      {"name", Column::kName},         {"message", Column::kMessage},
      {"level", Column::kLevel},       {"severity", Column::kSeverity},
      {"service", Column::kService},   {"trace_id", Column::kTraceId},
      {"span_id", Column::kSpanId},    {"parent_id", Column::kParentId},
      {"status", Column::kStatus},     {"status_message", Column::kStatusMessage},
      {"span_kind", Column::kSpanKind}, {"logger", Column::kLogger},
      {"attrs", Column::kAttrs},       {"resource", Column::kResource},
      {"events", Column::kEvents},     {"flags", Column::kFlags},
      {"file", Column::kIgnored},      {"line", Column::kIgnored},
  };
  for (const Entry& entry : kColumns)
    if (entry.key == key) return entry.column;
  return Column::kOther;
}

uint8_t flag_of(std::string_view name) {
  if (name == "start_unknown") return kSpanStartUnknown;
  if (name == "incomplete") return kSpanIncomplete;
  if (name == "relative_clock") return kSpanClockRelative;
  if (name == "instant") return kSpanInstant;
  return 0;
}

struct AttrRange {
  size_t begin = 0;
  size_t count = 0;
};

class TraceJsonlLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    size_t start = skip_whitespace(text, 0);
    if (start == text.size()) return Flow::kContinue;
    if (text[start] != '{') throw DocumentError(start, "expected a JSON object");
    text_ = text;
    if (auto error = ctx.parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc_))
      throw iterate_error(text, "expected a JSON object", error);
    od::object object;
    if (auto error = doc_.get_object().get(object)) {
      // simdjson refuses a line with more after the object up front: say so.
      size_t end = find_value_end(text, start);
      size_t next = end == std::string_view::npos ? text.size() : skip_whitespace(text, end);
      if (next < text.size()) throw DocumentError(next, "expected the end of the line after the object");
      fail_at(doc_, text, "expected a JSON object", error);
    }

    reset();
    for (auto result : object) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      std::string_view key;
      check(field.unescaped_key().get(key), "malformed JSON object");
      read_column(key, field.value());
    }
    const char* after = nullptr;
    if (doc_.current_location().get(after) == SUCCESS && after != nullptr &&
        skip_whitespace(text, static_cast<size_t>(after - text.data())) < text.size())
      throw DocumentError(static_cast<uint64_t>(after - text.data()), "expected the end of the line after the object");

    for (const Attr& extra : extra_) attrs_.push_back(extra);
    if (kind_.empty()) throw DocumentError(start, "expected a kind column (\"span\" or \"log\")");
    return kind_ == "span" ? sink.on_span(make_span(where)) : sink.on_log(make_log(where));
  }

 private:
  void reset() {
    kind_ = {};
    time_ns_ = end_ns_ = duration_ns_ = severity_ = std::nullopt;
    name_ = message_ = level_ = service_ = trace_id_ = span_id_ = parent_id_ = status_message_ = span_kind_ = logger_ = {};
    has_status_message_ = false;
    status_ = Status::kUnset;
    flags_ = 0;
    has_flags_ = false;
    attrs_.clear();
    resource_.clear();
    extra_.clear();
    events_.clear();
    event_ranges_.clear();
    event_attrs_.clear();
  }

  void check(simdjson::error_code error, std::string_view expected) {
    if (error != SUCCESS) fail_at(doc_, text_, expected, error);
  }

  [[noreturn]] void fail_value(od::value& value, std::string_view expected) {
    throw DocumentError(static_cast<uint64_t>(value.raw_json_token().data() - text_.data()), std::string(expected));
  }

  bool is_null(od::value& value) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    if (type != od::json_type::null) return false;
    bool null = false;
    check(value.is_null().get(null), "expected null");
    return true;
  }

  // An integer column: a number, or null.
  void read_int(od::value& value, std::string_view column, std::optional<int64_t>& out) {
    if (is_null(value)) return;
    int64_t n = 0;
    if (!read_int64_lenient(value, n)) fail_value(value, fmt::format("expected {} as an integer or null", column));
    out = n;
  }

  void read_text(od::value& value, std::string_view column, std::string_view& out) {
    if (is_null(value)) return;
    if (value.get_string().get(out) != SUCCESS) fail_value(value, fmt::format("expected {} as a string or null", column));
  }

  void read_object(od::value& value, std::string_view column, std::vector<Attr>& out) {
    if (is_null(value)) return;
    od::object object;
    if (value.get_object().get(object) != SUCCESS) fail_value(value, fmt::format("expected {} as an object or null", column));
    for (auto result : object) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      Attr attr;
      check(field.unescaped_key().get(attr.key), "malformed JSON object");
      check(read_json_value(field.value(), attr.value), "expected a JSON value");
      out.push_back(attr);
    }
  }

  void read_events(od::value& value) {
    if (is_null(value)) return;
    od::array array;
    if (value.get_array().get(array) != SUCCESS) fail_value(value, "expected events as an array or null");
    for (auto element : array) {
      od::value event_value;
      check(std::move(element).get(event_value), "malformed JSON array");
      od::object object;
      if (event_value.get_object().get(object) != SUCCESS) fail_value(event_value, "expected an event object");
      SpanEvent event;
      AttrRange range{event_attrs_.size(), 0};
      for (auto result : object) {
        od::field field;
        check(std::move(result).get(field), "malformed JSON object");
        std::string_view key;
        check(field.unescaped_key().get(key), "malformed JSON object");
        if (key == "time_ns") {
          std::optional<int64_t> time;
          read_int(field.value(), "an event's time_ns", time);
          event.time_ns = time.value_or(0);
        }
        else if (key == "name") read_text(field.value(), "an event's name", event.name);
        else if (key == "attrs") read_object(field.value(), "an event's attrs", event_attrs_);
      }
      range.count = event_attrs_.size() - range.begin;
      events_.push_back(event);
      event_ranges_.push_back(range);
    }
  }

  void read_flags(od::value& value) {
    if (is_null(value)) return;
    od::array array;
    if (value.get_array().get(array) != SUCCESS) fail_value(value, "expected flags as an array or null");
    has_flags_ = true;
    for (auto element : array) {
      std::string_view name;
      check(element.get_string().get(name), "expected flags as an array of strings");
      flags_ |= flag_of(name);
    }
  }

  void read_column(std::string_view key, od::value& value) {
    switch (column_of(key)) {
      case Column::kIgnored: return;
      case Column::kKind:
        if (value.get_string().get(kind_) != SUCCESS || (kind_ != "span" && kind_ != "log"))
          fail_value(value, "expected kind as \"span\" or \"log\"");
        return;
      case Column::kTimeNs: return read_int(value, key, time_ns_);
      case Column::kEndNs: return read_int(value, key, end_ns_);
      case Column::kDurationNs: return read_int(value, key, duration_ns_);
      case Column::kSeverity: return read_int(value, key, severity_);
      case Column::kName: return read_text(value, key, name_);
      case Column::kMessage: return read_text(value, key, message_);
      case Column::kLevel: return read_text(value, key, level_);
      case Column::kService: return read_text(value, key, service_);
      case Column::kTraceId: return read_text(value, key, trace_id_);
      case Column::kSpanId: return read_text(value, key, span_id_);
      case Column::kParentId: return read_text(value, key, parent_id_);
      case Column::kStatusMessage:
        has_status_message_ = true;
        return read_text(value, key, status_message_);
      case Column::kSpanKind: return read_text(value, key, span_kind_);
      case Column::kLogger: return read_text(value, key, logger_);
      case Column::kStatus: {
        std::string_view status;
        read_text(value, key, status);
        if (!status.empty() && !status_from_name(status, status_))
          fail_value(value, "expected status as \"ok\", \"error\", \"unset\" or null");
        return;
      }
      case Column::kAttrs: return read_object(value, key, attrs_);
      case Column::kResource: return read_object(value, key, resource_);
      case Column::kEvents: return read_events(value);
      case Column::kFlags: return read_flags(value);
      case Column::kOther: {
        Attr attr{key, {}};
        check(read_json_value(value, attr.value), "expected a JSON value");
        extra_.push_back(attr);
        return;
      }
    }
  }

  const Span& make_span(const SourceRef& where) {
    span_ = Span{};
    span_.trace_id = trace_id_;
    span_.span_id = span_id_;
    span_.parent_id = parent_id_;
    span_.name = name_;
    span_.service = service_;
    span_.kind = span_kind_from_name(span_kind_);
    span_.status = status_;
    // grep's lines have no status_message: there the message is the status message.
    span_.status_message = has_status_message_ ? status_message_ : message_;
    span_.start_ns = time_ns_.value_or(0);
    if (duration_ns_ && *duration_ns_ >= 0) span_.duration_ns = *duration_ns_;
    else if (!duration_ns_ && time_ns_ && end_ns_ && *end_ns_ >= *time_ns_) span_.duration_ns = *end_ns_ - *time_ns_;
    span_.flags = has_flags_ ? flags_ : (time_ns_ ? 0 : kSpanStartUnknown);
    for (size_t i = 0; i < events_.size(); ++i)
      events_[i].attrs = Attrs(event_attrs_.data() + event_ranges_[i].begin, event_ranges_[i].count);
    span_.attrs = attrs_;
    span_.resource_attrs = resource_;
    span_.events = events_;
    span_.src = where;
    return span_;
  }

  const LogRecord& make_log(const SourceRef& where) {
    log_ = LogRecord{};
    log_.time_ns = time_ns_.value_or(0);
    log_.severity = severity_ && *severity_ > 0 && *severity_ <= 24 ? static_cast<uint8_t>(*severity_)
                                                                   : severity_from_text(level_);
    log_.level_text = level_;
    log_.logger = logger_;
    log_.message = message_;
    log_.trace_id = trace_id_;
    log_.span_id = span_id_;
    log_.service = service_;
    log_.fields = attrs_;
    log_.resource_attrs = resource_;
    log_.src = where;
    return log_;
  }

  od::document doc_;
  std::string_view text_;

  // The line's columns; views into the line or the parser's buffer.
  std::string_view kind_;
  std::optional<int64_t> time_ns_, end_ns_, duration_ns_, severity_;
  std::string_view name_, message_, level_, service_, trace_id_, span_id_, parent_id_, status_message_, span_kind_,
      logger_;
  bool has_status_message_ = false;
  Status status_ = Status::kUnset;
  uint8_t flags_ = 0;
  bool has_flags_ = false;
  // Reused for every line: no allocation once they have grown.
  std::vector<Attr> attrs_, resource_, extra_, event_attrs_;
  std::vector<SpanEvent> events_;
  std::vector<AttrRange> event_ranges_;
  Span span_;
  LogRecord log_;
};

}  // namespace

bool sniff_trace_jsonl(const InputHead& head) {
  const JsonPrefix& first = head.first;
  if (first.first_byte() != '{') return false;
  std::string_view kind = first.scalar("kind");
  if (kind != "span" && kind != "log") return false;
  for (std::string_view key : {"time_ns", "duration_ns", "trace_id", "span_id", "parent_id", "status", "attrs"})
    if (!first.has(key)) return false;
  return true;
}

std::unique_ptr<Loader> make_trace_jsonl_loader(const InputHead& /*head*/) {
  return std::make_unique<TraceJsonlLoader>();
}

}  // namespace trace::formats
