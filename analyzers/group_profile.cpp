#include "analyzers/group_profile.h"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

namespace trace {

namespace {

size_t column_index(const output::Table& table, std::string_view key) {
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c].key == key) return c;
  throw std::logic_error("group_set_from_table: no column " + std::string(key));
}

int64_t int_cell(const output::Row& row, size_t c) {
  const auto* v = std::get_if<int64_t>(&row[c]);
  return v != nullptr ? *v : 0;
}

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<int64_t>::max();
  return sum;
}

}  // namespace

GroupSet group_set_from_table(const output::Table& table, size_t key_parts) {
  GroupSet set;
  for (size_t c = 0; c < key_parts; ++c) {
    set.key_columns.push_back(table.columns[c].key);
    set.key_headers.push_back(table.columns[c].header);
  }
  size_t count = column_index(table, "count"), errors = column_index(table, "errors");
  size_t min = column_index(table, "min_ns"), mean = column_index(table, "mean_ns");
  size_t p50 = column_index(table, "p50_ns"), p90 = column_index(table, "p90_ns");
  size_t p95 = column_index(table, "p95_ns"), p99 = column_index(table, "p99_ns");
  size_t max = column_index(table, "max_ns"), total = column_index(table, "total_ns");
  for (const output::Row& row : table.rows) {
    GroupStats& g = set.groups.emplace_back();
    for (size_t c = 0; c < key_parts; ++c) {
      const auto* text = std::get_if<std::string>(&row[c]);
      g.key.push_back(text != nullptr ? *text : std::string());
    }
    g.count = static_cast<uint64_t>(int_cell(row, count));
    g.errors = static_cast<uint64_t>(int_cell(row, errors));
    g.min = int_cell(row, min);
    g.mean = int_cell(row, mean);
    g.p50 = int_cell(row, p50);
    g.p90 = int_cell(row, p90);
    g.p95 = int_cell(row, p95);
    g.p99 = int_cell(row, p99);
    g.max = int_cell(row, max);
    g.total = int_cell(row, total);
  }
  std::sort(set.groups.begin(), set.groups.end(),
            [](const GroupStats& a, const GroupStats& b) { return a.key < b.key; });
  set.notes = table.meta.notes;
  return set;
}

GroupProfile::GroupProfile(GroupKeySpec group_by, const SpanCostSource* cost)
    : stats_(group_by), key_builder_(std::move(group_by)), cost_(cost) {}

Flow GroupProfile::on_span(const Span& span) {
  stats_.on_span(span);
  // Cost over the very spans the group's statistics count.
  if (cost_ == nullptr || (span.flags & (kSpanInstant | kSpanIncomplete)) != 0 || !span.has_duration())
    return Flow::kContinue;
  int64_t nano = usd_to_nano(cost_->span_cost_usd(span).value_or(0));
  std::string_view key = key_builder_.key(span);
  auto it = cost_nano_.find(key);
  if (it == cost_nano_.end()) it = cost_nano_.emplace(std::string(key), 0).first;
  it->second = saturating_add(it->second, nano);
  return Flow::kContinue;
}

void GroupProfile::merge(GroupProfile& other) {
  if (this == &other) return;
  stats_.merge(other.stats_);
  for (auto& [key, nano] : other.cost_nano_) {
    int64_t& into = cost_nano_[key];
    into = saturating_add(into, nano);
  }
  other.cost_nano_.clear();
}

GroupSet GroupProfile::finish() {
  size_t parts = key_builder_.spec().parts.size();
  GroupSet set = group_set_from_table(stats_.finish({StatsSortKey::kName, 0}), parts);
  if (cost_ == nullptr) return set;
  set.has_cost = true;
  std::map<std::vector<std::string>, int64_t> by_parts;
  std::vector<std::string_view> split;
  for (const auto& [key, nano] : cost_nano_) {
    split.clear();
    split_group_key(key, parts, split);
    by_parts[std::vector<std::string>(split.begin(), split.end())] = nano;
  }
  for (GroupStats& g : set.groups) {
    auto it = by_parts.find(g.key);
    g.cost_usd = nano_to_usd(it != by_parts.end() ? it->second : 0);
  }
  return set;
}

}  // namespace trace
