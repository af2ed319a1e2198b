// What `trace info` tells about each input: record counts, time range, distinct services
// and names. Mergeable like every analyzer.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "src/record_sink.h"

namespace trace {

// Distinct values are counted exactly up to this many per file, then reported as "at least".
inline constexpr size_t kMaxDistinctTracked = 10000;

struct FileInfo {
  uint64_t spans = 0;
  uint64_t logs = 0;
  uint64_t error_spans = 0;
  uint64_t error_logs = 0;
  int64_t first_ns = std::numeric_limits<int64_t>::max();  // earliest start or log time
  int64_t last_ns = std::numeric_limits<int64_t>::min();   // latest end or log time
  bool relative_clock = false;                            // some times have no epoch origin
  std::set<std::string, std::less<>> services;
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> traces;
  bool services_capped = false, names_capped = false, traces_capped = false;

  bool has_time() const { return first_ns <= last_ns; }
  void merge(const FileInfo& other);
};

class InputInfo : public RecordSink {
 public:
  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;
  void merge(InputInfo& other);

  // Per input, by file index.
  const std::map<uint32_t, FileInfo>& files() const { return files_; }

 private:
  std::map<uint32_t, FileInfo> files_;
};

}  // namespace trace
