#include "formats/json_util.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace trace::formats {

uint64_t current_offset(od::document& doc, std::string_view text) {
  const char* location = nullptr;
  if (doc.current_location().get(location) != simdjson::SUCCESS || location == nullptr) return 0;
  if (location < text.data() || location > text.data() + text.size()) return 0;
  return static_cast<uint64_t>(location - text.data());
}

void fail_at(od::document& doc, std::string_view text, std::string_view expected,
             simdjson::error_code error) {
  uint64_t offset = current_offset(doc, text);
  if (error == simdjson::SUCCESS) throw DocumentError(offset, std::string(expected));
  throw DocumentError(offset, fmt::format("{} ({})", expected, simdjson::error_message(error)));
}

size_t first_invalid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (length == 0 || i + length > n) return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < length; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += length;
  }
  return std::string_view::npos;
}

namespace {

// Offset of the first control character (below 0x20) inside a string, or npos.
size_t first_control_in_string(std::string_view text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string && static_cast<unsigned char>(c) < 0x20) return i;
    if (c == '"') in_string = !in_string;
    else if (c == '\\' && in_string) ++i;
  }
  return std::string_view::npos;
}

}  // namespace

DocumentError iterate_error(std::string_view text, std::string_view expected, simdjson::error_code error) {
  size_t at = std::string_view::npos;
  if (error == simdjson::UTF8_ERROR) at = first_invalid_utf8(text);
  if (error == simdjson::UNESCAPED_CHARS) at = first_control_in_string(text);
  if (at == std::string_view::npos) at = text.find('\0');
  if (at == std::string_view::npos) at = 0;
  return DocumentError(at, fmt::format("{} ({})", expected, simdjson::error_message(error)));
}

bool double_to_int64(double d, int64_t& out) {
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return false;
  out = static_cast<int64_t>(std::llround(d));
  return true;
}

bool parse_decimal_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return true;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return dec == std::errc() && dend == s.data() + s.size() && double_to_int64(d, out);
}

std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool string_in_place(od::value& value, std::string_view& out) {
  // The token runs to the next structural character: the string, then any whitespace.
  std::string_view token = trim_json_space(value.raw_json_token());
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  std::string_view inside = token.substr(1, token.size() - 2);
  if (std::memchr(inside.data(), '\\', inside.size()) != nullptr) return false;
  out = inside;
  return true;
}

bool read_int64_lenient(od::value value, int64_t& out) {
  std::string_view in_place;
  if (string_in_place(value, in_place)) return parse_decimal_int(in_place, out);
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::string) {
    std::string_view s;
    if (value.get_string().get(s) != simdjson::SUCCESS) return false;
    return parse_decimal_int(s, out);
  }
  if (type != od::json_type::number) return false;
  od::number_type number_type;
  if (value.get_number_type().get(number_type) != simdjson::SUCCESS) return false;
  if (number_type == od::number_type::signed_integer) return value.get_int64().get(out) == simdjson::SUCCESS;
  if (number_type == od::number_type::unsigned_integer) {
    uint64_t u = 0;
    if (value.get_uint64().get(u) != simdjson::SUCCESS || u > uint64_t(std::numeric_limits<int64_t>::max()))
      return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  double d = 0;
  return get_double_exact(value, d) == simdjson::SUCCESS && double_to_int64(d, out);
}

simdjson::error_code get_double_exact(od::value& value, double& out) {
  std::string_view token = trim_json_space(value.raw_json_token());
  if (auto error = value.get_double().get(out)) return error;
  if (token.size() >= 20) {
    double exact = 0;
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), exact);
    if (error == std::errc() && end == token.data() + token.size()) out = exact;
  }
  return simdjson::SUCCESS;
}

bool read_double_lenient(od::value value, double& out) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::number) return get_double_exact(value, out) == simdjson::SUCCESS;
  if (type != od::json_type::string) return false;
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  if (s == "NaN") return out = std::numeric_limits<double>::quiet_NaN(), true;
  if (s == "Infinity") return out = std::numeric_limits<double>::infinity(), true;
  if (s == "-Infinity") return out = -std::numeric_limits<double>::infinity(), true;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

simdjson::error_code read_json_value(od::value value, Value& out) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (!string_in_place(value, s)) {
        if (auto error = value.get_string().get(s)) return error;
      }
      out = Value::of_string(s);
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      // Numbers of 20 or more characters go to get_double_exact (json_util.h says why).
      std::string_view token = value.raw_json_token();
      od::number number;
      if (token.size() < 20 && value.get_number().get(number) == simdjson::SUCCESS) {
        out = number.is_int64() ? Value::of_int(number.get_int64()) : Value::of_double(number.as_double());
        return simdjson::SUCCESS;
      }
      // Integers past uint64 are refused by get_number(); keep them as doubles.
      double d = 0;
      if (auto error = get_double_exact(value, d)) return error;
      out = Value::of_double(d);
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto error = value.get_bool().get(b)) return error;
      out = Value::of_bool(b);
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null)) return error;
      if (!null) return simdjson::INCORRECT_TYPE;
      out = Value{};
      return simdjson::SUCCESS;
    }
    case od::json_type::object:
    case od::json_type::array: {
      std::string_view raw;
      if (type == od::json_type::object) {
        od::object object;
        if (auto error = value.get_object().get(object)) return error;
        if (auto error = checked_raw_json(object, raw)) return error;
      } else {
        od::array array;
        if (auto error = value.get_array().get(array)) return error;
        if (auto error = checked_raw_json(array, raw)) return error;
      }
      out = Value::of_raw_json(raw);
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

std::string_view lower_hex(std::string_view id, std::string& out) {
  out.assign(id);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace trace::formats
