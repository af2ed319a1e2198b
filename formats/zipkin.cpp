#include "formats/zipkin.h"

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

constexpr std::string_view kV1Message = "Zipkin v1 JSON is not supported (expected Zipkin v2)";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// The elements of a JSON array, found by a structural scan rather than a parse, so that
// a list of a million spans is never indexed whole: each element is parsed on its own.
class ArrayElements {
 public:
  // `open` is the index of the array's '['; `element` names one element in messages.
  ArrayElements(std::string_view text, size_t open, std::string_view element)
      : text_(text), pos_(open + 1), element_(element) {}

  // Sets [begin, end) to the next element; false after the closing ']', with end() one
  // past it. Throws DocumentError for a broken layout.
  bool next(size_t& begin, size_t& end) {
    pos_ = skip_whitespace(text_, pos_);
    if (after_element_) {
      if (pos_ < text_.size() && text_[pos_] == ',') {
        pos_ = skip_whitespace(text_, pos_ + 1);
        if (pos_ < text_.size() && text_[pos_] == ']') throw found(fmt::format("expected {}", element_));
      } else if (pos_ >= text_.size() || text_[pos_] != ']') {
        throw found(fmt::format("expected ',' or ']' after {}", element_));
      }
    }
    if (pos_ >= text_.size()) throw found(fmt::format("expected {} or ']'", element_));
    if (text_[pos_] == ']') {
      ++pos_;
      return false;
    }
    begin = pos_;
    end = find_value_end(text_, pos_);
    if (end == std::string_view::npos)
      throw DocumentError(begin, fmt::format("expected the end of {}, found the end of the text", element_));
    pos_ = end;
    after_element_ = true;
    return true;
  }

  size_t end() const { return pos_; }

 private:
  // A message about what is at pos_ (or the end of the text there).
  DocumentError found(std::string expected) const {
    if (pos_ >= text_.size()) return DocumentError(trim_json_space(text_).size(), expected + ", found the end of the text");
    size_t end = find_value_end(text_, pos_);
    std::string_view token = end == std::string_view::npos || end == pos_ ? text_.substr(pos_, 1)
                                                                          : text_.substr(pos_, end - pos_);
    return DocumentError(pos_, fmt::format("{}, found {}", expected, describe_json(token)));
  }

  std::string_view text_;
  size_t pos_;
  std::string_view element_;
  bool after_element_ = false;
};

// Reads one JSON text per load(): a whole file, or one line of a file with a list per
// line. The outer array is split with ArrayElements and each span is parsed in place
// (the rest of the text pads it), so memory stays bounded by the largest span.
class ZipkinLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    text_ = text;
    sink_ = &sink;
    locator_.reset(text, where);
    size_t start = skip_whitespace(text, 0);
    if (start >= text.size() || text[start] != '[') {
      if (start < text.size() && text[start] == '{' && text.find("\"binaryAnnotations\"") != std::string_view::npos)
        throw DocumentError(start, std::string(kV1Message));
      std::string_view token = start < text.size() ? text.substr(start, 64) : std::string_view();
      throw DocumentError(start, fmt::format("expected a Zipkin v2 span list (a JSON array), found {}",
                                             describe_json(token)));
    }
    ArrayElements outer(text, start, "a span or a list of spans");
    size_t begin = 0, end = 0;
    while (outer.next(begin, end)) {
      char first = text[begin];
      if (first == '{') {
        if (!read_span(ctx.parser, begin, end)) return Flow::kStop;
      } else if (first == '[') {
        ArrayElements trace(text, begin, "a span");
        size_t span_begin = 0, span_end = 0;
        while (trace.next(span_begin, span_end)) {
          if (text[span_begin] != '{') throw not_a_span(span_begin, span_end, "a span object");
          if (!read_span(ctx.parser, span_begin, span_end)) return Flow::kStop;
        }
      } else {
        throw not_a_span(begin, end, "a span object or a list of spans");
      }
    }
    size_t after = skip_whitespace(text, outer.end());
    if (after < text.size()) throw DocumentError(after, "expected the end of the text after the span list");
    return Flow::kContinue;
  }

 private:
  DocumentError not_a_span(size_t begin, size_t end, std::string_view expected) const {
    return DocumentError(begin, fmt::format("expected {}, found {}", expected,
                                            describe_json(text_.substr(begin, end - begin))));
  }

  uint64_t offset_of(const char* p) const {
    return p >= text_.data() && p <= text_.data() + text_.size() ? static_cast<uint64_t>(p - text_.data()) : 0;
  }

  // Ids as lower-case hex, copied only when the producer wrote upper case.
  static std::string_view lower_id(std::string_view id, std::string& buffer) {
    for (char c : id)
      if (c >= 'A' && c <= 'Z') return lower_hex(id, buffer);
    return id;
  }

  int64_t read_micros(od::value value, std::string_view field) const {
    int64_t micros = 0;
    std::string_view token = trim_json_space(value.raw_json_token());
    if (!read_int64_lenient(value, micros) || micros > kMaxMicros || micros < 0) {
      throw DocumentError(offset_of(token.data()),
                          fmt::format("expected {} as a number of microseconds, found {}", field,
                                      describe_json(token)));
    }
    return micros;
  }

  // Returns false when the sink asked to stop.
  bool read_span(od::parser& parser, size_t begin, size_t end) {
    // The rest of the text, then its padding, pads the span.
    size_t capacity = text_.size() - begin + simdjson::SIMDJSON_PADDING;
    if (auto error = parser.iterate(text_.data() + begin, end - begin, capacity).get(doc_)) {
      DocumentError located = iterate_error(text_.substr(begin, end - begin), "expected a span object", error);
      throw DocumentError(begin + located.offset(), located.what());
    }
    scratch_.rewind(0);
    OtlpReader reader(doc_, text_, scratch_);
    od::object object;
    if (auto error = doc_.get_object().get(object)) reader.fail("expected a span object", error);

    span_ = Span{};
    attrs_.clear();
    resource_attrs_.clear();
    events_.clear();
    bool has_start = false, has_duration = false;
    int64_t start_us = 0, duration_us = 0;

    reader.for_each_field(object, "Span", [&](std::string_view key, od::value v) {
      if (key == "traceId") {
        span_.trace_id = lower_id(reader.read_string(v, key), trace_id_);
      } else if (key == "id") {
        span_.span_id = lower_id(reader.read_string(v, key), span_id_);
      } else if (key == "parentId") {
        std::string_view parent = lower_id(reader.read_string(v, key), parent_id_);
        span_.parent_id = is_null_id(parent) ? std::string_view() : parent;
      } else if (key == "name") {
        span_.name = reader.read_string(v, key);
      } else if (key == "kind") {
        span_.kind = read_kind(reader, v);
      } else if (key == "timestamp") {
        start_us = read_micros(v, key);
        has_start = true;
      } else if (key == "duration") {
        duration_us = read_micros(v, key);
        has_duration = true;
      } else if (key == "localEndpoint") {
        read_endpoint(reader, v, false);
      } else if (key == "remoteEndpoint") {
        read_endpoint(reader, v, true);
      } else if (key == "annotations") {
        read_annotations(reader, v, begin);
      } else if (key == "tags") {
        read_tags(reader, v);
      } else if (key == "binaryAnnotations") {
        throw DocumentError(begin, std::string(kV1Message));
      }
    });

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
    span_.attrs = attrs_;
    span_.resource_attrs = resource_attrs_;
    span_.events = events_;
    span_.src = locator_.at(text_.data() + begin);
    return sink_->on_span(span_) == Flow::kContinue;
  }

  SpanKind read_kind(const OtlpReader& reader, od::value value) const {
    std::string_view token = trim_json_space(value.raw_json_token());
    std::string_view kind = reader.read_string(value, "kind");
    if (equals_ignoring_case(kind, "CLIENT")) return SpanKind::kClient;
    if (equals_ignoring_case(kind, "SERVER")) return SpanKind::kServer;
    if (equals_ignoring_case(kind, "PRODUCER")) return SpanKind::kProducer;
    if (equals_ignoring_case(kind, "CONSUMER")) return SpanKind::kConsumer;
    throw DocumentError(offset_of(token.data()),
                        fmt::format("expected kind as CLIENT, SERVER, PRODUCER or CONSUMER, found {}", token));
  }

  // The local endpoint names the service (its address goes with the resource); the
  // remote one is kept under OpenTelemetry's names, as the collector's Zipkin receiver does.
  void read_endpoint(const OtlpReader& reader, od::value value, bool remote) {
    std::vector<Attr>& out = remote ? attrs_ : resource_attrs_;
    std::string_view what = remote ? "remoteEndpoint" : "localEndpoint";
    if (is_null(value)) return;
    reader.for_each_field(value, what, [&](std::string_view key, od::value v) {
      if (key == "serviceName") {
        std::string_view service = reader.read_string(v, key);
        if (remote) {
          out.push_back({"peer.service", Value::of_string(service)});
        } else {
          span_.service = service;
        }
      } else if (key == "ipv4" || key == "ipv6") {
        out.push_back({remote ? "network.peer.address" : "network.local.address",
                       Value::of_string(reader.read_string(v, key))});
      } else if (key == "port") {
        int64_t port = 0;
        if (!read_int64_lenient(v, port)) reader.fail_value(v, "expected port as a number", simdjson::INCORRECT_TYPE);
        out.push_back({remote ? "network.peer.port" : "network.local.port", Value::of_int(port)});
      }
    });
  }

  void read_annotations(const OtlpReader& reader, od::value value, size_t span_begin) {
    reader.for_each_element(value, "annotations", [&](od::value element) {
      SpanEvent event;
      reader.for_each_field(element, "Annotation", [&](std::string_view key, od::value v) {
        if (key == "timestamp") {
          event.time_ns = read_micros(v, "annotation timestamp") * kNsPerUs;
        } else if (key == "value") {
          event.name = reader.read_string(v, "annotation value");
        } else if (key == "endpoint") {  // v1 annotations carry their own endpoint
          throw DocumentError(span_begin, std::string(kV1Message));
        }
      });
      events_.push_back(event);
    });
  }

  // Tags are strings by the schema; other JSON values, which hand-made files have, keep
  // their type. By convention an `error` tag makes the span an error, its value the message.
  void read_tags(const OtlpReader& reader, od::value value) {
    reader.for_each_field(value, "tags", [&](std::string_view key, od::value v) {
      Attr attr{key, read_tag_value(reader, v)};
      attrs_.push_back(attr);
      if (key != "error") return;
      const Value& error = attr.value;
      if (error.kind == ValueKind::kNull || (error.kind == ValueKind::kBool && !error.boolean)) return;
      span_.status = Status::kError;
      if (error.kind == ValueKind::kString) span_.status_message = error.text;
    });
  }

  Value read_tag_value(const OtlpReader& reader, od::value value) const {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected a tag value", error);
    std::string_view token = trim_json_space(value.raw_json_token());
    switch (type) {
      case od::json_type::string:
        return Value::of_string(reader.read_string(value, "a tag value"));
      case od::json_type::boolean: {
        bool b = false;
        if (auto error = value.get_bool().get(b)) reader.fail_value(value, "expected a tag value", error);
        return Value::of_bool(b);
      }
      case od::json_type::number: {
        int64_t i = 0;
        if (token.find_first_of(".eE") == std::string_view::npos && value.get_int64().get(i) == simdjson::SUCCESS)
          return Value::of_int(i);
        double d = 0;
        if (auto error = get_double_exact(value, d)) reader.fail_value(value, "expected a tag value", error);
        return Value::of_double(d);
      }
      case od::json_type::null:
        is_null(value);
        return Value{};
      case od::json_type::object: {
        od::object object;
        std::string_view raw;
        if (auto error = value.get_object().get(object)) reader.fail_value(value, "expected a tag value", error);
        if (auto error = checked_raw_json(object, raw)) reader.fail("expected a tag value", error);
        return Value::of_raw_json(raw);
      }
      case od::json_type::array: {
        od::array array;
        std::string_view raw;
        if (auto error = value.get_array().get(array)) reader.fail_value(value, "expected a tag value", error);
        if (auto error = checked_raw_json(array, raw)) reader.fail("expected a tag value", error);
        return Value::of_raw_json(raw);
      }
    }
    return Value{};
  }

  static bool is_null(od::value& value) {
    bool null = false;
    return value.is_null().get(null) == simdjson::SUCCESS && null;
  }

  od::document doc_;
  std::string_view text_;
  RecordSink* sink_ = nullptr;
  RecordLocator locator_;
  ScratchStrings scratch_;

  Span span_;
  std::vector<Attr> attrs_;
  std::vector<Attr> resource_attrs_;
  std::vector<SpanEvent> events_;
  std::string trace_id_, span_id_, parent_id_;
};

}  // namespace

// A list of spans ({traceId, id} and no ph, which would be Chrome's array form) or a
// list of traces ([[{traceId...}]]). Zipkin v1 lists match too and are refused by the
// loader with a message that says so.
bool sniff_zipkin(const InputHead& head) {
  const JsonPrefix& first = head.first;
  if (first.first_byte() != '[') return false;
  return (first.has("[].traceId") && first.has("[].id") && !first.has("[].ph")) || first.has("[][].traceId");
}

std::unique_ptr<Loader> make_zipkin_loader(const InputHead& /*head*/) { return std::make_unique<ZipkinLoader>(); }

}  // namespace trace::formats
