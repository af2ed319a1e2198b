// libFuzzer target for the small languages users type: --where clauses, --level ranges,
// durations, time bounds and timestamps. A UsageError is the expected answer to a bad
// text; a crash, a sanitizer report or any other exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzers/record_filter.h"
#include "src/errors.h"
#include "src/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try { trace::parse_where_clause(text); } catch (const trace::UsageError&) {}
  try { trace::parse_level_range(text); } catch (const trace::UsageError&) {}
  try { trace::parse_duration_flag("--min-duration", text); } catch (const trace::UsageError&) {}
  try { trace::parse_time_bound("--since", text, 1736937000000000000); } catch (const trace::UsageError&) {}
  (void)trace::parse_timestamp_ns(text);
  (void)trace::parse_duration_ns(text);
  (void)trace::epoch_text_to_ns(text);
  return 0;
}
