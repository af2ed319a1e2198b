#include "src/severity.h"

#include <array>

namespace trace {

namespace {

struct LevelName {
  std::string_view name;  // lower case
  uint8_t severity;
};

// Every spelling the supported loggers write, plus syslog's names (journald exports and
// hand-rolled loggers use them).
constexpr std::array<LevelName, 19> kLevelNames{{
    {"trace", kSeverityTrace},
    {"debug", kSeverityDebug},
    {"info", kSeverityInfo},
    {"information", kSeverityInfo},
    {"informational", kSeverityInfo},
    {"notice", kSeverityInfo},
    {"success", kSeverityInfo},  // loguru: between info and warning, still not a problem
    {"warn", kSeverityWarn},
    {"warning", kSeverityWarn},
    {"error", kSeverityError},
    {"err", kSeverityError},
    {"fatal", kSeverityFatal},
    {"critical", kSeverityFatal},
    {"crit", kSeverityFatal},
    {"panic", kSeverityFatal},
    {"dpanic", kSeverityFatal},
    {"emergency", kSeverityFatal},
    {"emerg", kSeverityFatal},
    {"alert", kSeverityFatal},
}};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_lower(std::string_view text, std::string_view lower_name) {
  if (text.size() != lower_name.size()) return false;
  for (size_t i = 0; i < text.size(); ++i)
    if (lower(text[i]) != lower_name[i]) return false;
  return true;
}

uint8_t severity_of_name(std::string_view name) {
  for (const LevelName& level : kLevelNames)
    if (equals_lower(name, level.name)) return level.severity;
  return kSeverityUnknown;
}

}  // namespace

uint8_t severity_from_text(std::string_view level) {
  uint8_t severity = severity_of_name(level);
  if (severity != kSeverityUnknown || level.empty()) return severity;

  // Go slog writes levels between the named ones as an offset from the one below:
  // "INFO+2", "DEBUG-4". slog's scale has the same 4-step bands as OpenTelemetry's
  // (DEBUG -4, INFO 0, WARN 4, ERROR 8), so the offset carries over one to one.
  size_t sign = level.find_first_of("+-");
  if (sign == std::string_view::npos || sign == 0 || sign + 1 >= level.size()) return kSeverityUnknown;
  uint8_t base = severity_of_name(level.substr(0, sign));
  if (base == kSeverityUnknown) return kSeverityUnknown;
  int offset = 0;
  for (char c : level.substr(sign + 1)) {
    if (c < '0' || c > '9' || offset > 100) return kSeverityUnknown;
    offset = offset * 10 + (c - '0');
  }
  int value = level[sign] == '+' ? base + offset : base - offset;
  if (value < 1) value = 1;
  if (value > 24) value = 24;
  return static_cast<uint8_t>(value);
}

uint8_t severity_from_number(int64_t level, NumericLevels scheme) {
  // Bands rather than exact values, so custom levels in between (pino's custom levels,
  // Python's TRACE=5 or loguru's SUCCESS=25) land with the named level below them.
  if (level <= 0) return kSeverityUnknown;
  if (scheme == NumericLevels::kPino) {
    if (level < 20) return kSeverityTrace;
    if (level < 30) return kSeverityDebug;
    if (level < 40) return kSeverityInfo;
    if (level < 50) return kSeverityWarn;
    if (level < 60) return kSeverityError;
    return kSeverityFatal;
  }
  if (level < 10) return kSeverityTrace;
  if (level < 20) return kSeverityDebug;
  if (level < 30) return kSeverityInfo;
  if (level < 40) return kSeverityWarn;
  if (level < 50) return kSeverityError;
  return kSeverityFatal;
}

std::string_view severity_name(uint8_t severity) {
  if (severity == kSeverityUnknown || severity > 24) return "";
  static constexpr std::string_view kNames[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
  return kNames[(severity - 1) / 4];
}

}  // namespace trace
