// What the loaders of the seed producers' formats share (genai-trace, stage-events,
// span-collector, exec-summary): walking one simdjson On-Demand document with every
// failure turned into a located DocumentError, plain JSON values as attribute Values,
// and the producers' times (epoch numbers, ISO 8601 strings) as ns.
// Format facts: ../shared/FORMATS.md §6 and man/trace-formats.5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <simdjson.h>

#include "src/record.h"

namespace trace::formats {

namespace od = simdjson::ondemand;

// Reads one document. Every failure throws DocumentError with an offset relative to
// `text`: where the offending value starts for a wrong type ("expected duration_ms as
// a number, found \"fast\""), where parsing stopped for broken JSON (with simdjson's
// words in parentheses).
class SeedReader {
 public:
  SeedReader(od::document& doc, std::string_view text) : doc_(doc), text_(text) {}

  // Starts `doc` on `text` (followed by SIMDJSON_PADDING readable bytes) and returns its
  // root object; `what` names it ("an execution summary") in messages.
  static od::object start(od::parser& parser, od::document& doc, std::string_view text, std::string_view what);

  [[noreturn]] void fail(std::string_view expected, simdjson::error_code error) const;
  [[noreturn]] void fail_value(od::value& value, std::string_view expected, simdjson::error_code error) const;

  // Throws unless only whitespace follows the root value; `what` names it as start() did.
  void expect_end(std::string_view what) const;

  od::object object(od::value value, std::string_view what) const;

  // Calls on_field(key, value) per field, in the order written. on_field may return
  // bool: false stops the walk, and for_each_field returns false.
  template <class OnField>
  bool for_each_field(od::object& object, std::string_view what, OnField&& on_field) const;
  template <class OnField>
  bool for_each_field(od::value value, std::string_view what, OnField&& on_field) const {
    od::object o = object(value, what);
    return for_each_field(o, what, on_field);
  }

  // Calls on_element(value) per element of `value`, which must be an array; stops like
  // for_each_field.
  template <class OnElement>
  bool for_each_element(od::value value, std::string_view field, OnElement&& on_element) const;

  // A string; null gives "" (Python writes None as null).
  std::string_view string(od::value value, std::string_view field) const;
  // true or false; null gives nullopt.
  std::optional<bool> boolean(od::value value, std::string_view field) const;
  // Any JSON value: objects and arrays as their JSON text.
  Value any(od::value value) const;

  // A duration as a JSON number (or a numeric string) counted in `unit_ns`, converted
  // exactly from its text; null gives nullopt. Negative numbers are refused.
  std::optional<int64_t> duration(od::value value, std::string_view field, int64_t unit_ns) const;

  // A point in time: a number of epoch seconds (Python's time.time(); ms, us and ns are
  // told apart by magnitude), the same as a numeric string, or an ISO 8601 string.
  // Converted exactly from the text. null gives nullopt.
  std::optional<int64_t> time(od::value value, std::string_view field) const;

  // Offset of a value's first byte within the text.
  uint64_t offset_of(od::value& value) const;

  std::string_view text() const { return text_; }

 private:
  uint64_t location_offset() const;

  od::document& doc_;
  std::string_view text_;
};

// Line numbers of offsets inside one document, counted forward incrementally: records
// are met in text order, so the whole document is scanned once.
class LineCounter {
 public:
  // `first_line` is the document's first line (0 = unknown, then every line is 0).
  void reset(std::string_view text, uint64_t first_line) {
    text_ = text;
    line_ = first_line;
    pos_ = 0;
  }
  uint64_t line_at(uint64_t offset);

 private:
  std::string_view text_;
  uint64_t line_ = 0;
  uint64_t pos_ = 0;
};

namespace detail {

template <class F, class... Args>
bool keep_walking_seed(F& callback, Args&&... args) {
  if constexpr (std::is_same_v<std::invoke_result_t<F&, Args...>, bool>) {
    return callback(std::forward<Args>(args)...);
  } else {
    callback(std::forward<Args>(args)...);
    return true;
  }
}

}  // namespace detail

template <class OnField>
bool SeedReader::for_each_field(od::object& object, std::string_view what, OnField&& on_field) const {
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field))
      fail(std::string("expected a field or '}' in ") + std::string(what), error);
    std::string_view key;
    if (auto error = field.unescaped_key().get(key))
      fail(std::string("expected a key in ") + std::string(what), error);
    if (!detail::keep_walking_seed(on_field, key, field.value())) return false;
  }
  return true;
}

template <class OnElement>
bool SeedReader::for_each_element(od::value value, std::string_view field, OnElement&& on_element) const {
  od::array array;
  if (auto error = value.get_array().get(array))
    fail_value(value, std::string("expected ") + std::string(field) + " as an array", error);
  for (auto element_result : array) {
    od::value element;
    if (auto error = std::move(element_result).get(element))
      fail(std::string("expected a value or ']' in ") + std::string(field), error);
    if (!detail::keep_walking_seed(on_element, element)) return false;
  }
  return true;
}

}  // namespace trace::formats
