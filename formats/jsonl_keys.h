// Which keys of a JSON-lines log hold its time, level, message and logger: decided once
// per file from the first complete lines of the head, never per line (FORMATS.md §5).
//
// The jsonl loader is line-parallel: every worker makes its own loader from the same
// head, so the profile must be a pure function of the head. Keys are renameable in every
// logger, so detection scores rather than requires: each sampled line votes for the
// producer whose signature it matches, then each role takes the candidate key that occurs
// in the most sampled lines (ties go to the producer's own default).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "formats/input_head.h"
#include "src/severity.h"

namespace trace::formats {

enum class LogProducer : uint8_t {
  kGeneric,     // timestamp + level + message (the seeds' style), or best guess
  kPino,        // numeric level + epoch-ms time + msg
  kBunyan,      // pino's shape plus v:0 and an ISO time
  kPythonJson,  // python-json-logger: levelname/levelno, asctime/timestamp, message, name
  kStructlog,   // event instead of msg/message
  kSlog,        // Go log/slog: time string + upper-case level + msg
  kLogrus,      // time string + lower-case level ("warning") + msg
  kZap,         // ts epoch-seconds float + msg
  kLoguru,      // text + record{...} (serialize=True)
};

std::string_view producer_name(LogProducer producer);

struct JsonlKeyProfile {
  LogProducer producer = LogProducer::kGeneric;
  // Top-level keys; "" = none. loguru reads its own under `record` instead.
  std::string time_key;
  std::string level_key;
  std::string message_key;
  std::string logger_key;
  NumericLevels numeric_levels = NumericLevels::kPino;
  // pino and bunyan write the application's name as `name`: a service, not a logger.
  bool name_is_service = false;
  // Go loggers write a time.Duration under `duration` as integer ns (slog, logrus via
  // encoding/json); everyone else writes seconds (zap, the seeds' Python loggers).
  bool duration_is_ns = false;
};

// Scores head.first_lines(20) (or the head's first value when no line is complete).
JsonlKeyProfile detect_jsonl_profile(const InputHead& head);

// The same on given lines (each one JSON object; other lines are ignored).
JsonlKeyProfile detect_jsonl_profile(std::span<const std::string_view> lines);

}  // namespace trace::formats
