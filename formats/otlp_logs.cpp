#include "formats/otlp_logs.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/otlp_common.h"
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
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    sink_ = &sink;
    locator_.reset(text, where);
    scratch_.rewind(0);
    if (auto error = ctx.parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING)
                         .get(doc_)) {
      if (error == simdjson::UNCLOSED_STRING) {
        throw DocumentError(text.size(), "expected a closing '\"', found the end of the text");
      }
      throw DocumentError(0, fmt::format("expected a JSON text ({})", simdjson::error_message(error)));
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
    bool keep_going = reader.for_each_field(root, "the request", [&](std::string_view key, od::value value) {
      if (key != "resourceLogs") return true;
      return reader.for_each_element(value, "resourceLogs",
                                     [&](od::value element) { return read_resource_logs(reader, element); });
    });
    if (!keep_going) return Flow::kStop;
    const char* after = nullptr;
    if (doc_.current_location().get(after) == simdjson::SUCCESS) {
      reader.fail("expected the end of the text after the request object", simdjson::SUCCESS);
    }
    return Flow::kContinue;
  }

 private:
  bool read_resource_logs(const OtlpReader& reader, od::value value) {
    od::object object = reader.read_resource_first(value, "ResourceLogs", resource_attrs_);
    service_ = service_name(resource_attrs_);

    return reader.for_each_field(object, "ResourceLogs", [&](std::string_view key, od::value v) {
      // instrumentationLibraryLogs: OTLP before 0.15.
      bool legacy = key == "instrumentationLibraryLogs";
      if (key != "scopeLogs" && !legacy) return true;
      return reader.for_each_element(v, key,
                                     [&](od::value element) { return read_scope_logs(reader, element, legacy); });
    });
  }

  bool read_scope_logs(const OtlpReader& reader, od::value value, bool legacy) {
    std::string_view what = legacy ? "InstrumentationLibraryLogs" : "ScopeLogs";
    scope_name_ = {};
    od::object object = reader.read_field_first(
        value, what, legacy ? "instrumentationLibrary" : "scope", [&](od::value scope) {
          reader.for_each_field(scope, "InstrumentationScope", [&](std::string_view key, od::value v) {
            if (key == "name") scope_name_ = reader.read_string(v, "scope.name");
          });
        });

    return reader.for_each_field(object, what, [&](std::string_view key, od::value v) {
      if (key != "logRecords") return true;
      return reader.for_each_element(v, "logRecords", [&](od::value element) { return read_log(reader, element); });
    });
  }

  // Returns false when the sink asked to stop.
  bool read_log(const OtlpReader& reader, od::value value) {
    const char* start = value.raw_json_token().data();
    size_t scratch_mark = scratch_.mark();
    log_ = LogRecord{};
    fields_.clear();
    int64_t time = 0, observed = 0;
    int severity_number = 0;

    reader.for_each_field(value, "LogRecord", [&](std::string_view key, od::value v) {
      if (key == "timeUnixNano") {
        time = reader.read_int64(v, key);
      } else if (key == "observedTimeUnixNano") {
        observed = reader.read_int64(v, key);
      } else if (key == "severityNumber") {
        severity_number = reader.read_enum(v, key, "SEVERITY_NUMBER_", kSeverityNames, kSeverityCount, 0);
      } else if (key == "severityText") {
        log_.level_text = reader.read_string(v, key);
      } else if (key == "body") {
        log_.message = message_of(reader.read_any_value(v));
      } else if (key == "attributes") {
        reader.read_attributes(v, key, fields_);
      } else if (key == "traceId") {
        std::string_view id = reader.read_id(v, key, trace_id_);
        log_.trace_id = is_null_id(id) ? std::string_view() : id;
      } else if (key == "spanId") {
        std::string_view id = reader.read_id(v, key, span_id_);
        log_.span_id = is_null_id(id) ? std::string_view() : id;
      } else if (key == "eventName") {
        fields_.push_back({"event.name", Value::of_string(reader.read_string(v, key))});
      }
    });

    // timeUnixNano 0 means the producer did not know; the collector's time is next best.
    log_.time_ns = time != 0 ? time : observed;
    log_.severity = severity_number > 0 ? static_cast<uint8_t>(severity_number) : severity_from_text(log_.level_text);
    log_.logger = scope_name_;
    log_.service = service_;
    log_.fields = fields_;
    log_.resource_attrs = resource_attrs_;
    log_.src = locator_.at(start);

    Flow flow = sink_->on_log(log_);
    scratch_.rewind(scratch_mark);
    return flow == Flow::kContinue;
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

  od::document doc_;
  ScratchStrings scratch_;
  RecordLocator locator_;
  RecordSink* sink_ = nullptr;

  std::vector<Attr> resource_attrs_;
  std::string_view service_;
  std::string_view scope_name_;

  LogRecord log_;
  std::vector<Attr> fields_;
  std::string trace_id_, span_id_;
};

}  // namespace

bool sniff_otlp_logs(const InputHead& head) { return head.first.has("resourceLogs"); }

std::unique_ptr<Loader> make_otlp_logs_loader(const InputHead& /*head*/) { return std::make_unique<OtlpLogsLoader>(); }

}  // namespace trace::formats
