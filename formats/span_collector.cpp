// The agentic-boilerplate tracing guide (../shared/seeds/003) shows the producer's API,
// not its file: a TraceCollector that start()s, collects the spans of create_span(name)
// (hierarchical blocks whose set_attribute(key, value) builds a flat attribute map) and
// the events of log_event(name, data), then save_trace("trace.json"). This is the file
// `trace` reads as span-collector, one JSON object (or several back to back):
//
//   { "trace_id":     str?            the collection's trace id, for spans without one
//     "service_name": str?            (or "service") DistributedTracer(service_name=...)
//     "start_time", "end_time": time? the collector's start() and stop(): not read
//     "spans": [ {
//         "span_id":    str | int     required
//         "parent_id":  str | int | null   null or absent: a root span
//         "trace_id":   str?          else the file's trace_id, else "collector-<n>"
//                                     (n = the object's index in the file, from 0)
//         "name":       str           required
//         "start_time": time          absent: start unknown
//         "end_time":   time | null   null or absent: still open (incomplete)...
//         "duration_ms": number?      ...unless a duration is given
//         "status":     "ok" | "error" | "unset"?  (also success/completed, failed/failure;
//                                     or {"status_code", "description"} as OTel writes it)
//         "error":      null | str | {"type", "message"}   present: the span failed
//         "attributes": { key: value }   set_attribute() calls, any JSON values
//         "events":     [ {"name", "timestamp": time, "attributes": {...}} ]?
//       } ],
//     "events": [ {                   log_event() calls
//         "name": str, "timestamp": time, "level": str?,
//         "trace_id": str?, "span_id": str?, "data": {...} (or "attributes") } ] }
//
//   time = epoch seconds as Python's time.time() writes them (1736937000.25); ms, us and
//   ns are told apart by magnitude; an ISO 8601 string is accepted too.
//
// Mapping: a span -> a Span (status error when status says so or error is present, with
// error's message and an error.type attribute; duration = end - start, else duration_ms);
// a log_event -> a LogRecord (message = name, fields = data) joined to its span by
// span_id. Unknown keys are ignored, so later versions still read.
#include "formats/span_collector.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_util.h"
#include "formats/seed_reader.h"
#include "src/errors.h"
#include "src/severity.h"
#include "src/time.h"

namespace trace::formats {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// "ok", "ERROR", "STATUS_CODE_ERROR", "failed" ... -> a Status; nullopt when not a status word.
std::optional<Status> status_of(std::string_view word) {
  if (word.substr(0, 12) == "STATUS_CODE_") word.remove_prefix(12);
  for (std::string_view ok : {"ok", "success", "succeeded", "completed"})
    if (equals_ignoring_case(word, ok)) return Status::kOk;
  for (std::string_view error : {"error", "failed", "failure"})
    if (equals_ignoring_case(word, error)) return Status::kError;
  if (word.empty() || equals_ignoring_case(word, "unset")) return Status::kUnset;
  return std::nullopt;
}

struct AttrRange {
  size_t begin = 0;
  size_t count = 0;
};

class SpanCollectorLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    where_ = where;
    sink_ = &sink;
    lines_.reset(text, where.line);
    trace_id_ = {};
    service_ = {};
    document_index_ = documents_++;
    fallback_trace_id_ = fmt::format("collector-{}", document_index_);

    od::object root = SeedReader::start(ctx.parser, doc_, text, "a TraceCollector trace");
    SeedReader reader(doc_, text);
    // Spans need the file's trace id and service, wherever they are written: a first
    // walk reads them and skims the rest, a second one reads spans and events.
    reader.for_each_field(root, "the trace", [&](std::string_view key, od::value value) {
      if (key == "trace_id") trace_id_ = read_id(reader, value, "trace_id");
      else if (key == "service_name" || (key == "service" && service_.empty()))
        service_ = reader.string(value, key);
    });
    if (auto error = root.reset().error()) reader.fail("expected the trace", error);
    bool keep_going = reader.for_each_field(root, "the trace", [&](std::string_view key, od::value value) {
      if (key == "spans")
        return reader.for_each_element(value, "spans", [&](od::value span) { return read_span(reader, span); });
      if (key == "events")
        return reader.for_each_element(value, "events", [&](od::value event) { return read_log(reader, event); });
      return true;
    });
    if (!keep_going) return Flow::kStop;
    reader.expect_end("a TraceCollector trace");
    return Flow::kContinue;
  }

 private:
  std::string_view trace_id_or_fallback(std::string_view own) const {
    if (!own.empty()) return own;
    if (!trace_id_.empty()) return trace_id_;
    return fallback_trace_id_;
  }

  // An id as a string, or an integer as written.
  std::string_view read_id(const SeedReader& reader, od::value value, std::string_view field) const {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail(fmt::format("expected {} as a string", field), error);
    if (type == od::json_type::number) return trim_json_space(value.raw_json_token());
    return reader.string(value, field);
  }

  void read_attributes(const SeedReader& reader, od::value value, std::string_view what,
                       std::vector<Attr>& out) const {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail(fmt::format("expected {} as an object", what), error);
    if (type == od::json_type::null) return;
    reader.for_each_field(value, what,
                          [&](std::string_view key, od::value v) { out.push_back({key, reader.any(v)}); });
  }

  void read_status(const SeedReader& reader, od::value value, Span& span) {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected status", error);
    if (type == od::json_type::null) return;
    if (type == od::json_type::object) {
      reader.for_each_field(value, "status", [&](std::string_view key, od::value v) {
        if (key == "status_code" || key == "code") {
          std::optional<Status> status = status_of(reader.string(v, "status.status_code"));
          if (status) span.status = *status;
        } else if (key == "description" || key == "message") {
          status_description_ = reader.string(v, "status.description");
        }
      });
      return;
    }
    std::string_view word = reader.string(value, "status");
    std::optional<Status> status = status_of(word);
    if (status) span.status = *status;
    else attrs_.push_back({"status", Value::of_string(word)});
  }

  // error: null, false and "" say nothing; a string is the message; {type, message}.
  void read_error(const SeedReader& reader, od::value value) {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected error", error);
    if (type == od::json_type::object) {
      failed_ = true;
      reader.for_each_field(value, "error", [&](std::string_view key, od::value v) {
        Value field = reader.any(v);
        if (field.kind != ValueKind::kString) return;
        if (key == "message") error_message_ = field.text;
        else if (key == "type") error_type_ = field.text;
      });
      return;
    }
    Value error = reader.any(value);
    switch (error.kind) {
      case ValueKind::kNull: return;
      case ValueKind::kBool: failed_ = error.boolean; return;
      case ValueKind::kString:
      case ValueKind::kRawJson:
        failed_ = !error.text.empty();
        error_message_ = error.text;
        return;
      default: failed_ = true; return;
    }
  }

  void read_span_events(const SeedReader& reader, od::value value) {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected events as an array", error);
    if (type == od::json_type::null) return;
    reader.for_each_element(value, "events", [&](od::value element) {
      SpanEvent event;
      AttrRange range{event_attrs_.size(), 0};
      reader.for_each_field(element, "a span event", [&](std::string_view key, od::value v) {
        if (key == "name") event.name = reader.string(v, "event name");
        else if (key == "timestamp" || key == "time") event.time_ns = reader.time(v, "event timestamp").value_or(0);
        else if (key == "attributes" || key == "data") read_attributes(reader, v, "event attributes", event_attrs_);
      });
      range.count = event_attrs_.size() - range.begin;
      events_.push_back(event);
      event_ranges_.push_back(range);
    });
  }

  bool read_span(const SeedReader& reader, od::value value) {
    uint64_t offset = reader.offset_of(value);
    Span span;
    attrs_.clear();
    events_.clear();
    event_ranges_.clear();
    event_attrs_.clear();
    failed_ = false;
    error_message_ = {};
    error_type_ = {};
    status_description_ = {};
    std::string_view trace_id;
    std::optional<int64_t> start, end, duration;
    bool has_span_id = false, has_name = false;

    reader.for_each_field(value, "a span", [&](std::string_view key, od::value v) {
      if (key == "span_id") {
        span.span_id = read_id(reader, v, "span_id");
        has_span_id = !span.span_id.empty();
      } else if (key == "parent_id") {
        span.parent_id = read_id(reader, v, "parent_id");
      } else if (key == "trace_id") {
        trace_id = read_id(reader, v, "trace_id");
      } else if (key == "name") {
        span.name = reader.string(v, "name");
        has_name = true;
      } else if (key == "start_time") {
        start = reader.time(v, "start_time");
      } else if (key == "end_time") {
        end = reader.time(v, "end_time");
      } else if (key == "duration_ms") {
        duration = reader.duration(v, "duration_ms", kNsPerMs);
      } else if (key == "status") {
        read_status(reader, v, span);
      } else if (key == "error") {
        read_error(reader, v);
      } else if (key == "attributes") {
        read_attributes(reader, v, "attributes", attrs_);
      } else if (key == "events") {
        read_span_events(reader, v);
      }
    });
    if (!has_span_id) throw DocumentError(offset, "expected span_id in a span");
    if (!has_name) throw DocumentError(offset, "expected name in a span");

    span.trace_id = trace_id_or_fallback(trace_id);
    span.service = service_;
    if (start) {
      span.start_ns = *start;
      if (end) span.duration_ns = *end >= *start ? *end - *start : 0;
      else if (duration) span.duration_ns = *duration;
      else span.flags |= kSpanIncomplete;
    } else {
      span.flags |= kSpanStartUnknown;
      if (duration) span.duration_ns = *duration;
      if (end) span.start_ns = *end - std::max<int64_t>(span.duration_ns, 0);
      if (!end && !duration) span.flags |= kSpanIncomplete;
    }
    if (failed_) span.status = Status::kError;
    if (span.status == Status::kError) {
      span.status_message = !error_message_.empty() ? error_message_ : status_description_;
      if (!error_type_.empty()) attrs_.push_back({"error.type", Value::of_string(error_type_)});
    }
    for (size_t i = 0; i < events_.size(); ++i)
      events_[i].attrs = Attrs(event_attrs_.data() + event_ranges_[i].begin, event_ranges_[i].count);
    span.attrs = attrs_;
    span.events = events_;
    span.src = {where_.file_index, lines_.line_at(offset), where_.offset + offset, {}};
    return sink_->on_span(span) == Flow::kContinue;
  }

  bool read_log(const SeedReader& reader, od::value value) {
    uint64_t offset = reader.offset_of(value);
    LogRecord log;
    attrs_.clear();
    reader.for_each_field(value, "an event", [&](std::string_view key, od::value v) {
      if (key == "name") {
        log.message = reader.string(v, "event name");
      } else if (key == "timestamp" || key == "time") {
        log.time_ns = reader.time(v, "event timestamp").value_or(0);
      } else if (key == "level") {
        log.level_text = reader.string(v, "event level");
        log.severity = severity_from_text(log.level_text);
      } else if (key == "trace_id") {
        log.trace_id = read_id(reader, v, "event trace_id");
      } else if (key == "span_id") {
        log.span_id = read_id(reader, v, "event span_id");
      } else if (key == "data" || key == "attributes") {
        read_attributes(reader, v, "event data", attrs_);
      }
    });
    log.trace_id = trace_id_or_fallback(log.trace_id);
    log.service = service_;
    log.fields = attrs_;
    log.src = {where_.file_index, lines_.line_at(offset), where_.offset + offset, {}};
    return sink_->on_log(log) == Flow::kContinue;
  }

  od::document doc_;
  LineCounter lines_;
  SourceRef where_;
  RecordSink* sink_ = nullptr;
  std::string_view trace_id_, service_;
  uint64_t documents_ = 0;
  uint64_t document_index_ = 0;
  std::string fallback_trace_id_;

  // Reused per span.
  std::vector<Attr> attrs_;
  std::vector<SpanEvent> events_;
  std::vector<AttrRange> event_ranges_;
  std::vector<Attr> event_attrs_;
  bool failed_ = false;
  std::string_view error_message_, error_type_, status_description_;
};

}  // namespace

bool sniff_span_collector(const InputHead& head) {
  if (head.first.first_byte() != '{') return false;
  const HeadKey* spans = head.first.find("spans");
  if (spans == nullptr || spans->type != '[') return false;
  // snake_case span_id: Jaeger writes spanID, inside data[] or beside processes.
  return head.first.has("spans[].span_id");
}

std::unique_ptr<Loader> make_span_collector_loader(const InputHead& /*head*/) {
  return std::make_unique<SpanCollectorLoader>();
}

}  // namespace trace::formats
