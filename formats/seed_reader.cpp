#include "formats/seed_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "formats/newline_count.h"
#include "formats/otlp_common.h"  // describe_json
#include "src/errors.h"
#include "src/time.h"

namespace trace::formats {

namespace {

bool looks_numeric(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
  return true;
}

}  // namespace

od::object SeedReader::start(od::parser& parser, od::document& doc, std::string_view text, std::string_view what) {
  if (auto error = parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc))
    throw iterate_error(text, fmt::format("expected {}", what), error);
  SeedReader reader(doc, text);
  od::object root;
  if (auto error = doc.get_object().get(root)) {
    // simdjson checks the outermost brackets first, so a cut-off text ends up here.
    size_t first = std::min(skip_whitespace(text, 0), text.size());
    if (error != simdjson::INCORRECT_TYPE) {
      // simdjson also takes a complete object followed by more text for a cut-off one.
      size_t end = first < text.size() ? find_value_end(text, first) : std::string_view::npos;
      if (end != std::string_view::npos && skip_whitespace(text, end) < text.size())
        throw DocumentError(skip_whitespace(text, end), fmt::format("expected the end of the text after {}", what));
      reader.fail("expected a closing '}' or ']'", error);
    }
    throw DocumentError(first, fmt::format("expected {} (a JSON object), found {}", what,
                                           describe_json(text.substr(first, 64))));
  }
  return root;
}

uint64_t SeedReader::location_offset() const {
  // simdjson gives no position once it has run past the last token; the end of the
  // text is where the reader should look.
  uint64_t end = trim_json_space(text_).size();
  const char* location = nullptr;
  if (doc_.current_location().get(location) != simdjson::SUCCESS || location == nullptr) return end;
  if (location < text_.data() || location > text_.data() + text_.size()) return end;
  return static_cast<uint64_t>(location - text_.data());
}

void SeedReader::fail(std::string_view expected, simdjson::error_code error) const {
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT)
    throw DocumentError(trim_json_space(text_).size(), fmt::format("{}, found the end of the text", expected));
  uint64_t offset = location_offset();
  if (error == simdjson::SUCCESS) throw DocumentError(offset, std::string(expected));
  throw DocumentError(offset, fmt::format("{} ({})", expected, simdjson::error_message(error)));
}

void SeedReader::fail_value(od::value& value, std::string_view expected, simdjson::error_code error) const {
  if (error != simdjson::INCORRECT_TYPE && error != simdjson::SUCCESS && error != simdjson::NUMBER_ERROR)
    fail(expected, error);
  std::string_view token = value.raw_json_token();
  throw DocumentError(offset_of(value), fmt::format("{}, found {}", expected, describe_json(token)));
}

uint64_t SeedReader::offset_of(od::value& value) const {
  std::string_view token = value.raw_json_token();
  if (token.data() < text_.data() || token.data() > text_.data() + text_.size()) return location_offset();
  return static_cast<uint64_t>(token.data() - text_.data());
}

void SeedReader::expect_end(std::string_view what) const {
  // After the root value simdjson has no position left, unless more JSON follows.
  const char* after = nullptr;
  if (doc_.current_location().get(after) != simdjson::SUCCESS || after == nullptr) return;
  if (after < text_.data() || after > text_.data() + text_.size()) return;
  size_t pos = static_cast<size_t>(after - text_.data());
  if (skip_whitespace(text_, pos) < text_.size())
    throw DocumentError(pos, fmt::format("expected the end of the text after {}", what));
}

od::object SeedReader::object(od::value value, std::string_view what) const {
  od::object o;
  if (auto error = value.get_object().get(o)) fail_value(value, fmt::format("expected {} as an object", what), error);
  return o;
}

std::string_view SeedReader::string(od::value value, std::string_view field) const {
  od::json_type type;
  if (auto error = value.type().get(type)) fail(fmt::format("expected {} as a string", field), error);
  if (type == od::json_type::null) return {};
  std::string_view s;
  if (auto error = value.get_string().get(s)) fail_value(value, fmt::format("expected {} as a string", field), error);
  return s;
}

std::optional<bool> SeedReader::boolean(od::value value, std::string_view field) const {
  od::json_type type;
  if (auto error = value.type().get(type)) fail(fmt::format("expected {} as true or false", field), error);
  if (type == od::json_type::null) return std::nullopt;
  bool b = false;
  if (auto error = value.get_bool().get(b))
    fail_value(value, fmt::format("expected {} as true or false", field), error);
  return b;
}

Value SeedReader::any(od::value value) const {
  od::json_type type;
  if (auto error = value.type().get(type)) fail("expected a JSON value", error);
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s)) fail_value(value, "expected a string", error);
      return Value::of_string(s);
    }
    case od::json_type::number: {
      od::number_type number_type;
      if (auto error = value.get_number_type().get(number_type)) fail_value(value, "expected a number", error);
      if (number_type == od::number_type::signed_integer) {
        int64_t i = 0;
        if (auto error = value.get_int64().get(i)) fail_value(value, "expected a number", error);
        return Value::of_int(i);
      }
      // Integers past INT64_MAX (Python has no limit) are kept as doubles.
      double d = 0;
      if (auto error = get_double_exact(value, d)) fail_value(value, "expected a number", error);
      return Value::of_double(d);
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto error = value.get_bool().get(b)) fail_value(value, "expected true or false", error);
      return Value::of_bool(b);
    }
    case od::json_type::null: {
      bool null = false;
      if (value.is_null().get(null) != simdjson::SUCCESS || !null)
        fail_value(value, "expected null", simdjson::SUCCESS);
      return Value{};
    }
    case od::json_type::object: {
      od::object o;
      std::string_view raw;
      if (auto error = value.get_object().get(o)) fail_value(value, "expected an object", error);
      if (auto error = checked_raw_json(o, raw)) fail("expected an object", error);
      return Value::of_raw_json(raw);
    }
    case od::json_type::array: {
      od::array a;
      std::string_view raw;
      if (auto error = value.get_array().get(a)) fail_value(value, "expected an array", error);
      if (auto error = checked_raw_json(a, raw)) fail("expected an array", error);
      return Value::of_raw_json(raw);
    }
  }
  fail("expected a JSON value", simdjson::INCORRECT_TYPE);
}

std::optional<int64_t> SeedReader::duration(od::value value, std::string_view field, int64_t unit_ns) const {
  od::json_type type;
  std::string expected = fmt::format("expected {} as a non-negative number", field);
  if (auto error = value.type().get(type)) fail(expected, error);
  if (type == od::json_type::null) return std::nullopt;
  std::string_view number;
  if (type == od::json_type::number) {
    number = trim_json_space(value.raw_json_token());
  } else if (type == od::json_type::string) {
    if (auto error = value.get_string().get(number)) fail_value(value, expected, error);
  } else {
    fail_value(value, expected, simdjson::INCORRECT_TYPE);
  }
  std::optional<int64_t> ns = decimal_to_ns(number, unit_ns);
  if (!ns || *ns < 0) fail_value(value, expected, simdjson::SUCCESS);
  return ns;
}

std::optional<int64_t> SeedReader::time(od::value value, std::string_view field) const {
  od::json_type type;
  std::string expected = fmt::format("expected {} as epoch seconds or an ISO 8601 time", field);
  if (auto error = value.type().get(type)) fail(expected, error);
  if (type == od::json_type::null) return std::nullopt;
  std::optional<int64_t> ns;
  if (type == od::json_type::number) {
    ns = epoch_text_to_ns(trim_json_space(value.raw_json_token()));
  } else if (type == od::json_type::string) {
    std::string_view s;
    if (auto error = value.get_string().get(s)) fail_value(value, expected, error);
    ns = parse_timestamp_ns(s);
    if (!ns && looks_numeric(s)) ns = epoch_text_to_ns(s);
  }
  if (!ns) fail_value(value, expected, simdjson::SUCCESS);
  return ns;
}

uint64_t LineCounter::line_at(uint64_t offset) {
  if (line_ == 0) return 0;
  offset = std::min<uint64_t>(offset, text_.size());
  if (offset > pos_) {
    line_ += count_newlines(text_.data() + pos_, offset - pos_);
    pos_ = offset;
  }
  return line_;
}

}  // namespace trace::formats
