// The OTLP pieces read from plain JSON (otlp_plain.h). Every rule here mirrors one of
// OtlpReader's (otlp_common.cpp); where it would throw, render or convert something
// unusual, this declines, and the loader reads the record with OtlpReader.
#include "formats/otlp_plain.h"

#include "formats/otlp_common.h"
#include "formats/plain_json.h"

namespace trace::formats {

bool read_plain_enum(PlainJsonCursor& in, std::string_view prefix, const std::string_view* names, int count,
                     int unknown, int& out) {
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

}  // namespace trace::formats
