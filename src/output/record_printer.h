// Printing records as they stream by: the output side of `trace grep`. A RecordPrinter
// is the RecordSink at the end of the pipeline; a RecordSelector (the CLI's adapter over
// analyzers/record_filter) says which records match.
//
// What is printed is a *unit*: a line of JSON-lines input (one line may hold several
// records: a log line with a duration is a LogRecord and a Span, an OTLP line holds many
// spans; the line is printed once, as it was read), or one record of a whole document,
// rendered on one line. A unit matches when any of its records does; -v selects the
// units none of whose records match.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/record_sink.h"

namespace trace::output {

class RecordSelector {
 public:
  virtual ~RecordSelector() = default;
  // `line_log` is the log record of the same JSON line, when the span was read from one.
  virtual bool select(const Span& span, const LogRecord* line_log) = 0;
  virtual bool select(const LogRecord& log) = 0;
  // Appends the [begin, end) ranges of `text` to colour as matches.
  virtual void highlights(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) = 0;
};

enum class RecordFormat : uint8_t { kText, kJsonl, kJson };

struct RecordPrinterOptions {
  RecordFormat format = RecordFormat::kText;
  bool invert = false;              // -v
  bool count = false;               // -c: "N" or "file:N" per file instead of units
  bool files_with_matches = false;  // -l: names of files with a selected unit
  bool quiet = false;               // -q: nothing; stop at the first selected unit
  uint64_t max_count = 0;           // -m: per file; 0 = no limit
  size_t before = 0;                // -B (text output only)
  size_t after = 0;                 // -A
  bool with_filename = false;       // prefix "file:" (text output)
  bool line_number = false;         // prefix "line:" (text output)
  bool color = false;               // ANSI colours (text output)
  bool flush_each = false;          // write every unit at once (a terminal is watching)
  // With count: count the selected units and print nothing, for the one printer that
  // does (see add_selected). -c reads with several threads, a tally per thread.
  bool tally_only = false;
  // Keep the output for take_output() instead of writing it: grep's printers on several
  // threads, whose output is written in input order by whoever holds the next chunk's.
  bool buffered = false;
};

class RecordPrinter final : public RecordSink {
 public:
  RecordPrinter(RecordSelector& selector, RecordPrinterOptions options);

  // Brackets each input. begin_file names it for prefixes and counts.
  void begin_file(std::string name);
  void set_json_lines(bool json_lines) { json_lines_ = json_lines; }
  void end_file();
  // After the last input: closes the JSON document and flushes. The document ends with
  // the matches' count and what --lenient skipped: how many records, and where the first
  // were ("file:line:col: message").
  void finish(uint64_t skipped = 0, const std::vector<std::string>& skipped_at = {});
  // Writes what is buffered, as it is (before an error ends the run: output already
  // found is not lost).
  void flush();

  // With `buffered`: ends a chunk of the input (every unit of a chunk lies inside it),
  // so that all of the chunk's output is in the buffer, and hands the buffer over.
  void end_chunk();
  size_t buffered_bytes() const { return out_.size(); }
  void take_output(std::string& out) {
    out.clear();
    out.swap(out_);
  }

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;

  uint64_t selected() const { return total_selected_; }
  // The units selected in the current file, and units another printer selected in it
  // (a tally_only one), counted as this one's before end_file prints the count.
  uint64_t file_selected() const { return file_selected_; }
  void add_selected(uint64_t units) {
    file_selected_ += units;
    total_selected_ += units;
  }
  // -q found what it looked for: no need to read further inputs.
  bool done() const { return options_.quiet && total_selected_ > 0; }

 private:
  struct Unit {
    uint64_t seq = 0;   // ordinal in the file, to know when context is contiguous
    uint64_t line = 0;  // source line, 0 = unknown
    std::string body;   // the unit's output without prefixes
  };

  template <class Record>
  Flow on_record(const Record& record, bool selected);
  template <class Record>
  void render(const Record& record, std::string& out) const;
  void remember_line_log(const LogRecord& log);
  Flow close_unit();
  Flow emit_selected(const Unit& unit);
  void emit(const Unit& unit, bool context);
  void maybe_flush();

  RecordSelector& selector_;
  RecordPrinterOptions options_;
  bool keep_unit_body_ = false;  // render every unit (invert or context need it)

  std::string file_;
  bool json_lines_ = false;
  bool file_done_ = false;
  uint64_t file_selected_ = 0;
  uint64_t total_selected_ = 0;
  uint64_t unit_seq_ = 0;
  bool any_printed_ = false;
  bool printed_in_file_ = false;
  uint64_t last_printed_seq_ = 0;
  size_t after_left_ = 0;
  bool max_reached_ = false;

  bool unit_open_ = false;
  bool unit_is_line_ = false;
  bool unit_matched_ = false;
  uint64_t unit_offset_ = 0;
  Unit unit_;
  std::deque<Unit> before_;  // up to options_.before non-selected units

  // The log record of the current JSON line, owned, for spans read from the same line.
  bool line_log_valid_ = false;
  uint64_t line_log_offset_ = 0;
  LogRecord line_log_;
  std::string line_log_text_[6];

  std::string out_;
  std::vector<std::pair<size_t, size_t>> ranges_;
  bool json_first_ = true;
};

// The one-line rendering of a record out of a whole document (documented in
// trace-grep(1)):
//   TIME LEVEL|SPAN SERVICE NAME-OR-MESSAGE [dur=D] [status=error] [trace=ID8] [span=ID8] [KEY=VALUE...]
// TIME is RFC 3339 UTC with milliseconds, "+D" for a clock with no epoch, "-" when
// unknown; missing service "-"; control characters escaped (\n, \t, \xHH); a value with
// a space, '"', '=' or nothing in it is written as a JSON string.
void append_record_text(const Span& span, std::string& out);
void append_record_text(const LogRecord& log, std::string& out);

// Which keys append_record_json writes.
enum class RecordColumns : uint8_t {
  kGrep,   // trace grep's
  kTable,  // trace convert --to jsonl's: grep's, then the rest of the model (trace-convert(1))
};

// One JSON object, keys in this order: kind ("span"/"log"), time_ns, duration_ns, name,
// message, level, severity, service, trace_id, span_id, parent_id, status, file, line,
// attrs (an object of the record's own attributes; first of duplicate keys wins). null
// for what the record does not have. kTable adds end_ns, status_message, span_kind,
// logger, resource (an object), events (an array of {time_ns, name, attrs}) and flags
// (an array of names), so that the line holds the whole record.
void append_record_json(const Span& span, std::string_view file, std::string& out,
                        RecordColumns columns = RecordColumns::kGrep);
void append_record_json(const LogRecord& log, std::string_view file, std::string& out,
                        RecordColumns columns = RecordColumns::kGrep);

// A value as JSON (raw JSON minified; NaN and infinities as null), and attributes as one
// JSON object, the first of duplicate keys winning.
void append_json_value(const Value& value, std::string& out);
void append_json_attrs(Attrs attrs, std::string& out);

// JSON text without the whitespace between tokens.
void append_minified_json(std::string_view json, std::string& out);

}  // namespace trace::output
