#include "formats/chrome_writer.h"

#include <charconv>

#include "formats/chrome_record_args.h"
#include "src/output/json_writer.h"
#include "src/output/record_printer.h"
#include "src/record_names.h"

namespace trace::formats {

namespace {

constexpr size_t kNoIndex = ~size_t(0);

void append_uint(uint64_t value, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_int(int64_t value, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// `"key":` after a comma unless first.
void append_key(std::string_view key, bool& first, std::string& out) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":";
}

// `"key":"text"` after a comma unless first; nothing for empty text.
void append_member(std::string_view key, std::string_view text, bool& first, std::string& out) {
  if (text.empty()) return;
  append_key(key, first, out);
  output::append_json_string(text, out);
}

// The index of the first string attribute "cat", or kNoIndex.
size_t find_category(Attrs attrs) {
  for (size_t i = 0; i < attrs.size(); ++i)
    if (attrs[i].key == "cat" && attrs[i].value.kind == ValueKind::kString) return i;
  return kNoIndex;
}

}  // namespace

void append_micros(int64_t ns, std::string& out) {
  uint64_t magnitude = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  if (ns < 0) out += '-';
  append_uint(magnitude / 1000, out);
  unsigned fraction = static_cast<unsigned>(magnitude % 1000);
  if (fraction == 0) return;
  char digits[4] = {'.', static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                    static_cast<char>('0' + fraction % 10)};
  size_t size = 4;
  while (digits[size - 1] == '0') --size;
  out.append(digits, size);
}

ChromeWriter::ChromeWriter(WriteBytes write) : RecordWriter(std::move(write)) {
  out_ += "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
}

void ChromeWriter::begin_event() {
  if (!first_event_) out_ += ",\n";
  first_event_ = false;
}

void ChromeWriter::append_track(Track track) {
  out_ += ",\"pid\":";
  append_uint(track.pid, out_);
  out_ += ",\"tid\":";
  append_uint(track.tid, out_);
}

ChromeWriter::Track ChromeWriter::track(std::string_view service, std::string_view trace_id) {
  if (last_.pid != 0 && service == last_service_ && trace_id == last_trace_) return last_;
  last_service_.assign(service);
  last_trace_.assign(trace_id);

  auto [process, new_process] = pids_.try_emplace(last_service_, static_cast<uint32_t>(pids_.size() + 1));
  uint32_t pid = process->second;
  if (new_process) {
    begin_event();
    out_ += "{\"name\":\"process_name\",\"ph\":\"M\"";
    append_track({pid, 0});
    out_ += ",\"args\":{\"name\":";
    output::append_json_string(service, out_);
    out_ += "}}";
  }
  key_.clear();
  append_uint(pid, key_);
  key_ += '\0';
  key_ += trace_id;
  auto [thread, new_thread] = tids_.try_emplace(key_, next_tid_);
  if (new_thread) {
    ++next_tid_;
    begin_event();
    out_ += "{\"name\":\"thread_name\",\"ph\":\"M\"";
    append_track({pid, thread->second});
    out_ += ",\"args\":{\"name\":";
    if (trace_id.empty()) {
      out_ += "\"no trace\"";
    } else {
      key_.assign("trace ");
      key_ += trace_id;
      output::append_json_string(key_, out_);
    }
    out_ += "}}";
  }
  last_ = {pid, thread->second};
  return last_;
}

// The attributes as the args' members after "trace", the first of duplicate keys winning
// (JSON objects have one value per key).
void ChromeWriter::append_args(Attrs attrs, size_t cat_index) {
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (i == cat_index) continue;
    bool duplicate = false;
    for (size_t j = 0; j < i && !duplicate; ++j) duplicate = attrs[j].key == attrs[i].key;
    if (duplicate) continue;
    out_ += ',';
    output::append_json_string(attrs[i].key == kChromeRecordArgsKey ? "trace.attr" : attrs[i].key, out_);
    out_ += ':';
    output::append_json_value(attrs[i].value, out_);
  }
}

template <class WriteTrace>
void ChromeWriter::end_event(Track where, Attrs attrs, size_t cat_index, WriteTrace write_trace) {
  append_track(where);
  out_ += ",\"args\":{\"trace\":{";
  bool first = true;
  write_trace(first);
  out_ += '}';
  append_args(attrs, cat_index);
  out_ += "}}";
  maybe_flush();
}

Flow ChromeWriter::on_span(const Span& span) {
  if (span.flags & kSpanClockRelative) relative_clock_ = true;
  Track where = track(span.service, span.trace_id);
  size_t cat = find_category(span.attrs);
  begin_event();
  out_ += "{\"name\":";
  output::append_json_string(span.name, out_);
  if (cat != kNoIndex) {
    out_ += ",\"cat\":";
    output::append_json_string(span.attrs[cat].value.text, out_);
  }
  if (span.flags & kSpanInstant) {
    out_ += ",\"ph\":\"i\",\"s\":\"t\",\"ts\":";
    append_micros(span.start_ns, out_);
  } else if (span.has_duration()) {
    out_ += ",\"ph\":\"X\",\"ts\":";
    append_micros(span.start_ns, out_);
    out_ += ",\"dur\":";
    append_micros(span.duration_ns, out_);
  } else {
    // Never ended: a B without its E is how Chrome says "did not end".
    out_ += ",\"ph\":\"B\",\"ts\":";
    append_micros(span.start_ns, out_);
  }
  end_event(where, span.attrs, cat, [&](bool& first) {
    append_member("trace_id", span.trace_id, first, out_);
    append_member("span_id", span.span_id, first, out_);
    append_member("parent_id", span.parent_id, first, out_);
    if (span.status != Status::kUnset) append_member("status", status_name(span.status), first, out_);
    append_member("status_message", span.status_message, first, out_);
    append_member("kind", span_kind_name(span.kind), first, out_);
    if (span.flags & kSpanStartUnknown) {
      append_key("start_unknown", first, out_);
      out_ += "true";
    }
    if (span.events.empty()) return;
    append_key("events", first, out_);
    out_ += '[';
    for (size_t i = 0; i < span.events.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += "{\"time_ns\":";
      append_int(span.events[i].time_ns, out_);
      out_ += ",\"name\":";
      output::append_json_string(span.events[i].name, out_);
      out_ += ",\"attrs\":";
      output::append_json_attrs(span.events[i].attrs, out_);
      out_ += '}';
    }
    out_ += ']';
  });
  return Flow::kContinue;
}

Flow ChromeWriter::on_log(const LogRecord& log) {
  Track where = track(log.service, log.trace_id);
  begin_event();
  out_ += "{\"name\":";
  output::append_json_string(log.message, out_);
  out_ += ",\"cat\":\"log\",\"ph\":\"i\",\"s\":\"t\",\"ts\":";
  append_micros(log.time_ns, out_);
  end_event(where, log.fields, kNoIndex, [&](bool& first) {
    append_member("trace_id", log.trace_id, first, out_);
    append_member("span_id", log.span_id, first, out_);
    append_member("level", log.level_text, first, out_);
    if (log.severity != 0) {
      append_key("severity", first, out_);
      append_uint(log.severity, out_);
    }
    append_member("logger", log.logger, first, out_);
  });
  return Flow::kContinue;
}

void ChromeWriter::finish() {
  out_ += first_event_ ? "]" : "\n]";
  // ts are epoch microseconds unless some input had no epoch clock; the key comes last
  // because only the end knows (the file's readers take it from anywhere).
  if (!relative_clock_) out_ += ",\"clockDomain\":\"unix_epoch\"";
  out_ += "}\n";
  flush();
}

}  // namespace trace::formats
