// `trace check`: measures what each budget rule asks about, over the spans its selectors
// choose, and judges it.
//
// The spans measured are those `trace stats` measures: spans with a known duration
// (instant markers, spans that never ended and spans without a duration are left out).
// Rules with the same selectors share one accumulator. Every state component is an
// integer or a multiset of durations, so merging per-thread results in any order gives
// the same outcome.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "analyzers/budget_rules.h"
#include "analyzers/group_key.h"
#include "analyzers/group_stats.h"
#include "analyzers/span_cost.h"
#include "src/record_sink.h"

namespace trace {

struct BudgetOutcome {
  uint64_t spans = 0;                   // spans the rule's selection holds
  std::optional<MetricValue> measured;  // empty when the selection is empty (and the metric is not count)
  bool passed = false;                  // a rule on an empty selection fails, except count
};

class BudgetCheck : public RecordSink {
 public:
  // `cost` may be null when no rule asks for cost.
  BudgetCheck(std::shared_ptr<const std::vector<BudgetRule>> rules, const SpanCostSource* cost);

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's state into this one; other is left empty. Both must check the same rules.
  void merge(BudgetCheck& other);

  // One outcome per rule, in the rules' order. Reorders the kept durations.
  std::vector<BudgetOutcome> finish();

 private:
  struct Selection {
    std::vector<Selector> selectors;
    std::vector<GroupKeyBuilder> fields;  // reads the value each selector tests
    bool keep_durations = false;          // some rule asks for a percentile
    uint64_t count = 0;
    uint64_t errors = 0;
    int64_t min = 0, max = 0, total = 0;
    int64_t cost_nano = 0;
    std::vector<int64_t> durations;

    bool selects(const Span& span);
    void add(const Span& span, const SpanCostSource* cost);
    void add(Selection& other);
    GroupStats finish(bool with_cost);
  };

  std::shared_ptr<const std::vector<BudgetRule>> rules_;
  const SpanCostSource* cost_;
  std::vector<Selection> selections_;
  std::vector<size_t> selection_of_rule_;
};

static_assert(MergeableSink<BudgetCheck>);

}  // namespace trace
