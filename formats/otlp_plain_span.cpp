// read_plain_span: an OTLP span read from plain JSON. Every rule here mirrors one of
// read_span's (otlp_traces.cpp); where it would throw or convert something unusual, this
// declines, and read_span reads the span.
#include "formats/otlp_common.h"
#include "formats/otlp_plain.h"
#include "formats/otlp_span_parts.h"
#include "formats/plain_json.h"

namespace trace::formats {

namespace {

bool read_events(PlainJsonCursor& in, OtlpSpanParts& parts) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    if (!in.begin_object()) return false;
    SpanEvent event;
    AttrRange range{parts.event_attrs.size(), 0};
    SeenKeys seen;
    std::string_view key;
    while (in.next_field(key)) {
      bool ok = true;
      if (key == "timeUnixNano" && seen.first(0)) ok = read_plain_int64(in, event.time_ns);
      else if (key == "name" && seen.first(1)) ok = in.read_string(event.name);
      else if (key == "attributes" && seen.first(2)) ok = read_plain_attributes(in, parts.event_attrs);
      else ok = in.skip();
      if (!ok) return false;
    }
    if (in.failed()) return false;
    range.count = parts.event_attrs.size() - range.begin;
    parts.events.push_back(event);
    parts.event_ranges.push_back(range);
  }
  return !in.failed();
}

bool read_status(PlainJsonCursor& in, Span& span) {
  if (!in.begin_object()) return false;
  SeenKeys seen;
  std::string_view key;
  while (in.next_field(key)) {
    bool ok = true;
    if (key == "code" && seen.first(0)) {
      int code = 0;
      ok = read_plain_enum(in, "STATUS_CODE_", kStatusCodeNames, 3, 0, code);
      span.status = static_cast<Status>(code);
    } else if (key == "message" && seen.first(1)) {
      ok = in.read_string(span.status_message);
    } else {
      ok = in.skip();
    }
    if (!ok) return false;
  }
  return !in.failed();
}

bool read_field(PlainJsonCursor& in, SpanField field, OtlpSpanParts& parts) {
  Span& span = parts.span;
  switch (field) {
    case SpanField::kTraceId: return read_plain_id(in, parts.trace_id, span.trace_id);
    case SpanField::kSpanId: return read_plain_id(in, parts.span_id, span.span_id);
    case SpanField::kParentSpanId: {
      std::string_view parent;
      if (!read_plain_id(in, parts.parent_id, parent)) return false;
      span.parent_id = is_null_id(parent) ? std::string_view() : parent;
      return true;
    }
    case SpanField::kName: return in.read_string(span.name);
    case SpanField::kKind: {
      int kind = 0;
      if (!read_plain_enum(in, "SPAN_KIND_", kSpanKindNames, 6, 0, kind)) return false;
      span.kind = static_cast<SpanKind>(kind);
      return true;
    }
    case SpanField::kStart: return read_plain_int64(in, parts.start) && parts.start >= 0;
    case SpanField::kEnd: return read_plain_int64(in, parts.end) && parts.end >= 0;
    case SpanField::kAttributes: return read_plain_attributes(in, parts.attrs);
    case SpanField::kEvents: return read_events(in, parts);
    case SpanField::kStatus: return read_status(in, span);
    case SpanField::kOther: return in.skip();
  }
  return false;
}

}  // namespace

bool read_plain_span(std::string_view text, OtlpSpanParts& parts) {
  parts.clear();
  PlainJsonCursor in(text, PlainJsonCursor::ValueAtStart{});
  if (!in.begin_object()) return false;
  SeenKeys seen;  // a key written twice: the first wins
  std::string_view key;
  while (in.next_field(key)) {
    SpanField field = span_field(key);
    if (field != SpanField::kOther && !seen.first(static_cast<int>(field))) field = SpanField::kOther;
    if (!read_field(in, field, parts)) return false;
  }
  return in.finish_value();
}

}  // namespace trace::formats
