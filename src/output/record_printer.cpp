#include "src/output/record_printer.h"

#include <iterator>
#include <optional>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "src/output/json_writer.h"
#include "src/output/stdout_writer.h"
#include "src/output/units.h"
#include "src/record_names.h"
#include "src/severity.h"

namespace trace::output {

namespace {

constexpr size_t kFlushBytes = 64 * 1024;

// ANSI SGR, as grep and ripgrep colour them: file names magenta, line numbers green,
// matches bold red.
constexpr std::string_view kFileColor = "\x1b[35m";
constexpr std::string_view kLineColor = "\x1b[32m";
constexpr std::string_view kMatchColor = "\x1b[1;31m";
constexpr std::string_view kReset = "\x1b[0m";

void append_one_line(std::string_view text, std::string& out) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", u);
    }
  }
}

void append_compact_duration(int64_t ns, std::string& out) {
  std::string text = format_duration_ns(ns);
  for (char c : text)
    if (c != ' ') out += c;
}

void append_value(const Value& value, std::string& out) {
  switch (value.kind) {
    case ValueKind::kNull: out += "null"; break;
    case ValueKind::kBool: out += value.boolean ? "true" : "false"; break;
    case ValueKind::kInt: fmt::format_to(std::back_inserter(out), "{}", value.integer); break;
    case ValueKind::kDouble: fmt::format_to(std::back_inserter(out), "{}", value.number); break;
    case ValueKind::kString: out += value.text; break;
    case ValueKind::kRawJson: append_minified_json(value.text, out); break;
  }
}

void append_attrs_text(Attrs attrs, std::string& out) {
  std::string value;
  for (const Attr& attr : attrs) {
    value.clear();
    append_value(attr.value, value);
    out += ' ';
    append_one_line(attr.key, out);
    out += '=';
    // JSON (minified) is shown as it is; other text is quoted when it would not read as
    // one value.
    bool quote = value.empty() && attr.value.kind != ValueKind::kRawJson;
    if (attr.value.kind != ValueKind::kRawJson)
      for (char c : value)
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) quote = true;
    if (quote) append_json_string(value, out);
    else out += value;
  }
}

void append_short_id(std::string_view key, std::string_view id, std::string& out) {
  if (id.empty()) return;
  out += ' ';
  out += key;
  out += '=';
  append_one_line(id.substr(0, 8), out);
}

}  // namespace

void append_json_value(const Value& value, std::string& out) {
  switch (value.kind) {
    case ValueKind::kNull: out += "null"; break;
    case ValueKind::kBool: out += value.boolean ? "true" : "false"; break;
    case ValueKind::kInt: append_json_number(value.integer, out); break;
    case ValueKind::kDouble: append_json_number(value.number, out); break;
    case ValueKind::kString: append_json_string(value.text, out); break;
    case ValueKind::kRawJson:
      if (value.text.empty()) out += "null";
      else append_minified_json(value.text, out);
      break;
  }
}

void append_json_attrs(Attrs attrs, std::string& out) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < attrs.size(); ++i) {
    bool duplicate = false;
    for (size_t j = 0; j < i && !duplicate; ++j) duplicate = attrs[j].key == attrs[i].key;
    if (duplicate) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(attrs[i].key, out);
    out += ':';
    append_json_value(attrs[i].value, out);
  }
  out += '}';
}

namespace {

void append_json_text_or_null(std::string_view text, std::string& out) {
  if (text.empty()) out += "null";
  else append_json_string(text, out);
}

void append_json_source(const SourceRef& src, std::string_view file, std::string& out) {
  out += ",\"file\":";
  append_json_string(file, out);
  out += ",\"line\":";
  if (src.line == 0) out += "null";
  else append_json_number(static_cast<int64_t>(src.line), out);
}

// The keys RecordColumns::kTable adds after attrs, null or empty where the record has
// nothing. The names are the ones formats/trace_jsonl.cpp reads back.
void append_table_columns(std::optional<int64_t> end_ns, std::string_view status_message, std::string_view span_kind,
                          std::string_view logger, Attrs resource, std::span<const SpanEvent> events, uint8_t flags,
                          std::string& out) {
  out += ",\"end_ns\":";
  if (end_ns) append_json_number(*end_ns, out);
  else out += "null";
  out += ",\"status_message\":";
  append_json_text_or_null(status_message, out);
  out += ",\"span_kind\":";
  append_json_text_or_null(span_kind, out);
  out += ",\"logger\":";
  append_json_text_or_null(logger, out);
  out += ",\"resource\":";
  append_json_attrs(resource, out);
  out += ",\"events\":[";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"time_ns\":";
    append_json_number(events[i].time_ns, out);
    out += ",\"name\":";
    append_json_string(events[i].name, out);
    out += ",\"attrs\":";
    append_json_attrs(events[i].attrs, out);
    out += '}';
  }
  out += "],\"flags\":[";
  bool first = true;
  for (auto [flag, name] : {std::pair{kSpanStartUnknown, "start_unknown"}, std::pair{kSpanIncomplete, "incomplete"},
                            std::pair{kSpanClockRelative, "relative_clock"}, std::pair{kSpanInstant, "instant"}}) {
    if (!(flags & flag)) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += '"';
  }
  out += ']';
}

}  // namespace

void append_minified_json(std::string_view json, std::string& out) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) out += json[++i];
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out += c;
    }
  }
}

void append_record_text(const Span& span, std::string& out) {
  if (span.flags & kSpanStartUnknown) {
    out += '-';
  } else if (span.flags & kSpanClockRelative) {
    out += '+';
    append_compact_duration(span.start_ns, out);
  } else {
    append_timestamp_ns(span.start_ns, out);
  }
  out += " SPAN ";
  if (span.service.empty()) out += '-';
  else append_one_line(span.service, out);
  out += ' ';
  if (span.name.empty()) out += '-';
  else append_one_line(span.name, out);
  if (span.has_duration()) {
    out += " dur=";
    append_compact_duration(span.duration_ns, out);
  }
  if (span.is_error()) out += " status=error";
  append_short_id("trace", span.trace_id, out);
  append_short_id("span", span.span_id, out);
  append_attrs_text(span.attrs, out);
}

void append_record_text(const LogRecord& log, std::string& out) {
  if (log.time_ns == 0) out += '-';
  else append_timestamp_ns(log.time_ns, out);
  out += ' ';
  std::string_view level = severity_name(log.severity);
  if (level.empty()) level = log.level_text;
  if (level.empty()) out += '-';
  else append_one_line(level, out);
  out += ' ';
  if (log.service.empty()) out += '-';
  else append_one_line(log.service, out);
  out += ' ';
  if (log.message.empty()) out += '-';
  else append_one_line(log.message, out);
  append_short_id("trace", log.trace_id, out);
  append_short_id("span", log.span_id, out);
  append_attrs_text(log.fields, out);
}

void append_record_json(const Span& span, std::string_view file, std::string& out, RecordColumns columns) {
  // The table keeps a start laid out for a span that had none (flags says so), for the
  // line to hold the whole record.
  bool known_start = !(span.flags & kSpanStartUnknown) || (columns == RecordColumns::kTable && span.start_ns != 0);
  out += "{\"kind\":\"span\",\"time_ns\":";
  if (known_start) append_json_number(span.start_ns, out);
  else out += "null";
  out += ",\"duration_ns\":";
  if (span.has_duration()) append_json_number(span.duration_ns, out);
  else out += "null";
  out += ",\"name\":";
  append_json_string(span.name, out);
  out += ",\"message\":";
  append_json_text_or_null(span.status_message, out);
  out += ",\"level\":null,\"severity\":null,\"service\":";
  append_json_text_or_null(span.service, out);
  out += ",\"trace_id\":";
  append_json_text_or_null(span.trace_id, out);
  out += ",\"span_id\":";
  append_json_text_or_null(span.span_id, out);
  out += ",\"parent_id\":";
  append_json_text_or_null(span.parent_id, out);
  out += ",\"status\":\"";
  out += status_name(span.status);
  out += '"';
  append_json_source(span.src, file, out);
  out += ",\"attrs\":";
  append_json_attrs(span.attrs, out);
  if (columns == RecordColumns::kTable) {
    bool has_end = span.has_duration() && known_start;
    append_table_columns(has_end ? std::optional<int64_t>(span.end_ns()) : std::nullopt, span.status_message,
                         span_kind_name(span.kind), {}, span.resource_attrs, span.events, span.flags, out);
  }
  out += '}';
}

void append_record_json(const LogRecord& log, std::string_view file, std::string& out, RecordColumns columns) {
  out += "{\"kind\":\"log\",\"time_ns\":";
  if (log.time_ns == 0) out += "null";
  else append_json_number(log.time_ns, out);
  out += ",\"duration_ns\":null,\"name\":null,\"message\":";
  append_json_string(log.message, out);
  out += ",\"level\":";
  append_json_text_or_null(severity_name(log.severity), out);
  out += ",\"severity\":";
  if (log.severity == kSeverityUnknown) out += "null";
  else append_json_number(static_cast<int64_t>(log.severity), out);
  out += ",\"service\":";
  append_json_text_or_null(log.service, out);
  out += ",\"trace_id\":";
  append_json_text_or_null(log.trace_id, out);
  out += ",\"span_id\":";
  append_json_text_or_null(log.span_id, out);
  out += ",\"parent_id\":null,\"status\":";
  out += log.is_error() ? "\"error\"" : "null";
  append_json_source(log.src, file, out);
  out += ",\"attrs\":";
  append_json_attrs(log.fields, out);
  if (columns == RecordColumns::kTable)
    append_table_columns(std::nullopt, {}, {}, log.logger, log.resource_attrs, {}, 0, out);
  out += '}';
}

// ---------------------------------------------------------------------------------------

RecordPrinter::RecordPrinter(RecordSelector& selector, RecordPrinterOptions options)
    : selector_(selector), options_(options) {
  if (options_.format != RecordFormat::kText) options_.before = options_.after = 0;
  keep_unit_body_ = options_.invert || options_.before > 0 || options_.after > 0;
}

void RecordPrinter::begin_file(std::string name) {
  file_ = std::move(name);
  json_lines_ = false;
  file_done_ = false;
  file_selected_ = 0;
  unit_seq_ = 0;
  printed_in_file_ = false;
  after_left_ = 0;
  max_reached_ = false;
  unit_open_ = false;
  before_.clear();
  line_log_valid_ = false;
}

void RecordPrinter::end_file() {
  end_chunk();
  if (options_.count && !options_.tally_only && !options_.quiet && !options_.files_with_matches) {
    if (options_.with_filename) {
      out_ += file_;
      out_ += ':';
    }
    fmt::format_to(std::back_inserter(out_), "{}\n", file_selected_);
  }
  maybe_flush();
}

void RecordPrinter::end_chunk() {
  if (unit_open_ && !file_done_) close_unit();
  unit_open_ = false;
}

void RecordPrinter::finish(uint64_t skipped, const std::vector<std::string>& skipped_at) {
  bool listing = options_.count || options_.quiet || options_.files_with_matches;
  if (options_.format == RecordFormat::kJson && !listing) {
    if (json_first_) out_ += "{\"schema_version\":1,\"command\":\"grep\",\"matches\":[";
    fmt::format_to(std::back_inserter(out_), "{}],\"count\":{},\"skipped\":{},\"skipped_at\":[",
                   json_first_ ? "" : "\n", total_selected_, skipped);
    for (size_t i = 0; i < skipped_at.size(); ++i) {
      if (i > 0) out_ += ',';
      append_json_string(skipped_at[i], out_);
    }
    out_ += "]}\n";
  }
  flush();
}

void RecordPrinter::flush() {
  if (!out_.empty()) write_stdout(out_);
  out_.clear();
}

void RecordPrinter::remember_line_log(const LogRecord& log) {
  std::string_view texts[6] = {log.message, log.logger, log.level_text, log.service, log.trace_id, log.span_id};
  for (int i = 0; i < 6; ++i) line_log_text_[i].assign(texts[i]);
  line_log_ = LogRecord{};
  line_log_.time_ns = log.time_ns;
  line_log_.severity = log.severity;
  line_log_.message = line_log_text_[0];
  line_log_.logger = line_log_text_[1];
  line_log_.level_text = line_log_text_[2];
  line_log_.service = line_log_text_[3];
  line_log_.trace_id = line_log_text_[4];
  line_log_.span_id = line_log_text_[5];
  line_log_offset_ = log.src.offset;
  line_log_valid_ = true;
}

Flow RecordPrinter::on_log(const LogRecord& log) {
  if (file_done_) return Flow::kStop;
  bool is_line = json_lines_ && !log.src.text.empty();
  // A unit already selected needs no more tests.
  if (is_line && unit_open_ && unit_is_line_ && unit_matched_ && log.src.offset == unit_offset_)
    return Flow::kContinue;
  if (is_line) remember_line_log(log);
  return on_record(log, !max_reached_ && selector_.select(log));
}

Flow RecordPrinter::on_span(const Span& span) {
  if (file_done_) return Flow::kStop;
  bool is_line = json_lines_ && !span.src.text.empty();
  // A unit already selected needs no more tests.
  if (is_line && unit_open_ && unit_is_line_ && unit_matched_ && span.src.offset == unit_offset_)
    return Flow::kContinue;
  const LogRecord* line_log = is_line && line_log_valid_ && span.src.offset == line_log_offset_ ? &line_log_ : nullptr;
  return on_record(span, !max_reached_ && selector_.select(span, line_log));
}

template <class Record>
Flow RecordPrinter::on_record(const Record& record, bool selected) {
  bool is_line = json_lines_ && !record.src.text.empty();
  bool same_unit = unit_open_ && is_line && unit_is_line_ && record.src.offset == unit_offset_;
  if (!same_unit) {
    if (unit_open_ && close_unit() == Flow::kStop) return Flow::kStop;
    unit_open_ = true;
    unit_is_line_ = is_line;
    unit_offset_ = record.src.offset;
    unit_matched_ = false;
    unit_.seq = ++unit_seq_;
    unit_.line = record.src.line;
    if (keep_unit_body_) render(record, unit_.body);
  }
  if (!selected || unit_matched_) return Flow::kContinue;
  unit_matched_ = true;
  if (options_.invert) return Flow::kContinue;
  // The body of the record that matched: for JSON output, a line's matching record.
  if (!keep_unit_body_ || options_.format != RecordFormat::kText) render(record, unit_.body);
  return emit_selected(unit_);
}

template <class Record>
void RecordPrinter::render(const Record& record, std::string& out) const {
  out.clear();
  bool listing = options_.count || options_.quiet || options_.files_with_matches;
  if (listing) return;
  if (options_.format != RecordFormat::kText) {
    append_record_json(record, file_, out);
  } else if (json_lines_ && !record.src.text.empty()) {
    out.assign(record.src.text);
  } else {
    append_record_text(record, out);
  }
}

Flow RecordPrinter::close_unit() {
  unit_open_ = false;
  if (options_.invert && !unit_matched_ && !max_reached_) return emit_selected(unit_);
  if (!options_.invert && unit_matched_) return Flow::kContinue;  // printed when it matched
  if (after_left_ > 0) {
    emit(unit_, true);
    --after_left_;
  } else if (options_.before > 0) {
    if (before_.size() == options_.before) {
      // Reuse the oldest entry's buffer.
      Unit oldest = std::move(before_.front());
      before_.pop_front();
      oldest.seq = unit_.seq;
      oldest.line = unit_.line;
      oldest.body.assign(unit_.body);
      before_.push_back(std::move(oldest));
    } else {
      before_.push_back(unit_);
    }
  }
  if (max_reached_ && after_left_ == 0) {
    file_done_ = true;
    return Flow::kStop;
  }
  return Flow::kContinue;
}

Flow RecordPrinter::emit_selected(const Unit& unit) {
  ++file_selected_;
  ++total_selected_;
  if (options_.quiet) {
    file_done_ = true;
    return Flow::kStop;
  }
  if (options_.files_with_matches) {
    out_ += file_;
    out_ += '\n';
    file_done_ = true;
    maybe_flush();
    return Flow::kStop;
  }
  bool limit = options_.max_count != 0 && file_selected_ >= options_.max_count;
  if (options_.count) {
    if (!limit) return Flow::kContinue;
    file_done_ = true;
    return Flow::kStop;
  }
  for (const Unit& context : before_) emit(context, true);
  before_.clear();
  emit(unit, false);
  after_left_ = options_.after;
  if (limit) {
    max_reached_ = true;
    if (after_left_ == 0) {
      file_done_ = true;
      return Flow::kStop;
    }
  }
  return Flow::kContinue;
}

void RecordPrinter::emit(const Unit& unit, bool context) {
  if (options_.format == RecordFormat::kJsonl) {
    out_ += unit.body;
    out_ += '\n';
  } else if (options_.format == RecordFormat::kJson) {
    if (json_first_) out_ += "{\"schema_version\":1,\"command\":\"grep\",\"matches\":[";
    out_ += json_first_ ? "\n" : ",\n";
    json_first_ = false;
    out_ += unit.body;
  } else {
    bool contiguous = printed_in_file_ && unit.seq == last_printed_seq_ + 1;
    if ((options_.before > 0 || options_.after > 0) && any_printed_ && !contiguous) out_ += "--\n";
    const char separator = context ? '-' : ':';
    if (options_.with_filename) {
      if (options_.color) out_ += kFileColor;
      out_ += file_;
      if (options_.color) out_ += kReset;
      out_ += separator;
    }
    if (options_.line_number) {
      if (options_.color) out_ += kLineColor;
      if (unit.line == 0) out_ += '?';
      else fmt::format_to(std::back_inserter(out_), "{}", unit.line);
      if (options_.color) out_ += kReset;
      out_ += separator;
    }
    ranges_.clear();
    if (options_.color && !context && !options_.invert) selector_.highlights(unit.body, ranges_);
    size_t at = 0;
    for (auto [begin, end] : ranges_) {
      if (begin < at || end <= begin || end > unit.body.size()) continue;
      out_.append(unit.body, at, begin - at);
      out_ += kMatchColor;
      out_.append(unit.body, begin, end - begin);
      out_ += kReset;
      at = end;
    }
    out_.append(unit.body, at, std::string::npos);
    out_ += '\n';
  }
  any_printed_ = true;
  printed_in_file_ = true;
  last_printed_seq_ = unit.seq;
  maybe_flush();
}

void RecordPrinter::maybe_flush() {
  if (options_.buffered) return;
  if (out_.size() >= kFlushBytes || (options_.flush_each && !out_.empty())) {
    write_stdout(out_);
    out_.clear();
  }
}

}  // namespace trace::output
