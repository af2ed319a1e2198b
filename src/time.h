// One definition of every time and duration the tool reads or writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace trace {

// Parses an ISO 8601 / RFC 3339 timestamp into ns since the Unix epoch: "T" or a space
// between date and time, any fraction length ('.' or ','), "Z" or "+hh:mm"/"-hh:mm"/"+hhmm".
// A timestamp without a zone (Python's asctime "2024-01-15 10:30:00,123") is read as UTC.
// Returns nullopt when `text` is not such a timestamp.
std::optional<int64_t> parse_timestamp_ns(std::string_view text);

// An epoch number of unknown unit, decided by magnitude: < 1e11 seconds, < 1e14
// milliseconds, < 1e17 microseconds, otherwise nanoseconds.
int64_t epoch_number_to_ns(double value);

// Parses a duration: a number followed by ns, us (or µs), ms, s, m, h; "1.5s", "250ms".
// A bare number is rejected (units are required). Returns nullopt when malformed.
std::optional<int64_t> parse_duration_ns(std::string_view text);

// Seconds (float, as Python's time.time()) to ns, rounded to the nearest ns.
int64_t seconds_to_ns(double seconds);

}  // namespace trace
