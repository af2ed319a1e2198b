#include "formats/otlp_traces.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_util.h"
#include "formats/otlp_common.h"
#include "formats/otlp_logs.h"
#include "formats/otlp_span_parts.h"
#include "src/errors.h"

namespace trace::formats {

namespace {

// Reads one ExportTraceServiceRequest (= TracesData) per load(): a whole file, or one
// line of the collector's file exporter. Spans are pushed as they are parsed, so the
// views they hold (strings in simdjson's buffer, our scratch strings) only need to
// last until the next document.
//
// Field order: JSON objects are unordered, and a ResourceSpans may list `resource`
// after `scopeSpans` (a ScopeSpans its `scope` after `spans`). Every span needs the
// resource, so the loader first looks the resource up with find_field_unordered(),
// then rewinds the object and walks its fields once. When `resource` comes first, as
// every exporter we know writes it, the look-up costs one key comparison; otherwise it
// is one extra skim over the object's structure, not a second parse.
class OtlpTracesLoader final : public Loader {
 public:
  explicit OtlpTracesLoader(bool read_logs) : read_logs_(read_logs) {}

  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    has_logs_ = false;
    where_ = where;
    sink_ = &sink;
    skips_ = ctx.skips;
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
      // simdjson checks the outermost brackets first, so a cut-off text ends up here.
      if (error != simdjson::INCORRECT_TYPE) reader.fail("expected a closing '}' or ']'", error);
      size_t start = std::min(text.find_first_not_of(" \t\r\n"), text.size());
      throw DocumentError(start, fmt::format("expected an OTLP traces request (a JSON object with "
                                             "resourceSpans), found {}",
                                             describe_json(text.substr(start, 64))));
    }
    SeenKeys seen;
    bool request = false;         // a key that makes this an OTLP request
    const char* other = nullptr;  // the first key that does not
    bool keep_going = reader.for_each_field(root, "the request", [&](std::string_view key, od::value value) {
      int bit = request_key_bit(key);
      if (bit < 0) {
        if (other == nullptr) other = key.data() - 1;
        return true;
      }
      request = true;
      return !seen.first(bit) || read_request_field(reader, key, value);
    });
    if (!keep_going) return Flow::kStop;
    // Unknown keys are ignored, as receivers must; but an object with nothing else is no
    // request at all, most likely a line of another format in the file ({} is an empty
    // request).
    if (!request && other != nullptr) {
      // An escaped key was unescaped elsewhere: then the object's start must do.
      bool inside = other >= text.data() && other < text.data() + text.size();
      throw DocumentError(inside ? static_cast<uint64_t>(other - text.data()) : 0,
                          "expected resourceSpans in an OTLP traces request, found only other keys "
                          "(a line of another format? one format per file)");
    }
    // After the root object simdjson has no position left, unless more JSON follows.
    const char* after = nullptr;
    if (doc_.current_location().get(after) == simdjson::SUCCESS) {
      reader.fail("expected the end of the text after the request object", simdjson::SUCCESS);
    }
    if (!has_logs_) return Flow::kContinue;
    // A logs request in a traces file (make_otlp_logs_only_loader says why): read again.
    if (!logs_) logs_ = make_otlp_logs_only_loader();
    return logs_->load(text, where, ctx, sink);
  }

 private:
  // The keys of a request (duplicates: the first wins), or -1.
  static int request_key_bit(std::string_view key) {
    if (key == "resourceSpans") return 0;
    if (key == "batches") return 1;
    if (key == "result") return 2;
    if (key == "trace") return 3;
    if (key == "resourceLogs") return 4;
    return -1;
  }

  // resourceSpans, or the wrappers of trace APIs that answer in OTLP: Tempo's
  // {"batches":[ResourceSpans...]}, Jaeger v2's {"result":{"resourceSpans":...}} and
  // Tempo v2's {"trace":{"resourceSpans":...}}.
  bool read_request_field(const OtlpReader& reader, std::string_view key, od::value value) {
    if (key == "resourceLogs" && read_logs_) has_logs_ = true;
    if (key == "resourceSpans" || key == "batches") {
      return reader.for_each_element(value, key,
                                     [&](od::value element) { return read_resource_spans(reader, element); });
    }
    if (key == "result" || key == "trace") {
      // Receivers ignore unknown fields: a scalar under either name is not a wrapper.
      od::json_type type;
      if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::object) return true;
      SeenKeys seen;
      return reader.for_each_field(value, key, [&](std::string_view inner, od::value v) {
        return inner != "resourceSpans" || !seen.first(0) || read_request_field(reader, inner, v);
      });
    }
    return true;
  }

  bool read_resource_spans(const OtlpReader& reader, od::value value) {
    od::object object = reader.read_resource_first(value, "ResourceSpans", resource_attrs_);
    service_ = service_name(resource_attrs_);

    SeenKeys seen;
    return reader.for_each_field(object, "ResourceSpans", [&](std::string_view key, od::value v) {
      // instrumentationLibrarySpans: OTLP before 0.15 (and old Jaeger v3 output).
      bool legacy = key == "instrumentationLibrarySpans";
      if ((key != "scopeSpans" && !legacy) || !seen.first(legacy ? 1 : 0)) return true;
      return reader.for_each_element(v, key, [&](od::value element) {
        return read_scope_spans(reader, element, legacy);
      });
    });
  }

  bool read_scope_spans(const OtlpReader& reader, od::value value, bool legacy) {
    std::string_view what = legacy ? "InstrumentationLibrarySpans" : "ScopeSpans";
    scope_name_ = {};
    scope_version_ = {};
    od::object object = reader.read_field_first(
        value, what, legacy ? "instrumentationLibrary" : "scope", [&](od::value scope) {
          SeenKeys seen;
          reader.for_each_field(scope, "InstrumentationScope", [&](std::string_view key, od::value v) {
            if (key == "name") {
              if (seen.first(0)) scope_name_ = reader.read_string(v, "scope.name");
            } else if (key == "version") {
              if (seen.first(1)) scope_version_ = reader.read_string(v, "scope.version");
            }
          });
        });

    SeenKeys seen;
    return reader.for_each_field(object, what, [&](std::string_view key, od::value v) {
      if (key != "spans" || !seen.first(0)) return true;
      return reader.for_each_element(v, "spans", [&](od::value element) { return read_span_or_skip(reader, element); });
    });
  }

  // A span in plain JSON (formats/plain_json.h) is read without simdjson and its value
  // left unread, for the array walk to step over; any other goes to read_span. Under
  // --lenient a span whose JSON is intact but whose content is bad is skipped alone,
  // and the spans after it are read: simdjson steps over the rest of it.
  bool read_span_or_skip(const OtlpReader& reader, od::value value) {
    if (read_plain_span(reader.text_from(value), parts_)) return push_span(scratch_.mark());
    if (skips_ == nullptr) return read_span(reader, value);
    size_t scratch_mark = scratch_.mark();
    try {
      return read_span(reader, value);
    } catch (const ElementError& e) {
      scratch_.rewind(scratch_mark);
      skips_->skip(e.offset(), fmt::format("{} (the span was skipped)", e.what()));
      return true;
    }
  }

  // Returns false when the sink asked to stop.
  bool read_span(const OtlpReader& reader, od::value value) {
    const char* at = value.raw_json_token().data();
    size_t scratch_mark = scratch_.mark();
    parts_.clear();
    Span& span = parts_.span;
    SeenKeys seen;
    reader.for_each_field(value, "Span", [&](std::string_view key, od::value v) {
      SpanField field = span_field(key);
      if (field == SpanField::kOther || !seen.first(static_cast<int>(field))) return;
      switch (field) {
        case SpanField::kTraceId: span.trace_id = reader.read_id(v, key, parts_.trace_id); break;
        case SpanField::kSpanId: span.span_id = reader.read_id(v, key, parts_.span_id); break;
        case SpanField::kParentSpanId: {
          std::string_view parent = reader.read_id(v, key, parts_.parent_id);
          span.parent_id = is_null_id(parent) ? std::string_view() : parent;
          break;
        }
        case SpanField::kName: span.name = reader.read_string(v, key); break;
        case SpanField::kKind:
          span.kind = static_cast<SpanKind>(reader.read_enum(v, key, "SPAN_KIND_", kSpanKindNames, 6, 0));
          break;
        case SpanField::kStart: parts_.start = reader.read_int64(v, key); break;
        case SpanField::kEnd: parts_.end = reader.read_int64(v, key); break;
        case SpanField::kAttributes: reader.read_attributes(v, key, parts_.attrs); break;
        case SpanField::kEvents: read_events(reader, v); break;
        case SpanField::kStatus: read_status(reader, v); break;
        case SpanField::kOther: break;
      }
    });
    // fixed64 in the protocol: a negative time is no time (and end - start could overflow).
    if (parts_.start < 0 || parts_.end < 0) {
      bool start_bad = parts_.start < 0;
      throw ElementError(static_cast<uint64_t>(at - reader.text().data()),
                         fmt::format("expected {} as a non-negative number of ns, found {}",
                                     start_bad ? "startTimeUnixNano" : "endTimeUnixNano",
                                     start_bad ? parts_.start : parts_.end));
    }
    return push_span(scratch_mark);
  }

  // Completes the span in parts_ (read by either reader) and hands it to the sink, then
  // gives back the scratch strings taken since `scratch_mark`; false when the sink asked
  // to stop.
  bool push_span(size_t scratch_mark) {
    Span& span = parts_.span;
    std::vector<Attr>& attrs = parts_.attrs;
    // Scope name and version travel as attributes, as Jaeger and Tempo show them.
    if (!scope_name_.empty()) attrs.push_back({"otel.scope.name", Value::of_string(scope_name_)});
    if (!scope_version_.empty()) attrs.push_back({"otel.scope.version", Value::of_string(scope_version_)});
    for (size_t i = 0; i < parts_.events.size(); ++i) {
      const AttrRange& range = parts_.event_ranges[i];
      parts_.events[i].attrs = Attrs(parts_.event_attrs.data() + range.begin, range.count);
    }
    span.attrs = attrs;
    span.events = parts_.events;
    span.resource_attrs = resource_attrs_;
    span.service = service_;
    span.src = where_;
    span.start_ns = parts_.start;
    if (parts_.start == 0) span.flags |= kSpanStartUnknown;
    if (parts_.end == 0) span.flags |= kSpanIncomplete;
    // An end before the start (clock skew between hosts) reads as zero length rather
    // than a negative duration every analyzer would have to guard against.
    if (parts_.start != 0 && parts_.end != 0) span.duration_ns = parts_.end >= parts_.start ? parts_.end - parts_.start : 0;
    Flow flow = sink_->on_span(span);
    scratch_.rewind(scratch_mark);
    return flow == Flow::kContinue;
  }

  void read_events(const OtlpReader& reader, od::value value) {
    reader.for_each_element(value, "events", [&](od::value element) {
      SpanEvent event;
      AttrRange range{parts_.event_attrs.size(), 0};
      SeenKeys seen;
      reader.for_each_field(element, "Event", [&](std::string_view key, od::value v) {
        if (key == "timeUnixNano") {
          if (seen.first(0)) event.time_ns = reader.read_int64(v, key);
        } else if (key == "name") {
          if (seen.first(1)) event.name = reader.read_string(v, "event name");
        } else if (key == "attributes") {
          if (seen.first(2)) reader.read_attributes(v, key, parts_.event_attrs);
        }
      });
      range.count = parts_.event_attrs.size() - range.begin;
      parts_.events.push_back(event);
      parts_.event_ranges.push_back(range);
    });
  }

  // An `exception` event does not make a span an error: only status.code does (the
  // exception may have been handled).
  void read_status(const OtlpReader& reader, od::value value) {
    SeenKeys seen;
    reader.for_each_field(value, "Status", [&](std::string_view key, od::value v) {
      if (key == "code" && seen.first(0)) {
        parts_.span.status = static_cast<Status>(reader.read_enum(v, "status.code", "STATUS_CODE_", kStatusCodeNames, 3, 0));
      } else if (key == "message" && seen.first(1)) {
        parts_.span.status_message = reader.read_string(v, "status.message");
      }
    });
  }

  bool read_logs_;
  bool has_logs_ = false;
  std::unique_ptr<Loader> logs_;
  od::document doc_;
  ScratchStrings scratch_;
  SourceRef where_;
  RecordSink* sink_ = nullptr;
  SkipReporter* skips_ = nullptr;

  std::vector<Attr> resource_attrs_;
  std::string_view service_;
  std::string_view scope_name_;
  std::string_view scope_version_;

  OtlpSpanParts parts_;
};

}  // namespace

bool sniff_otlp_traces(const InputHead& head) {
  const JsonPrefix& first = head.first;
  return first.has("resourceSpans") || first.has("result.resourceSpans") || first.has("trace.resourceSpans") ||
         first.has("batches[].scopeSpans") || first.has("batches[].instrumentationLibrarySpans");
}

std::unique_ptr<Loader> make_otlp_traces_loader(const InputHead& /*head*/) {
  return std::make_unique<OtlpTracesLoader>(true);
}

std::unique_ptr<Loader> make_otlp_traces_only_loader() { return std::make_unique<OtlpTracesLoader>(false); }

}  // namespace trace::formats
