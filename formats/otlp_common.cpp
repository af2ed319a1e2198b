#include "formats/otlp_common.h"

#include <array>
#include <cmath>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "formats/json_util.h"
#include "src/errors.h"

namespace trace::formats {

// Containers are named by kind: printing a whole object would bury the message.
std::string describe_json(std::string_view token) {
  token = trim_json_space(token);
  if (token.empty()) return "nothing";
  if (token[0] == '{') return "an object";
  if (token[0] == '[') return "an array";
  constexpr size_t kMaxShown = 40;
  if (token.size() > kMaxShown) return fmt::format("{}...", token.substr(0, kMaxShown - 3));
  return std::string(token);
}

namespace {

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes a base64 id of 16 or 8 bytes (standard or URL alphabet, padding optional)
// into lower-case hex; false when `id` is not one.
bool base64_id_to_hex(std::string_view id, std::string& out) {
  while (!id.empty() && id.back() == '=') id.remove_suffix(1);
  if (id.size() != 22 && id.size() != 11) return false;
  static constexpr char kHex[] = "0123456789abcdef";
  out.clear();
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : id) {
    int digit = base64_digit(c);
    if (digit < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(digit);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      uint32_t byte = (bits >> bit_count) & 0xFF;
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return true;
}

}  // namespace

namespace {

struct IdChars {
  bool upper = false;  // some of A-F
  bool other = false;  // some byte that is no hex digit
};

#if defined(__SSE2__)
// Bytes of `v` in [first, first + count), as 0xFF lanes: one unsigned min per range.
__m128i in_range(__m128i v, char first, char count) {
  __m128i offset = _mm_sub_epi8(v, _mm_set1_epi8(first));
  return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(static_cast<char>(count - 1))), offset);
}
#endif

// 16 bytes at a time: every span has two or three ids of 16 or 32 hex digits, and a
// byte-at-a-time look at them was a tenth of reading OTLP.
IdChars classify_id(std::string_view id) {
  IdChars chars;
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= id.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(id.data() + i));
    __m128i upper = in_range(v, 'A', 6);
    __m128i hex = _mm_or_si128(_mm_or_si128(in_range(v, '0', 10), in_range(v, 'a', 6)), upper);
    chars.upper |= _mm_movemask_epi8(upper) != 0;
    chars.other |= _mm_movemask_epi8(hex) != 0xFFFF;
  }
#endif
  for (; i < id.size(); ++i) {
    char c = id[i];
    bool upper = c >= 'A' && c <= 'F';
    chars.upper |= upper;
    chars.other |= !upper && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f');
  }
  return chars;
}

}  // namespace

std::string_view canonical_id(std::string_view id, std::string& buffer) {
  IdChars chars = classify_id(id);
  if (chars.other) return base64_id_to_hex(id, buffer) ? std::string_view(buffer) : id;
  return chars.upper ? lower_hex(id, buffer) : id;
}

bool is_null_id(std::string_view id) { return id.find_first_not_of('0') == std::string_view::npos; }

std::string_view service_name(Attrs resource_attrs) {
  const Attr* attr = find_attr(resource_attrs, "service.name");
  return attr && attr->value.kind == ValueKind::kString ? attr->value.text : std::string_view();
}

uint64_t OtlpReader::location_offset() const {
  // At the end of a cut-off text simdjson has no position left to give; the end of the
  // text is where the reader should look.
  uint64_t end = trim_json_space(text_).size();
  const char* location = nullptr;
  if (doc_.current_location().get(location) != simdjson::SUCCESS || location == nullptr) return end;
  if (location < text_.data() || location > text_.data() + text_.size()) return end;
  return static_cast<uint64_t>(location - text_.data());
}

void OtlpReader::fail(std::string_view expected, simdjson::error_code error) const {
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
    throw DocumentError(trim_json_space(text_).size(), fmt::format("{}, found the end of the text", expected));
  }
  uint64_t offset = location_offset();
  if (error == simdjson::SUCCESS) throw DocumentError(offset, std::string(expected));
  throw DocumentError(offset, fmt::format("{} ({})", expected, simdjson::error_message(error)));
}

void OtlpReader::fail_value(od::value& value, std::string_view expected, simdjson::error_code error) const {
  if (error != simdjson::INCORRECT_TYPE && error != simdjson::SUCCESS && error != simdjson::NUMBER_ERROR) {
    fail(expected, error);
  }
  std::string_view token = value.raw_json_token();
  uint64_t offset = token.data() >= text_.data() && token.data() <= text_.data() + text_.size()
                        ? static_cast<uint64_t>(token.data() - text_.data())
                        : location_offset();
  // The JSON is intact, only this value is wrong: the record holding it can be skipped alone.
  throw ElementError(offset, fmt::format("{}, found {}", expected, describe_json(token)));
}

// Arrays and kvlists nest by recursion: a hostile depth must end in an error, not a
// stack overflow.
class OtlpReader::NestingGuard {
 public:
  NestingGuard(const OtlpReader& reader, od::value& value) : reader_(reader) {
    if (++reader_.nesting_ > kMaxAnyValueNesting)
      reader_.fail_value(value, fmt::format("expected arrayValue and kvlistValue nested at most {} deep", kMaxAnyValueNesting),
                         simdjson::SUCCESS);
  }
  ~NestingGuard() { --reader_.nesting_; }

 private:
  const OtlpReader& reader_;
};

od::object OtlpReader::get_object(od::value value, std::string_view what) const {
  od::object object;
  if (auto error = value.get_object().get(object)) {
    fail_value(value, fmt::format("expected {} as an object", what), error);
  }
  return object;
}

std::string_view OtlpReader::read_string(od::value value, std::string_view field) const {
  std::string_view s;
  if (string_in_place(value, s)) return s;
  if (auto error = value.get_string().get(s)) fail_value(value, fmt::format("expected {} as a string", field), error);
  return s;
}

int64_t OtlpReader::read_int64(od::value value, std::string_view field) const {
  int64_t out = 0;
  if (!read_int64_lenient(value, out)) {
    fail_value(value, fmt::format("expected {} as a decimal string or number", field), simdjson::INCORRECT_TYPE);
  }
  return out;
}

std::string_view OtlpReader::read_id(od::value value, std::string_view field, std::string& buffer) const {
  std::string_view id;
  if (!string_in_place(value, id)) {
    if (auto error = value.get_string().get(id)) fail_value(value, fmt::format("expected {} as a hex string", field), error);
  }
  return canonical_id(id, buffer);
}

int OtlpReader::read_enum(od::value value, std::string_view field, std::string_view prefix,
                          const std::string_view* names, int count, int unknown) const {
  od::json_type type;
  if (auto error = value.type().get(type)) fail(fmt::format("expected {}", field), error);
  if (type == od::json_type::string) {
    std::string_view name;
    if (auto error = value.get_string().get(name)) fail(fmt::format("expected {}", field), error);
    if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
    for (int i = 0; i < count; ++i)
      if (names[i] == name) return i;
    // A number written as a string is still a number (proto3 JSON allows it).
  }
  int64_t number = 0;
  if (!read_int64_lenient(value, number)) {
    fail_value(value, fmt::format("expected {} as a number or a {}* name", field, prefix), simdjson::INCORRECT_TYPE);
  }
  return number >= 0 && number < count ? static_cast<int>(number) : unknown;
}

void OtlpReader::read_attributes(od::value value, std::string_view field, std::vector<Attr>& out) const {
  for_each_element(value, field, [&](od::value element) {
    Attr attr;
    SeenKeys seen;
    for_each_field(element, "KeyValue", [&](std::string_view key, od::value v) {
      if (key == "key") {
        if (seen.first(0)) attr.key = read_string(v, "key");
      } else if (key == "value") {
        if (seen.first(1)) attr.value = read_any_value(v);
      }
    });
    out.push_back(attr);
  });
}

Value OtlpReader::read_any_value(od::value value) const {
  Value result;
  bool written = false;
  for_each_field(value, "AnyValue", [&](std::string_view key, od::value v) {
    if (written) return;  // valid OTLP sets one; the first wins, as in append_any_value_json
    written = true;
    if (key == "stringValue") {
      result = Value::of_string(read_string(v, key));
    } else if (key == "intValue") {
      result = Value::of_int(read_int64(v, key));
    } else if (key == "doubleValue") {
      double d = 0;
      if (!read_double_lenient(v, d)) fail_value(v, "expected doubleValue as a number", simdjson::INCORRECT_TYPE);
      result = Value::of_double(d);
    } else if (key == "boolValue") {
      bool b = false;
      if (auto error = v.get_bool().get(b)) fail_value(v, "expected boolValue as true or false", error);
      result = Value::of_bool(b);
    } else if (key == "bytesValue") {
      result = Value::of_string(read_string(v, key));
    } else if (key == "arrayValue") {
      std::string& json = scratch_.take();
      append_array_json(v, json);
      result = Value::of_raw_json(json);
    } else if (key == "kvlistValue") {
      std::string& json = scratch_.take();
      append_kvlist_json(v, json);
      result = Value::of_raw_json(json);
    } else {
      written = false;  // an unknown key sets nothing
    }
  });
  return result;
}

void OtlpReader::read_resource(od::value value, std::vector<Attr>& attrs) const {
  SeenKeys seen;
  for_each_field(value, "Resource", [&](std::string_view key, od::value v) {
    if (key == "attributes" && seen.first(0)) read_attributes(v, "attributes", attrs);
  });
}

// Renders an AnyValue as the plain JSON a user would have written: strings keep their
// original escapes (the raw token is already valid JSON), int64 strings become numbers.
void OtlpReader::append_any_value_json(od::value value, std::string& out) const {
  bool written = false;
  for_each_field(value, "AnyValue", [&](std::string_view key, od::value v) {
    if (written) return;  // valid OTLP sets one; a second is ignored, not concatenated
    if (key == "stringValue" || key == "bytesValue") {
      read_string(v, key);  // checks the type
      out += trim_json_space(v.raw_json_token());
    } else if (key == "intValue") {
      fmt::format_to(std::back_inserter(out), "{}", read_int64(v, key));
    } else if (key == "doubleValue") {
      double d = 0;
      if (!read_double_lenient(v, d)) fail_value(v, "expected doubleValue as a number", simdjson::INCORRECT_TYPE);
      // JSON has no NaN or Infinity: those stay strings, as proto3 JSON writes them.
      if (std::isfinite(d)) {
        fmt::format_to(std::back_inserter(out), "{}", d);
      } else {
        out += trim_json_space(v.raw_json_token());
      }
    } else if (key == "boolValue") {
      bool b = false;
      if (auto error = v.get_bool().get(b)) fail_value(v, "expected boolValue as true or false", error);
      out += b ? "true" : "false";
    } else if (key == "arrayValue") {
      append_array_json(v, out);
    } else if (key == "kvlistValue") {
      append_kvlist_json(v, out);
    } else {
      return;
    }
    written = true;
  });
  if (!written) out += "null";
}

void OtlpReader::append_array_json(od::value value, std::string& out) const {
  NestingGuard guard(*this, value);
  out += '[';
  bool first = true;
  bool read = false;
  for_each_field(value, "ArrayValue", [&](std::string_view key, od::value v) {
    if (key != "values" || read) return;
    read = true;
    for_each_element(v, "arrayValue.values", [&](od::value element) {
      if (!first) out += ',';
      first = false;
      append_any_value_json(element, out);
    });
  });
  out += ']';
}

void OtlpReader::append_kvlist_json(od::value value, std::string& out) const {
  NestingGuard guard(*this, value);
  out += '{';
  bool first = true;
  bool read = false;
  for_each_field(value, "KeyValueList", [&](std::string_view key, od::value v) {
    if (key != "values" || read) return;
    read = true;
    for_each_element(v, "kvlistValue.values", [&](od::value element) {
      if (!first) out += ',';
      first = false;
      // The key may follow the value in the input: the value is rendered aside, then
      // written after the key.
      std::string_view key_token = "\"\"";
      std::string value_json;
      bool has_key = false;
      bool has_value = false;
      for_each_field(element, "KeyValue", [&](std::string_view k, od::value kv) {
        if (k == "key" && !has_key) {
          read_string(kv, "key");
          key_token = trim_json_space(kv.raw_json_token());
          has_key = true;
        } else if (k == "value" && !has_value) {
          append_any_value_json(kv, value_json);
          has_value = true;
        }
      });
      out += key_token;
      out += ':';
      out += has_value ? std::string_view(value_json) : std::string_view("null");
    });
  });
  out += '}';
}

}  // namespace trace::formats
