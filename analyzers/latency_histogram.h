// Latency distribution per group of spans, for the report's histograms: counts in
// log-scale buckets whose bounds follow the 1-2-5 series (0, 2 ns, 5 ns, 10 ns, 20 ns,
// 50 ns ... 5e18 ns), three per decade, so a bucket reads as a round range
// ("20 ms to 50 ms") and every duration of int64 has one.
//
// Spans count as in LatencyStats (same group keys, same rule: instants, spans that
// never ended and spans without a duration are left out), so a histogram's total is its
// stats row's count. Counts are integers: merging any split gives the same histograms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <map>
#include <unordered_map>
#include <vector>

#include "analyzers/group_key.h"
#include "src/output/chart_model.h"
#include "src/record_sink.h"

namespace trace {

inline constexpr size_t kHistogramBuckets = 57;
// Past this many groups, spans of new groups are not counted and a note says so.
inline constexpr size_t kMaxHistogramGroups = 20000;

// The bucket of a duration (>= 0): 0 for [0, 2), then [2, 5), [5, 10), [10, 20) ...
size_t histogram_bucket(int64_t duration_ns);
// The bucket bounds, kHistogramBuckets + 1 of them; the last is INT64_MAX.
const std::array<int64_t, kHistogramBuckets + 1>& histogram_bounds();

class LatencyHistogram : public RecordSink {
 public:
  explicit LatencyHistogram(GroupKeySpec group_by = GroupKeySpec::by_name());

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's counts into this one; other is left empty. Same spec on both.
  void merge(LatencyHistogram& other);

  // The histogram of the group whose key parts are `parts` (a stats table row's key
  // cells, in group-by order); all counts zero when the group was never seen.
  output::Histogram histogram(const std::vector<std::string_view>& parts) const;

  size_t group_count() const { return groups_.size(); }
  uint64_t uncounted() const { return uncounted_; }  // spans of groups past the cap

 private:
  using Counts = std::array<uint64_t, kHistogramBuckets>;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  GroupKeyBuilder key_builder_;
  std::unordered_map<std::string, Counts, KeyHash, std::equal_to<>> groups_;
  uint64_t uncounted_ = 0;
  // Key parts -> counts, built on the first lookup (keys are split only then).
  mutable std::map<std::vector<std::string_view>, const Counts*> by_parts_;
};

static_assert(MergeableSink<LatencyHistogram>);

}  // namespace trace
