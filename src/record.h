// The normalized record model every loader produces and every analyzer reads.
//
// Lifetime rule: a record, and every string_view and span inside it, is valid only
// during the RecordSink call that receives it (views point into the input buffer, the
// JSON parser's string buffer or the loader's scratch space, all reused for the next
// record). A sink that keeps anything copies it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace trace {

enum class Status : uint8_t { kUnset, kOk, kError };

enum class ValueKind : uint8_t { kNull, kBool, kInt, kDouble, kString, kRawJson };

// One attribute value. kRawJson holds arrays and objects as their JSON text.
struct Value {
  ValueKind kind = ValueKind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string_view text;  // kString (unescaped) and kRawJson

  static Value of_string(std::string_view s) { return {ValueKind::kString, false, 0, 0, s}; }
  static Value of_int(int64_t i) { return {ValueKind::kInt, false, i, 0, {}}; }
  static Value of_double(double d) { return {ValueKind::kDouble, false, 0, d, {}}; }
  static Value of_bool(bool b) { return {ValueKind::kBool, b, 0, 0, {}}; }
  static Value of_raw_json(std::string_view json) { return {ValueKind::kRawJson, false, 0, 0, json}; }
};

struct Attr {
  std::string_view key;
  Value value;
};
using Attrs = std::span<const Attr>;

// Returns the first attribute named `key`, or nullptr.
inline const Attr* find_attr(Attrs attrs, std::string_view key) {
  for (const Attr& a : attrs)
    if (a.key == key) return &a;
  return nullptr;
}

// Where a record came from: for located messages and grep's original-line output.
struct SourceRef {
  uint32_t file_index = 0;  // index into the run's input list
  uint64_t line = 0;        // 1-based line of the record's start; 0 = unknown
  uint64_t offset = 0;      // byte offset of the record's start in the (inflated) input
  std::string_view text;    // the record's own JSON text when it is one line of JSON lines
};

struct SpanEvent {
  int64_t time_ns = 0;
  std::string_view name;
  Attrs attrs;
};

enum SpanFlag : uint8_t {
  kSpanStartUnknown = 1 << 0,   // the producer recorded no start time (start_ns is synthetic)
  kSpanIncomplete = 1 << 1,     // never ended in the input (open B event, started-only stage)
  kSpanClockRelative = 1 << 2,  // start_ns is relative to an unknown origin, not the epoch
  kSpanInstant = 1 << 3,        // a zero-length marker (Chrome instant event)
};

enum class SpanKind : uint8_t { kUnspecified, kInternal, kServer, kClient, kProducer, kConsumer };

struct Span {
  // Ids in canonical form: lower-case hex for OTLP/Jaeger/Zipkin, otherwise the
  // producer's own string. An empty parent_id means a root span.
  std::string_view trace_id;
  std::string_view span_id;
  std::string_view parent_id;
  std::string_view name;
  std::string_view service;
  SpanKind kind = SpanKind::kUnspecified;
  Status status = Status::kUnset;
  uint8_t flags = 0;
  int64_t start_ns = 0;      // ns since the Unix epoch (see kSpanClockRelative)
  int64_t duration_ns = -1;  // -1 = unknown
  std::string_view status_message;
  Attrs attrs;           // the span's own attributes
  Attrs resource_attrs;  // attributes of the process/resource that produced it
  std::span<const SpanEvent> events;
  SourceRef src;

  bool is_error() const { return status == Status::kError; }
  bool has_duration() const { return duration_ns >= 0; }
  int64_t end_ns() const { return start_ns + (duration_ns > 0 ? duration_ns : 0); }
};

// Severity on OpenTelemetry's scale: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn,
// 17-20 error, 21-24 fatal; 0 = unknown.
struct LogRecord {
  int64_t time_ns = 0;  // 0 = unknown
  uint8_t severity = 0;
  std::string_view level_text;  // as written: "warning", "30", "Information"
  std::string_view logger;
  std::string_view message;
  std::string_view trace_id;
  std::string_view span_id;
  std::string_view service;
  Attrs fields;  // every other key; nested objects as raw JSON
  Attrs resource_attrs;
  SourceRef src;

  bool is_error() const { return severity >= 17; }
};

}  // namespace trace
