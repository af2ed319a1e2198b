#include "formats/jaeger.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "formats/otlp_common.h"
#include "formats/record_locator.h"
#include "src/errors.h"
#include "src/time.h"

namespace trace::formats {

namespace {

// Beyond this many µs a time does not fit int64 ns.
constexpr int64_t kMaxMicros = std::numeric_limits<int64_t>::max() / kNsPerUs;

// Consumes the value when it is null.
bool is_null(od::value& value) {
  bool null = false;
  return value.is_null().get(null) == simdjson::SUCCESS && null;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// An integer's text, exactly: int64 tags may exceed 2^53, where a double loses digits.
// An integral number written with a fraction or an exponent ("5.0", "1e3") is accepted.
bool parse_int64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return true;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec != std::errc() || dend != s.data() + s.size() || !std::isfinite(d)) return false;
  if (d != std::trunc(d) || std::fabs(d) >= 9.2e18) return false;
  out = static_cast<int64_t>(d);
  return true;
}

bool parse_double(std::string_view s, double& out) {
  if (s == "NaN") return out = std::numeric_limits<double>::quiet_NaN(), true;
  if (s == "Infinity") return out = std::numeric_limits<double>::infinity(), true;
  if (s == "-Infinity") return out = -std::numeric_limits<double>::infinity(), true;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// A KeyValue's value as written. Its `type` may come after it in the object, so the
// value is kept raw until the whole KeyValue has been read.
struct RawValue {
  bool present = false;
  od::json_type json = od::json_type::null;
  std::string_view token;   // the JSON text (numbers keep every digit)
  std::string_view string;  // unescaped, for strings
  bool boolean = false;
  uint64_t offset = 0;
};

// The declared types of Jaeger's KeyValue.
enum class TagType { kNone, kString, kBool, kInt64, kFloat64, kBinary };

// What one process of a trace contributes to its spans.
struct Process {
  std::string_view id;
  std::string_view service;
  size_t attrs_begin = 0;
  size_t attrs_count = 0;
};

// Where one log's fields sit in event_attrs_ (indexes: the vector grows while reading).
struct AttrRange {
  size_t begin = 0;
  size_t count = 0;
};

// Reads one JSON text per load(): the query envelope, a bare Trace or an array of Traces
// (a whole file, or one line of a file with a trace per line), pushing spans as they
// are parsed.
//
// Field order: Jaeger writes a Trace as traceID, spans, processes, so every span names a
// process (processID) defined after it. Each Trace's processes are read first with
// find_field_unordered(), which skims over the spans' structure without parsing them,
// then the object is rewound and walked once. Rewinding an object keeps the strings
// already unescaped (the process names stay valid).
class JaegerLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    text_ = text;
    sink_ = &sink;
    locator_.reset(text, where);
    scratch_.rewind(0);
    processes_.clear();
    process_attrs_.clear();
    spans_read_ = 0;
    query_error_ = {};
    trace_id_ = {};
    if (auto error = ctx.parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING)
                         .get(doc_)) {
      if (error == simdjson::UNCLOSED_STRING) {
        throw DocumentError(text.size(), "expected a closing '\"', found the end of the text");
      }
      throw iterate_error(text, "expected a JSON text", error);
    }
    OtlpReader reader(doc_, text, scratch_);
    size_t start = std::min(skip_whitespace(text, 0), text.size());
    bool keep_going = true;
    if (start < text.size() && text[start] == '[') {
      od::array traces;
      if (auto error = doc_.get_array().get(traces)) fail_root(reader, start, error);
      keep_going = read_trace_array(reader, traces);
    } else if (start < text.size() && text[start] == '{') {
      od::object root;
      if (auto error = doc_.get_object().get(root)) fail_root(reader, start, error);
      keep_going = read_root(reader, root, starts_with_data(text, start));
    } else {
      throw DocumentError(start, fmt::format("expected a Jaeger trace (an object with data or spans, or an array of "
                                             "traces), found {}",
                                             describe_json(text.substr(start, 64))));
    }
    if (!keep_going) return Flow::kStop;
    // After the root value simdjson has no position left, unless more JSON follows.
    const char* after = nullptr;
    if (doc_.current_location().get(after) == simdjson::SUCCESS) {
      reader.fail("expected the end of the text after the traces", simdjson::SUCCESS);
    }
    // {"data":null,"errors":[{"code":404,"msg":"trace not found"}]}: a failed query
    // saved to a file is not an empty trace.
    if (spans_read_ == 0 && !query_error_.empty()) {
      throw DocumentError(query_error_offset_, fmt::format("the Jaeger query returned an error: {}", query_error_));
    }
    return Flow::kContinue;
  }

 private:
  // simdjson checks the root's brackets first by looking at the text's last byte, so both
  // a cut-off text and one with more JSON after the root end up here: tell them apart.
  [[noreturn]] void fail_root(const OtlpReader& reader, size_t start, simdjson::error_code error) const {
    size_t end = find_value_end(text_, start);
    size_t next = end == std::string_view::npos ? text_.size() : skip_whitespace(text_, end);
    if (next < text_.size()) throw DocumentError(next, "expected the end of the text after the traces");
    reader.fail("expected a closing '}' or ']'", error);
  }

  // True when the object at `start` begins with the key "data": the envelope, whose
  // processes are inside each trace, so looking for them at the top would be a wasted skim.
  static bool starts_with_data(std::string_view text, size_t start) {
    size_t key = skip_whitespace(text, start + 1);
    return text.substr(key, 6) == "\"data\"";
  }

  bool read_trace_array(const OtlpReader& reader, od::array& traces) {
    for (auto element_result : traces) {
      od::value element;
      if (auto error = std::move(element_result).get(element)) {
        reader.fail("expected a value or ']' in the traces", error);
      }
      if (!read_trace(reader, element)) return false;
    }
    return true;
  }

  // The envelope's fields and a bare Trace's fields, in one walk: a root object is
  // whichever it turns out to hold.
  bool read_root(const OtlpReader& reader, od::object& root, bool envelope_first) {
    if (!envelope_first) read_processes(reader, root, "the document");
    return reader.for_each_field(root, "the document", [&](std::string_view key, od::value v) {
      if (key == "data") {
        if (is_null(v)) return true;
        return reader.for_each_element(v, "data", [&](od::value element) { return read_trace(reader, element); });
      }
      if (key == "errors") {
        read_query_errors(reader, v);
        return true;
      }
      return read_trace_field(reader, key, v);
    });
  }

  bool read_trace(const OtlpReader& reader, od::value value) {
    od::object object = reader.get_object(value, "Trace");
    read_processes(reader, object, "Trace");
    trace_id_ = {};
    return reader.for_each_field(object, "Trace", [&](std::string_view key, od::value v) {
      return read_trace_field(reader, key, v);
    });
  }

  bool read_trace_field(const OtlpReader& reader, std::string_view key, od::value v) {
    if (key == "traceID") {
      trace_id_ = lower_id(reader.read_string(v, key));
    } else if (key == "spans") {
      return reader.for_each_element(v, "spans", [&](od::value element) { return read_span(reader, element); });
    }
    return true;  // processes were read first; warnings are the UI's business
  }

  void read_processes(const OtlpReader& reader, od::object& object, std::string_view what) {
    processes_.clear();
    process_attrs_.clear();
    od::value processes;
    auto error = object.find_field_unordered("processes").get(processes);
    if (error == simdjson::SUCCESS) {
      reader.for_each_field(processes, "processes", [&](std::string_view id, od::value v) {
        Process process{id, {}, process_attrs_.size(), 0};
        process.service = read_process(reader, v, process_attrs_);
        process.attrs_count = process_attrs_.size() - process.attrs_begin;
        processes_.push_back(process);
      });
    } else if (error != simdjson::NO_SUCH_FIELD) {
      reader.fail(fmt::format("expected a field or '}}' in {}", what), error);
    }
    if (auto reset_error = object.reset().error()) reader.fail(fmt::format("expected {}", what), reset_error);
  }

  // A Process {serviceName, tags}: returns the service, appends the tags to `attrs`.
  std::string_view read_process(const OtlpReader& reader, od::value value, std::vector<Attr>& attrs) {
    std::string_view service;
    reader.for_each_field(value, "Process", [&](std::string_view key, od::value v) {
      if (key == "serviceName") {
        service = reader.read_string(v, key);
      } else if (key == "tags") {
        read_key_values(reader, v, "tags", attrs);
      }
    });
    return service;
  }

  void read_query_errors(const OtlpReader& reader, od::value value) {
    if (is_null(value)) return;
    reader.for_each_element(value, "errors", [&](od::value element) {
      if (!query_error_.empty()) return;
      query_error_offset_ = offset_of(element.raw_json_token().data());
      reader.for_each_field(element, "error", [&](std::string_view key, od::value v) {
        if (key == "msg") query_error_ = reader.read_string(v, "msg");
      });
    });
  }

  uint64_t offset_of(const char* p) const {
    return p >= text_.data() && p <= text_.data() + text_.size() ? static_cast<uint64_t>(p - text_.data()) : 0;
  }

  // Ids as lower-case hex, copied only when the producer wrote upper case.
  std::string_view lower_id(std::string_view id) {
    for (char c : id) {
      if (c >= 'A' && c <= 'Z') {
        std::string& lowered = scratch_.take();
        lowered.assign(id);
        for (char& l : lowered)
          if (l >= 'A' && l <= 'Z') l = static_cast<char>(l - 'A' + 'a');
        return lowered;
      }
    }
    return id;
  }

  // startTime and duration: µs as a JSON number (a decimal string is accepted too).
  int64_t read_micros(od::value value, std::string_view field) {
    int64_t micros = 0;
    std::string_view token = trim_json_space(value.raw_json_token());
    if (!read_int64_lenient(value, micros) || micros > kMaxMicros || micros < -kMaxMicros) {
      throw DocumentError(offset_of(token.data()),
                          fmt::format("expected {} as a number of microseconds, found {}", field,
                                      describe_json(token)));
    }
    return micros;
  }

  // Returns false when the sink asked to stop.
  bool read_span(const OtlpReader& reader, od::value value) {
    const char* span_start = value.raw_json_token().data();
    size_t scratch_mark = scratch_.mark();
    span_ = Span{};
    attrs_.clear();
    events_.clear();
    event_ranges_.clear();
    event_attrs_.clear();
    own_process_attrs_.clear();
    std::string_view process_id, own_service, child_of, follows_from, legacy_parent;
    bool has_own_process = false;
    bool has_start = false, has_duration = false;
    int64_t start_us = 0, duration_us = 0;
    uint64_t duration_at = 0;

    reader.for_each_field(value, "Span", [&](std::string_view key, od::value v) {
      if (key == "traceID") {
        span_.trace_id = lower_id(reader.read_string(v, key));
      } else if (key == "spanID") {
        span_.span_id = lower_id(reader.read_string(v, key));
      } else if (key == "operationName") {
        span_.name = reader.read_string(v, key);
      } else if (key == "references") {
        read_references(reader, v, child_of, follows_from);
      } else if (key == "parentSpanID") {  // before references existed; still in old files
        legacy_parent = lower_id(reader.read_string(v, key));
      } else if (key == "startTime") {
        start_us = read_micros(v, key);
        has_start = true;
      } else if (key == "duration") {
        duration_at = offset_of(v.raw_json_token().data());
        duration_us = read_micros(v, key);
        has_duration = true;
      } else if (key == "tags") {
        read_key_values(reader, v, "tags", attrs_);
      } else if (key == "logs") {
        read_logs(reader, v);
      } else if (key == "processID") {
        process_id = reader.read_string(v, key);
      } else if (key == "process") {  // some exports embed the process in each span
        own_service = read_process(reader, v, own_process_attrs_);
        has_own_process = true;
      }
    });

    if (has_duration && duration_us < 0) {
      throw DocumentError(duration_at, fmt::format("expected duration as a non-negative number of microseconds, "
                                                   "found {}", duration_us));
    }
    if (span_.trace_id.empty()) span_.trace_id = trace_id_;
    std::string_view parent = !child_of.empty() ? child_of : !follows_from.empty() ? follows_from : legacy_parent;
    span_.parent_id = is_null_id(parent) ? std::string_view() : parent;
    if (has_own_process) {
      span_.service = own_service;
      span_.resource_attrs = own_process_attrs_;
    } else if (const Process* process = find_process(process_id)) {
      span_.service = process->service;
      span_.resource_attrs = Attrs(process_attrs_.data() + process->attrs_begin, process->attrs_count);
    }
    if (has_start) {
      span_.start_ns = start_us * kNsPerUs;
    } else {
      span_.flags |= kSpanStartUnknown;
    }
    if (has_duration) {
      span_.duration_ns = duration_us * kNsPerUs;
    } else {
      span_.flags |= kSpanIncomplete;
    }
    read_status_and_kind();
    for (size_t i = 0; i < events_.size(); ++i)
      events_[i].attrs = Attrs(event_attrs_.data() + event_ranges_[i].begin, event_ranges_[i].count);
    span_.attrs = attrs_;
    span_.events = events_;
    span_.src = locator_.at(span_start);

    ++spans_read_;
    Flow flow = sink_->on_span(span_);
    scratch_.rewind(scratch_mark);
    return flow == Flow::kContinue;
  }

  const Process* find_process(std::string_view id) const {
    if (id.empty()) return nullptr;
    for (const Process& process : processes_)
      if (process.id == id) return &process;
    return nullptr;  // an unknown process leaves the span without a service, not unreadable
  }

  // Parent = the first CHILD_OF, else the first FOLLOWS_FROM (a span that merely follows
  // another still sits under it in the trace's tree).
  void read_references(const OtlpReader& reader, od::value value, std::string_view& child_of,
                       std::string_view& follows_from) {
    reader.for_each_element(value, "references", [&](od::value element) {
      std::string_view type, span_id;
      reader.for_each_field(element, "Reference", [&](std::string_view key, od::value v) {
        if (key == "refType") {
          type = reader.read_string(v, key);
        } else if (key == "spanID") {
          span_id = reader.read_string(v, key);
        }
      });
      if (span_id.empty()) return;
      if (type == "CHILD_OF" && child_of.empty()) {
        child_of = lower_id(span_id);
      } else if (type == "FOLLOWS_FROM" && follows_from.empty()) {
        follows_from = lower_id(span_id);
      }
    });
  }

  // Span logs become events: the `event` field names the event (OpenTracing's
  // convention, and what OTLP-to-Jaeger conversion writes) and is not repeated as an
  // attribute; a log without one is named "log".
  void read_logs(const OtlpReader& reader, od::value value) {
    reader.for_each_element(value, "logs", [&](od::value element) {
      SpanEvent event;
      event.name = "log";
      AttrRange range{event_attrs_.size(), 0};
      reader.for_each_field(element, "Log", [&](std::string_view key, od::value v) {
        if (key == "timestamp") {
          event.time_ns = read_micros(v, "timestamp") * kNsPerUs;
        } else if (key == "fields") {
          read_key_values(reader, v, "fields", event_attrs_);
        }
      });
      for (size_t i = range.begin; i < event_attrs_.size(); ++i) {
        const Attr& attr = event_attrs_[i];
        if (attr.key != "event" || attr.value.kind != ValueKind::kString) continue;
        event.name = attr.value.text;
        event_attrs_.erase(event_attrs_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
      range.count = event_attrs_.size() - range.begin;
      events_.push_back(event);
      event_ranges_.push_back(range);
    });
  }

  // Status and kind live in tags: error=true (OpenTracing), otel.status_code and
  // otel.status_description (spans converted from OTLP), span.kind.
  void read_status_and_kind() {
    bool error = false;
    std::string_view code, description;
    for (const Attr& attr : attrs_) {
      const Value& v = attr.value;
      if (attr.key == "error") {
        error = error || (v.kind == ValueKind::kBool && v.boolean) ||
                (v.kind == ValueKind::kString && v.text == "true");
      } else if (v.kind != ValueKind::kString) {
        continue;
      } else if (attr.key == "otel.status_code") {
        code = v.text;
      } else if (attr.key == "otel.status_description") {
        description = v.text;
      } else if (attr.key == "span.kind") {
        span_.kind = kind_of(v.text);
      }
    }
    if (error || code == "ERROR") {
      span_.status = Status::kError;
      span_.status_message = description;
    } else if (code == "OK") {
      span_.status = Status::kOk;
    }
  }

  static SpanKind kind_of(std::string_view name) {
    if (equals_ignoring_case(name, "server")) return SpanKind::kServer;
    if (equals_ignoring_case(name, "client")) return SpanKind::kClient;
    if (equals_ignoring_case(name, "producer")) return SpanKind::kProducer;
    if (equals_ignoring_case(name, "consumer")) return SpanKind::kConsumer;
    if (equals_ignoring_case(name, "internal")) return SpanKind::kInternal;
    return SpanKind::kUnspecified;
  }

  // A KeyValue[] ({key, type, value}) into `out`, each value read as its declared type.
  void read_key_values(const OtlpReader& reader, od::value value, std::string_view field, std::vector<Attr>& out) {
    reader.for_each_element(value, field, [&](od::value element) {
      std::string_view key, type_name;
      uint64_t type_at = 0;
      RawValue raw;
      reader.for_each_field(element, "KeyValue", [&](std::string_view k, od::value v) {
        if (k == "key") {
          key = reader.read_string(v, "key");
        } else if (k == "type") {
          type_at = offset_of(v.raw_json_token().data());
          type_name = reader.read_string(v, "type");
        } else if (k == "value") {
          raw = read_raw(reader, v);
        }
      });
      out.push_back({key, typed_value(raw, tag_type(type_name, type_at), key)});
    });
  }

  TagType tag_type(std::string_view name, uint64_t at) const {
    if (name.empty()) return TagType::kNone;
    if (name == "string") return TagType::kString;
    if (name == "bool") return TagType::kBool;
    if (name == "int64") return TagType::kInt64;
    if (name == "float64") return TagType::kFloat64;
    if (name == "binary") return TagType::kBinary;
    throw DocumentError(at, fmt::format("expected type as string, bool, int64, float64 or binary, found \"{}\"", name));
  }

  RawValue read_raw(const OtlpReader& reader, od::value v) {
    RawValue raw;
    raw.present = true;
    raw.token = trim_json_space(v.raw_json_token());
    raw.offset = offset_of(raw.token.data());
    if (auto error = v.type().get(raw.json)) reader.fail("expected a value", error);
    switch (raw.json) {
      case od::json_type::string:
        raw.string = reader.read_string(v, "value");
        break;
      case od::json_type::boolean:
        if (auto error = v.get_bool().get(raw.boolean)) reader.fail_value(v, "expected value as true or false", error);
        break;
      case od::json_type::object: {
        od::object object;
        if (auto error = v.get_object().get(object)) reader.fail_value(v, "expected value as an object", error);
        if (auto error = checked_raw_json(object, raw.token)) reader.fail("expected value as an object", error);
        break;
      }
      case od::json_type::array: {
        od::array array;
        if (auto error = v.get_array().get(array)) reader.fail_value(v, "expected value as an array", error);
        if (auto error = checked_raw_json(array, raw.token)) reader.fail("expected value as an array", error);
        break;
      }
      case od::json_type::number:
      case od::json_type::null:
        break;  // the token says it all
    }
    return raw;
  }

  // The declared type decides; without one, the JSON type does. Numbers are converted
  // from their text, so int64 keeps all 64 bits.
  Value typed_value(const RawValue& raw, TagType type, std::string_view key) const {
    if (!raw.present) return Value{};
    using J = od::json_type;
    auto mismatch = [&](std::string_view type_name, std::string_view expected) -> DocumentError {
      return DocumentError(raw.offset, fmt::format("expected the value of \"{}\" (type {}) as {}, found {}", key,
                                                   type_name, expected, describe_json(raw.token)));
    };
    switch (type) {
      case TagType::kString:
        if (raw.json != J::string) throw mismatch("string", "a string");
        return Value::of_string(raw.string);
      case TagType::kBinary:
        if (raw.json != J::string) throw mismatch("binary", "a base64 string");
        return Value::of_string(raw.string);
      case TagType::kBool:
        if (raw.json == J::boolean) return Value::of_bool(raw.boolean);
        if (raw.json == J::string && (raw.string == "true" || raw.string == "false"))
          return Value::of_bool(raw.string == "true");
        throw mismatch("bool", "true or false");
      case TagType::kInt64: {
        int64_t i = 0;
        if ((raw.json == J::number && parse_int64(raw.token, i)) ||
            (raw.json == J::string && parse_int64(raw.string, i)))
          return Value::of_int(i);
        throw mismatch("int64", "an integer");
      }
      case TagType::kFloat64: {
        double d = 0;
        if ((raw.json == J::number && parse_double(raw.token, d)) ||
            (raw.json == J::string && parse_double(raw.string, d)))
          return Value::of_double(d);
        throw mismatch("float64", "a number");
      }
      case TagType::kNone:
        break;
    }
    switch (raw.json) {
      case J::string: return Value::of_string(raw.string);
      case J::boolean: return Value::of_bool(raw.boolean);
      case J::number: {
        int64_t i = 0;
        double d = 0;
        bool integral = raw.token.find_first_of(".eE") == std::string_view::npos;
        if (integral && parse_int64(raw.token, i)) return Value::of_int(i);
        if (parse_double(raw.token, d)) return Value::of_double(d);
        throw mismatch("unknown", "a number");
      }
      case J::object:
      case J::array: return Value::of_raw_json(raw.token);
      case J::null: return Value{};
    }
    return Value{};
  }

  od::document doc_;
  std::string_view text_;
  RecordSink* sink_ = nullptr;
  RecordLocator locator_;
  ScratchStrings scratch_;
  uint64_t spans_read_ = 0;
  std::string_view query_error_;
  uint64_t query_error_offset_ = 0;

  // The current trace's processes and the trace id spans fall back on.
  std::vector<Process> processes_;
  std::vector<Attr> process_attrs_;
  std::string_view trace_id_;

  Span span_;
  std::vector<Attr> attrs_;
  std::vector<Attr> own_process_attrs_;
  std::vector<SpanEvent> events_;
  std::vector<AttrRange> event_ranges_;
  std::vector<Attr> event_attrs_;
};

}  // namespace

// The envelope ({"data":[{traceID, spans...}]}), a bare Trace ({traceID, spans,
// processes}) or an array of Traces; traceID with a capital D tells Jaeger from Zipkin.
// A saved failed query ({"data":null,"errors":[{msg}]}) is claimed too, so that its
// message is what the user sees.
bool sniff_jaeger(const InputHead& head) {
  const JsonPrefix& first = head.first;
  switch (first.first_byte()) {
    case '{':
      return (first.has("data[].traceID") && first.has("data[].spans")) ||
             (first.has("spans") && (first.has("traceID") || first.has("processes"))) ||
             (first.has("data") && first.has("errors[].msg"));
    case '[':
      return first.has("[].traceID") && first.has("[].spans");
    default:
      return false;
  }
}

std::unique_ptr<Loader> make_jaeger_loader(const InputHead& /*head*/) { return std::make_unique<JaegerLoader>(); }

}  // namespace trace::formats
