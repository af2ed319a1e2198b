// A mergeable relative-error sketch of durations (DDSketch, Masson et al., VLDB 2019):
// the approximate percentiles of `trace stats --approx`, in bounded memory.
//
// Durations fall into logarithmic bins: bin i holds (γ^(i-1), γ^i] ns with
// γ = (1 + α) / (1 - α), α = 0.01, and is represented by 2γ^i / (γ + 1), which is within
// α of every value in the bin. So a percentile is within 1% of the exact value at the same
// rank. The state is integer counts per bin, so merging is exact, associative and
// commutative: any split of the input gives the same sketch, bin for bin. Durations from
// 1 ns to 292 years need at most ~2200 bins (17 KiB), whatever the count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace trace {

class DurationSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.01;

  void add(int64_t ns);
  void add(std::span<const int64_t> values);
  void merge(const DurationSketch& other);

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }

  // The value at rank h = (count - 1) * p (the lower closest rank of the R-7 definition),
  // as its bin's representative, clamped to [min, max] given by the caller (kept exactly
  // beside the sketch). Requires count() > 0.
  int64_t quantile(double p, int64_t min, int64_t max) const;

  // Bin index of a positive duration, and the representative value of a bin (public
  // for tests).
  static int32_t bin_of(int64_t ns);
  static double value_of(int32_t bin);

  size_t memory_bytes() const { return bins_.capacity() * sizeof(uint64_t); }

 private:
  friend class LatencyStatsState;  // partial results write and read the bins

  void grow_to(int32_t bin);

  uint64_t zeros_ = 0;          // durations of 0 ns (log has no bin for them)
  std::vector<uint64_t> bins_;  // bins_[k] counts bin first_bin_ + k
  int32_t first_bin_ = 0;
  uint64_t count_ = 0;
};

}  // namespace trace
