// Keeps whole traces (`trace tree`, `trace replay`): the spans and the log records of the
// selected traces, owned, and a summary of every trace in the input.
//
// A record and its views die after the sink call, so what is kept is copied: strings go
// into an arena of fixed blocks (a view into a block stays valid for the collector's
// life, also across merge(), which moves blocks, not bytes). Memory follows the answer:
//  - with a trace filter (an id or a prefix of one, matched without regard to ASCII
//    case), only the matching traces' spans and logs are kept;
//  - with keep_all, every trace's (for `trace tree` of every trace);
//  - otherwise nothing but one summary per trace (id, root name, start, duration, span,
//    error and log counts), for the listing and for choosing one by --first, --slowest
//    or --failed; a second read then keeps the chosen trace.
// Logs join their trace by trace id. A span or log without a trace id (a JSON-lines log
// line with a duration, say) belongs to no trace: it is neither kept nor counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/record_sink.h"

namespace trace {

// Bytes that outlive the records they were copied from. Views returned by copy() stay
// valid until the arena is destroyed; absorb() moves another arena's blocks in.
class StringArena {
 public:
  std::string_view copy(std::string_view text);
  void absorb(StringArena& other);
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlockBytes;  // bytes used in blocks_.back(); full when there is none
  size_t bytes_ = 0;
};

// A span that outlives its sink call. Move-only: the events' attribute spans point into
// event_attrs, whose buffer moves with it.
struct KeptSpan {
  std::string_view trace_id, span_id, parent_id, name, service, status_message;
  SpanKind kind = SpanKind::kUnspecified;
  Status status = Status::kUnset;
  uint8_t flags = 0;
  int64_t start_ns = 0;
  int64_t duration_ns = -1;
  std::vector<Attr> attrs, resource_attrs;
  std::vector<SpanEvent> events;
  std::vector<Attr> event_attrs;
  uint32_t file_index = 0;
  uint64_t line = 0;

  KeptSpan() = default;
  KeptSpan(KeptSpan&&) = default;
  KeptSpan& operator=(KeptSpan&&) = default;
  KeptSpan(const KeptSpan&) = delete;
  KeptSpan& operator=(const KeptSpan&) = delete;

  bool is_error() const { return status == Status::kError; }
  bool has_duration() const { return duration_ns >= 0; }
  int64_t end_ns() const { return start_ns + (duration_ns > 0 ? duration_ns : 0); }
  // The first attribute named `key`: the span's own, then its resource's.
  const Attr* attr(std::string_view key) const;
};

struct KeptLog {
  int64_t time_ns = 0;
  uint8_t severity = 0;
  std::string_view level_text, logger, message, trace_id, span_id, service;
  std::vector<Attr> fields;
  uint32_t file_index = 0;
  uint64_t line = 0;

  bool is_error() const { return severity >= 17; }
};

// One trace of the input, as the listing shows it.
struct TraceSummary {
  std::string trace_id;
  // The root: the span without a parent that starts first (ties: smaller span id); when
  // no span lacks a parent, the span that starts first. Empty for a trace of logs only.
  std::string root_name;
  std::string root_span_id;
  int64_t root_start_ns = 0;
  int64_t start_ns = 0;  // earliest span start (logs' times for a trace of logs only)
  int64_t end_ns = 0;    // latest span end (a span without a duration ends at its start)
  uint64_t spans = 0;
  uint64_t errors = 0;  // spans with status error
  uint64_t logs = 0;
  uint64_t error_logs = 0;     // logs at ERROR or above
  bool clock_relative = false;  // some span's clock has no epoch (start_ns is an offset)

  int64_t duration_ns() const { return end_ns - start_ns; }
};

// The kept records of one trace, in a deterministic order: spans by start, span id,
// file, line; logs by time, file, line.
struct TraceRecords {
  const TraceSummary* summary = nullptr;
  std::vector<const KeptSpan*> spans;
  std::vector<const KeptLog*> logs;
};

struct TraceCollectorOptions {
  // Keep the traces whose id starts with this (ASCII case ignored); "" = none.
  std::string trace_prefix;
  bool keep_all = false;  // keep every trace
};

class TraceCollector : public RecordSink {
 public:
  explicit TraceCollector(TraceCollectorOptions options = {});
  TraceCollector(TraceCollector&&) = default;
  TraceCollector& operator=(TraceCollector&&) = default;

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;

  // Adds other's traces into this one; other is left empty. Same options on both.
  void merge(TraceCollector& other);

  // Every trace seen, by start, then trace id.
  std::vector<const TraceSummary*> summaries() const;
  // The traces whose records were kept, by start, then trace id.
  std::vector<const TraceSummary*> kept() const;
  const TraceSummary* find(std::string_view trace_id) const;
  // The kept records of `trace_id` (empty lists when none were kept).
  TraceRecords records(std::string_view trace_id) const;

  size_t trace_count() const { return traces_.size(); }

 private:
  struct Trace {
    TraceSummary summary;
    bool root_has_no_parent = false;  // the summary's root is a span without a parent
    bool kept = false;
    bool timed = false;  // start_ns and end_ns hold a time
    std::vector<KeptSpan> spans;
    std::vector<KeptLog> logs;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Trace& trace_of(std::string_view trace_id);
  bool keeps(std::string_view trace_id) const;
  static void offer_root(Trace& trace, bool no_parent, int64_t start_ns, std::string_view span_id,
                         std::string_view name);
  static void widen(Trace& trace, int64_t start_ns, int64_t end_ns);
  Attr copy_attr(const Attr& attr);

  TraceCollectorOptions options_;
  StringArena arena_;
  std::unordered_map<std::string, Trace, KeyHash, std::equal_to<>> traces_;
};

// Whether `prefix` starts `id`, ASCII case ignored.
bool trace_id_has_prefix(std::string_view id, std::string_view prefix);

}  // namespace trace
