// simdjson On-Demand helpers shared by the loaders: error codes turned into located
// DocumentErrors, and the lenient number reading the formats need (OTLP sends int64 as
// decimal strings, Chrome sends fractional microseconds).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "src/errors.h"

namespace trace::formats {

namespace od = simdjson::ondemand;

// Offset of the parser's current position within `text` (for error messages); falls back
// to 0 when simdjson cannot tell.
uint64_t current_offset(od::document& doc, std::string_view text);

// Throws DocumentError at the current position: "<expected> (<simdjson's message>)".
[[noreturn]] void fail_at(od::document& doc, std::string_view text, std::string_view expected,
                          simdjson::error_code error);

// Reads an integer given as a JSON number or a decimal string ("1736937000000000000").
// Doubles are accepted and rounded. Returns false on any other type.
bool read_int64_lenient(od::value value, int64_t& out);

// Reads a number given as a JSON number or numeric string; NaN/Infinity strings allowed.
bool read_double_lenient(od::value value, double& out);

// Lower-cases ASCII hex ids in place into `out`; returns a view of out.
std::string_view lower_hex(std::string_view id, std::string& out);

}  // namespace trace::formats
