// The aggregate picture of many inputs in one pass (`trace summary`): per file and in
// total, records, spans, logs, errors, time range, throughput and levels; the top
// services, loggers, span names by total time and error messages (grouped by template,
// message_template.h); and, with --group-by / --every, the same counts per group or
// time bucket.
//
// One record, one count: a JSON-lines log line that carries a duration reaches sinks
// twice, as a log record and then as a span built from it (trace-formats(5)). Such a
// span counts in `spans` and its time in the span names and groups, but the line counts
// once in records, errors, services, loggers and groups: as its log record.
//
// Every count is an integer and every choice (the example kept for an error template:
// the earliest, ties by text) depends only on the multiset of records, so merging any
// split of the input in any order gives the same report, as long as no limit below is
// reached. Past a limit, new values count under "(other)" and a note says so; which
// values were kept then depends on the input order.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "analyzers/record_key.h"
#include "src/output/report.h"
#include "src/record_sink.h"

namespace trace {

inline constexpr size_t kMaxSummaryNames = 10000;      // distinct services, loggers, span names, each
inline constexpr size_t kMaxErrorTemplates = 10000;    // distinct error templates
inline constexpr size_t kMaxSummaryGroups = 100000;    // distinct --group-by / --every groups
inline constexpr std::string_view kOtherValue = kOtherKeyValue;

struct SummaryOptions {
  RecordKeySpec group_by;  // empty: no groups section
  size_t top = 10;         // rows of each top-N section; 0 = all
};

// What the reader knows about an input, for the per-file section.
struct InputFacts {
  std::string name;
  std::string format;
  uint64_t bytes = 0;
  uint64_t skipped = 0;  // malformed records skipped under --lenient: the file was read in part
};

class RunSummary : public RecordSink {
 public:
  explicit RunSummary(SummaryOptions options = {});

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;

  // Adds other's state into this one and leaves other empty.
  void merge(RunSummary& other);

  // Sections: files, levels, services, loggers, span_names, errors and, when grouping,
  // groups (see trace-summary(1) for their columns). Fills meta.notes and meta.records
  // (records counted once); the caller fills the rest of meta.
  output::Report finish(std::span<const InputFacts> inputs);

  // The heterogeneous-lookup hash for the maps (find by string_view, no copy).
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using Map = std::unordered_map<std::string, V, KeyHash, std::equal_to<>>;

  struct Counts {
    uint64_t records = 0, spans = 0, logs = 0, errors = 0;
    void add(const Counts& o);
  };
  struct FileStats {
    Counts counts;
    std::array<uint64_t, 7> levels{};  // unknown, trace, debug, info, warn, error, fatal
    int64_t first_ns = std::numeric_limits<int64_t>::max();
    int64_t last_ns = std::numeric_limits<int64_t>::min();
    bool relative = false;
    uint64_t log_line_spans = 0;
    void add(const FileStats& o);
  };
  struct LoggerStats {
    uint64_t logs = 0, warnings = 0, errors = 0;
  };
  struct NameStats {
    uint64_t spans = 0, errors = 0, timed = 0;
    int64_t total_ns = 0, max_ns = 0;
  };
  struct ErrorStats {
    uint64_t count = 0;
    int64_t first_ns = std::numeric_limits<int64_t>::max();
    int64_t last_ns = std::numeric_limits<int64_t>::min();
    int64_t example_ns = std::numeric_limits<int64_t>::max();  // max = time unknown
    std::string example;
  };
  struct GroupStats {
    Counts counts;
    int64_t span_time_ns = 0;
  };

 private:
  friend class RunSummaryState;  // partial results write and read the state below

  // The log record just seen, so that the span a JSON-lines loader builds from the same
  // line is recognised (same file, offset and attribute storage) and counted once.
  struct LastLog {
    bool valid = false;
    uint32_t file_index = 0;
    uint64_t offset = 0;
    const Attr* fields = nullptr;
    size_t field_count = 0;
    bool error = false;
    Counts* service = nullptr;
    GroupStats* group = nullptr;
  };

  FileStats& file(uint32_t index);
  Counts& service(std::string_view name);
  GroupStats* group_of(std::string_view key);
  void add_error(std::string_view text, int64_t time_ns, bool has_time);
  std::string_view span_error_text(const Span& span);

  SummaryOptions options_;
  RecordKeyBuilder key_builder_;
  std::vector<FileStats> files_;
  Map<Counts> services_;
  Map<LoggerStats> loggers_;
  Map<NameStats> names_;
  Map<ErrorStats> errors_;
  Map<GroupStats> groups_;
  bool services_capped_ = false, loggers_capped_ = false, names_capped_ = false, errors_capped_ = false,
       groups_capped_ = false;
  LastLog last_log_;
  // One-entry caches: consecutive records mostly share a service and logger.
  std::string_view cached_service_key_;
  Counts* cached_service_ = nullptr;
  std::string_view cached_logger_key_;
  LoggerStats* cached_logger_ = nullptr;
  std::string template_;  // scratch
  std::string scratch_;
};

static_assert(MergeableSink<RunSummary>);

}  // namespace trace
