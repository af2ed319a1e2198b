#include "analyzers/duration_sketch.h"

#include <algorithm>
#include <cmath>

namespace trace {

namespace {

const double kGamma = (1 + DurationSketch::kRelativeAccuracy) / (1 - DurationSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

}  // namespace

int32_t DurationSketch::bin_of(int64_t ns) {
  return static_cast<int32_t>(std::ceil(std::log(static_cast<double>(ns)) / kLogGamma));
}

double DurationSketch::value_of(int32_t bin) { return 2 * std::pow(kGamma, bin) / (kGamma + 1); }

void DurationSketch::grow_to(int32_t bin) {
  if (bins_.empty()) {
    first_bin_ = bin;
    bins_.assign(1, 0);
    return;
  }
  if (bin < first_bin_) {
    bins_.insert(bins_.begin(), static_cast<size_t>(first_bin_ - bin), 0);
    first_bin_ = bin;
  } else if (bin >= first_bin_ + static_cast<int32_t>(bins_.size())) {
    bins_.resize(static_cast<size_t>(bin - first_bin_) + 1, 0);
  }
}

void DurationSketch::add(int64_t ns) {
  ++count_;
  if (ns <= 0) {
    ++zeros_;
    return;
  }
  int32_t bin = bin_of(ns);
  grow_to(bin);
  ++bins_[static_cast<size_t>(bin - first_bin_)];
}

void DurationSketch::add(std::span<const int64_t> values) {
  for (int64_t ns : values) add(ns);
}

void DurationSketch::merge(const DurationSketch& other) {
  count_ += other.count_;
  zeros_ += other.zeros_;
  if (other.bins_.empty()) return;
  grow_to(other.first_bin_);
  grow_to(other.first_bin_ + static_cast<int32_t>(other.bins_.size()) - 1);
  size_t offset = static_cast<size_t>(other.first_bin_ - first_bin_);
  for (size_t k = 0; k < other.bins_.size(); ++k) bins_[offset + k] += other.bins_[k];
}

int64_t DurationSketch::quantile(double p, int64_t min, int64_t max) const {
  p = std::clamp(p, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::floor(static_cast<double>(count_ - 1) * p));
  if (rank < zeros_) return min;
  uint64_t seen = zeros_;
  for (size_t k = 0; k < bins_.size(); ++k) {
    seen += bins_[k];
    if (seen > rank) {
      auto value = static_cast<int64_t>(std::llround(value_of(first_bin_ + static_cast<int32_t>(k))));
      return std::clamp(value, min, max);
    }
  }
  return max;
}

}  // namespace trace
