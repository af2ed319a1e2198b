// One side of `trace diff`: the `trace stats` groups of a run, with each group's cost
// when the build has a cost source. The group numbers are exactly those `trace stats`
// prints for the same input and --group-by (they are read back from LatencyStats's
// table), so a diff never disagrees with the stats of either side.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzers/group_key.h"
#include "analyzers/group_stats.h"
#include "analyzers/latency_stats.h"
#include "analyzers/span_cost.h"
#include "src/output/table.h"
#include "src/record_sink.h"

namespace trace {

// The finished groups of one run.
struct GroupSet {
  std::vector<std::string> key_columns;  // "name", "service", "attr.KEY"... (group-by order)
  std::vector<std::string> key_headers;  // "name", "service", "KEY"...
  std::vector<GroupStats> groups;        // sorted by key, ascending
  bool has_cost = false;
  std::vector<std::string> notes;  // LatencyStats's notes (spans left out)
};

// Reads LatencyStats's finished table (its documented columns) back into numbers.
// `key_parts` is the number of leading key columns.
GroupSet group_set_from_table(const output::Table& table, size_t key_parts);

class GroupProfile : public RecordSink {
 public:
  // `cost` may be null: then groups have no cost.
  GroupProfile(GroupKeySpec group_by, const SpanCostSource* cost);

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }
  void merge(GroupProfile& other);

  GroupSet finish();

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  LatencyStats stats_;
  GroupKeyBuilder key_builder_;
  const SpanCostSource* cost_;
  std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>> cost_nano_;
};

static_assert(MergeableSink<GroupProfile>);

}  // namespace trace
