// What the first pass over a Chrome trace keeps of its events: an item per record to be,
// the threads (tracks) they are on, B events paired with their E events, and the names
// metadata gives. A big trace is scanned in runs on several threads, one timeline each;
// append() joins a run to the timeline of everything before it as if one pass had read
// both, taking the run's items over without copying them. The second pass (chrome_trace.cpp) orders the items, nests them and reads their
// names and args again from the text.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/chrome_tracks.h"
#include "src/huge_pages.h"

namespace trace::formats {

inline constexpr uint32_t kNoChromeItem = std::numeric_limits<uint32_t>::max();
inline constexpr int64_t kChromeOpenEnd = std::numeric_limits<int64_t>::max();

enum class ChromeItemKind : uint8_t { kComplete, kBeginEnd, kInstant, kCounter };

// One record to be: an X event, a B (or async b/S) event with its E (e/F), an instant
// (i/I/n), or a counter sample (C, pushed as a log record). Small, so that one can
// be kept per event of a big file; the text stays in memory, so names and args are read
// again from it when the span is pushed.
struct ChromeItem {
  int64_t start_ns = 0;       // relative to the file's time base
  int64_t end_ns = 0;         // kChromeOpenEnd for a B never closed
  uint64_t offset = 0;        // the X, B or instant event within the text
  uint64_t end_offset = 0;    // the E event that closed a B
  uint64_t index = 0;         // position among all events of the file: the span id
  uint64_t line = 0;          // line of the event's start; 0 = unknown
  uint32_t length = 0;
  uint32_t end_length = 0;    // 0 = no E event
  uint32_t thread = 0;
  uint32_t open_parent = kNoChromeItem;  // B only: the B that was innermost open when it began
  uint32_t parent = kNoChromeItem;       // the slice it is in, once nest() has run
  ChromeItemKind kind = ChromeItemKind::kComplete;
  bool duration_unknown = false;   // X without dur, B never closed
  bool unscoped = false;           // process- or global-scope instant: inside no slice
  // A plain event whose name, cat and args object are all pass 2 need read again (pass 1
  // checked the rest): where they are in the event (0: absent). See chrome_trace.cpp.
  bool quick_body = false;
  uint8_t name_size = 0, cat_size = 0;
  uint16_t name_at = 0, cat_at = 0, args_at = 0;
};
static_assert(sizeof(ChromeItem) <= 80, "an item per event of a big trace");

// A thread, or an async track. Its pid and tid are the timeline's tracks' keys, so that
// a trace of a few hundred thousand tracks keeps each pid once.
struct ChromeThread {
  uint32_t process = 0;        // in processes()
  bool named = false;          // name set, even to ""
  std::string name;            // from thread_name metadata
  std::vector<uint32_t> open;  // B items not closed yet, innermost last
};

struct ChromeProcess {
  std::string pid;
  std::optional<std::string> name;  // from process_name metadata, the last one
  // Filled by finish(), as process names may come last.
  std::string service, trace_id;
};

// An E event, as the item of the B it closes keeps it.
struct ChromeEnd {
  int64_t ts_ns = 0;
  uint64_t offset = 0;
  uint32_t length = 0;
};

class ChromeTimeline {
 public:
  // A timeline of a run that starts mid-array keeps what its threads do to B events
  // opened before it (E events it cannot pair, B events with no B open), for append().
  explicit ChromeTimeline(bool starts_mid_array = false) : mid_array_(starts_mid_array) {}

  void reserve(size_t items) { segments_.back().items.reserve(items); }
  void clear();

  // The number of the track (pid, tid), the next free one when it is new.
  uint32_t thread_index(std::string_view pid, std::string_view tid);

  // An X, B, instant or counter item; a B opens on its thread.
  void add(ChromeItem item);
  // An E event on `thread`: closes its innermost open B, if any.
  void close(uint32_t thread, const ChromeEnd& end);
  void name_thread(uint32_t thread, std::string_view name);
  void name_process(std::string_view pid, std::string_view name);

  // Appends the timeline of the run that follows this one in the file, whose events
  // number on from `events_before` and whose lines from `line_before` (its items' lines
  // count from 0 at its start; 0 = lines unknown). Leaves `later` empty. Throws
  // DocumentError at the first item beyond kNoChromeItem.
  void append(ChromeTimeline&& later, uint64_t events_before, uint64_t line_before);

  // Once every event is in: B events never closed become incomplete, and each process
  // takes its service and trace id.
  void finish();

  // Sets each item's parent. `order`: the items by thread, then by start, outer slices
  // first. B/E nesting is the file's word (it settles equal timestamps); X nesting is by
  // time. Counters and process- or global-scope instants nest in nothing.
  void nest(std::span<const uint32_t> order);

  size_t size() const { return segments_.back().first + segments_.back().items.size(); }
  const ChromeItem& operator[](uint32_t i) const {
    for (size_t s = segments_.size() - 1;; --s)
      if (i >= segments_[s].first) return segments_[s].items[i - segments_[s].first];
  }
  const std::vector<ChromeThread>& threads() const { return threads_; }
  const ChromeProcess& process(const ChromeThread& thread) const { return processes_[thread.process]; }
  // Once every event is in (the views move while tracks are added).
  std::string_view pid(uint32_t thread) const { return tracks_.pid(thread); }
  std::string_view tid(uint32_t thread) const { return tracks_.tid(thread); }

 private:
  // What a mid-array run did to a thread's B events from before it, in order: an E it
  // could not pair (item kNoChromeItem), or a B that opened with none of its own open.
  struct Boundary {
    uint32_t thread = 0;
    uint32_t item = kNoChromeItem;
    ChromeEnd end;
  };

  // The items in file order, a segment per run appended: a part's items join as they are
  // (a copy of them cost as much again in page faults as writing them).
  struct Segment {
    uint32_t first = 0;  // the number of its first item
    std::vector<ChromeItem, HugePageAllocator<ChromeItem>> items;
  };

  ChromeItem& item(uint32_t i) { return const_cast<ChromeItem&>(std::as_const(*this)[i]); }
  void close_item(uint32_t item, const ChromeEnd& end);
  // The number of process `pid` in processes_, the next free one when it is new.
  uint32_t process_number(std::string_view pid);

  std::vector<Segment> segments_ = std::vector<Segment>(1);  // never empty
  std::vector<ChromeThread> threads_;
  ChromeTracks tracks_;  // numbers threads_
  std::vector<ChromeProcess> processes_;
  std::unordered_map<std::string, uint32_t> process_numbers_;  // by pid, into processes_
  uint32_t last_thread_ = kNoChromeItem;
  bool mid_array_ = false;
  std::vector<Boundary> boundary_;
};

}  // namespace trace::formats
