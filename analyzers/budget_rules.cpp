#include "analyzers/budget_rules.h"

#include <fmt/format.h>

namespace trace {

namespace {

// Checks that a limit's unit fits the metric; `errors` with a percentage becomes the
// error rate.
void check_limit_unit(BudgetRule& rule, const Token& token) {
  const RuleValue& v = rule.limit;
  if (rule.metric == Metric::kErrors && v.unit == ValueUnit::kPercent) rule.metric = Metric::kErrorRate;
  if (v.unit == ValueUnit::kPoints)
    throw RuleSyntaxError(token.column,
                          fmt::format("'{}' is a change in percentage points (for trace diff --fail-on); "
                                      "a limit on {} is {}",
                                      v.text, metric_name(rule.metric), unit_hint(metric_kind(rule.metric))));
  bool fits = false;
  switch (metric_kind(rule.metric)) {
    case MetricKind::kDuration: fits = v.unit == ValueUnit::kDuration; break;
    case MetricKind::kRatio:
      fits = v.unit == ValueUnit::kPercent || (v.unit == ValueUnit::kNumber && v.as_double() <= 1);
      break;
    case MetricKind::kCount: fits = v.unit == ValueUnit::kNumber; break;
    case MetricKind::kCost: fits = v.unit == ValueUnit::kNumber || v.unit == ValueUnit::kUsd; break;
  }
  if (!fits)
    throw RuleSyntaxError(token.column, fmt::format("{} needs {}, found '{}'", metric_name(rule.metric),
                                                    unit_hint(metric_kind(rule.metric)), v.text));
}

}  // namespace

std::string BudgetRule::selection() const { return selection_text(selectors); }

BudgetRule parse_budget_rule(std::string_view text) {
  std::vector<Token> tokens = tokenize_rule(text);
  BudgetRule rule;
  rule.text = std::string(trim_rule(text));
  size_t i = 0;
  MetricTerm term = read_metric_term(tokens, i, rule.selectors);
  rule.metric = term.metric;
  rule.op = read_operator(tokens, i, term);
  const Token& value = read_value_token(tokens, i);
  rule.limit = parse_rule_value(value, false);
  check_limit_unit(rule, value);
  expect_end(tokens, i);
  return rule;
}

}  // namespace trace
