#include "analyzers/latency_histogram.h"

#include <algorithm>
#include <limits>

namespace trace {

namespace {

constexpr std::array<int64_t, kHistogramBuckets + 1> make_bounds() {
  std::array<int64_t, kHistogramBuckets + 1> bounds{};
  bounds[0] = 0;
  bounds[1] = 2;
  bounds[2] = 5;
  size_t at = 3;
  int64_t decade = 10;
  for (int d = 1; d <= 18; ++d) {
    bounds[at++] = decade;
    bounds[at++] = 2 * decade;
    bounds[at++] = 5 * decade;
    if (d < 18) decade *= 10;
  }
  bounds[at] = std::numeric_limits<int64_t>::max();
  return bounds;
}

constexpr std::array<int64_t, kHistogramBuckets + 1> kBounds = make_bounds();
static_assert(kBounds[kHistogramBuckets - 1] == 5'000'000'000'000'000'000);

}  // namespace

const std::array<int64_t, kHistogramBuckets + 1>& histogram_bounds() { return kBounds; }

size_t histogram_bucket(int64_t duration_ns) {
  // The last bound is INT64_MAX, never reached by upper_bound's answer minus one.
  auto it = std::upper_bound(kBounds.begin() + 1, kBounds.end() - 1, duration_ns);
  return static_cast<size_t>(it - kBounds.begin()) - 1;
}

LatencyHistogram::LatencyHistogram(GroupKeySpec group_by) : key_builder_(std::move(group_by)) {}

Flow LatencyHistogram::on_span(const Span& span) {
  // The same spans as LatencyStats counts.
  if (span.flags & (kSpanInstant | kSpanIncomplete)) return Flow::kContinue;
  if (!span.has_duration()) return Flow::kContinue;
  std::string_view key = key_builder_.key(span);
  auto found = groups_.find(key);
  if (found == groups_.end()) {
    if (groups_.size() >= kMaxHistogramGroups) {
      ++uncounted_;
      return Flow::kContinue;
    }
    found = groups_.emplace(std::string(key), Counts{}).first;
  }
  ++found->second[histogram_bucket(span.duration_ns)];
  return Flow::kContinue;
}

void LatencyHistogram::merge(LatencyHistogram& other) {
  for (auto& [key, counts] : other.groups_) {
    auto found = groups_.find(key);
    if (found == groups_.end()) {
      if (groups_.size() >= kMaxHistogramGroups) {
        for (uint64_t c : counts) uncounted_ += c;
        continue;
      }
      groups_.emplace(key, counts);
      continue;
    }
    for (size_t i = 0; i < kHistogramBuckets; ++i) found->second[i] += counts[i];
  }
  uncounted_ += other.uncounted_;
  other.groups_.clear();
  other.uncounted_ = 0;
  by_parts_.clear();
  other.by_parts_.clear();
}

output::Histogram LatencyHistogram::histogram(const std::vector<std::string_view>& parts) const {
  if (by_parts_.empty() && !groups_.empty()) {
    size_t part_count = key_builder_.spec().parts.size();
    for (const auto& [key, counts] : groups_) {
      std::vector<std::string_view> split;
      split_group_key(key, part_count, split);
      by_parts_.emplace(std::move(split), &counts);
    }
  }
  output::Histogram h;
  h.bounds.assign(kBounds.begin(), kBounds.end());
  h.counts.assign(kHistogramBuckets, 0);
  if (auto found = by_parts_.find(parts); found != by_parts_.end())
    h.counts.assign(found->second->begin(), found->second->end());
  return h;
}

}  // namespace trace
