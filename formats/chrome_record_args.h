// What `trace convert --to chrome` writes into an event's args beside the record's own
// attributes, so that the file reads back as the records it was made from: one object
// under the key "trace", every member optional:
//   "trace": {"trace_id", "span_id", "parent_id", "status": "ok"|"error",
//             "status_message", "kind": "server"|"client"|..., "start_unknown": true,
//             "events": [{"time_ns", "name", "attrs": {...}}],
//             "level", "severity": 1-24, "logger"}
// An event that has it takes its ids, status, kind and span events from it instead of
// from its thread and nesting, and an instant event of category "log" that has it is a
// log record. The writer is formats/chrome_writer.cpp, the reader formats/chrome_trace.cpp.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "src/record.h"

namespace trace::formats {

namespace od = simdjson::ondemand;

class PlainJsonCursor;

inline constexpr std::string_view kChromeRecordArgsKey = "trace";
inline constexpr std::string_view kChromeLogCategory = "log";

// Views into the event's text or the parser's buffer: valid while the event's document is.
class ChromeRecordArgs {
 public:
  bool present = false;
  std::string_view trace_id, span_id, parent_id, status_message, level, logger;
  Status status = Status::kUnset;
  SpanKind kind = SpanKind::kUnspecified;
  uint8_t severity = 0;
  bool start_unknown = false;  // ts is a start laid out for a span that had none

  // Forgets the last event's (keeping the vectors' memory).
  void clear();
  std::span<const SpanEvent> events() const { return events_; }

  // Reads the object under args.trace (present = true). Members of another type than the
  // one above are ignored; an error is simdjson's, for malformed JSON.
  simdjson::error_code read(od::value value);
  // The same from plain JSON (formats/plain_json.h), the cursor at the object: false for
  // text that is not plain or an event time read() would have to decide on (then clear()
  // and read() it the general way).
  bool read_plain(PlainJsonCursor& in);

 private:
  simdjson::error_code read_events(od::value value);
  bool read_events_plain(PlainJsonCursor& in);
  // A member whose value is a string, from either reader.
  void read_string_member(std::string_view key, std::string_view text);
  // events_[i].attrs from event_attr_counts_, once event_attrs_ has stopped growing.
  void point_events_at_attrs();

  std::vector<SpanEvent> events_;
  std::vector<Attr> event_attrs_;
  std::vector<size_t> event_attr_counts_;
};

}  // namespace trace::formats
