#include "analyzers/latency_stats.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "analyzers/percentiles.h"
#include "src/output/units.h"
#include "src/errors.h"

namespace trace {

namespace {

struct SortKeyName {
  std::string_view text;
  StatsSortKey key;
};

constexpr SortKeyName kSortKeys[] = {
    {"count", StatsSortKey::kCount}, {"errors", StatsSortKey::kErrors},
    {"error_rate", StatsSortKey::kErrorRate}, {"min", StatsSortKey::kMin},
    {"mean", StatsSortKey::kMean}, {"p50", StatsSortKey::kP50},
    {"p90", StatsSortKey::kP90}, {"p95", StatsSortKey::kP95},
    {"p99", StatsSortKey::kP99}, {"max", StatsSortKey::kMax},
    {"total", StatsSortKey::kTotal}, {"name", StatsSortKey::kName},
};

constexpr std::array<double, 4> kPercentiles = {0.50, 0.90, 0.95, 0.99};

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<int64_t>::max();
  return sum;
}

// One group's finished numbers, before they become a row.
struct Summary {
  std::vector<std::string_view> parts;
  uint64_t count = 0;
  uint64_t errors = 0;
  int64_t min = 0, mean = 0, max = 0, total = 0;
  std::array<int64_t, kPercentiles.size()> p{};
};

int64_t sort_value(const Summary& s, StatsSortKey key) {
  switch (key) {
    case StatsSortKey::kCount: return static_cast<int64_t>(s.count);
    case StatsSortKey::kErrors: return static_cast<int64_t>(s.errors);
    case StatsSortKey::kMin: return s.min;
    case StatsSortKey::kMean: return s.mean;
    case StatsSortKey::kP50: return s.p[0];
    case StatsSortKey::kP90: return s.p[1];
    case StatsSortKey::kP95: return s.p[2];
    case StatsSortKey::kP99: return s.p[3];
    case StatsSortKey::kMax: return s.max;
    case StatsSortKey::kTotal: return s.total;
    case StatsSortKey::kErrorRate:
    case StatsSortKey::kName: break;
  }
  return 0;
}

// True when a comes first: the sort key descending (name: ascending), then the key
// parts ascending.
bool comes_first(const Summary& a, const Summary& b, StatsSortKey key) {
  if (key == StatsSortKey::kErrorRate) {
    // Compare errors/count exactly, by cross-multiplying, so equal rates tie.
    auto lhs = static_cast<unsigned __int128>(a.errors) * b.count;
    auto rhs = static_cast<unsigned __int128>(b.errors) * a.count;
    if (lhs != rhs) return lhs > rhs;
  } else if (key != StatsSortKey::kName) {
    int64_t va = sort_value(a, key), vb = sort_value(b, key);
    if (va != vb) return va > vb;
  }
  return a.parts < b.parts;
}

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

StatsSortKey parse_stats_sort_key(std::string_view text) {
  for (const SortKeyName& k : kSortKeys)
    if (k.text == text) return k.key;
  throw UsageError(fmt::format(
      "--sort: unknown key '{}' (expected count, errors, error_rate, min, mean, p50, p90, "
      "p95, p99, max, total or name)",
      text));
}

// Workers tell the shared budget how much they keep every this many durations: often
// enough to switch in time, rarely enough that the shared counter costs nothing.
constexpr uint64_t kPublishEvery = 4096;

LatencyStats::LatencyStats(GroupKeySpec group_by, std::shared_ptr<ExactBudget> budget, size_t max_groups)
    : key_builder_(std::move(group_by)), max_groups_(max_groups), budget_(std::move(budget)) {
  if (budget_ && budget_->approx_from_start) approximate_ = true;
  // "(other)" in every key part, encoded as GroupKeyBuilder encodes keys of several parts
  // (one length byte each), so that the row shows "(other)" in every key column.
  size_t parts = key_builder_.spec().parts.size();
  if (parts <= 1) {
    other_key_ = kOtherGroupValue;
  } else {
    for (size_t i = 0; i < parts; ++i) {
      other_key_ += static_cast<char>(kOtherGroupValue.size());
      other_key_ += kOtherGroupValue;
    }
  }
}

size_t LatencyStats::own_groups() const {
  return groups_.size() - groups_.count(std::string_view(other_key_));
}

LatencyStats::Groups::value_type& LatencyStats::group_for_new_key(std::string_view key) {
  if (own_groups() >= max_groups_) {
    capped_ = true;
    key = other_key_;
    if (auto it = groups_.find(key); it != groups_.end()) return *it;
  }
  return *groups_.emplace(std::string(key), Group{}).first;
}

LatencyStats::Group& LatencyStats::find_group(std::string_view key) {
  RecentGroup* set = &recent_.sets[2 * recent_set(key)];
  if (set[0].group != nullptr && set[0].key == key) return *set[0].group;
  if (set[1].group != nullptr && set[1].key == key) {
    std::swap(set[0], set[1]);  // the most recent first
    return *set[0].group;
  }
  auto it = groups_.find(key);
  Groups::value_type& entry = it != groups_.end() ? *it : group_for_new_key(key);
  // Past the group limit, a new key's spans count under "(other)": not under this key.
  if (entry.first == key) {
    set[1] = set[0];
    set[0] = {entry.first, &entry.second};
  }
  return entry.second;
}

void LatencyStats::publish_kept() {
  uint64_t kept = budget_->kept.fetch_add(unpublished_, std::memory_order_relaxed) + unpublished_;
  unpublished_ = 0;
  if (kept > budget_->limit_values) switch_to_sketches();
}

void LatencyStats::switch_to_sketches() {
  if (approximate_) return;
  approximate_ = true;
  for (auto& [key, group] : groups_) {
    group.sketch.add(group.durations);
    std::vector<int64_t>().swap(group.durations);
  }
}

RecordNeeds LatencyStats::needs() const {
  bool attrs = false;
  for (const GroupKeyPart& part : key_builder_.spec().parts)
    attrs = attrs || part.kind == GroupKeyKind::kModel || part.kind == GroupKeyKind::kAttr;
  RecordNeeds needs = RecordNeeds::nothing();
  needs.attrs = attrs;
  return needs;
}

Flow LatencyStats::on_span(const Span& span) {
  if (span.flags & kSpanInstant) {
    ++instant_;
    return Flow::kContinue;
  }
  if (span.flags & kSpanIncomplete) {
    ++incomplete_;
    return Flow::kContinue;
  }
  if (!span.has_duration()) {
    ++without_duration_;
    return Flow::kContinue;
  }
  Group& g = find_group(key_builder_.key(span));
  if (g.count == 0) {
    g.min = span.duration_ns;
    g.max = span.duration_ns;
  }
  ++g.count;
  if (approximate_) {
    g.sketch.add(span.duration_ns);
  } else {
    g.durations.push_back(span.duration_ns);
    if (budget_ && ++unpublished_ == kPublishEvery) publish_kept();
  }
  g.min = std::min(g.min, span.duration_ns);
  g.max = std::max(g.max, span.duration_ns);
  g.total = saturating_add(g.total, span.duration_ns);
  if (span.is_error()) ++g.errors;
  return Flow::kContinue;
}

void LatencyStats::add_into(Group& into, Group& from) {
  into.count += from.count;
  into.errors += from.errors;
  into.min = std::min(into.min, from.min);
  into.max = std::max(into.max, from.max);
  into.total = saturating_add(into.total, from.total);
  if (into.durations.size() < from.durations.size()) std::swap(into.durations, from.durations);
  into.durations.insert(into.durations.end(), from.durations.begin(), from.durations.end());
  into.sketch.merge(from.sketch);
}

void LatencyStats::merge(LatencyStats& other) {
  if (this == &other) return;
  if (approximate_ || other.approximate_) {
    switch_to_sketches();
    other.switch_to_sketches();
  }
  for (auto from = other.groups_.begin(); from != other.groups_.end();) {
    auto it = groups_.find(std::string_view(from->first));
    if (it != groups_.end()) {
      add_into(it->second, from->second);
      ++from;
    } else if (own_groups() < max_groups_) {
      // A group new to this side moves over whole: key, durations and all.
      groups_.insert(other.groups_.extract(from++));
    } else {
      capped_ = true;
      auto into = groups_.find(std::string_view(other_key_));
      if (into == groups_.end())
        groups_.emplace(other_key_, std::move(from->second));
      else
        add_into(into->second, from->second);
      ++from;
    }
  }
  other.groups_.clear();
  other.recent_.sets = {};
  capped_ = capped_ || std::exchange(other.capped_, false);
  incomplete_ += std::exchange(other.incomplete_, 0);
  instant_ += std::exchange(other.instant_, 0);
  without_duration_ += std::exchange(other.without_duration_, 0);
}

output::Table LatencyStats::finish(const LatencyStatsOptions& options) {
  const GroupKeySpec& spec = key_builder_.spec();
  // Decided on the total alone, so that every split of the input decides alike.
  uint64_t total_count = 0;
  for (const auto& [key, group] : groups_) total_count += group.count;
  bool over_budget = budget_ && total_count > budget_->limit_values;
  if (over_budget) switch_to_sketches();
  std::vector<Summary> summaries;
  summaries.reserve(groups_.size());
  for (auto& [key, group] : groups_) {
    Summary& s = summaries.emplace_back();
    split_group_key(key, spec.parts.size(), s.parts);
    s.count = group.count;
    s.errors = group.errors;
    s.min = group.min;
    s.max = group.max;
    s.total = group.total;
    auto count = static_cast<int64_t>(s.count);
    s.mean = (group.total / count) + ((group.total % count) * 2 >= count ? 1 : 0);
    if (approximate_) {
      for (size_t i = 0; i < kPercentiles.size(); ++i) s.p[i] = group.sketch.quantile(kPercentiles[i], s.min, s.max);
    } else {
      percentiles(group.durations, kPercentiles, s.p);
    }
  }
  std::sort(summaries.begin(), summaries.end(), [&](const Summary& a, const Summary& b) {
    return comes_first(a, b, options.sort);
  });

  output::Table table;
  using output::ColumnKind;
  for (const GroupKeyPart& part : spec.parts)
    table.columns.push_back({part.column_key(), part.column_header(), ColumnKind::kText});
  table.columns.push_back({"count", "count", ColumnKind::kCount});
  table.columns.push_back({"errors", "errors", ColumnKind::kCount});
  table.columns.push_back({"error_rate", "err%", ColumnKind::kRatio, true});
  for (std::string_view name : {"min", "mean", "p50", "p90", "p95", "p99", "max", "total"})
    table.columns.push_back(
        {fmt::format("{}_ns", name), std::string(name), ColumnKind::kDurationNs});

  size_t shown = summaries.size();
  if (options.top > 0 && options.top < shown) shown = options.top;
  table.rows.reserve(shown);
  for (size_t i = 0; i < shown; ++i) {
    const Summary& s = summaries[i];
    output::Row& row = table.rows.emplace_back();
    row.reserve(table.columns.size());
    for (std::string_view part : s.parts) row.emplace_back(std::string(part));
    row.emplace_back(static_cast<int64_t>(s.count));
    row.emplace_back(static_cast<int64_t>(s.errors));
    row.emplace_back(static_cast<double>(s.errors) / static_cast<double>(s.count));
    row.emplace_back(s.min);
    row.emplace_back(s.mean);
    for (int64_t p : s.p) row.emplace_back(p);
    row.emplace_back(s.max);
    row.emplace_back(s.total);
  }

  table.meta.percentile_method = std::string(approximate_ ? kSketchPercentileMethod : kPercentileMethod);
  table.meta.approximate = approximate_;
  if (approximate_) {
    if (budget_ && budget_->approx_from_start)
      table.meta.notes.push_back("percentiles are approximate (within 1%, --approx)");
    else if (over_budget)
      table.meta.notes.push_back(fmt::format(
          "percentiles are approximate (within 1%): {} durations passed the exact budget of {} (--exact-memory)",
          total_count, output::format_bytes(static_cast<int64_t>(budget_->limit_values * sizeof(int64_t)))));
    else
      // Only a merge of partial results gets here: one of them came with sketches.
      table.meta.notes.push_back(
          "percentiles are approximate (within 1%): a partial result merged here had passed the exact budget "
          "(--exact-memory) of the run that made it");
  }
  if (capped_)
    table.meta.notes.push_back(fmt::format("more than {} distinct groups: the rest are counted as \"{}\"", max_groups_,
                                           kOtherGroupValue));
  if (shown < summaries.size())
    table.meta.notes.push_back(fmt::format("showing the top {} of {} groups", shown,
                                           summaries.size()));
  if (incomplete_ > 0)
    table.meta.notes.push_back(
        plural(incomplete_, "incomplete span (never ended) is not in the statistics",
               "incomplete spans (never ended) are not in the statistics"));
  if (without_duration_ > 0)
    table.meta.notes.push_back(
        plural(without_duration_, "span without a duration is not in the statistics",
               "spans without a duration are not in the statistics"));
  return table;
}

}  // namespace trace
