#include "analyzers/fail_on_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace trace {

namespace {

std::string_view change_hint(MetricKind kind) {
  switch (kind) {
    case MetricKind::kDuration: return "a duration such as +200ms";
    case MetricKind::kRatio: return "percentage points such as +1pp";
    case MetricKind::kCount: return "a number such as +5";
    case MetricKind::kCost: return "US dollars such as +0.05";
  }
  return "";
}

// Decides what the change measures from its unit; `errors` with % or pp is the rate.
void check_change_unit(FailOnRule& rule, const Token& token) {
  const RuleValue& v = rule.change;
  if (rule.metric == Metric::kErrors && (v.unit == ValueUnit::kPercent || v.unit == ValueUnit::kPoints))
    rule.metric = Metric::kErrorRate;
  MetricKind kind = metric_kind(rule.metric);
  bool fits = false;
  switch (v.unit) {
    case ValueUnit::kPercent:
      rule.kind = ChangeKind::kRelative;
      return;
    case ValueUnit::kPoints: fits = kind == MetricKind::kRatio; break;
    case ValueUnit::kDuration: fits = kind == MetricKind::kDuration; break;
    case ValueUnit::kNumber: fits = kind == MetricKind::kCount || kind == MetricKind::kCost; break;
    case ValueUnit::kUsd: fits = kind == MetricKind::kCost; break;
  }
  if (!fits)
    throw RuleSyntaxError(token.column, fmt::format("{} changes by a percentage (+10%) or by {}, found '{}'",
                                                    metric_name(rule.metric), change_hint(kind), v.text));
  rule.kind = ChangeKind::kAbsolute;
}

std::string_view selector_flag(const Selector& selector) {
  switch (selector.field) {
    case SelectorField::kName: return "name";
    case SelectorField::kService: return "service";
    case SelectorField::kModel: return "model";
    case SelectorField::kAttr: break;
  }
  return "attr:KEY";
}

}  // namespace

FailOnRule parse_fail_on_rule(std::string_view text) {
  std::vector<Token> tokens = tokenize_rule(text);
  FailOnRule rule;
  rule.text = std::string(trim_rule(text));
  size_t i = 0;
  MetricTerm term = read_metric_term(tokens, i, rule.selectors);
  rule.metric = term.metric;
  rule.op = read_operator(tokens, i, term);
  const Token& value = read_value_token(tokens, i);
  rule.change = parse_rule_value(value, true);
  check_change_unit(rule, value);
  expect_end(tokens, i);
  return rule;
}

std::vector<FailOnRule> parse_fail_on_rules(std::string_view list, size_t first_number) {
  std::vector<FailOnRule> rules;
  std::vector<RuleText> texts;
  try {
    texts = split_rule_list(list);
  } catch (const RuleListError& e) {
    throw RuleListError(e.rule_number() + first_number - 1, e.column(), e.what());
  }
  for (const RuleText& text : texts) {
    size_t number = text.number + first_number - 1;
    try {
      FailOnRule& rule = rules.emplace_back(parse_fail_on_rule(text.text));
      rule.number = number;
    } catch (const RuleSyntaxError& e) {
      throw RuleListError(number, e.column(), e.what());
    }
  }
  return rules;
}

void check_fail_on_selectors(const FailOnRule& rule, const std::vector<std::string>& key_columns) {
  for (const Selector& selector : rule.selectors) {
    if (std::find(key_columns.begin(), key_columns.end(), selector.column_key()) != key_columns.end()) continue;
    std::string keys;
    for (const std::string& k : key_columns) keys += (keys.empty() ? "" : ", ") + k;
    throw RuleSyntaxError(selector.column,
                          fmt::format("the selector '{}' needs groups by {} (--group-by {}); the groups are by {}",
                                      selector.text(), selector.column_key(), selector_flag(selector), keys));
  }
}

FailOnOutcome evaluate_fail_on(const FailOnRule& rule, const GroupDiff& diff) {
  FailOnOutcome outcome;
  std::vector<size_t> part_index;
  for (const Selector& selector : rule.selectors)
    part_index.push_back(static_cast<size_t>(
        std::find(diff.key_columns.begin(), diff.key_columns.end(), selector.column_key()) - diff.key_columns.begin()));
  for (size_t r = 0; r < diff.rows.size(); ++r) {
    const GroupChange& row = diff.rows[r];
    if (row.presence != Presence::kBoth) continue;
    bool selected = true;
    for (size_t s = 0; s < rule.selectors.size() && selected; ++s)
      selected = part_index[s] < row.key.size() && rule.selectors[s].matches(row.key[part_index[s]]);
    if (!selected) continue;
    std::optional<MetricValue> b = metric_value(*row.base, rule.metric), n = metric_value(*row.next, rule.metric);
    if (!b || !n) continue;
    ++outcome.groups_checked;
    bool broken = rule.kind == ChangeKind::kRelative ? relative_change_holds(*b, *n, rule.op, rule.change)
                                                     : absolute_change_holds(*b, *n, rule.op, rule.change);
    if (!broken) continue;
    outcome.passed = false;
    double change = rule.kind == ChangeKind::kRelative ? relative_change(*b, *n) : absolute_change(*b, *n);
    outcome.violations.push_back({r, *b, *n, change});
  }
  return outcome;
}

std::string describe_violation(const FailOnRule& rule, const GroupDiff& diff, const FailOnViolation& violation) {
  std::string change = rule.kind == ChangeKind::kRelative ? format_relative(violation.change)
                                                          : format_absolute_change(rule.metric, violation.change);
  return fmt::format("{}: {} {} → {} ({})", group_label(diff.rows[violation.row].key), metric_name(rule.metric),
                     format_metric(violation.base), format_metric(violation.next), change);
}

}  // namespace trace
