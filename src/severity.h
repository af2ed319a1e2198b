// One severity scale for every producer: OpenTelemetry's SeverityNumber (1-24).
#pragma once

#include <cstdint>
#include <string_view>

namespace trace {

inline constexpr uint8_t kSeverityUnknown = 0;
inline constexpr uint8_t kSeverityTrace = 1;
inline constexpr uint8_t kSeverityDebug = 5;
inline constexpr uint8_t kSeverityInfo = 9;
inline constexpr uint8_t kSeverityWarn = 13;
inline constexpr uint8_t kSeverityError = 17;
inline constexpr uint8_t kSeverityFatal = 21;

// How a producer writes numeric levels; decided once per file, never per line.
enum class NumericLevels {
  kPino,    // pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal
  kPython,  // Python levelno: 10 debug, 20 info, 30 warning, 40 error, 50 critical
};

// Level names of every logger we read, case-insensitive: trace, debug, info,
// information, notice, warn, warning, error, err, fatal, critical, panic, dpanic,
// emergency, success (loguru), and syslog's informational, crit, emerg, alert; slog
// offsets like "INFO+2" (11) and "DEBUG-4" (1), clamped to 1..24.
// Returns kSeverityUnknown for anything else.
uint8_t severity_from_text(std::string_view level);

// By bands, so custom levels land with the named level below them: pino 35 -> info,
// Python 25 (loguru SUCCESS) -> info, Python 5 (TRACE) -> trace. <= 0 -> unknown.
uint8_t severity_from_number(int64_t level, NumericLevels scheme);

// "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" for the band a number falls in;
// "" for unknown.
std::string_view severity_name(uint8_t severity);

}  // namespace trace
