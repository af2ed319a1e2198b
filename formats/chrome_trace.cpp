#include "formats/chrome_trace.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <limits>
#include <numeric>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/chrome_scan.h"
#include "formats/chrome_spans.h"
#include "formats/chrome_timeline.h"
#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "formats/newline_count.h"
#include "formats/plain_json.h"
#include "src/errors.h"

namespace trace::formats {

namespace {

// What the first pass needs of an event. Views die with the parser's next document.
struct EventHead {
  std::string_view ph, name, scope, cat;
  std::string_view pid = "0", tid = "0";
  std::string_view id;  // async events: id, or id2 as its JSON text
  int64_t ts_ns = 0, dur_ns = 0;
  bool has_ts = false, has_dur = false;
  std::optional<uint64_t> bad_ts, bad_dur;  // offsets of a ts/dur that is not a number
  uint64_t dur_at = 0;
  bool read = false;  // by read_head_fast, when the scanner handed out the event
  // Set by read_head_fast: the first args value, how many args keys there were, and
  // whether any other key held an object or array (stepped over by its brackets alone).
  const char* args = nullptr;
  int args_count = 0;
  bool other_brackets = false;
};

// A number of microseconds as ns; false when the value is not a number.
bool read_micros(od::value value, int64_t& ns) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::number) return false;
  if (micros_text_to_ns(trim_json_space(value.raw_json_token()), ns)) return true;
  double d = 0;
  // Same range as micros_text_to_ns: ±4e15 µs.
  if (get_double_exact(value, d) != simdjson::SUCCESS || !std::isfinite(d) || std::fabs(d) > 4e15) return false;
  ns = std::llround(d * 1000);
  return true;
}

// pid and tid: numbers for most producers, strings for some; both key the same track.
bool read_id(od::value value, std::string_view& out) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::string) return value.get_string().get(out) == simdjson::SUCCESS;
  if (type != od::json_type::number) return false;
  out = trim_json_space(value.raw_json_token());
  return true;
}

enum class HeadField { kOther, kPh, kTs, kDur, kPid, kTid, kName, kScope, kCat, kId };

// The keys the first pass reads, compared as written: cheaper than unescaping every key,
// and nobody escapes these (an escaped key is none of them).
HeadField classify(std::string_view key) {
  switch (key.size()) {
    case 1: return key == "s" ? HeadField::kScope : HeadField::kOther;
    case 2:
      if (key == "ph") return HeadField::kPh;
      if (key == "ts") return HeadField::kTs;
      if (key == "id") return HeadField::kId;
      break;
    case 3:
      if (key == "pid") return HeadField::kPid;
      if (key == "tid") return HeadField::kTid;
      if (key == "dur") return HeadField::kDur;
      if (key == "cat") return HeadField::kCat;
      if (key == "id2") return HeadField::kId;
      break;
    case 4: return key == "name" ? HeadField::kName : HeadField::kOther;
  }
  return HeadField::kOther;
}

HeadField classify(od::raw_json_string key) {
  const char* raw = key.raw();
  const char* end = raw;
  while (*end != '"' && *end != '\\') ++end;
  return *end == '\\' ? HeadField::kOther : classify(std::string_view(raw, static_cast<size_t>(end - raw)));
}

bool is_number_text(std::string_view value) { return value[0] == '-' || (value[0] >= '0' && value[0] <= '9'); }

// One field read_head_fast reads, from its value's text; false to decline the event.
bool read_head_field(HeadField field, std::string_view event, std::string_view value, uint64_t offset,
                     EventHead& head) {
  bool is_string = value[0] == '"';
  std::string_view inside = is_string ? value.substr(1, value.size() - 2) : std::string_view();
  switch (field) {
    case HeadField::kPh: head.ph = inside; return is_string;
    case HeadField::kTs: return (head.has_ts = !is_string && micros_text_to_ns(value, head.ts_ns));
    case HeadField::kDur:
      head.dur_at = offset + static_cast<uint64_t>(value.data() - event.data());
      return (head.has_dur = !is_string && micros_text_to_ns(value, head.dur_ns));
    case HeadField::kPid:
    case HeadField::kTid:
      (field == HeadField::kPid ? head.pid : head.tid) = is_string ? inside : value;
      return is_string || is_number_text(value);
    case HeadField::kName: head.name = inside; return is_string;
    case HeadField::kCat: head.cat = inside; return is_string;
    case HeadField::kScope: head.scope = inside; return is_string;
    case HeadField::kId:  // id2 objects as their text, as read_async_id gives them
      head.id = is_string ? inside : value;
      return is_string || value[0] == '{' || is_number_text(value);
    case HeadField::kOther: break;
  }
  return true;
}

// What read_head finds, without simdjson, for the usual event, which starts `rest`; sets
// `length` to the event's. False when the event needs read_head's own checks or messages
// (a ph that is no string, a ts that is no plain decimal, a name that is no string, an
// escape anywhere): the scanner then finds its end and read_head reads it. The fields
// read_head reads are checked as a parse would; the others (args, mostly) are stepped
// over by their brackets, as read_head's On-Demand walk steps over them. Pass 2 reads,
// and checks, the args of every event it pushes. The event's end comes from this walk,
// so that its bytes are scanned once, not once to find the end and once to read it.
bool read_head_fast(std::string_view rest, uint64_t offset, EventHead& head, size_t& length) {
  head = EventHead{};
  PlainJsonCursor cursor(rest, PlainJsonCursor::ValueAtStart{});
  if (!cursor.begin_object()) return false;
  uint32_t seen = 0;  // a key written twice: the first wins
  std::string_view key, value;
  while (cursor.next_field(key)) {
    HeadField field = classify(key);
    if (field == HeadField::kOther || (seen >> static_cast<int>(field) & 1u)) {
      if (key == "args") {
        if (head.args_count++ == 0) head.args = rest.data() + cursor.position();
      } else if (cursor.at('{') || cursor.at('[')) {
        head.other_brackets = true;
      }
      if (!cursor.skip_brackets()) return false;
      continue;
    }
    seen |= 1u << static_cast<int>(field);
    if (!cursor.skip(&value) || !read_head_field(field, rest, value, offset, head)) return false;
  }
  if (!cursor.finish_value()) return false;
  length = cursor.position();
  return true;
}

// What pass 1 builds from a run of consecutive events: the whole event array on one
// thread, or a part of a big trace's array on a worker thread of its own.
struct EventRun {
  explicit EventRun(bool part) : timeline(part) {}

  ChromeTimeline timeline;
  uint64_t events = 0;     // events read: the next one's index
  uint64_t line = 0;       // the line at line_pos; a part's count from 0 at its start
  uint64_t line_pos = 0;
  std::string async_tid;   // the track of the last async event
  // A part: its first event's start, and where the last event it read ends.
  size_t start = 0;
  size_t end = 0;
};

class ChromeTraceLoader : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    text_ = text;
    where_ = where;
    skips_ = ctx.skips;
    main_ = std::make_unique<EventRun>(false);
    main_->line = where.line;
    // A guess at the event count saves copying the items as they grow; an event is
    // rarely under 128 bytes, and reserved pages never touched cost nothing.
    main_->timeline.reserve(text.size() / 128);

    // Pass 1: every event once, in file order: B/E pairing, metadata, one item per span.
    ChromeEventScanner scanner(text);
    if (ctx.pool != nullptr) scan_in_parts(scanner, ctx);
    else scan_events(scanner, ctx.parser, std::string_view::npos);
    base_ns_ = scanner.base_ns();
    producer_ = scanner.producer();
    main_->timeline.finish();

    // Pass 2: per thread, in start order, nested by time and B/E pairs.
    return push_spans(ctx, sink);
  }

  // Nothing is left for the end: the whole file is one text, so load() already pushed
  // the B events it never saw closed, as incomplete spans.

  std::string_view producer() const override { return producer_; }

 private:
  uint64_t offset_of(const char* p) const { return static_cast<uint64_t>(p - text_.data()); }

  // Reads the events from the scanner's next one on into main_, until the array ends or
  // an event starts at `bound` or later: then returns that start, the event not read.
  size_t scan_events(ChromeEventScanner& scanner, od::parser& parser, size_t bound) {
    std::string_view event;
    EventHead head;
    size_t start = 0;
    while (next_start(scanner, start)) {
      if (start >= bound) return start;
      if (!next_event(scanner, start, event, head)) break;
      uint64_t index = main_->events++;
      if (skips_ == nullptr) {
        read_event(*main_, parser, event, index, head);
        continue;
      }
      // Each event is a JSON text of its own, found by the scanner: a bad one is
      // skipped alone under --lenient.
      try {
        read_event(*main_, parser, event, index, head);
      } catch (const DocumentError& e) {
        skips_->skip(e.offset(), fmt::format("{} (the event was skipped)", e.what()));
      }
    }
    return std::string_view::npos;
  }

  // The scanner's next event start. Under --lenient, broken layout between events (a
  // cut-off event, a missing comma) ends the array there: the events before it are kept.
  bool next_start(ChromeEventScanner& scanner, size_t& start) {
    return or_skip_rest([&] { return scanner.next_start(start); });
  }

  // The event at `start`, its head read when it is plain (head.read), else left to
  // read_event.
  bool next_event(ChromeEventScanner& scanner, size_t start, std::string_view& event, EventHead& head) {
    return or_skip_rest([&] {
      size_t length = 0;
      head.read = read_head_fast(text_.substr(start), start, head, length);
      if (head.read) {
        event = text_.substr(start, length);
        scanner.event_ends_at(start + length);
      } else {
        scanner.finish_event(event);  // read_event has read_head read it
      }
      return true;
    });
  }

  template <class Step>
  bool or_skip_rest(Step&& step) {
    if (skips_ == nullptr) return step();
    try {
      return step();
    } catch (const DocumentError& e) {
      skips_->skip(e.offset(), fmt::format("{} (the rest of the trace was skipped)", e.what()));
      return false;
    }
  }

  // Pass 1 of a big trace on every worker: the array is cut into as many parts, each
  // starting at what looks like an event near an even share of its bytes. Worker 0 reads
  // the first part into main_ as one pass would; each other worker reads its part into a
  // timeline of its own, stopping at the next part's start, before an event in error and
  // at the array's end. Parts are then joined in order: a part is appended where the
  // reading before it stopped exactly at its start (else its start was no event start,
  // and it is dropped), and the reading goes on from wherever the appended part stopped,
  // one event at a time up to the next part. So the result, errors included, is what one
  // pass gives.
  void scan_in_parts(ChromeEventScanner& scanner, LoadContext& ctx) {
    size_t first = 0;
    if (!next_start(scanner, first)) return;
    std::vector<std::unique_ptr<EventRun>> parts;
    size_t workers = ctx.pool->size();
    for (size_t w = 1; w < workers; ++w) {
      size_t from = parts.empty() ? first + 1 : parts.back()->start + 1;
      size_t start = guess_event_start(std::max(from, first + (text_.size() - first) / workers * w));
      if (start == std::string_view::npos) break;
      parts.push_back(std::make_unique<EventRun>(true));
      parts.back()->start = start;
    }
    auto bound = [&](size_t part) { return part < parts.size() ? parts[part]->start : std::string_view::npos; };
    size_t stop = std::string_view::npos;
    ctx.pool->run_each([&](size_t w, LoadContext& worker) {
      if (w == 0) stop = scan_events(scanner, ctx.parser, bound(0));
      else if (w <= parts.size()) read_part(*parts[w - 1], worker.parser, bound(w));
    });
    for (size_t part = 0; stop != std::string_view::npos; ++part) {
      EventRun& run = *parts[part];
      if (stop == run.start && run.events > 0) {
        uint64_t line = line_at(*main_, run.start);
        main_->timeline.append(std::move(run.timeline), main_->events, line);
        main_->events += run.events;
        main_->line = line + run.line;  // both 0 when lines are unknown
        main_->line_pos = run.line_pos;
        scanner.event_ends_at(run.end);
      }
      parts[part].reset();
      stop = scan_events(scanner, ctx.parser, bound(part + 1));
    }
  }

  // The first place at or after `from` that looks like the start of an event: a '{'
  // after a ',' (whitespace around both allowed) that reads as a plain event with a ph.
  // npos when none is found within a few events' bytes.
  size_t guess_event_start(size_t from) const {
    constexpr size_t kSearch = size_t(1) << 20;
    size_t limit = std::min(text_.size(), from + kSearch);
    for (size_t pos = from; pos < limit; ++pos) {
      const char* comma = static_cast<const char*>(std::memchr(text_.data() + pos, ',', limit - pos));
      if (comma == nullptr) break;
      pos = offset_of(comma);
      size_t start = skip_whitespace(text_, pos + 1);
      if (start >= text_.size() || text_[start] != '{') continue;
      EventHead head;
      size_t length = 0;
      if (read_head_fast(text_.substr(start), start, head, length) && !head.ph.empty()) return start;
    }
    return std::string_view::npos;
  }

  // A part's events, from run.start up to `bound`. It never throws: it stops before an
  // event in error (or cut off), which the join reads again and reports.
  void read_part(EventRun& run, od::parser& parser, size_t bound) {
    run.timeline.reserve((std::min(bound, text_.size()) - run.start) / 128);  // as load() does
    run.line_pos = run.start;
    size_t start = run.start;
    run.end = run.start;
    while (start < bound) {
      EventHead head;
      size_t length = 0;
      head.read = read_head_fast(text_.substr(start), start, head, length);
      if (!head.read) {
        size_t end = find_value_end(text_, start);
        if (end == std::string_view::npos) break;
        length = end - start;
      }
      try {
        read_event(run, parser, text_.substr(start, length), run.events, head);
      } catch (const DocumentError&) {
        break;
      }
      ++run.events;
      run.end = start + length;
      size_t comma = skip_whitespace(text_, run.end);
      if (comma >= text_.size() || text_[comma] != ',') return;
      start = skip_whitespace(text_, comma + 1);
      if (start >= text_.size() || text_[start] != '{') return;
    }
  }

  od::document iterate(od::parser& parser, std::string_view event) const {
    return iterate_chrome_event(parser, text_, event);
  }

  uint64_t line_at(EventRun& run, uint64_t offset) const {
    if (where_.line == 0) return 0;
    run.line += count_newlines(text_.data() + run.line_pos, offset - run.line_pos);
    run.line_pos = offset;
    return run.line;
  }

  EventHead read_head(od::parser& parser, std::string_view event) const {
    EventHead head;
    od::document doc = iterate(parser, event);
    od::object object;
    if (auto error = doc.get_object().get(object)) fail_at(doc, text_, "expected an event object", error);
    uint32_t seen = 0;  // a key written twice: the first wins
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) fail_at(doc, text_, "malformed event", error);
      HeadField key = classify(field.key());
      if (key == HeadField::kOther || (seen >> static_cast<int>(key) & 1u)) continue;
      seen |= 1u << static_cast<int>(key);
      od::value value = field.value();
      if (key == HeadField::kPh) {
        if (value.get_string().get(head.ph) != simdjson::SUCCESS)
          throw DocumentError(offset_of(value.raw_json_token().data()), "expected ph as a string");
      } else if (key == HeadField::kTs) {
        head.has_ts = read_micros(value, head.ts_ns);
        if (!head.has_ts) head.bad_ts = offset_of(value.raw_json_token().data());
      } else if (key == HeadField::kDur) {
        head.dur_at = offset_of(value.raw_json_token().data());
        head.has_dur = read_micros(value, head.dur_ns);
        if (!head.has_dur) head.bad_dur = head.dur_at;
      } else if (key == HeadField::kPid || key == HeadField::kTid) {
        bool pid = key == HeadField::kPid;
        if (!read_id(value, pid ? head.pid : head.tid))
          throw DocumentError(offset_of(value.raw_json_token().data()),
                              pid ? "expected pid as a number or a string" : "expected tid as a number or a string");
      } else if (key == HeadField::kName) {
        // Only metadata needs it here; pass 2 reads it again.
        if (value.get_string().get(head.name) != simdjson::SUCCESS) head.name = {};
      } else if (key == HeadField::kCat) {
        if (value.get_string().get(head.cat) != simdjson::SUCCESS) head.cat = {};
      } else if (key == HeadField::kId) {
        head.id = read_async_id(value);
      } else {
        if (value.get_string().get(head.scope) != simdjson::SUCCESS) head.scope = {};
      }
    }
    return head;
  }

  // One event into the run's timeline. A part stops before an event that throws and
  // leaves it to the join, which reads it again: what it changed before throwing (a new
  // thread) it changes the same way again.
  void read_event(EventRun& run, od::parser& parser, std::string_view event, uint64_t index, EventHead& head) const {
    uint64_t offset = offset_of(event.data());
    if (event.size() > std::numeric_limits<uint32_t>::max())
      throw DocumentError(offset, "event too large (over 4 GiB)");
    if (!head.read) head = read_head(parser, event);
    // An event without ph is no event: some writers end the array with {} to keep the
    // last comma valid.
    char ph = head.ph.size() == 1 ? head.ph[0] : 0;
    switch (ph) {
      case 'X': case 'B': case 'E': case 'i': case 'I': case 'C': break;
      // Async (nestable b/e/n, legacy S/F): each cat+id is a track of its own in the
      // process, nested like B/E on a thread.
      case 'b': ph = 'B'; head.tid = async_track(run, head); break;
      case 'e': ph = 'E'; head.tid = async_track(run, head); break;
      case 'n': ph = 'i'; head.tid = async_track(run, head); break;
      case 'S': ph = 'B'; head.tid = async_track(run, head); break;
      case 'F': ph = 'E'; head.tid = async_track(run, head); break;
      case 'M': return read_metadata(run, parser, event, head);
      default: return;  // flows, async steps, samples, objects, memory dumps: not records
    }
    if (!head.has_ts) throw DocumentError(head.bad_ts.value_or(offset), "expected ts as a number");
    if (run.timeline.size() >= kNoChromeItem) throw DocumentError(offset, "too many events (over 4 billion spans)");
    uint32_t thread = run.timeline.thread_index(head.pid, head.tid);
    auto length = static_cast<uint32_t>(event.size());
    if (ph == 'E') return run.timeline.close(thread, ChromeEnd{head.ts_ns, offset, length});
    ChromeItem item;
    item.start_ns = head.ts_ns;
    item.end_ns = head.ts_ns;
    item.offset = offset;
    item.length = length;
    item.index = index;
    item.thread = thread;
    item.line = line_at(run, offset);
    note_quick_body(item, head, event);
    if (ph == 'X') {
      if (head.bad_dur) throw DocumentError(*head.bad_dur, "expected dur as a number");
      if (head.has_dur && head.dur_ns < 0) throw DocumentError(head.dur_at, "expected dur as a non-negative number");
      item.duration_unknown = !head.has_dur;
      if (head.has_dur) item.end_ns = head.ts_ns + head.dur_ns;
    } else if (ph == 'C') {
      item.kind = ChromeItemKind::kCounter;
    } else if (ph == 'B') {
      item.kind = ChromeItemKind::kBeginEnd;
      item.end_ns = kChromeOpenEnd;
    } else {
      item.kind = ChromeItemKind::kInstant;
      item.unscoped = head.scope == "g" || head.scope == "p";
    }
    run.timeline.add(item);
  }

  // Pass 1 checked every value of a plain event but those inside objects and arrays it
  // stepped over by their brackets. When the only such value is one args object, pass 2
  // need read no more than that object again, with the name and cat found here.
  static void note_quick_body(ChromeItem& item, const EventHead& head, std::string_view event) {
    if (!head.read || head.other_brackets || head.args_count > 1 || (head.args_count == 1 && *head.args != '{')) return;
    auto at = [&event](const char* p, uint16_t& out) {
      size_t offset = p == nullptr ? 0 : static_cast<size_t>(p - event.data());
      out = static_cast<uint16_t>(offset);
      return offset <= UINT16_MAX;
    };
    if (head.name.size() > UINT8_MAX || head.cat.size() > UINT8_MAX) return;
    // name and cat are views inside their quotes; their absence is a null view.
    if (!at(head.name.data(), item.name_at) || !at(head.cat.data(), item.cat_at) || !at(head.args, item.args_at)) return;
    item.name_size = static_cast<uint8_t>(head.name.size());
    item.cat_size = static_cast<uint8_t>(head.cat.size());
    item.quick_body = true;
  }

  void read_metadata(EventRun& run, od::parser& parser, std::string_view event, const EventHead& head) const {
    bool process = head.name == "process_name";
    if (!process && head.name != "thread_name") return;  // sort indices, labels: display only
    std::string pid(head.pid);  // copied: reading args reuses the parser
    uint32_t thread = process ? kNoChromeItem : run.timeline.thread_index(head.pid, head.tid);
    od::document doc = iterate(parser, event);
    std::string_view name;
    if (doc["args"]["name"].get_string().get(name) != simdjson::SUCCESS) return;
    if (process) run.timeline.name_process(pid, name);
    else run.timeline.name_thread(thread, name);
  }

  // The track an async event lives on: its category and id, within its process.
  static std::string_view async_track(EventRun& run, const EventHead& head) {
    run.async_tid.assign("async:");
    run.async_tid.append(head.cat);
    run.async_tid.push_back(':');
    run.async_tid.append(head.id);
    return run.async_tid;
  }

  static std::string_view read_async_id(od::value value) {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return {};
    std::string_view text;
    if (type == od::json_type::string) {
      if (value.get_string().get(text) != simdjson::SUCCESS) return {};
      return text;
    }
    if (type == od::json_type::object) {  // id2: {"local": ...} or {"global": ...}
      od::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS || object.raw_json().get(text) != simdjson::SUCCESS)
        return {};
      return trim_json_space(text);
    }
    return trim_json_space(value.raw_json_token());
  }

  // order_ = the items by thread, then by start, outer slices first. One sort of every
  // item chased a random item per comparison; grouping by thread is a counting sort, and
  // a thread's items, near one another in the file, are usually in order already.
  void order_items() {
    const ChromeTimeline& items = main_->timeline;
    size_t threads = items.threads().size();
    std::vector<uint32_t> thread_starts(threads + 1, 0);
    for (uint32_t i = 0; i < items.size(); ++i) ++thread_starts[items[i].thread + 1];
    std::partial_sum(thread_starts.begin(), thread_starts.end(), thread_starts.begin());
    order_.resize(items.size());
    std::vector<uint32_t> next(thread_starts.begin(), thread_starts.end() - 1);
    for (uint32_t i = 0; i < items.size(); ++i) order_[next[items[i].thread]++] = i;
    auto before = [&items](uint32_t a, uint32_t b) {
      const ChromeItem& x = items[a];
      const ChromeItem& y = items[b];
      if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
      if (x.end_ns != y.end_ns) return x.end_ns > y.end_ns;  // outer slices first
      return x.index < y.index;
    };
    for (size_t t = 0; t < threads; ++t) {
      auto begin = order_.begin() + thread_starts[t];
      auto end = order_.begin() + thread_starts[t + 1];
      if (!std::is_sorted(begin, end, before)) std::sort(begin, end, before);
    }
  }

  Flow push_spans(LoadContext& ctx, RecordSink& sink);

  std::string_view text_;
  SourceRef where_;
  SkipReporter* skips_ = nullptr;
  std::optional<int64_t> base_ns_;
  std::string_view producer_;  // a literal
  std::unique_ptr<EventRun> main_;  // every event's, once pass 1 is over
  std::vector<uint32_t> order_;
};

// Pass 2 on one thread: reads the name, cat and args of the items it is given and
// pushes their records. The text and pass 1's results are only read, so that several
// pushers can push at once.
Flow ChromeTraceLoader::push_spans(LoadContext& ctx, RecordSink& sink) {
  order_items();
  main_->timeline.nest(order_);
  ChromeSpanSource source{text_, where_, base_ns_, skips_, main_->timeline, order_};
  if (ctx.pool == nullptr) return ChromeSpanPusher(source).push(ctx.parser, 0, order_.size(), sink);
  // Units of about a batch's bytes of events, spread over the workers.
  uint64_t event_bytes = std::max<uint64_t>(1, text_.size() / std::max<uint64_t>(1, main_->events));
  uint64_t per_unit = std::max<uint64_t>(1, ctx.pool->unit_bytes() / event_bytes);
  uint64_t units = (order_.size() + per_unit - 1) / per_unit;
  std::vector<std::unique_ptr<ChromeSpanPusher>> pushers;
  for (size_t w = 0; w < ctx.pool->size(); ++w) pushers.push_back(std::make_unique<ChromeSpanPusher>(source));
  return ctx.pool->run_units(units, [&](size_t w, uint64_t unit, LoadContext& worker, RecordSink& worker_sink) {
    size_t from = unit * per_unit;
    return pushers[w]->push(worker.parser, from, std::min<size_t>(order_.size(), from + per_unit), worker_sink);
  });
}

}  // namespace

bool sniff_chrome_trace(const InputHead& head) {
  char first = head.first.first_byte();
  if (first == '[') return head.first.has("[].ph");
  if (first == '{') return head.first.has("traceEvents");
  return false;
}

std::unique_ptr<Loader> make_chrome_trace_loader(const InputHead& /*head*/) {
  return std::make_unique<ChromeTraceLoader>();
}

}  // namespace trace::formats
