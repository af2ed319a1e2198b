// simdjson On-Demand helpers shared by the loaders: error codes turned into located
// DocumentErrors, and the lenient number reading the formats need (OTLP sends int64 as
// decimal strings, Chrome sends fractional microseconds).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "formats/json_validate.h"
#include "src/errors.h"
#include "src/record.h"

namespace trace::formats {

namespace od = simdjson::ondemand;

// A record whose JSON is intact but whose content is not what the format says (a field of
// the wrong type, a number out of range, nesting too deep to read): the text around it
// can still be read, so under --lenient a loader may skip that record alone. A plain
// DocumentError (broken JSON) leaves nothing after it to trust.
class ElementError : public DocumentError {
 public:
  using DocumentError::DocumentError;
};

// The error for a text that parser.iterate() refused ("<expected> (<simdjson's message>)"),
// located at the byte to blame when it can be found: the first invalid UTF-8 sequence, the
// first unescaped control character in a string, else the first NUL byte; else offset 0.
DocumentError iterate_error(std::string_view text, std::string_view expected, simdjson::error_code error);

// Offset of the first byte that is not valid UTF-8 in `text`, or npos.
size_t first_invalid_utf8(std::string_view text);

// Offset of the parser's current position within `text` (for error messages); falls back
// to 0 when simdjson cannot tell.
uint64_t current_offset(od::document& doc, std::string_view text);

// Throws DocumentError at the current position: "<expected> (<simdjson's message>)".
[[noreturn]] void fail_at(od::document& doc, std::string_view text, std::string_view expected,
                          simdjson::error_code error);

// value.get_double(), correct for long numbers too: simdjson 3.0.1 misreads decimals of
// 20 or more digits (0.1234567890123456789012345 as 1.096e-07, 1.00000000000000000001 as
// 0 through get_number()), so those are read from their text with from_chars.
simdjson::error_code get_double_exact(od::value& value, double& out);

// `text` without trailing JSON whitespace (simdjson's raw tokens keep it).
std::string_view trim_json_space(std::string_view text);

// An object's or array's JSON text, trimmed, to keep as a raw JSON value: On-Demand's
// raw_json() is the text up to the matching bracket, unchecked inside, so it is checked
// here (json_validate.h). TAPE_ERROR for text that is no JSON value.
template <class Container>
simdjson::error_code checked_raw_json(Container& container, std::string_view& out) {
  std::string_view raw;
  if (auto error = container.raw_json().get(raw)) return error;
  out = trim_json_space(raw);
  return is_json_value(out) ? simdjson::SUCCESS : simdjson::TAPE_ERROR;
}

// A string value written without escapes, as a view of the input between its quotes:
// no copy into the parser's string buffer, and the view lives as long as the input. False
// for any other value and for a string with a backslash (get_string() unescapes those);
// the value is not consumed either way. Nothing is left to check: iterate() refused the
// whole text for invalid UTF-8 or a control character inside a string.
bool string_in_place(od::value& value, std::string_view& out);

// A double as the nearest int64; false when it is not finite or not below 9.2e18 in size.
bool double_to_int64(double d, int64_t& out);

// A decimal integer's text as int64; a decimal with a fraction or exponent is rounded
// ("1.5e3" -> 1500). False for anything else or out of range.
bool parse_decimal_int(std::string_view s, int64_t& out);

// Reads an integer given as a JSON number or a decimal string ("1736937000000000000").
// Doubles are accepted and rounded. Returns false on any other type.
bool read_int64_lenient(od::value value, int64_t& out);

// Reads a number given as a JSON number or numeric string; NaN/Infinity strings allowed.
bool read_double_lenient(od::value value, double& out);

// Reads any JSON value as a record attribute Value: strings in place when they have no
// escapes, else unescaped in the parser's buffer; integers that fit int64 as ints and
// other numbers as doubles; objects and arrays as their JSON text (a view into the
// input, checked: checked_raw_json).
simdjson::error_code read_json_value(od::value value, Value& out);

// Lower-cases ASCII hex ids in place into `out`; returns a view of out.
std::string_view lower_hex(std::string_view id, std::string& out);

}  // namespace trace::formats
