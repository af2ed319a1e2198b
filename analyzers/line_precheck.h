// A cheap test on the raw text of a JSON line that rules out lines no record of which
// could match a grep filter, so they are never parsed (ReadOptions::line_precheck).
//
// The one rule: it may let through lines that do not match, never drop one that does.
// Each condition looks only for evidence that survives into the records unchanged:
//  - a line with a backslash always passes: JSON escapes (\", \\, \u00e9, \/) are the
//    only way a record's text can differ from the bytes of the line, so every other
//    line holds its strings, keys and ids byte for byte;
//  - PATTERN (plain text, no --field): the message or span name that could match is in
//    the line, so the line contains the text (ASCII case folded under -i);
//  - --level: the level is the value of a key whose name starts with lev/lvl/sev (after
//    '"', '.', '_', '-' or "log": level, levelname, loglevel, log.level, severity,
//    severityNumber ...) or of loguru's "no"; a string value is read with
//    severity_from_text (the one definition of level names), a number on the most
//    generous scale (pino, Python, OpenTelemetry) the key allows;
//  - --min-duration: a duration key (its name starting with dur, elapsed, latency, took,
//    response_time or responseTime) whose value, read in the largest unit the key allows
//    (seconds when it names none), reaches the minimum; or span timestamps of other
//    formats ("start" in any case: startTimeUnixNano, startTime, start_time);
//  - --trace / --span: the id, case-insensitively, or the base64 form OTLP may use for
//    a hex id;
//  - --errors: a level at ERROR or above, or "err" or "status" in any case.
// Conditions are ANDed, as the predicates are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/record_filter.h"

namespace trace {

class LinePrecheck {
 public:
  // The conditions a filter implies. With `invert` (-v) or context output, every line
  // must be read, so the result is empty.
  static LinePrecheck for_filter(const FilterSpec& spec, const TextMatcher* matcher, bool read_every_line);

  bool empty() const { return conditions_.empty(); }
  bool operator()(std::string_view line) const;

  // The building blocks, public for tests.
  void require_any_text(std::vector<std::string> needles, bool fold_case);
  void require_min_severity(uint8_t severity);
  void require_min_duration(int64_t ns);
  void require_error_evidence();

 private:
  enum class Kind : uint8_t { kText, kSeverity, kDuration, kErrors };
  struct Condition {
    Kind kind = Kind::kText;
    std::vector<std::string> needles;  // kText
    bool fold_case = false;            // kText
    uint8_t severity = 0;              // kSeverity
    int64_t by_number = 0;             // kSeverity, kErrors: numeric thresholds, precomputed
    int64_t by_any_number = 0;
    int64_t ns = 0;                    // kDuration
  };
  bool holds(const Condition& condition, std::string_view line) const;

  std::vector<Condition> conditions_;
};

// The base64 spellings (standard and URL alphabets, without padding) of a hex id of 16
// or 8 bytes; empty for anything else.
std::vector<std::string> base64_spellings_of_hex_id(std::string_view hex);

}  // namespace trace
