// One definition of every time and duration the tool reads or writes.
//
// Everything here is hand-written for the hot path (a JSONL loader calls it once per
// line): no locale, no std::get_time/strptime, no allocation. Times are ns since the
// Unix epoch in an int64, which covers the years 1677 to 2262; anything outside is
// reported as unparseable rather than wrapped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace trace {

inline constexpr int64_t kNsPerUs = 1'000;
inline constexpr int64_t kNsPerMs = 1'000'000;
inline constexpr int64_t kNsPerSecond = 1'000'000'000;

// Parses an ISO 8601 / RFC 3339 timestamp into ns since the Unix epoch:
// "YYYY-MM-DD" then "T", "t" or a space, then "HH:MM:SS" (":60" leap seconds roll into
// the next minute), an optional fraction of any length after '.' or ',' (digits past the
// 9th are dropped, not rounded), then "Z", "+hh:mm", "-hh:mm", "+hhmm", "+hh" or nothing.
// A timestamp without a zone (Python's asctime "2024-01-15 10:30:00,123") is read as UTC.
// Returns nullopt when `text` is not such a timestamp (bad field ranges, Feb 30, a date
// without a time, trailing bytes, or outside the int64 ns range).
std::optional<int64_t> parse_timestamp_ns(std::string_view text);

// parse_timestamp_ns for a stream of timestamps, such as one per log line: consecutive
// lines mostly share their date and time to the second, so when the first 19 bytes
// repeat only the fraction and zone are read again. Same results, same rules.
class TimestampParser {
 public:
  std::optional<int64_t> parse(std::string_view text);

 private:
  char prefix_[19] = {};
  int64_t prefix_seconds_ = 0;
  bool valid_ = false;
};

// An epoch number of unknown unit, decided by magnitude: < 1e11 seconds, < 1e14
// milliseconds, < 1e17 microseconds, otherwise nanoseconds. Saturates at the int64 range;
// NaN gives 0. Exact only as far as the double is: prefer epoch_text_to_ns when the
// number's text is at hand (1736937000.123456 as a double is 1736937000.1234560013 s).
int64_t epoch_number_to_ns(double value);

// The same magnitude rule applied to a number's decimal text (JSON number syntax,
// exponent allowed), converted exactly: "1736937000.123456" -> 1736937000123456000.
// Returns nullopt for anything that is not a number or does not fit.
std::optional<int64_t> epoch_text_to_ns(std::string_view number);

// A number's decimal text (JSON number syntax) counted in units of `unit_ns` ns, converted
// exactly and rounded half away from zero to whole ns: ("1.234", kNsPerSecond) ->
// 1234000000. Returns nullopt for anything that is not a number or does not fit.
std::optional<int64_t> decimal_to_ns(std::string_view number, int64_t unit_ns);

// Parses a duration: a non-negative number followed by a unit, ns, us (or µs, μs), ms, s,
// m, h: "250ms", "1.5s", "200us". Go's compound form "1h30m", "1m30.5s" is accepted too.
// A bare number is rejected (units are required), as are signs, spaces and unknown units.
// Fractions are exact and rounded half up to whole ns. Returns nullopt when malformed.
std::optional<int64_t> parse_duration_ns(std::string_view text);

// Seconds (float, as Python's time.time()) to ns, rounded to the nearest ns of the
// double's value. Saturates at the int64 range; NaN gives 0.
int64_t seconds_to_ns(double seconds);

}  // namespace trace
