// Exact percentiles: the one definition every subcommand uses.
//
// Definition (Hyndman & Fan type 7, the default of R and NumPy): for the values sorted
// as x[0..n-1] and p in [0, 1], let h = (n - 1) * p; then
//   q(p) = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h])
// rounded to the nearest integer nanosecond (halves up). So p = 0 is the
// minimum, p = 1 the maximum, and the median of an even count is the mean of the two
// middle values. The answer depends only on the multiset of values, never on their
// order, which is what makes merged results identical to single-pass ones.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace trace {

// The definition above in words, for output metadata (JSON "percentile_method").
inline constexpr std::string_view kPercentileMethod =
    "exact; linear interpolation between closest ranks (R-7, NumPy default), "
    "rounded to the nearest ns";

// The same for percentiles read from a DurationSketch (--approx, or past the exact budget).
inline constexpr std::string_view kSketchPercentileMethod =
    "approximate; log-bucket sketch (DDSketch), within 1% relative error of the exact value at rank "
    "floor((n - 1) * p)";

// q(p) of `values`, which must be non-empty. May reorder `values` (a selection, no
// full sort). p is clamped to [0, 1].
int64_t percentile(std::span<int64_t> values, double p);

// q(ps[i]) into out[i] for each i, the ranks of all of them selected together, so asking
// for p50, p90, p95 and p99 costs little more than asking for one. ps may be in any
// order; `values` must be non-empty and out.size() == ps.size(). May reorder `values`.
void percentiles(std::span<int64_t> values, std::span<const double> ps, std::span<int64_t> out);

}  // namespace trace
