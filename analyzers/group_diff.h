// `trace diff`: two finished group sets (a baseline run and a new run, grouped the same
// way) compared group by group.
//
// Regression, precisely. The judged metrics are p50, p95, p99, the error rate and, when
// the build prices spans, cost. Count and total time are shown but not judged: they
// follow the amount of traffic, not its quality. A metric's relative change is
// (new - base) / base; with a zero base it is 0 when new is zero too and +infinity
// otherwise. A group's regression is the largest relative change among its judged
// metrics: positive when one of them got worse, zero when the worst stayed the same
// (an error rate of zero on both sides is such a change of 0), negative when every
// one of them got better.
//
// Order. Groups present in both runs first, by regression, largest first (ties by key,
// ascending); then the groups only the new run has ("added"), then those only the base
// has ("removed"), each by key.
//
// Threshold ("--threshold 10%" or "10%,1pp"). A judged metric is over the threshold when
// its relative change is above the percentage; with a pp value the error rate is judged
// by its absolute change in percentage points instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/group_profile.h"
#include "analyzers/group_stats.h"
#include "analyzers/rule_syntax.h"
#include "src/output/table.h"

namespace trace {

enum class Presence : uint8_t { kBoth, kAdded, kRemoved };

std::string_view presence_name(Presence presence);  // "both", "added", "removed"

struct DiffThreshold {
  std::string text;                       // as given
  RuleValue relative;                     // a percentage
  std::optional<RuleValue> error_points;  // pp, for the error rate
};

// "10%", "10%,1pp" or "1pp,10%". Throws UsageError:
// "--threshold: expected a percentage and optionally percentage points (10% or 10%,1pp), found 'x'".
DiffThreshold parse_diff_threshold(std::string_view text);

struct GroupChange {
  std::vector<std::string> key;
  Presence presence = Presence::kBoth;
  std::optional<GroupStats> base, next;
  double regression = 0;                // kBoth only
  std::vector<Metric> over_threshold;   // judged metrics over --threshold, in judged order
};

struct GroupDiff {
  std::vector<std::string> key_columns;  // "name", "attr.stage"...
  std::vector<std::string> key_headers;
  bool has_cost = false;
  std::optional<DiffThreshold> threshold;
  std::vector<GroupChange> rows;  // in the documented order

  size_t count(Presence presence) const;
  size_t over_threshold() const;  // groups with a metric over the threshold
};

// p50, p95, p99, error_rate, cost.
bool is_judged(Metric metric);

// Both sets must group by the same keys.
GroupDiff diff_groups(const GroupSet& base, const GroupSet& next, std::optional<DiffThreshold> threshold);

// For programs: key columns, presence, then for count, errors, error_rate, p50, p95, p99,
// total and cost the base and new values, the change (new - base) and the relative
// change; then regression and over_threshold. Raw numbers (ns, fractions, USD); null
// where a side is missing, for cost when the build has no cost source, and for a
// relative change from zero.
output::Table diff_table(const GroupDiff& diff);

// For people: key columns, change (added, removed, regressed), then count, err%, p50,
// p95, p99, total (and cost) as "BASE → NEW (CHANGE)". Cells over the threshold end in
// " ▲" (in Markdown they are also bold).
output::Table diff_human_table(const GroupDiff& diff, bool markdown);

// "retrieve", "rag-api / retrieve": a group's key for people.
std::string group_label(const std::vector<std::string>& key);

}  // namespace trace
