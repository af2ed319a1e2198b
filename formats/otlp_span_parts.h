// What the OTLP traces loader gathers of one span before it pushes it, filled by either
// of its two readers: simdjson On-Demand (OtlpTracesLoader::read_span, every input) or
// the plain-JSON fast path (read_plain_span, the spans that need none of its checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "src/record.h"

namespace trace::formats {

inline constexpr std::string_view kSpanKindNames[] = {"UNSPECIFIED", "INTERNAL", "SERVER",
                                                      "CLIENT",      "PRODUCER", "CONSUMER"};
inline constexpr std::string_view kStatusCodeNames[] = {"UNSET", "OK", "ERROR"};

// The Span keys read; the value is the key's SeenKeys bit.
enum class SpanField { kTraceId, kSpanId, kParentSpanId, kName, kKind, kStart, kEnd, kAttributes, kEvents, kStatus, kOther };

inline SpanField span_field(std::string_view key) {
  // By length first: a span has about ten keys, and this runs for each.
  switch (key.size()) {
    case 4:
      if (key == "name") return SpanField::kName;
      if (key == "kind") return SpanField::kKind;
      break;
    case 6:
      if (key == "spanId") return SpanField::kSpanId;
      if (key == "events") return SpanField::kEvents;
      if (key == "status") return SpanField::kStatus;
      break;
    case 7: return key == "traceId" ? SpanField::kTraceId : SpanField::kOther;
    case 10: return key == "attributes" ? SpanField::kAttributes : SpanField::kOther;
    case 12: return key == "parentSpanId" ? SpanField::kParentSpanId : SpanField::kOther;
    case 15: return key == "endTimeUnixNano" ? SpanField::kEnd : SpanField::kOther;
    case 17: return key == "startTimeUnixNano" ? SpanField::kStart : SpanField::kOther;
  }
  return SpanField::kOther;
}

// Where one event's attributes sit in event_attrs: indexes, because the vector may still
// grow while later events of the span are read.
struct AttrRange {
  size_t begin = 0;
  size_t count = 0;
};

struct OtlpSpanParts {
  Span span;  // ids, name, kind, status and status message
  int64_t start = 0;
  int64_t end = 0;
  std::vector<Attr> attrs;
  std::vector<SpanEvent> events;  // their attrs set once event_attrs stops growing
  std::vector<AttrRange> event_ranges;
  std::vector<Attr> event_attrs;
  std::string trace_id, span_id, parent_id;  // ids that had to be rewritten

  // Forgets the last span's (keeping the vectors' memory).
  void clear() {
    span = Span{};
    start = end = 0;
    attrs.clear();
    events.clear();
    event_ranges.clear();
    event_attrs.clear();
  }
};

// Reads the span object at the start of `text` (what follows it is not read) into
// `parts` (cleared first) as read_span would, when it is plain JSON (formats/plain_json.h)
// and needs nothing read_span alone does: no arrayValue or kvlistValue to render, no enum
// or double written as a string, no negative time, no value of the wrong type. False
// otherwise: then read it with read_span.
bool read_plain_span(std::string_view text, OtlpSpanParts& parts);

}  // namespace trace::formats
