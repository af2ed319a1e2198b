#include "formats/json_util.h"

#include <charconv>
#include <cmath>
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

namespace {

bool parse_decimal_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return true;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec != std::errc() || dend != s.data() + s.size() || !std::isfinite(d)) return false;
  if (std::fabs(d) >= 9.2e18) return false;
  out = static_cast<int64_t>(std::llround(d));
  return true;
}

}  // namespace

bool read_int64_lenient(od::value value, int64_t& out) {
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
  if (value.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d) || std::fabs(d) >= 9.2e18)
    return false;
  out = static_cast<int64_t>(std::llround(d));
  return true;
}

bool read_double_lenient(od::value value, double& out) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::number) return value.get_double().get(out) == simdjson::SUCCESS;
  if (type != od::json_type::string) return false;
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  if (s == "NaN") return out = std::numeric_limits<double>::quiet_NaN(), true;
  if (s == "Infinity") return out = std::numeric_limits<double>::infinity(), true;
  if (s == "-Infinity") return out = -std::numeric_limits<double>::infinity(), true;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string_view lower_hex(std::string_view id, std::string& out) {
  out.assign(id);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace trace::formats
