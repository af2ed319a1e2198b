// Latency statistics per group of spans (`trace stats`): count, errors, error rate,
// min, mean, p50, p90, p95, p99, max and total time, exact.
//
// Exactness is what makes merging safe: every state component is an integer (counts,
// nanosecond sums, min, max) or a multiset (all durations of a group, 8 bytes each), so
// merging any split of the input over threads, chunks, files or machines, in any order,
// gives the same table, byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/group_key.h"
#include "src/output/table.h"
#include "src/record_sink.h"

namespace trace {

// Numeric keys sort descending (the largest first), name ascending; ties always break
// by the group's key parts, ascending, so the order is total and deterministic.
enum class StatsSortKey : uint8_t {
  kCount, kErrors, kErrorRate, kMin, kMean, kP50, kP90, kP95, kP99, kMax, kTotal, kName,
};

// "count", "errors", "error_rate", "min", "mean", "p50", "p90", "p95", "p99", "max",
// "total", "name". Throws UsageError naming the bad key and the accepted ones.
StatsSortKey parse_stats_sort_key(std::string_view text);

struct LatencyStatsOptions {
  StatsSortKey sort = StatsSortKey::kTotal;  // where the time goes, first
  size_t top = 0;                            // keep the first N rows; 0 = all
};

class LatencyStats : public RecordSink {
 public:
  explicit LatencyStats(GroupKeySpec group_by = GroupKeySpec::by_name());

  // Counts a span with a known duration under its group. Not in the statistics, only
  // counted: instant markers (kSpanInstant), spans that never ended (kSpanIncomplete;
  // their length is unknown, not short) and spans without a duration.
  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's state into this one; other is left empty. Both must group by the same
  // spec. Moves other's duration lists where this has no such group, so merging per-
  // thread results copies little.
  void merge(LatencyStats& other);

  // The table: key columns (one per group-by part), count, errors, error_rate, min_ns,
  // mean_ns (rounded to the nearest ns), p50_ns, p90_ns, p95_ns, p99_ns, max_ns,
  // total_ns; sorted and cut to --top. Fills meta.percentile_method and notes (what was
  // left out); the caller fills the rest of meta. Reorders the kept durations.
  output::Table finish(const LatencyStatsOptions& options);

  size_t group_count() const { return groups_.size(); }
  uint64_t incomplete() const { return incomplete_; }
  uint64_t instant() const { return instant_; }
  uint64_t without_duration() const { return without_duration_; }

 private:
  struct Group {
    uint64_t errors = 0;
    int64_t min = 0;
    int64_t max = 0;
    // Saturates at INT64_MAX (292 years): durations are never negative, so saturating
    // addition stays associative and commutative.
    int64_t total = 0;
    std::vector<int64_t> durations;  // all of them, for exact percentiles; never empty
  };

  // Heterogeneous lookup: find() by the builder's string_view, no temporary string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  static void add_into(Group& into, Group& from);

  GroupKeyBuilder key_builder_;
  std::unordered_map<std::string, Group, KeyHash, std::equal_to<>> groups_;
  uint64_t incomplete_ = 0;
  uint64_t instant_ = 0;
  uint64_t without_duration_ = 0;
};

static_assert(MergeableSink<LatencyStats>);

}  // namespace trace
