#include "analyzers/percentiles.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace trace {

namespace {

// Below this many values, selection works on the values themselves; above, a histogram
// first narrows each wanted rank down to the few values that can hold it.
constexpr size_t kHistogramFrom = size_t(1) << 16;
constexpr int kBucketBits = 16;

// values[ranks[i]] of the sorted values into out[i], by progressive selection: after
// nth_element at k, everything after k is not smaller, so the next rank only needs to
// look at what lies past k. Ranks must ascend.
void select_by_partition(std::span<int64_t> values, std::span<const size_t> ranks, std::span<int64_t> out) {
  size_t first = 0;
  for (size_t i = 0; i < ranks.size(); ++i) {
    size_t k = ranks[i];
    if (k >= first) {
      std::nth_element(values.begin() + first, values.begin() + k, values.end());
      first = k + 1;
    }
    out[i] = values[k];
  }
}

// The same answers. nth_element's partitions branch on every comparison, unpredictably:
// at a million values and more they made the percentiles of `trace stats` a twentieth of
// its run, all of it after the workers were done. Here the values are counted into 2^16
// buckets of equal width between their minimum and maximum (a predictable pass), each
// rank located in its bucket, and only the values of those few buckets gathered and
// selected among, by the same means: each round narrows the range by 2^16, so four
// rounds at most reach buckets of single values.
void select_ranks(std::span<int64_t> values, std::span<const size_t> ranks, std::span<int64_t> out) {
  const size_t n = values.size();
  if (n < kHistogramFrom) return select_by_partition(values, ranks, out);
  auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const int64_t min = *min_it;
  const uint64_t range = static_cast<uint64_t>(*max_it) - static_cast<uint64_t>(min);
  if (range == 0) return std::fill(out.begin(), out.end(), min);
  const int shift = std::max(0, static_cast<int>(std::bit_width(range)) - kBucketBits);
  auto bucket_of = [&](int64_t v) { return (static_cast<uint64_t>(v) - static_cast<uint64_t>(min)) >> shift; };
  std::vector<size_t> counts((range >> shift) + 1, 0);
  for (int64_t v : values) ++counts[bucket_of(v)];

  // Each rank's bucket, and how many values lie in buckets below it.
  struct Located {
    uint64_t bucket;
    size_t below;
  };
  std::vector<Located> located(ranks.size());
  uint64_t bucket = 0;
  size_t below = 0;
  for (size_t i = 0; i < ranks.size(); ++i) {
    while (below + counts[bucket] <= ranks[i]) below += counts[bucket++];
    located[i] = {bucket, below};
  }
  // The wanted buckets, each once (ranks ascend, so do their buckets).
  std::vector<uint64_t> wanted;
  size_t gathered_total = 0;
  for (const Located& at : located)
    if (wanted.empty() || wanted.back() != at.bucket) {
      wanted.push_back(at.bucket);
      gathered_total += counts[at.bucket];
    }
  // Values crowded into a few buckets (a lone far outlier stretches the range): copying
  // them would cost memory for no gain.
  if (gathered_total > n / 4) return select_by_partition(values, ranks, out);

  constexpr uint8_t kUnwanted = 0xFF;  // at most 2 ranks per percentile: far fewer buckets
  std::vector<uint8_t> slot_of(counts.size(), kUnwanted);
  std::vector<std::vector<int64_t>> gathered(wanted.size());
  for (size_t s = 0; s < wanted.size(); ++s) {
    slot_of[wanted[s]] = static_cast<uint8_t>(s);
    gathered[s].reserve(counts[wanted[s]]);
  }
  for (int64_t v : values)
    if (uint8_t s = slot_of[bucket_of(v)]; s != kUnwanted) gathered[s].push_back(v);

  std::vector<size_t> inner_ranks;
  for (size_t s = 0, i = 0; s < wanted.size(); ++s) {
    size_t first = i;
    inner_ranks.clear();
    for (; i < ranks.size() && located[i].bucket == wanted[s]; ++i) inner_ranks.push_back(ranks[i] - located[i].below);
    select_ranks(gathered[s], inner_ranks, out.subspan(first, inner_ranks.size()));
  }
}

// What a percentile reads: the value at rank k, and the next one `fraction` of the way.
struct RankAt {
  size_t k;
  double fraction;
};

RankAt rank_at(size_t n, double p) {
  if (!(p > 0)) p = 0;  // also maps NaN to 0
  if (p > 1) p = 1;
  double h = static_cast<double>(n - 1) * p;
  double floor_h = std::floor(h);
  auto k = static_cast<size_t>(floor_h);
  double fraction = h - floor_h;
  if (k + 1 >= n) fraction = 0;
  return {k, fraction};
}

int64_t interpolate(int64_t lo, int64_t hi, double fraction) {
  // hi >= lo, and their distance always fits in uint64 even when the int64 difference
  // would not.
  uint64_t gap = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  // std::round is half away from zero; the offset is never negative, so halves go up.
  double offset = std::round(fraction * static_cast<double>(gap));
  uint64_t step = offset >= static_cast<double>(gap) ? gap : static_cast<uint64_t>(offset);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + step);
}

}  // namespace

int64_t percentile(std::span<int64_t> values, double p) {
  int64_t out = 0;
  percentiles(values, std::span(&p, 1), std::span(&out, 1));
  return out;
}

void percentiles(std::span<int64_t> values, std::span<const double> ps, std::span<int64_t> out) {
  const size_t n = values.size();
  std::vector<RankAt> at(ps.size());
  std::vector<size_t> ranks;
  for (size_t i = 0; i < ps.size(); ++i) {
    at[i] = rank_at(n, ps[i]);
    ranks.push_back(at[i].k);
    if (at[i].fraction != 0) ranks.push_back(at[i].k + 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  std::vector<int64_t> selected(ranks.size());
  select_ranks(values, ranks, selected);
  auto value_at = [&](size_t k) { return selected[std::lower_bound(ranks.begin(), ranks.end(), k) - ranks.begin()]; };
  for (size_t i = 0; i < ps.size(); ++i) {
    int64_t lo = value_at(at[i].k);
    out[i] = at[i].fraction == 0 ? lo : interpolate(lo, value_at(at[i].k + 1), at[i].fraction);
  }
}

}  // namespace trace
