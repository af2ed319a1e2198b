// The OTLP pieces and spans read from plain JSON (otlp_plain.h). Every rule here mirrors
// one of read_span's (otlp_traces.cpp) and OtlpReader's (otlp_common.cpp); where those
// would throw, render or convert something unusual, this declines, and they read it.
#include <cmath>

#include "formats/json_util.h"
#include "formats/otlp_common.h"
#include "formats/otlp_plain.h"
#include "formats/otlp_span_parts.h"
#include "formats/plain_json.h"

namespace trace::formats {

bool read_plain_int64(PlainJsonCursor& in, int64_t& out) {
  std::string_view text;
  if (in.read_string(text)) return parse_decimal_int(text, out);
  Value number;
  if (!in.read_number(number)) return false;
  if (number.kind == ValueKind::kInt) {
    out = number.integer;
    return true;
  }
  return double_to_int64(number.number, out);
}

bool read_plain_enum(PlainJsonCursor& in, std::string_view prefix, const std::string_view* names, int count, int unknown,
               int& out) {
  std::string_view name;
  if (in.read_string(name)) {
    if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
    for (int i = 0; i < count; ++i) {
      if (names[i] == name) {
        out = i;
        return true;
      }
    }
    return false;  // a number written as a string: read_enum's
  }
  Value number;
  if (!in.read_number(number) || number.kind != ValueKind::kInt) return false;
  out = number.integer >= 0 && number.integer < count ? static_cast<int>(number.integer) : unknown;
  return true;
}

bool read_plain_id(PlainJsonCursor& in, std::string& buffer, std::string_view& out) {
  if (!in.read_string(out)) return false;
  out = canonical_id(out, buffer);
  return true;
}

bool read_plain_any_value(PlainJsonCursor& in, Value& out) {
  if (!in.begin_object()) return false;
  bool written = false;  // the first known key wins
  std::string_view key;
  while (in.next_field(key)) {
    if (written) {
      if (!in.skip()) return false;
      continue;
    }
    written = true;
    if (key == "stringValue" || key == "bytesValue") {
      std::string_view text;
      if (!in.read_string(text)) return false;
      out = Value::of_string(text);
    } else if (key == "intValue") {
      int64_t number = 0;
      if (!read_plain_int64(in, number)) return false;
      out = Value::of_int(number);
    } else if (key == "doubleValue") {
      Value number;
      if (!in.read_number(number)) return false;  // "NaN", "Infinity": OtlpReader's
      out = Value::of_double(number.kind == ValueKind::kInt ? static_cast<double>(number.integer) : number.number);
    } else if (key == "boolValue") {
      Value literal;
      if (!in.read_literal(literal) || literal.kind != ValueKind::kBool) return false;
      out = literal;
    } else if (key == "arrayValue" || key == "kvlistValue") {
      return false;
    } else {
      written = false;  // an unknown key sets nothing
      if (!in.skip()) return false;
    }
  }
  return !in.failed();
}

bool read_plain_attributes(PlainJsonCursor& in, std::vector<Attr>& out) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    if (!in.begin_object()) return false;
    Attr& attr = out.emplace_back();
    SeenKeys seen;
    std::string_view key;
    while (in.next_field(key)) {
      bool ok = true;
      if (key == "key" && seen.first(0)) ok = in.read_string(attr.key);
      else if (key == "value" && seen.first(1)) ok = read_plain_any_value(in, attr.value);
      else ok = in.skip();
      if (!ok) return false;
    }
    if (in.failed()) return false;
  }
  return !in.failed();
}

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
  // Most spans are well under 1 KiB: quotes looked for further ahead would be wasted.
  PlainJsonCursor in(text, PlainJsonCursor::ValueAtStart{1024});
  if (!in.begin_object()) return false;
  SeenKeys seen;  // a key written twice: the first wins
  std::string_view key;
  while (in.next_field(key)) {
    SpanField field = span_field(key);
    if (field != SpanField::kOther && !seen.first(static_cast<int>(field))) field = SpanField::kOther;
    if (!read_field(in, field, parts)) return false;
  }
  size_t end = 0;
  return in.finish_value(end);
}

}  // namespace trace::formats
