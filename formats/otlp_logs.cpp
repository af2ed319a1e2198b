#include "formats/otlp_logs.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "formats/otlp_common.h"
#include "formats/otlp_plain.h"
#include "formats/otlp_traces.h"
#include "formats/plain_json.h"
#include "formats/record_locator.h"
#include "src/errors.h"
#include "src/severity.h"

namespace trace::formats {

namespace {

// SeverityNumber's names without the SEVERITY_NUMBER_ prefix, index = number.
constexpr std::string_view kSeverityNames[] = {
    "UNSPECIFIED", "TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4",
    "INFO",        "INFO2", "INFO3",  "INFO4",  "WARN",   "WARN2", "WARN3",  "WARN4",  "ERROR",
    "ERROR2",      "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4"};
constexpr int kSeverityCount = static_cast<int>(std::size(kSeverityNames));

// Reads one ExportLogsServiceRequest (= LogsData) per load() and pushes each LogRecord
// as it is parsed. The resource (service.name and the resource attributes) and the
// scope (its name becomes the logger) are looked up before the records they govern,
// whatever order the producer wrote them in, as the traces loader does.
class OtlpLogsLoader final : public Loader {
 public:
  explicit OtlpLogsLoader(bool read_spans) : read_spans_(read_spans) {}

  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    has_spans_ = false;
    sink_ = &sink;
    skips_ = ctx.skips;
    locator_.reset(text, where);
    scratch_.rewind(0);
    if (auto error = ctx.parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING)
                         .get(doc_)) {
      if (error == simdjson::UNCLOSED_STRING) {
        throw DocumentError(text.size(), "expected a closing '\"', found the end of the text");
      }
      throw iterate_error(text, "expected a JSON text", error);
    }
    OtlpReader reader(doc_, text, scratch_);
    od::object root;
    if (auto error = doc_.get_object().get(root)) {
      size_t start = std::min(text.find_first_not_of(" \t\r\n"), text.size());
      if (error != simdjson::INCORRECT_TYPE) {
        // simdjson checks the root's brackets by looking at the text's last byte: a
        // complete object followed by more JSON lands here too.
        size_t end = find_value_end(text, start);
        size_t next = end == std::string_view::npos ? text.size() : skip_whitespace(text, end);
        if (next < text.size()) throw DocumentError(next, "expected the end of the text after the request object");
        reader.fail("expected a closing '}' or ']'", error);
      }
      throw DocumentError(start, fmt::format("expected an OTLP logs request (a JSON object with "
                                             "resourceLogs), found {}",
                                             describe_json(text.substr(start, 64))));
    }
    bool request = false;         // a key that makes this an OTLP request
    const char* other = nullptr;  // the first key that does not
    SeenKeys seen;
    bool keep_going = reader.for_each_field(root, "the request", [&](std::string_view key, od::value value) {
      if (key == "resourceSpans" && read_spans_) has_spans_ = true;
      bool logs = key == "resourceLogs";
      if (logs || key == "resourceSpans" || key == "batches" || key == "result" || key == "trace") {
        request = true;
      } else if (other == nullptr) {
        other = key.data() - 1;
      }
      if (!logs || !seen.first(0)) return true;
      return reader.for_each_element(value, "resourceLogs",
                                     [&](od::value element) { return read_resource_logs(reader, element); });
    });
    if (!keep_going) return Flow::kStop;
    // Unknown keys are ignored, as receivers must; but an object with nothing else is no
    // request at all, most likely a line of another format in the file ({} is an empty
    // request).
    if (!request && other != nullptr) {
      bool inside = other >= text.data() && other < text.data() + text.size();
      throw DocumentError(inside ? static_cast<uint64_t>(other - text.data()) : 0,
                          "expected resourceLogs in an OTLP logs request, found only other keys "
                          "(a line of another format? one format per file)");
    }
    const char* after = nullptr;
    if (doc_.current_location().get(after) == simdjson::SUCCESS) {
      reader.fail("expected the end of the text after the request object", simdjson::SUCCESS);
    }
    if (!has_spans_) return Flow::kContinue;
    // A traces request in a logs file (make_otlp_logs_only_loader says why): read again.
    if (!spans_) spans_ = make_otlp_traces_only_loader();
    return spans_->load(text, where, ctx, sink);
  }

 private:
  bool read_resource_logs(const OtlpReader& reader, od::value value) {
    od::object object = reader.read_resource_first(value, "ResourceLogs", resource_attrs_);
    service_ = service_name(resource_attrs_);

    SeenKeys seen;
    return reader.for_each_field(object, "ResourceLogs", [&](std::string_view key, od::value v) {
      // instrumentationLibraryLogs: OTLP before 0.15.
      bool legacy = key == "instrumentationLibraryLogs";
      if ((key != "scopeLogs" && !legacy) || !seen.first(legacy ? 1 : 0)) return true;
      return reader.for_each_element(v, key,
                                     [&](od::value element) { return read_scope_logs(reader, element, legacy); });
    });
  }

  bool read_scope_logs(const OtlpReader& reader, od::value value, bool legacy) {
    std::string_view what = legacy ? "InstrumentationLibraryLogs" : "ScopeLogs";
    scope_name_ = {};
    od::object object = reader.read_field_first(
        value, what, legacy ? "instrumentationLibrary" : "scope", [&](od::value scope) {
          SeenKeys seen;
          reader.for_each_field(scope, "InstrumentationScope", [&](std::string_view key, od::value v) {
            if (key == "name" && seen.first(0)) scope_name_ = reader.read_string(v, "scope.name");
          });
        });

    SeenKeys seen;
    return reader.for_each_field(object, what, [&](std::string_view key, od::value v) {
      if (key != "logRecords" || !seen.first(0)) return true;
      return reader.for_each_element(v, "logRecords",
                                     [&](od::value element) { return read_log_or_skip(reader, element); });
    });
  }

  // A record in plain JSON (formats/plain_json.h) is read without simdjson and its value
  // left unread, for the array walk to step over; any other goes to read_log. Under
  // --lenient a log record whose JSON is intact but whose content is bad is skipped
  // alone, and the records after it are read.
  bool read_log_or_skip(const OtlpReader& reader, od::value value) {
    const char* start = value.raw_json_token().data();
    size_t scratch_mark = scratch_.mark();
    if (read_plain_log(reader.text_from(value))) return push_log(start, scratch_mark);
    scratch_.rewind(scratch_mark);
    if (skips_ == nullptr) return read_log(reader, value);
    try {
      return read_log(reader, value);
    } catch (const ElementError& e) {
      scratch_.rewind(scratch_mark);
      skips_->skip(e.offset(), fmt::format("{} (the log record was skipped)", e.what()));
      return true;
    }
  }

  // Forgets the last record's.
  void clear_log() {
    log_ = LogRecord{};
    fields_.clear();
    time_ = observed_ = 0;
    severity_number_ = 0;
  }

  // Returns false when the sink asked to stop.
  bool read_log(const OtlpReader& reader, od::value value) {
    const char* start = value.raw_json_token().data();
    size_t scratch_mark = scratch_.mark();
    clear_log();
    SeenKeys seen;
    reader.for_each_field(value, "LogRecord", [&](std::string_view key, od::value v) {
      LogField field = log_field(key);
      if (field == LogField::kOther || !seen.first(static_cast<int>(field))) return;
      switch (field) {
        case LogField::kTime: time_ = reader.read_int64(v, key); break;
        case LogField::kObservedTime: observed_ = reader.read_int64(v, key); break;
        case LogField::kSeverityNumber:
          severity_number_ = reader.read_enum(v, key, "SEVERITY_NUMBER_", kSeverityNames, kSeverityCount, 0);
          break;
        case LogField::kSeverityText: log_.level_text = reader.read_string(v, key); break;
        case LogField::kBody: log_.message = message_of(reader.read_any_value(v)); break;
        case LogField::kAttributes: reader.read_attributes(v, key, fields_); break;
        case LogField::kTraceId: log_.trace_id = non_null_id(reader.read_id(v, key, trace_id_)); break;
        case LogField::kSpanId: log_.span_id = non_null_id(reader.read_id(v, key, span_id_)); break;
        case LogField::kEventName:
          fields_.push_back({"event.name", Value::of_string(reader.read_string(v, key))});
          break;
        case LogField::kOther: break;
      }
    });
    return push_log(start, scratch_mark);
  }

  // read_log's reading without simdjson, for the record at the start of `text` when it
  // is plain JSON and needs nothing only OtlpReader does (formats/otlp_plain.h).
  bool read_plain_log(std::string_view text) {
    clear_log();
    PlainJsonCursor in(text, PlainJsonCursor::ValueAtStart{});
    if (!in.begin_object()) return false;
    SeenKeys seen;
    std::string_view key;
    while (in.next_field(key)) {
      LogField field = log_field(key);
      if (field != LogField::kOther && !seen.first(static_cast<int>(field))) field = LogField::kOther;
      bool ok = true;
      std::string_view text_value;
      Value body;
      switch (field) {
        case LogField::kTime: ok = read_plain_int64(in, time_); break;
        case LogField::kObservedTime: ok = read_plain_int64(in, observed_); break;
        case LogField::kSeverityNumber:
          ok = read_plain_enum(in, "SEVERITY_NUMBER_", kSeverityNames, kSeverityCount, 0, severity_number_);
          break;
        case LogField::kSeverityText: ok = in.read_string(log_.level_text); break;
        case LogField::kBody:
          ok = read_plain_any_value(in, body);
          if (ok) log_.message = message_of(body);
          break;
        case LogField::kAttributes: ok = read_plain_attributes(in, fields_); break;
        case LogField::kTraceId:
          ok = read_plain_id(in, trace_id_, text_value);
          log_.trace_id = non_null_id(text_value);
          break;
        case LogField::kSpanId:
          ok = read_plain_id(in, span_id_, text_value);
          log_.span_id = non_null_id(text_value);
          break;
        case LogField::kEventName:
          ok = in.read_string(text_value);
          if (ok) fields_.push_back({"event.name", Value::of_string(text_value)});
          break;
        case LogField::kOther: ok = in.skip(); break;
      }
      if (!ok) return false;
    }
    return in.finish_value();
  }

  static std::string_view non_null_id(std::string_view id) { return is_null_id(id) ? std::string_view() : id; }

  // Completes the record read (by either reader) and hands it to the sink, then gives
  // back the scratch strings taken since `scratch_mark`; false when the sink asked to stop.
  bool push_log(const char* start, size_t scratch_mark) {
    // timeUnixNano 0 means the producer did not know; the collector's time is next best.
    log_.time_ns = time_ != 0 ? time_ : observed_;
    log_.severity = severity_number_ > 0 ? static_cast<uint8_t>(severity_number_) : severity_from_text(log_.level_text);
    log_.logger = scope_name_;
    log_.service = service_;
    log_.fields = fields_;
    log_.resource_attrs = resource_attrs_;
    log_.src = locator_.at(start);

    Flow flow = sink_->on_log(log_);
    scratch_.rewind(scratch_mark);
    return flow == Flow::kContinue;
  }

  // The LogRecord keys read; the value is the key's SeenKeys bit.
  enum class LogField {
    kTime, kObservedTime, kSeverityNumber, kSeverityText, kBody, kAttributes, kTraceId, kSpanId, kEventName, kOther
  };
  static LogField log_field(std::string_view key) {
    static constexpr std::string_view kKeys[] = {"timeUnixNano", "observedTimeUnixNano", "severityNumber",
                                                 "severityText", "body", "attributes", "traceId", "spanId",
                                                 "eventName"};
    for (size_t i = 0; i < std::size(kKeys); ++i)
      if (key == kKeys[i]) return static_cast<LogField>(i);
    return LogField::kOther;
  }

  // The body as a message: a string as it is; a structured body (kvlist or array) as its
  // JSON text, so nothing is lost and grep can still match it; other scalars as written.
  std::string_view message_of(const Value& body) {
    switch (body.kind) {
      case ValueKind::kString:
      case ValueKind::kRawJson: return body.text;
      case ValueKind::kNull: return {};
      case ValueKind::kBool: return body.boolean ? "true" : "false";
      case ValueKind::kInt: {
        std::string& text = scratch_.take();
        fmt::format_to(std::back_inserter(text), "{}", body.integer);
        return text;
      }
      case ValueKind::kDouble: {
        std::string& text = scratch_.take();
        fmt::format_to(std::back_inserter(text), "{}", body.number);
        return text;
      }
    }
    return {};
  }

  bool read_spans_;
  bool has_spans_ = false;
  std::unique_ptr<Loader> spans_;
  od::document doc_;
  ScratchStrings scratch_;
  RecordLocator locator_;
  RecordSink* sink_ = nullptr;
  SkipReporter* skips_ = nullptr;

  std::vector<Attr> resource_attrs_;
  std::string_view service_;
  std::string_view scope_name_;

  LogRecord log_;
  std::vector<Attr> fields_;
  int64_t time_ = 0, observed_ = 0;
  int severity_number_ = 0;
  std::string trace_id_, span_id_;
};

}  // namespace

bool sniff_otlp_logs(const InputHead& head) { return head.first.has("resourceLogs"); }

std::unique_ptr<Loader> make_otlp_logs_loader(const InputHead& /*head*/) { return std::make_unique<OtlpLogsLoader>(true); }

std::unique_ptr<Loader> make_otlp_logs_only_loader() { return std::make_unique<OtlpLogsLoader>(false); }

}  // namespace trace::formats
