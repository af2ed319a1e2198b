// Latency statistics per group of spans (`trace stats`): count, errors, error rate,
// min, mean, p50, p90, p95, p99, max and total time, exact.
//
// Exactness is what makes merging safe: every state component is an integer (counts,
// nanosecond sums, min, max) or a multiset (all durations of a group, 8 bytes each), so
// merging any split of the input over threads, chunks, files or machines, in any order,
// gives the same table, byte for byte.
//
// Past a memory budget for kept durations (or from the start with --approx) every group
// keeps a DurationSketch instead: percentiles within 1% (relative), everything else still
// exact. The switch depends only on the total number of durations, never on how the input
// was split, and a sketch's bins are integer counts, so approximate tables are identical
// for any split too.
//
// One limit: past kMaxStatsGroups distinct groups (a span name holding an id, a
// --group-by attribute with a value per request), spans of new groups count under one
// "(other)" group and a note says so. Up to the limit the table is the same for any
// split; past it, which groups were kept depends on the input order and on how the
// input was split (threads, files, partial results), so only then may the rows differ.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/duration_sketch.h"
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

// How many durations the workers of one run may keep exactly, shared by all of them.
struct ExactBudget {
  static constexpr uint64_t kDefaultBytes = uint64_t(256) << 20;

  explicit ExactBudget(uint64_t bytes = kDefaultBytes, bool approx_from_start = false)
      : limit_values(bytes / sizeof(int64_t)), approx_from_start(approx_from_start) {}

  const uint64_t limit_values;
  const bool approx_from_start;  // --approx
  std::atomic<uint64_t> kept{0};  // published by workers in batches
};

// Distinct groups kept; spans of further groups count under "(other)". A million groups
// of exact durations is well within the default memory budget; more is rarely a grouping
// anyone can read.
inline constexpr size_t kMaxStatsGroups = 1'000'000;

// The group spans of new groups fall under past the limit; every key part reads so.
inline constexpr std::string_view kOtherGroupValue = "(other)";

struct LatencyStatsOptions {
  StatsSortKey sort = StatsSortKey::kTotal;  // where the time goes, first
  size_t top = 0;                            // keep the first N rows; 0 = all
};

class LatencyStats : public RecordSink {
 public:
  // Without a budget every duration is kept (exact, whatever the memory).
  // `max_groups` is kMaxStatsGroups but for tests.
  explicit LatencyStats(GroupKeySpec group_by = GroupKeySpec::by_name(), std::shared_ptr<ExactBudget> budget = nullptr,
                        size_t max_groups = kMaxStatsGroups);

  // Counts a span with a known duration under its group. Not in the statistics, only
  // counted: instant markers (kSpanInstant), spans that never ended (kSpanIncomplete;
  // their length is unknown, not short) and spans without a duration.
  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }
  // Spans' names, services, durations and statuses; attributes only for a group key
  // made of them (model, attr:KEY).
  RecordNeeds needs() const override;

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
  bool capped() const { return capped_; }
  bool approximate() const { return approximate_; }
  uint64_t incomplete() const { return incomplete_; }
  uint64_t instant() const { return instant_; }
  uint64_t without_duration() const { return without_duration_; }

 private:
  struct Group {
    uint64_t count = 0;
    uint64_t errors = 0;
    int64_t min = 0;
    int64_t max = 0;
    // Saturates at INT64_MAX (292 years): durations are never negative, so saturating
    // addition stays associative and commutative.
    int64_t total = 0;
    std::vector<int64_t> durations;  // all of them, for exact percentiles (exact mode)
    DurationSketch sketch;           // approximate mode
  };

  // Heterogeneous lookup: find() by the builder's string_view, no temporary string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Partial results (latency_stats_state.h) read and write the state below.
  friend class LatencyStatsState;

  using Groups = std::unordered_map<std::string, Group, KeyHash, std::equal_to<>>;

  // Spans fall in a few groups, over and over: the groups last found under each small
  // hash of their key (two per hash) are checked before the map, whose hashing and
  // bucket walk cost more than all the rest of counting a span. Keys view the map's own
  // (stable) nodes.
  struct RecentGroup {
    std::string_view key;
    Group* group = nullptr;
  };
  static constexpr int kRecentSetBits = 5;
  // Never carried over: a copy or a move starts empty, and a move empties its source
  // too, as the nodes its entries view are no longer the source's.
  struct RecentGroups {
    std::array<RecentGroup, 2 << kRecentSetBits> sets{};
    RecentGroups() = default;
    RecentGroups(const RecentGroups&) {}
    RecentGroups(RecentGroups&& other) noexcept { other.sets = {}; }
    RecentGroups& operator=(const RecentGroups&) {
      sets = {};
      return *this;
    }
    RecentGroups& operator=(RecentGroups&& other) noexcept {
      sets = {};
      other.sets = {};
      return *this;
    }
  };
  static size_t recent_set(std::string_view key) {
    if (key.empty()) return 0;
    uint32_t h = static_cast<uint32_t>(key.size());
    for (char c : {key.front(), key[key.size() / 2], key.back()}) h = h * 31 + static_cast<uint8_t>(c);
    return (h * 0x9E3779B1u) >> (32 - kRecentSetBits);
  }
  Group& find_group(std::string_view key);

  static void add_into(Group& into, Group& from);
  // Groups but "(other)": the limit counts these.
  size_t own_groups() const;
  Groups::value_type& group_for_new_key(std::string_view key);
  void publish_kept();
  void switch_to_sketches();

  GroupKeyBuilder key_builder_;
  Groups groups_;
  RecentGroups recent_;  // emptied when groups_ loses nodes
  uint64_t incomplete_ = 0;
  uint64_t instant_ = 0;
  uint64_t without_duration_ = 0;
  size_t max_groups_;
  std::string other_key_;  // the key of "(other)" for this spec
  bool capped_ = false;
  std::shared_ptr<ExactBudget> budget_;
  bool approximate_ = false;
  uint64_t unpublished_ = 0;  // durations kept since the last report to budget_
};

static_assert(MergeableSink<LatencyStats>);

}  // namespace trace
