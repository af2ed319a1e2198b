#include "formats/chrome_spans.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/chrome_record_args.h"
#include "formats/chrome_scan.h"
#include "formats/json_util.h"
#include "formats/plain_json.h"
#include "formats/read_inputs.h"
#include "src/errors.h"
#include "src/severity.h"

namespace trace::formats {

class alignas(kWorkerAlign) ChromeSpanPusher::Reader {
 public:
  explicit Reader(const ChromeSpanSource& source) : source_(source) {}

  Flow push(od::parser& parser, size_t from, size_t to, RecordSink& sink) {
    for (size_t k = from; k < to; ++k) {
      const ChromeItem& item = source_.items[source_.order[k]];
      uint32_t parent = item.parent;
      Flow flow = push_or_skip([&] {
        if (item.kind == ChromeItemKind::kCounter) return push_counter(parser, item, sink);
        return push_span(parser, item, parent == kNoChromeItem ? nullptr : &source_.items[parent], sink);
      });
      if (flow == Flow::kStop) return Flow::kStop;
    }
    return Flow::kContinue;
  }

 private:
  // Pass 2 reads name and args, which pass 1 stepped over unchecked: under --lenient an
  // event broken there is skipped alone (its children keep it as their parent).
  template <class Push>
  Flow push_or_skip(Push&& push) {
    if (source_.skips == nullptr) return push();
    try {
      return push();
    } catch (const DocumentError& e) {
      source_.skips->skip(e.offset(), fmt::format("{} (the event was skipped)", e.what()));
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
  void read_event_body(od::parser& parser, const ChromeItem& item, std::string_view event) {
    forget_body();
    if (item.quick_body && read_quick_body(item, event)) return;
    forget_body();
    if (read_body_plain(event)) return;
    forget_body();
    read_body(parser, event, false);
  }

  // read_body_plain's result for an event pass 1 marked quick_body: its name and cat
  // where pass 1 found them, its args object read.
  bool read_quick_body(const ChromeItem& item, std::string_view event) {
    if (item.name_at != 0) name_ = event.substr(item.name_at, item.name_size);
    if (item.cat_at != 0) cat_ = event.substr(item.cat_at, item.cat_size);
    if (item.args_at == 0) return true;
    PlainJsonCursor in(event.substr(item.args_at), PlainJsonCursor::ValueAtStart{});
    return in.begin_object() && read_args(in) && in.finish_value();
  }

  // The members of an args object, the cursor inside it: the record's own args (trace
  // convert's) read apart, the others kept as attributes.
  bool read_args(PlainJsonCursor& in) {
    Attr attr;
    while (in.next_field(attr.key)) {
      if (attr.key == kChromeRecordArgsKey && in.at('{')) {
        if (!record_args_.read_plain(in)) return false;
        continue;
      }
      if (!in.read_value(attr.value)) return false;
      attrs_.push_back(attr);
    }
    return !in.failed();
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
        if (!in.begin_object() || !read_args(in)) return false;
      } else if (!in.skip()) {
        return false;  // args that are no object are ignored, as is any other key
      }
    }
    return in.finish();
  }

  // Reads name, cat and args of one event; with `merge` (the E of a B) its args replace
  // the B's args of the same key and its name and cat only fill in missing ones.
  void read_body(od::parser& parser, std::string_view event, bool merge) {
    od::document doc = iterate_chrome_event(parser, source_.text, event);
    od::object object;
    if (auto error = doc.get_object().get(object)) fail_at(doc, source_.text, "expected an event object", error);
    bool name_seen = false, cat_seen = false;  // a key written twice: the first wins
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) fail_at(doc, source_.text, "malformed event", error);
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
          if (auto error = std::move(arg_result).get(arg)) fail_at(doc, source_.text, "malformed args", error);
          if (auto error = arg.unescaped_key().get(attr.key)) fail_at(doc, source_.text, "malformed args", error);
          if (attr.key == kChromeRecordArgsKey && is_object(arg.value())) {
            if (auto error = record_args_.read(arg.value())) fail_at(doc, source_.text, "malformed args", error);
            continue;
          }
          if (auto error = read_json_value(arg.value(), attr.value)) fail_at(doc, source_.text, "malformed args", error);
          auto same = merge ? std::find_if(attrs_.begin() + 1, attrs_.end(),
                                           [&](const Attr& a) { return a.key == attr.key; })
                            : attrs_.end();
          if (same != attrs_.end()) same->value = attr.value;
          else attrs_.push_back(attr);
        }
      }
    }
  }

  // "pid:tid:index": unique in the file, and the same for the same trace read again.
  void format_id(std::string& out, uint32_t thread, uint64_t index) {
    // The order pushes a thread's items together: its "pid:tid:" is made once for them.
    if (thread != id_prefix_thread_) {
      id_prefix_.assign(source_.items.pid(thread));
      id_prefix_.push_back(':');
      id_prefix_.append(source_.items.tid(thread));
      id_prefix_.push_back(':');
      id_prefix_thread_ = thread;
    }
    out.assign(id_prefix_);
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
    out.append(digits, end);
  }

  // The event's attributes: its cat first when it has one (in the slot kept for it), then
  // its args and what the record adds. Its cat slot is skipped, not erased: erasing moved
  // every attribute.
  Attrs body_attrs() {
    if (cat_.empty()) return Attrs(attrs_).subspan(1);
    attrs_.front() = {"cat", Value::of_string(cat_)};
    return attrs_;
  }

  // A counter sample is a measurement at an instant, not an operation: a log record named
  // by the counter, its series (args) as fields, in its process's trace.
  Flow push_counter(od::parser& parser, const ChromeItem& item, RecordSink& sink) {
    const ChromeThread& thread = source_.items.threads()[item.thread];
    std::string_view event = source_.text.substr(item.offset, item.length);
    read_event_body(parser, item, event);
    attrs_.push_back({"chrome.ph", Value::of_string("C")});
    LogRecord log;
    log.time_ns = source_.base_ns.value_or(0) + item.start_ns;
    log.message = name_;
    log.logger = "counter";
    log.service = source_.items.process(thread).service;
    log.trace_id = source_.items.process(thread).trace_id;
    log.fields = body_attrs();
    log.src = {source_.where.file_index, item.line, source_.where.offset + item.offset, event};
    return sink.on_log(log);
  }

  // A log record written as an instant event by trace convert (chrome_record_args.h).
  Flow push_log(const ChromeItem& item, const ChromeThread& thread, std::string_view event, RecordSink& sink) {
    LogRecord log;
    log.time_ns = source_.base_ns.value_or(0) + item.start_ns;
    log.severity = record_args_.severity != 0 ? record_args_.severity : severity_from_text(record_args_.level);
    log.level_text = record_args_.level;
    log.logger = record_args_.logger;
    log.message = name_;
    log.service = source_.items.process(thread).service;
    log.trace_id = record_args_.trace_id;
    log.span_id = record_args_.span_id;
    log.fields = Attrs(attrs_).subspan(1);  // no category: "log" says what the record is
    log.src = {source_.where.file_index, item.line, source_.where.offset + item.offset, event};
    return sink.on_log(log);
  }

  static bool is_object(od::value value) {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object;
  }

  Flow push_span(od::parser& parser, const ChromeItem& item, const ChromeItem* parent, RecordSink& sink) {
    const ChromeThread& thread = source_.items.threads()[item.thread];
    std::string_view event = source_.text.substr(item.offset, item.length);
    read_event_body(parser, item, event);
    if (item.end_length > 0) read_body(end_parser_, source_.text.substr(item.end_offset, item.end_length), true);
    // Written by trace convert: the record's own identity, not the thread's.
    const bool own = record_args_.present;
    if (own && item.kind == ChromeItemKind::kInstant && cat_ == kChromeLogCategory) return push_log(item, thread, event, sink);

    Span span;
    for (auto it = attrs_.begin() + 1; it != attrs_.end() && !own; ++it) {
      if (it->key != "error") continue;
      const Value& error = it->value;
      if (error.kind == ValueKind::kNull || (error.kind == ValueKind::kBool && !error.boolean)) continue;
      span.status = Status::kError;
      if (error.kind == ValueKind::kString) span.status_message = error.text;
    }
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
      format_id(span_id_, item.thread, item.index);
      if (parent) format_id(parent_id_, item.thread, parent->index);
      span.trace_id = source_.items.process(thread).trace_id;
      span.span_id = span_id_;
      span.parent_id = parent ? std::string_view(parent_id_) : std::string_view();
    }
    span.name = name_;
    span.service = source_.items.process(thread).service;
    span.start_ns = source_.base_ns.value_or(0) + item.start_ns;
    if (!source_.base_ns) span.flags |= kSpanClockRelative;
    if (item.kind == ChromeItemKind::kInstant) {
      span.duration_ns = 0;
      span.flags |= kSpanInstant;
    } else if (item.duration_unknown) {
      span.duration_ns = -1;
      span.flags |= kSpanIncomplete;
    } else {
      span.duration_ns = item.end_ns - item.start_ns;
    }
    span.attrs = body_attrs();
    span.src = {source_.where.file_index, item.line, source_.where.offset + item.offset, event};
    return sink.on_span(span);
  }

  const ChromeSpanSource source_;  // a copy of its own, read at every record
  od::parser end_parser_;  // E events, so that the B's strings stay alive for the merge
  std::vector<Attr> attrs_;
  std::string_view name_, cat_;
  ChromeRecordArgs record_args_;
  std::string span_id_, parent_id_;
  std::string id_prefix_;  // "pid:tid:" of thread id_prefix_thread_
  uint32_t id_prefix_thread_ = kNoChromeItem;
};

ChromeSpanPusher::ChromeSpanPusher(const ChromeSpanSource& source) : reader_(std::make_unique<Reader>(source)) {}

ChromeSpanPusher::~ChromeSpanPusher() = default;

Flow ChromeSpanPusher::push(simdjson::ondemand::parser& parser, size_t from, size_t to, RecordSink& sink) {
  return reader_->push(parser, from, to, sink);
}

}  // namespace trace::formats
