#include "analyzers/percentiles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace trace {

namespace {

// Places order statistics into `values` in ascending rank order. After select(k),
// values[k] holds the k-th smallest value and everything after k is not smaller, so the
// next selection only needs to look at (last, n): that is the progressive part.
class ProgressiveSelect {
 public:
  explicit ProgressiveSelect(std::span<int64_t> values) : values_(values) {}

  // Ranks must be asked in non-decreasing order (k of one percentile, then k + 1,
  // then the next percentile's k ...).
  int64_t at(size_t k) {
    if (!any_ || k > last_) {
      size_t first = any_ ? last_ + 1 : 0;
      std::nth_element(values_.begin() + first, values_.begin() + k, values_.end());
      last_ = k;
      any_ = true;
    }
    return values_[k];
  }

 private:
  std::span<int64_t> values_;
  size_t last_ = 0;
  bool any_ = false;
};

int64_t interpolate(ProgressiveSelect& select, size_t n, double p) {
  if (!(p > 0)) p = 0;  // also maps NaN to 0
  if (p > 1) p = 1;
  double h = static_cast<double>(n - 1) * p;
  double floor_h = std::floor(h);
  auto k = static_cast<size_t>(floor_h);
  int64_t lo = select.at(k);
  double frac = h - floor_h;
  if (frac == 0 || k + 1 >= n) return lo;
  int64_t hi = select.at(k + 1);
  // hi >= lo, and their distance always fits in uint64 even when the int64 difference
  // would not.
  uint64_t gap = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  // std::round is half away from zero; the offset is never negative, so halves go up.
  double offset = std::round(frac * static_cast<double>(gap));
  uint64_t step = offset >= static_cast<double>(gap) ? gap : static_cast<uint64_t>(offset);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + step);
}

}  // namespace

int64_t percentile(std::span<int64_t> values, double p) {
  ProgressiveSelect select(values);
  return interpolate(select, values.size(), p);
}

void percentiles(std::span<int64_t> values, std::span<const double> ps, std::span<int64_t> out) {
  std::vector<size_t> order(ps.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // NaN sorts first, matching interpolate()'s reading of it as 0.
  auto key = [&](size_t i) { return std::isnan(ps[i]) ? -1.0 : ps[i]; };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  ProgressiveSelect select(values);
  for (size_t i : order) out[i] = interpolate(select, values.size(), ps[i]);
}

}  // namespace trace
