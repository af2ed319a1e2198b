// `trace convert --to chrome`: Chrome Trace Event JSON for Perfetto UI and
// chrome://tracing, written as records arrive:
//   {"displayTimeUnit":"ms","traceEvents":[
//   {"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"rag-api"}},
//   {"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"trace 4bf9..."}},
//   {"name":"retrieve","ph":"X","ts":1736937000123456.789,"dur":277000,"pid":1,"tid":1,
//    "args":{"trace":{...},"k":"v"}},
//   ...
//   ],"clockDomain":"unix_epoch"}
// One process per service, numbered from 1 in order of appearance, named by a
// process_name event; one thread per (service, trace), numbered from 1, named "trace
// <id>" ("no trace" for records without one): a trace's spans on one track nest the way
// they ran, and two services of one trace stay apart. ts and dur are microseconds with
// the ns as three decimals, so no time is lost; "clockDomain":"unix_epoch" says ts
// count from the Unix epoch, and is left out when some span's clock had no known origin.
// A span that ended is an X event, one that never ended a B event without its E, an
// instant (Chrome's own) an "i" event; a log record is an "i" event of category "log"
// named by its message. The record's own attributes are the args (an attribute "cat"
// becomes the event's category, one named "trace" is written as "trace.attr"), beside
// "trace" (formats/chrome_record_args.h): ids, status, kind, span events, level and
// logger, so that trace reads the file back as the same records. Resource attributes
// are not written (services are the processes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "formats/record_writer.h"

namespace trace::formats {

class ChromeWriter final : public RecordWriter {
 public:
  explicit ChromeWriter(WriteBytes write);

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;
  void finish() override;

 private:
  struct Track {
    uint32_t pid = 0;
    uint32_t tid = 0;
  };

  // The track of (service, trace), announced by metadata events the first time.
  Track track(std::string_view service, std::string_view trace_id);
  void begin_event();
  void append_track(Track track);
  void append_args(Attrs attrs, size_t cat_index);
  // The end of a span's or a log's event: its track, then "args": "trace" with the
  // members write_trace(first) appends, and the record's attributes (but cat_index).
  template <class WriteTrace>
  void end_event(Track where, Attrs attrs, size_t cat_index, WriteTrace write_trace);

  bool first_event_ = true;
  bool relative_clock_ = false;  // a span whose times count from an unknown origin
  std::unordered_map<std::string, uint32_t> pids_;
  std::unordered_map<std::string, uint32_t> tids_;  // key: pid, '\0', trace id
  uint32_t next_tid_ = 1;
  std::string key_;
  // The last track looked up: records of one trace usually come together.
  std::string last_service_, last_trace_;
  Track last_;
};

// Appends ns as microseconds with up to three decimals, exactly: 1234567 -> 1234.567,
// 1500 -> 1.5, 2000 -> 2.
void append_micros(int64_t ns, std::string& out);

}  // namespace trace::formats
