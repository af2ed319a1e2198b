// A RecordSink that keeps owned copies of everything it is given, for loader tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/record_sink.h"

namespace trace::testing {

struct OwnedAttr {
  std::string key;
  ValueKind kind = ValueKind::kNull;
  std::string text;  // the value rendered: strings as-is, numbers in decimal, raw JSON as text
};

struct OwnedEvent {
  int64_t time_ns = 0;
  std::string name;
  std::vector<OwnedAttr> attrs;
};

struct OwnedSpan {
  std::string trace_id, span_id, parent_id, name, service, status_message;
  SpanKind kind = SpanKind::kUnspecified;
  Status status = Status::kUnset;
  uint8_t flags = 0;
  int64_t start_ns = 0, duration_ns = -1;
  std::vector<OwnedAttr> attrs, resource_attrs;
  std::vector<OwnedEvent> events;
  uint64_t line = 0;

  // The rendered value of attribute `key` (span attributes, then resource), or "<absent>".
  std::string attr(const std::string& key) const;
};

struct OwnedLog {
  int64_t time_ns = 0;
  uint8_t severity = 0;
  std::string level_text, logger, message, trace_id, span_id, service;
  std::vector<OwnedAttr> fields;
  uint64_t line = 0;
  std::string source_text;

  std::string field(const std::string& key) const;
};

class CollectSink : public RecordSink {
 public:
  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;
  RecordNeeds needs() const override { return needs_told; }

  RecordNeeds needs_told;  // what the sink says it reads: everything unless a test says less
  std::vector<OwnedSpan> spans;
  std::vector<OwnedLog> logs;
};

}  // namespace trace::testing
