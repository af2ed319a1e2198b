// Pass 2 over a Chrome trace: the items pass 1 kept (chrome_timeline.h), in the order it
// settled, become records: each event's name, cat and args read again from the text,
// ids from its thread and nesting (or from the record args trace convert wrote). Several
// pushers may push at once, each a range of the order into its own sink: what they read
// is shared and not changed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <simdjson.h>

#include "formats/chrome_timeline.h"
#include "formats/loader.h"
#include "src/record_sink.h"

namespace trace::formats {

// What pass 1 leaves for pass 2.
struct ChromeSpanSource {
  std::string_view text;  // the whole trace, followed by padding
  SourceRef where;
  std::optional<int64_t> base_ns;  // the time ts count from, when the file says
  SkipReporter* skips;             // --lenient: an event broken in its args is skipped alone
  const ChromeTimeline& items;
  std::span<const uint32_t> order;  // the items by thread, then by start, outer first
};

class ChromeSpanPusher {
 public:
  explicit ChromeSpanPusher(const ChromeSpanSource& source);
  ~ChromeSpanPusher();

  // Pushes the records of items order[from..to), with `parser` for the events that are
  // not plain JSON.
  Flow push(simdjson::ondemand::parser& parser, size_t from, size_t to, RecordSink& sink);

 private:
  class Reader;
  std::unique_ptr<Reader> reader_;  // on cache lines of its own: each worker writes its own
};

}  // namespace trace::formats
