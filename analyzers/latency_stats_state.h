// The mergeable state of `trace stats` (LatencyStats) as a partial result, and back:
// what `trace stats --partial` writes and `trace merge` reads (partial_document.h has
// the envelope; trace-merge(1) documents every key).
//
//   "options": {"group_by": ["service", "attr.KEY"], "approx": false}
//   "state": {"approximate": false, "capped": false, "incomplete": N, "instant": N,
//             "without_duration": N,
//             "groups": [{"key": [PART...], "count": N, "errors": N, "min": NS,
//                         "max": NS, "total": NS, "durations": [D...]}, ...]}
//
// Groups are written in key order. An exact group carries all its durations, sorted and
// delta-encoded: the smallest, then each one minus the one before (never negative).
// Sorted latencies differ little from one to the next, so this writes less than half the
// digits of the plain values (3.8 instead of 8.5 per duration on bench/gen_trace.cpp's
// output), and the reader checks count, min, max and total against them. An approximate
// group carries "sketch": {"zeros": N, "first_bin": I, "bins": [N...]} instead: the
// DurationSketch's counts of 0 ns and of bins first_bin, first_bin + 1, ...
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "analyzers/latency_stats.h"
#include "analyzers/partial_document.h"

namespace trace {

class LatencyStatsState {
 public:
  // The whole partial document of a stats run. Sorts the kept durations of `stats`.
  static std::string partial(LatencyStats& stats, bool approx, const formats::ReadReport& read,
                             std::string_view writer);

  // Appends the "state" object of `stats` (sorting its kept durations).
  static void write(LatencyStats& stats, std::string& out);
  // Reads a "state" object into `into`, which must be empty and group as the partial's
  // options say. Durations count against the budget of `into` as they are read.
  static void read(PartialCursor& cursor, od::object state, LatencyStats& into);
};

// The stats partials of one merge, added one by one (after PartialMerge checked them).
class LatencyStatsPartials {
 public:
  // For partials made as `first` was; percentiles kept exact up to `exact_memory` bytes
  // of durations (--exact-memory of trace merge), as a single run would.
  LatencyStatsPartials(const PartialHeader& first, uint64_t exact_memory, size_t max_groups = kMaxStatsGroups);

  void add(PartialCursor& cursor, od::object state);
  LatencyStats& stats() { return stats_; }

 private:
  GroupKeySpec spec_;
  std::shared_ptr<ExactBudget> budget_;
  size_t max_groups_;
  LatencyStats stats_;
};

}  // namespace trace
