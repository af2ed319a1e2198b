#include "formats/chrome_trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "formats/chrome_record_args.h"
#include "formats/chrome_scan.h"
#include "formats/chrome_tracks.h"
#include "formats/json_util.h"
#include "formats/newline_count.h"
#include "formats/plain_json.h"
#include "src/errors.h"
#include "src/huge_pages.h"
#include "src/severity.h"

namespace trace::formats {

namespace {

constexpr int64_t kOpenEnd = std::numeric_limits<int64_t>::max();
constexpr uint32_t kNoItem = std::numeric_limits<uint32_t>::max();

enum class ItemKind : uint8_t { kComplete, kBeginEnd, kInstant, kCounter };

// One record to be: an X event, a B (or async b/S) event with its E (e/F), an instant
// (i/I/n), or a counter sample (C, pushed as a log record). Small, so that one can
// be kept per event of a big file; the text stays in memory, so names and args are read
// again from it when the span is pushed.
struct Item {
  int64_t start_ns = 0;       // relative to the file's time base
  int64_t end_ns = 0;         // kOpenEnd for a B never closed
  uint64_t offset = 0;        // the X, B or instant event within the text
  uint64_t end_offset = 0;    // the E event that closed a B
  uint64_t index = 0;         // position among all events of the file: the span id
  uint64_t line = 0;          // line of the event's start; 0 = unknown
  uint32_t length = 0;
  uint32_t end_length = 0;    // 0 = no E event
  uint32_t thread = 0;
  uint32_t open_parent = kNoItem;  // B only: the B that was innermost open when it began
  ItemKind kind = ItemKind::kComplete;
  bool duration_unknown = false;   // X without dur, B never closed
  bool unscoped = false;           // process- or global-scope instant: inside no slice
};

struct Thread {
  std::string pid, tid;
  std::string name;            // from thread_name metadata
  std::vector<uint32_t> open;  // B items not closed yet, innermost last
  // Filled once the whole file is read, as process names may come last.
  std::string service, trace_id, id_prefix;
};

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

// A slice contains another that starts before it ends and ends no later. A slice that
// starts exactly where a slice ends follows it, so zero-length slices contain nothing.
bool contains(const Item& parent, const Item& child) {
  return child.start_ns < parent.end_ns && child.end_ns <= parent.end_ns;
}

class ChromeTraceLoader : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    text_ = text;
    where_ = where;
    items_.clear();
    threads_.clear();
    tracks_.clear();
    process_names_.clear();
    last_thread_ = kNoItem;
    line_ = where.line;
    line_pos_ = 0;
    // A guess at the event count saves copying the items as they grow; an event is
    // rarely under 128 bytes, and reserved pages never touched cost nothing.
    items_.reserve(text.size() / 128);

    skips_ = ctx.skips;

    // Pass 1: every event once, in file order: B/E pairing, metadata, one Item per span.
    ChromeEventScanner scanner(text);
    std::string_view event;
    EventHead head;
    for (uint64_t index = 0; next_event(scanner, event, head); ++index) {
      if (skips_ == nullptr) {
        scan_event(ctx.parser, event, index, head);
        continue;
      }
      // Each event is a JSON text of its own, found by the scanner: a bad one is
      // skipped alone under --lenient.
      try {
        scan_event(ctx.parser, event, index, head);
      } catch (const DocumentError& e) {
        skips_->skip(e.offset(), fmt::format("{} (the event was skipped)", e.what()));
      }
    }
    base_ns_ = scanner.base_ns();
    producer_ = scanner.producer();

    // Pass 2: per thread, in start order, nesting rebuilt with a stack.
    prepare_threads();
    return push_spans(ctx.parser, sink);
  }

  // Nothing is left for the end: the whole file is one text, so load() already pushed
  // the B events it never saw closed, as incomplete spans.

  std::string_view producer() const override { return producer_; }

 private:
  uint64_t offset_of(const char* p) const { return static_cast<uint64_t>(p - text_.data()); }

  // The scanner's next event, its head read when it is plain (head.read), else left to
  // scan_event. Under --lenient, broken layout between events (a cut-off event, a missing
  // comma) ends the array there: the events before it are kept.
  bool next_event(ChromeEventScanner& scanner, std::string_view& event, EventHead& head) {
    if (skips_ == nullptr) return next_event_or_throw(scanner, event, head);
    try {
      return next_event_or_throw(scanner, event, head);
    } catch (const DocumentError& e) {
      skips_->skip(e.offset(), fmt::format("{} (the rest of the trace was skipped)", e.what()));
      return false;
    }
  }

  bool next_event_or_throw(ChromeEventScanner& scanner, std::string_view& event, EventHead& head) {
    size_t start = 0;
    if (!scanner.next_start(start)) return false;
    size_t length = 0;
    head.read = read_head_fast(text_.substr(start), start, head, length);
    if (head.read) {
      event = text_.substr(start, length);
      scanner.event_ends_at(start + length);
    } else {
      scanner.finish_event(event);  // scan_event has read_head read it
    }
    return true;
  }

  od::document iterate(od::parser& parser, std::string_view event) {
    // The rest of the text (then its padding) pads the event.
    uint64_t offset = offset_of(event.data());
    size_t capacity = text_.size() - offset + simdjson::SIMDJSON_PADDING;
    od::document doc;
    if (auto error = parser.iterate(event.data(), event.size(), capacity).get(doc)) {
      DocumentError located = iterate_error(event, "malformed event", error);
      throw DocumentError(offset + located.offset(), located.what());
    }
    return doc;
  }

  uint64_t line_at(uint64_t offset) {
    if (where_.line == 0) return 0;
    line_ += count_newlines(text_.data() + line_pos_, offset - line_pos_);
    line_pos_ = offset;
    return line_;
  }

  uint32_t thread_index(std::string_view pid, std::string_view tid) {
    // Events of one thread usually come in runs.
    if (last_thread_ < threads_.size() && threads_[last_thread_].pid == pid && threads_[last_thread_].tid == tid)
      return last_thread_;
    last_thread_ = find_thread(pid, tid);
    return last_thread_;
  }

  uint32_t find_thread(std::string_view pid, std::string_view tid) {
    uint32_t index = tracks_.find_or_add(pid, tid);
    if (index == threads_.size()) threads_.push_back(Thread{std::string(pid), std::string(tid), {}, {}, {}, {}, {}});
    return index;
  }

  EventHead read_head(od::parser& parser, std::string_view event) {
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

  void scan_event(od::parser& parser, std::string_view event, uint64_t index, EventHead& head) {
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
      case 'b': ph = 'B'; head.tid = async_track(head); break;
      case 'e': ph = 'E'; head.tid = async_track(head); break;
      case 'n': ph = 'i'; head.tid = async_track(head); break;
      case 'S': ph = 'B'; head.tid = async_track(head); break;
      case 'F': ph = 'E'; head.tid = async_track(head); break;
      case 'M': return read_metadata(parser, event, head);
      default: return;  // flows, async steps, samples, objects, memory dumps: not records
    }
    if (!head.has_ts) throw DocumentError(head.bad_ts.value_or(offset), "expected ts as a number");
    if (items_.size() >= kNoItem) throw DocumentError(offset, "too many events (over 4 billion spans)");
    Item item;
    item.start_ns = head.ts_ns;
    item.end_ns = head.ts_ns;
    item.offset = offset;
    item.length = static_cast<uint32_t>(event.size());
    item.index = index;
    item.thread = thread_index(head.pid, head.tid);
    Thread& thread = threads_[item.thread];
    if (ph == 'E') {
      if (thread.open.empty()) return;  // its B came before the recording started
      Item& begin = items_[thread.open.back()];
      thread.open.pop_back();
      begin.end_ns = std::max(head.ts_ns, begin.start_ns);
      begin.end_offset = offset;
      begin.end_length = item.length;
      return;
    }
    item.line = line_at(offset);
    if (ph == 'X') {
      if (head.bad_dur) throw DocumentError(*head.bad_dur, "expected dur as a number");
      if (head.has_dur && head.dur_ns < 0) throw DocumentError(head.dur_at, "expected dur as a non-negative number");
      item.duration_unknown = !head.has_dur;
      if (head.has_dur) item.end_ns = head.ts_ns + head.dur_ns;
    } else if (ph == 'C') {
      item.kind = ItemKind::kCounter;
    } else if (ph == 'B') {
      item.kind = ItemKind::kBeginEnd;
      item.end_ns = kOpenEnd;
      item.open_parent = thread.open.empty() ? kNoItem : thread.open.back();
      thread.open.push_back(static_cast<uint32_t>(items_.size()));
    } else {
      item.kind = ItemKind::kInstant;
      item.unscoped = head.scope == "g" || head.scope == "p";
    }
    items_.push_back(item);
  }

  void read_metadata(od::parser& parser, std::string_view event, const EventHead& head) {
    bool process = head.name == "process_name";
    if (!process && head.name != "thread_name") return;  // sort indices, labels: display only
    std::string pid(head.pid);  // copied: reading args reuses the parser
    uint32_t thread = process ? kNoItem : thread_index(head.pid, head.tid);
    od::document doc = iterate(parser, event);
    std::string_view name;
    if (doc["args"]["name"].get_string().get(name) != simdjson::SUCCESS) return;
    if (process) process_names_[pid] = std::string(name);
    else threads_[thread].name = std::string(name);
  }

  void prepare_threads() {
    for (Thread& thread : threads_) {
      for (uint32_t open : thread.open) items_[open].duration_unknown = true;
      auto it = process_names_.find(thread.pid);
      thread.service = it != process_names_.end() ? it->second : "pid " + thread.pid;
      thread.trace_id = "pid:" + thread.pid;
      thread.id_prefix = thread.pid + ":" + thread.tid + ":";
    }
  }

  // order_ = the items by thread, then by start, outer slices first. One sort of every
  // item chased a random item per comparison; grouping by thread is a counting sort, and
  // a thread's items, near one another in the file, are usually in order already.
  void order_items() {
    thread_starts_.assign(threads_.size() + 1, 0);
    for (const Item& item : items_) ++thread_starts_[item.thread + 1];
    std::partial_sum(thread_starts_.begin(), thread_starts_.end(), thread_starts_.begin());
    order_.resize(items_.size());
    std::vector<uint32_t> next(thread_starts_.begin(), thread_starts_.end() - 1);
    for (uint32_t i = 0; i < items_.size(); ++i) order_[next[items_[i].thread]++] = i;
    auto before = [this](uint32_t a, uint32_t b) {
      const Item& x = items_[a];
      const Item& y = items_[b];
      if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
      if (x.end_ns != y.end_ns) return x.end_ns > y.end_ns;  // outer slices first
      return x.index < y.index;
    };
    for (size_t t = 0; t < threads_.size(); ++t) {
      auto begin = order_.begin() + thread_starts_[t];
      auto end = order_.begin() + thread_starts_[t + 1];
      if (!std::is_sorted(begin, end, before)) std::sort(begin, end, before);
    }
  }

  Flow push_spans(od::parser& parser, RecordSink& sink) {
    order_items();
    uint32_t thread = kNoItem;
    for (uint32_t i : order_) {
      const Item& item = items_[i];
      if (item.thread != thread) {
        stack_.clear();
        thread = item.thread;
      }
      if (item.kind == ItemKind::kCounter) {
        if (push_or_skip([&] { return push_counter(parser, item, sink); }) == Flow::kStop) return Flow::kStop;
        continue;
      }
      const Item* parent = nullptr;
      if (!item.unscoped) {
        // B/E nesting is the file's word (it settles equal timestamps); X nesting is by time.
        while (!stack_.empty() && stack_.back() != item.open_parent && !contains(items_[stack_.back()], item))
          stack_.pop_back();
        if (!stack_.empty()) parent = &items_[stack_.back()];
        if (item.kind != ItemKind::kInstant) stack_.push_back(i);
      }
      if (push_or_skip([&] { return push_span(parser, item, parent, sink); }) == Flow::kStop)
        return Flow::kStop;
    }
    return Flow::kContinue;
  }

  // Pass 2 reads name and args, which pass 1 stepped over unchecked: under --lenient an
  // event broken there is skipped alone (its children keep it as their parent).
  template <class Push>
  Flow push_or_skip(Push&& push) {
    if (skips_ == nullptr) return push();
    try {
      return push();
    } catch (const DocumentError& e) {
      skips_->skip(e.offset(), fmt::format("{} (the event was skipped)", e.what()));
      return Flow::kContinue;
    }
  }

  // What an event's body sets, forgotten before the next.
  void forget_body() {
    name_ = {};
    cat_ = {};
    attrs_.clear();
    attrs_.push_back({});  // slot for cat, first
    record_args_.clear();
  }

  // Name, cat and args of an X, B, instant or counter event: without simdjson when the
  // event is plain JSON (as nearly all are), else the general way, with its checks and
  // messages. Reading the bodies with simdjson was a third of reading a Chrome trace.
  void read_event_body(od::parser& parser, std::string_view event) {
    forget_body();
    if (read_body_plain(event)) return;
    forget_body();
    read_body(parser, event, false);
  }

  // read_body(parser, event, false) for a plain event, key by key; false for any other.
  bool read_body_plain(std::string_view event) {
    PlainJsonCursor in(event);
    if (!in.begin_object()) return false;
    bool name_seen = false, cat_seen = false;  // a key written twice: the first wins
    std::string_view key;
    while (in.next_field(key)) {
      if (key == "name" || key == "cat") {
        bool is_name = key == "name";
        bool& seen = is_name ? name_seen : cat_seen;
        std::string_view s;
        if (!seen && in.read_string(s)) (is_name ? name_ : cat_) = s;
        else if (!in.skip()) return false;
        seen = true;
      } else if (key == "args" && in.at('{')) {
        in.begin_object();
        Attr attr;
        while (in.next_field(attr.key)) {
          if (attr.key == kChromeRecordArgsKey && in.at('{')) {
            if (!record_args_.read_plain(in)) return false;
            continue;
          }
          if (!in.read_value(attr.value)) return false;
          attrs_.push_back(attr);
        }
      } else if (!in.skip()) {
        return false;  // args that are no object are ignored, as is any other key
      }
    }
    return in.finish();
  }

  // Reads name, cat and args of one event; with `merge` (the E of a B) its args replace
  // the B's args of the same key and its name and cat only fill in missing ones.
  void read_body(od::parser& parser, std::string_view event, bool merge) {
    od::document doc = iterate(parser, event);
    od::object object;
    if (auto error = doc.get_object().get(object)) fail_at(doc, text_, "expected an event object", error);
    bool name_seen = false, cat_seen = false;  // a key written twice: the first wins
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) fail_at(doc, text_, "malformed event", error);
      od::raw_json_string key = field.key();
      od::value value = field.value();
      bool is_name = key.unsafe_is_equal("name");
      if (is_name || key.unsafe_is_equal("cat")) {
        std::string_view& target = is_name ? name_ : cat_;
        bool& seen = is_name ? name_seen : cat_seen;
        if (seen) continue;
        seen = true;
        std::string_view s;
        if (value.get_string().get(s) == simdjson::SUCCESS && (!merge || target.empty())) target = s;
      } else if (key.unsafe_is_equal("args")) {
        od::object args;
        if (value.get_object().get(args) != simdjson::SUCCESS) continue;  // args must be an object; ignore others
        for (auto arg_result : args) {
          od::field arg;
          Attr attr;
          if (auto error = std::move(arg_result).get(arg)) fail_at(doc, text_, "malformed args", error);
          if (auto error = arg.unescaped_key().get(attr.key)) fail_at(doc, text_, "malformed args", error);
          if (attr.key == kChromeRecordArgsKey && is_object(arg.value())) {
            if (auto error = record_args_.read(arg.value())) fail_at(doc, text_, "malformed args", error);
            continue;
          }
          if (auto error = read_json_value(arg.value(), attr.value)) fail_at(doc, text_, "malformed args", error);
          auto same = merge ? std::find_if(attrs_.begin() + 1, attrs_.end(),
                                           [&](const Attr& a) { return a.key == attr.key; })
                            : attrs_.end();
          if (same != attrs_.end()) same->value = attr.value;
          else attrs_.push_back(attr);
        }
      }
    }
  }

  void format_id(std::string& out, const Thread& thread, uint64_t index) {
    out.assign(thread.id_prefix);
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
    out.append(digits, end);
  }

  // A counter sample is a measurement at an instant, not an operation: a log record named
  // by the counter, its series (args) as fields, in its process's trace.
  Flow push_counter(od::parser& parser, const Item& item, RecordSink& sink) {
    const Thread& thread = threads_[item.thread];
    std::string_view event = text_.substr(item.offset, item.length);
    read_event_body(parser, event);
    if (cat_.empty()) attrs_.erase(attrs_.begin());
    else attrs_.front() = {"cat", Value::of_string(cat_)};
    attrs_.push_back({"chrome.ph", Value::of_string("C")});
    LogRecord log;
    log.time_ns = base_ns_.value_or(0) + item.start_ns;
    log.message = name_;
    log.logger = "counter";
    log.service = thread.service;
    log.trace_id = thread.trace_id;
    log.fields = attrs_;
    log.src = {where_.file_index, item.line, where_.offset + item.offset, event};
    return sink.on_log(log);
  }

  // The track an async event lives on: its category and id, within its process.
  std::string_view async_track(const EventHead& head) {
    async_tid_.assign("async:");
    async_tid_.append(head.cat);
    async_tid_.push_back(':');
    async_tid_.append(head.id);
    return async_tid_;
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

  // A log record written as an instant event by trace convert (chrome_record_args.h).
  Flow push_log(const Item& item, const Thread& thread, std::string_view event, RecordSink& sink) {
    attrs_.erase(attrs_.begin());  // the category slot: "log" says what the record is, not an attribute
    LogRecord log;
    log.time_ns = base_ns_.value_or(0) + item.start_ns;
    log.severity = record_args_.severity != 0 ? record_args_.severity : severity_from_text(record_args_.level);
    log.level_text = record_args_.level;
    log.logger = record_args_.logger;
    log.message = name_;
    log.service = thread.service;
    log.trace_id = record_args_.trace_id;
    log.span_id = record_args_.span_id;
    log.fields = attrs_;
    log.src = {where_.file_index, item.line, where_.offset + item.offset, event};
    return sink.on_log(log);
  }

  static bool is_object(od::value value) {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object;
  }

  Flow push_span(od::parser& parser, const Item& item, const Item* parent, RecordSink& sink) {
    const Thread& thread = threads_[item.thread];
    std::string_view event = text_.substr(item.offset, item.length);
    read_event_body(parser, event);
    if (item.end_length > 0) read_body(end_parser_, text_.substr(item.end_offset, item.end_length), true);
    // Written by trace convert: the record's own identity, not the thread's.
    const bool own = record_args_.present;
    if (own && item.kind == ItemKind::kInstant && cat_ == kChromeLogCategory) return push_log(item, thread, event, sink);

    Span span;
    for (auto it = attrs_.begin() + 1; it != attrs_.end() && !own; ++it) {
      if (it->key != "error") continue;
      const Value& error = it->value;
      if (error.kind == ValueKind::kNull || (error.kind == ValueKind::kBool && !error.boolean)) continue;
      span.status = Status::kError;
      if (error.kind == ValueKind::kString) span.status_message = error.text;
    }
    if (cat_.empty()) attrs_.erase(attrs_.begin());
    else attrs_.front() = {"cat", Value::of_string(cat_)};
    if (!thread.name.empty() && !own) attrs_.push_back({"thread.name", Value::of_string(thread.name)});

    if (own) {
      span.trace_id = record_args_.trace_id;
      span.span_id = record_args_.span_id;
      span.parent_id = record_args_.parent_id;
      span.status = record_args_.status;
      span.status_message = record_args_.status_message;
      span.kind = record_args_.kind;
      span.events = record_args_.events();
      if (record_args_.start_unknown) span.flags |= kSpanStartUnknown;
    } else {
      format_id(span_id_, thread, item.index);
      if (parent) format_id(parent_id_, thread, parent->index);
      span.trace_id = thread.trace_id;
      span.span_id = span_id_;
      span.parent_id = parent ? std::string_view(parent_id_) : std::string_view();
    }
    span.name = name_;
    span.service = thread.service;
    span.start_ns = base_ns_.value_or(0) + item.start_ns;
    if (!base_ns_) span.flags |= kSpanClockRelative;
    if (item.kind == ItemKind::kInstant) {
      span.duration_ns = 0;
      span.flags |= kSpanInstant;
    } else if (item.duration_unknown) {
      span.duration_ns = -1;
      span.flags |= kSpanIncomplete;
    } else {
      span.duration_ns = item.end_ns - item.start_ns;
    }
    span.attrs = attrs_;
    span.src = {where_.file_index, item.line, where_.offset + item.offset, event};
    return sink.on_span(span);
  }

  std::string_view text_;
  SourceRef where_;
  SkipReporter* skips_ = nullptr;
  std::optional<int64_t> base_ns_;
  std::string_view producer_;  // a literal
  std::vector<Item, HugePageAllocator<Item>> items_;
  std::vector<Thread> threads_;
  ChromeTracks tracks_;  // numbers threads_
  std::unordered_map<std::string, std::string> process_names_;
  std::string async_tid_;
  uint32_t last_thread_ = kNoItem;
  uint64_t line_ = 0;
  uint64_t line_pos_ = 0;

  // Reused while pushing spans.
  od::parser end_parser_;  // E events, so that the B's strings stay alive for the merge
  std::vector<uint32_t> order_;
  std::vector<uint32_t> thread_starts_;  // order_[thread_starts_[t]..] are thread t's items
  std::vector<uint32_t> stack_;
  std::vector<Attr> attrs_;
  std::string_view name_, cat_;
  ChromeRecordArgs record_args_;
  std::string span_id_, parent_id_;
};

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
