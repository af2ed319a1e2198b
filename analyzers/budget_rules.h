// The rule language of `trace check`: one rule states a limit on one metric of a set of
// spans, and is checked against the measured value.
//
//   rule      := selector* metric ['(' selectors ')'] op value
//   selector  := field ('=' | '!=') GLOB        field: name, service, model, attr:KEY
//   selectors := selector ((',' | ' ') selector)*
//   metric    := count | errors | error_rate | min | mean | p50 | p90 | p95 | p99 | max
//              | total | cost
//   op        := < | <= | > | >= | = | !=
//   value     := a duration (2s, 500ms, 1m30s) for min ... total; a percentage (1%) or a
//                fraction (0.01) for error_rate; a plain number for count and errors;
//                US dollars (0.50 or $0.50) for cost
//
// Examples: "name=llm.chat p95 < 2s", "error_rate < 1%", "cost < 0.50",
// "count(name=tool.*) <= 20", "service=rag-api name!=health* p99 <= 1.5s".
// `errors` with a percentage is the error rate ("errors < 1%" = "error_rate < 1%").
// Selectors before the metric and inside its parentheses are the same thing; several
// are ANDed. No selector: every span.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_syntax.h"

namespace trace {

struct BudgetRule {
  std::string text;  // the rule as written, trimmed
  std::vector<Selector> selectors;
  Metric metric = Metric::kCount;
  CompareOp op = CompareOp::kLt;
  RuleValue limit;

  // The selectors' canonical text, space-separated ("" for every span).
  std::string selection() const;
};

// Throws RuleSyntaxError with the column of the offending token, e.g.
// "expected an operator (<, <=, >, >=, =, !=) after 'p95'".
BudgetRule parse_budget_rule(std::string_view text);

}  // namespace trace
