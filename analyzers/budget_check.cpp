#include "analyzers/budget_check.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "analyzers/percentiles.h"

namespace trace {

namespace {

constexpr std::array<double, 4> kPercentiles = {0.50, 0.90, 0.95, 0.99};

bool is_percentile(Metric metric) {
  return metric == Metric::kP50 || metric == Metric::kP90 || metric == Metric::kP95 || metric == Metric::kP99;
}

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<int64_t>::max();
  return sum;
}

GroupKeyPart part_of(const Selector& selector) {
  GroupKeyPart part;
  switch (selector.field) {
    case SelectorField::kName: part.kind = GroupKeyKind::kName; break;
    case SelectorField::kService: part.kind = GroupKeyKind::kService; break;
    case SelectorField::kModel: part.kind = GroupKeyKind::kModel; break;
    case SelectorField::kAttr:
      part.kind = GroupKeyKind::kAttr;
      part.attr = selector.attr;
      break;
  }
  return part;
}

}  // namespace

bool BudgetCheck::Selection::selects(const Span& span) {
  for (size_t i = 0; i < selectors.size(); ++i)
    if (!selectors[i].matches(fields[i].key(span))) return false;
  return true;
}

void BudgetCheck::Selection::add(const Span& span, const SpanCostSource* cost) {
  if (count == 0) {
    min = span.duration_ns;
    max = span.duration_ns;
  }
  ++count;
  if (span.is_error()) ++errors;
  min = std::min(min, span.duration_ns);
  max = std::max(max, span.duration_ns);
  total = saturating_add(total, span.duration_ns);
  if (keep_durations) durations.push_back(span.duration_ns);
  if (cost != nullptr) cost_nano = saturating_add(cost_nano, usd_to_nano(cost->span_cost_usd(span).value_or(0)));
}

void BudgetCheck::Selection::add(Selection& other) {
  if (other.count == 0) return;
  if (count == 0) {
    min = other.min;
    max = other.max;
  }
  count += std::exchange(other.count, 0);
  errors += std::exchange(other.errors, 0);
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  total = saturating_add(total, std::exchange(other.total, 0));
  cost_nano = saturating_add(cost_nano, std::exchange(other.cost_nano, 0));
  if (durations.size() < other.durations.size()) std::swap(durations, other.durations);
  durations.insert(durations.end(), other.durations.begin(), other.durations.end());
  other.durations.clear();
}

GroupStats BudgetCheck::Selection::finish(bool with_cost) {
  GroupStats stats;
  stats.count = count;
  stats.errors = errors;
  stats.min = min;
  stats.max = max;
  stats.total = total;
  if (count > 0) {
    // Rounded to the nearest ns, halves up: the mean `trace stats` prints.
    auto n = static_cast<int64_t>(count);
    stats.mean = total / n + ((total % n) * 2 >= n ? 1 : 0);
  }
  if (!durations.empty()) {
    std::array<int64_t, kPercentiles.size()> p{};
    percentiles(durations, kPercentiles, p);
    stats.p50 = p[0];
    stats.p90 = p[1];
    stats.p95 = p[2];
    stats.p99 = p[3];
  }
  if (with_cost) stats.cost_usd = nano_to_usd(cost_nano);
  return stats;
}

BudgetCheck::BudgetCheck(std::shared_ptr<const std::vector<BudgetRule>> rules, const SpanCostSource* cost)
    : rules_(std::move(rules)), cost_(cost) {
  for (const BudgetRule& rule : *rules_) {
    std::string selection = rule.selection();
    auto same = std::find_if(selections_.begin(), selections_.end(), [&](const Selection& s) {
      return selection_text(s.selectors) == selection;
    });
    if (same == selections_.end()) {
      Selection& s = selections_.emplace_back();
      s.selectors = rule.selectors;
      for (const Selector& selector : rule.selectors) s.fields.emplace_back(GroupKeySpec{{part_of(selector)}});
      same = selections_.end() - 1;
    }
    same->keep_durations = same->keep_durations || is_percentile(rule.metric);
    selection_of_rule_.push_back(static_cast<size_t>(same - selections_.begin()));
  }
}

Flow BudgetCheck::on_span(const Span& span) {
  // The spans `trace stats` measures, and no others.
  if ((span.flags & (kSpanInstant | kSpanIncomplete)) != 0 || !span.has_duration()) return Flow::kContinue;
  for (Selection& selection : selections_)
    if (selection.selects(span)) selection.add(span, cost_);
  return Flow::kContinue;
}

void BudgetCheck::merge(BudgetCheck& other) {
  if (this == &other) return;
  for (size_t i = 0; i < selections_.size() && i < other.selections_.size(); ++i)
    selections_[i].add(other.selections_[i]);
}

std::vector<BudgetOutcome> BudgetCheck::finish() {
  std::vector<GroupStats> stats;
  stats.reserve(selections_.size());
  for (Selection& selection : selections_) stats.push_back(selection.finish(cost_ != nullptr));
  std::vector<BudgetOutcome> outcomes;
  outcomes.reserve(rules_->size());
  for (size_t r = 0; r < rules_->size(); ++r) {
    const BudgetRule& rule = (*rules_)[r];
    const GroupStats& s = stats[selection_of_rule_[r]];
    BudgetOutcome& outcome = outcomes.emplace_back();
    outcome.spans = s.count;
    // Nothing selected is no evidence: a renamed span must not quietly pass its budget.
    if (s.count == 0 && rule.metric != Metric::kCount) continue;
    outcome.measured = metric_value(s, rule.metric);
    outcome.passed = outcome.measured && value_holds(*outcome.measured, rule.op, rule.limit);
  }
  return outcomes;
}

}  // namespace trace
