// The fast flat-object scanner (formats/flat_json_line.h) checked against simdjson: for
// every line the scanner accepts, simdjson must accept it too and read the same keys,
// values and number texts. Shared by the unit test and the fuzz target.
#pragma once

#include <bit>
#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/flat_json_line.h"

namespace trace::flat_json_reference {

inline void describe(std::string& out, std::string_view key, const Value& v, std::string_view token) {
  fmt::format_to(std::back_inserter(out), "{}|{}|", key, static_cast<int>(v.kind));
  switch (v.kind) {
    case ValueKind::kString: out += v.text; break;
    case ValueKind::kInt: fmt::format_to(std::back_inserter(out), "{}", v.integer); break;
    case ValueKind::kDouble: fmt::format_to(std::back_inserter(out), "{:x}", std::bit_cast<uint64_t>(v.number)); break;
    case ValueKind::kBool: out += v.boolean ? "true" : "false"; break;
    default: break;
  }
  fmt::format_to(std::back_inserter(out), "|{}\n", token);
}

// What the scanner reads, or "declined".
inline std::string with_scanner(std::string_view line) {
  // As in the loaders' buffers: zero padding after the line (the scanner reads ahead).
  std::string padded(line);
  padded.append(64, '\0');
  std::string out;
  bool accepted = formats::scan_flat_object(std::string_view(padded.data(), line.size()),
                                            [&](std::string_view key, const Value& v, std::string_view token) {
                                              describe(out, key, v, token);
                                            });
  return accepted ? out : "declined";
}

// What simdjson reads from a flat object, in the scanner's terms; "error: ..." when it
// refuses the line, "not flat" when a value is an object or array.
inline std::string with_simdjson(std::string_view line) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(padded).get(doc)) return fmt::format("error: {}", simdjson::error_message(error));
  simdjson::ondemand::object object;
  if (auto error = doc.get_object().get(object)) return fmt::format("error: {}", simdjson::error_message(error));
  std::string out;
  for (auto result : object) {
    simdjson::ondemand::field field;
    if (auto error = std::move(result).get(field)) return fmt::format("error: {}", simdjson::error_message(error));
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return fmt::format("error: {}", simdjson::error_message(error));
    std::string key_copy(key);
    simdjson::ondemand::value value = field.value();
    simdjson::ondemand::json_type type;
    if (auto error = value.type().get(type)) return fmt::format("error: {}", simdjson::error_message(error));
    std::string_view token = value.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r'))
      token.remove_suffix(1);
    Value v;
    switch (type) {
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (auto error = value.get_string().get(s)) return fmt::format("error: {}", simdjson::error_message(error));
        v = Value::of_string(s);
        token = {};
        break;
      }
      case simdjson::ondemand::json_type::number: {
                simdjson::ondemand::number_type number_type;
        if (auto error = value.get_number_type().get(number_type)) return fmt::format("error: {}", simdjson::error_message(error));
        if (number_type == simdjson::ondemand::number_type::signed_integer) {
          int64_t i = 0;
          if (auto error = value.get_int64().get(i)) return fmt::format("error: {}", simdjson::error_message(error));
          v = Value::of_int(i);
        } else {
          // simdjson validates the number; the value is from_chars's, correctly rounded:
          // simdjson 3.0.1 misreads decimals of 20 or more digits (0.1234567890123456789012345
          // reads as 1.096e-07), see long_decimal in formats/jsonl_logs.cpp.
          double d = 0;
          if (auto error = value.get_double().get(d)) return fmt::format("error: {}", simdjson::error_message(error));
          auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), d);
          if (error != std::errc() || end != token.data() + token.size()) return "error: from_chars";
          v = Value::of_double(d);
        }
        break;
      }
      case simdjson::ondemand::json_type::boolean: {
        bool b = false;
        if (auto error = value.get_bool().get(b)) return fmt::format("error: {}", simdjson::error_message(error));
        v = Value::of_bool(b);
        break;
      }
      case simdjson::ondemand::json_type::null: {
        bool null = false;
        if (value.is_null().get(null) || !null) return "error: bad null";
        break;
      }
      default: return "not flat";
    }
    describe(out, key_copy, v, token);
  }
  const char* after = nullptr;
  if (doc.current_location().get(after) == simdjson::SUCCESS && after != nullptr) {
    std::string_view rest(after, static_cast<size_t>(padded.data() + line.size() - after));
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos) return "error: trailing content";
  }
  return out;
}

// Empty when they agree (or the scanner declined); otherwise what differs.
inline std::string disagreement(std::string_view line) {
  std::string scanned = with_scanner(line);
  if (scanned == "declined") return {};
  std::string reference = with_simdjson(line);
  if (scanned == reference) return {};
  return fmt::format("line: {}\nscanner:\n{}simdjson:\n{}", line, scanned, reference);
}

}  // namespace trace::flat_json_reference
