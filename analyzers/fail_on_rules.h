// The rules of `trace diff --fail-on`: conditions on the change of a metric between the
// base and the new run that make the diff fail (exit 1).
//
//   list   := rule (',' rule)*
//   rule   := selector* metric ['(' selectors ')'] op change
//   change := [+|-] then one of
//             N%        relative change (new - base) / base, any metric
//             Npp       absolute change of the error rate, in percentage points
//             duration  absolute change of a duration metric (+200ms)
//             N / $N    absolute change of count or errors / of cost in USD
//
// Tokens, metrics, operators and selectors are those of budget_rules.h (one tokenizer,
// rule_syntax.h). `errors` with % or pp is the error rate ("errors>+1pp" = the error
// rate rose by more than one percentage point), as in `trace check`.
//
// A rule is checked on every group present in both runs whose key its selectors match;
// it is broken when the condition holds for at least one of them. A selector names a
// group-by key (name=llm.* needs groups by name).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/group_diff.h"
#include "analyzers/rule_syntax.h"

namespace trace {

enum class ChangeKind : uint8_t { kRelative, kAbsolute };

struct FailOnRule {
  std::string text;  // trimmed
  size_t number = 1;
  std::vector<Selector> selectors;
  Metric metric = Metric::kP95;
  CompareOp op = CompareOp::kGt;
  RuleValue change;
  ChangeKind kind = ChangeKind::kRelative;
};

// One rule; throws RuleSyntaxError at the offending column.
FailOnRule parse_fail_on_rule(std::string_view text);

// A comma-separated list; rules are numbered from `first_number` on. Throws
// RuleListError ("rule 2, column 14: ...").
std::vector<FailOnRule> parse_fail_on_rules(std::string_view list, size_t first_number = 1);

// Throws RuleSyntaxError at a selector that names a key the groups do not have.
void check_fail_on_selectors(const FailOnRule& rule, const std::vector<std::string>& key_columns);

struct FailOnViolation {
  size_t row = 0;  // index into GroupDiff::rows
  MetricValue base, next;
  double change = 0;  // relative or absolute, as the rule measures it
};

struct FailOnOutcome {
  bool passed = true;
  size_t groups_checked = 0;
  std::vector<FailOnViolation> violations;  // in the diff's row order
};

FailOnOutcome evaluate_fail_on(const FailOnRule& rule, const GroupDiff& diff);

// "retrieve: p95 1.20 s → 1.85 s (+54.2%)"
std::string describe_violation(const FailOnRule& rule, const GroupDiff& diff, const FailOnViolation& violation);

}  // namespace trace
