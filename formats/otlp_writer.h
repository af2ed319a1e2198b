// `trace convert --to otlp`: OTLP/JSON as the OpenTelemetry collector's file exporter
// writes it, one ExportTraceServiceRequest or ExportLogsServiceRequest per line.
//
// Consecutive records of one signal share a line (at most kMaxRecordsPerLine), records
// of one resource share a resourceSpans/resourceLogs entry, and records of one scope a
// scopeSpans/scopeLogs entry, so a file of one service is a few big requests rather
// than one request per record. Records keep their input order. A file can hold both
// kinds of line, as a collector whose file exporter serves a traces and a logs
// pipeline writes it; trace reads such files (formats/otlp_traces.cpp).
//
// Ids become what OTLP requires, lower-case hex of 16 (trace) or 8 (span) bytes:
//   hex of any case        lower-cased, left-padded with zeros when shorter (64-bit
//                          Zipkin and Jaeger trace ids, as the collector's receivers do);
//   a UUID (8-4-4-4-12)    its 32 hex digits, for a trace id;
//   anything else          a stable hash (otlp_id_hash below) of the text, with the
//                          original kept as the attribute trace.original_trace_id or
//                          trace.original_span_id; parent ids hash the same way, so
//                          they still name their parents.
// Empty ids are left out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/record_writer.h"

namespace trace::formats {

class OtlpWriter final : public RecordWriter {
 public:
  static constexpr size_t kMaxRecordsPerLine = 1024;

  using RecordWriter::RecordWriter;

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;
  void finish() override;

 private:
  enum class Signal : uint8_t { kNone, kTraces, kLogs };

  // An owned copy of the current resource, to tell whether the next record shares it.
  struct OwnedAttr {
    std::string key;
    Value value;
    std::string text;  // value.text's bytes
  };

  void place(Signal signal, std::string_view service, Attrs resource, std::string_view scope_name,
             std::string_view scope_version);
  bool same_resource(std::string_view service, Attrs resource) const;
  void keep_resource(std::string_view service, Attrs resource);
  void open_resource(Signal signal, std::string_view service, Attrs resource);
  void open_scope(Signal signal, std::string_view name, std::string_view version);
  void close_line();
  // Appends `"key":"<hex>"` for a non-empty id to `out`, after a comma unless it is the
  // record's first member (`first`, then cleared); false when the id was hashed.
  bool append_id(std::string& out, std::string_view key, std::string_view id, size_t bytes, bool& first);
  void append_attributes(Attrs attrs, size_t skip_a, size_t skip_b, bool& first);

  Signal signal_ = Signal::kNone;
  size_t records_in_line_ = 0;
  bool first_in_scope_ = true;
  std::string service_;
  std::vector<OwnedAttr> resource_;
  std::string scope_name_, scope_version_;
  // The original ids of the record being written, when they had to be hashed.
  std::string_view original_trace_id_, original_span_id_;
  // The last trace id converted: spans of one trace usually come together.
  std::string last_trace_in_, last_trace_out_;
  bool last_trace_hashed_ = false;
  std::string ids_;  // a log record's ids, written after its attributes
};

// The hash that stands for an id OTLP cannot carry: FNV-1a over the id's bytes, then
// SplitMix64's finalizer (FNV alone mixes the high bits of short ids poorly). A span id
// is hash(id, 0); a trace id is hash(id, 0) followed by hash(id, 1).
uint64_t otlp_id_hash(std::string_view id, uint64_t seed);

// Appends `id` as 2*bytes lower-case hex digits, by the rules above; returns false when
// it had to be hashed.
bool append_otlp_hex_id(std::string_view id, size_t bytes, std::string& out);

// Appends an OTLP AnyValue for `value`; raw JSON becomes arrayValue / kvlistValue (and
// strings, intValue, doubleValue, boolValue inside), or a stringValue of its text when
// it is not JSON.
void append_otlp_any_value(const Value& value, std::string& out);

}  // namespace trace::formats
