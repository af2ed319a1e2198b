// The rule language of `trace check` (budget_rules.h), its shared tokenizer and terms
// (rule_syntax.h), the exact arithmetic it judges with (group_stats.h) and the analyzer
// that measures the rules (budget_check.h).
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/budget_check.h"
#include "analyzers/budget_rules.h"
#include "analyzers/group_stats.h"
#include "analyzers/rule_syntax.h"

using trace::BudgetCheck;
using trace::BudgetOutcome;
using trace::BudgetRule;
using trace::CompareOp;
using trace::Metric;
using trace::parse_budget_rule;
using trace::RuleSyntaxError;
using trace::ValueUnit;

namespace {

constexpr int64_t kMs = 1'000'000;

// The column and message a malformed rule is rejected with, as "column: message".
std::string error_of(const std::string& rule) {
  try {
    parse_budget_rule(rule);
  } catch (const RuleSyntaxError& e) {
    return std::to_string(e.column()) + ": " + e.what();
  }
  return "no error";
}

struct SpanInput {
  std::string name;
  int64_t duration_ns;
  bool error = false;
  std::string service = "api";
  uint8_t flags = 0;
};

void feed(BudgetCheck& check, const std::vector<SpanInput>& spans, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    trace::Span span;
    span.name = spans[i].name;
    span.service = spans[i].service;
    span.duration_ns = spans[i].duration_ns;
    span.flags = spans[i].flags;
    span.status = spans[i].error ? trace::Status::kError : trace::Status::kOk;
    check.on_span(span);
  }
}

std::shared_ptr<const std::vector<BudgetRule>> rules_of(const std::vector<std::string>& texts) {
  auto rules = std::make_shared<std::vector<BudgetRule>>();
  for (const std::string& t : texts) rules->push_back(parse_budget_rule(t));
  return rules;
}

// Ten llm.chat spans of 100..1000 ms (one failed) and three tool spans.
std::vector<SpanInput> sample_spans() {
  std::vector<SpanInput> spans;
  for (int i = 1; i <= 10; ++i) spans.push_back({"llm.chat", i * 100 * kMs, i == 10});
  spans.push_back({"tool.search", 20 * kMs});
  spans.push_back({"tool.fetch", 40 * kMs, true});
  spans.push_back({"tool.search", 30 * kMs, false, "worker"});
  return spans;
}

}  // namespace

TEST_CASE("budget rules: a selector, a percentile and a duration", "[budget_rules]") {
  BudgetRule rule = parse_budget_rule("name=llm.chat p95 < 2s");
  REQUIRE(rule.selectors.size() == 1);
  CHECK(rule.selectors[0].field == trace::SelectorField::kName);
  CHECK(rule.selectors[0].glob == "llm.chat");
  CHECK_FALSE(rule.selectors[0].negated);
  CHECK(rule.metric == Metric::kP95);
  CHECK(rule.op == CompareOp::kLt);
  CHECK(rule.limit.unit == ValueUnit::kDuration);
  CHECK(rule.limit.mantissa == 2'000'000'000);
  CHECK(rule.text == "name=llm.chat p95 < 2s");
  CHECK(rule.selection() == "name=llm.chat");
}

TEST_CASE("budget rules: a percentage is kept as an exact fraction", "[budget_rules]") {
  BudgetRule rule = parse_budget_rule("error_rate < 0.1%");
  CHECK(rule.metric == Metric::kErrorRate);
  CHECK(rule.limit.unit == ValueUnit::kPercent);
  CHECK(rule.limit.numerator() == 1);
  CHECK(rule.limit.denominator() == 1000);
  CHECK(rule.selectors.empty());
}

TEST_CASE("budget rules: cost in plain dollars or with a dollar sign", "[budget_rules]") {
  CHECK(parse_budget_rule("cost < 0.50").limit.as_double() == 0.5);
  BudgetRule rule = parse_budget_rule("cost <= $1.25");
  CHECK(rule.limit.unit == ValueUnit::kUsd);
  CHECK(rule.limit.as_double() == 1.25);
  CHECK(rule.op == CompareOp::kLe);
}

TEST_CASE("budget rules: count with its selector in parentheses", "[budget_rules]") {
  BudgetRule rule = parse_budget_rule("count(name=tool.*) <= 20");
  CHECK(rule.metric == Metric::kCount);
  REQUIRE(rule.selectors.size() == 1);
  CHECK(rule.selectors[0].glob == "tool.*");
  CHECK(rule.limit.mantissa == 20);
  CHECK(parse_budget_rule("count(name=a, service=b) > 0").selection() == "name=a service=b");
  CHECK(parse_budget_rule("count() >= 1").selectors.empty());
}

TEST_CASE("budget rules: several selectors, negation, attributes and quotes", "[budget_rules]") {
  BudgetRule rule = parse_budget_rule("service=rag-api name!=health* attr:stage='llm call' p99 <= 1.5s");
  REQUIRE(rule.selectors.size() == 3);
  CHECK(rule.selectors[1].negated);
  CHECK(rule.selectors[2].field == trace::SelectorField::kAttr);
  CHECK(rule.selectors[2].attr == "stage");
  CHECK(rule.selectors[2].glob == "llm call");
  CHECK(rule.selection() == "service=rag-api name!=health* attr:stage=llm call");
  CHECK(rule.limit.mantissa == 1'500'000'000);
}

TEST_CASE("budget rules: spaces around operators are optional", "[budget_rules]") {
  BudgetRule rule = parse_budget_rule("p95<=250ms");
  CHECK(rule.op == CompareOp::kLe);
  CHECK(rule.limit.mantissa == 250 * kMs);
  CHECK(parse_budget_rule("max!=1s").op == CompareOp::kNe);
}

TEST_CASE("budget rules: errors with a percentage is the error rate", "[budget_rules]") {
  CHECK(parse_budget_rule("errors < 1%").metric == Metric::kErrorRate);
  CHECK(parse_budget_rule("errors < 3").metric == Metric::kErrors);
  CHECK(parse_budget_rule("error_rate <= 0.05").limit.as_double() == 0.05);
}

TEST_CASE("budget rules: a missing operator is located at the token found instead", "[budget_rules]") {
  CHECK(error_of("name=llm.chat p95 2s") == "19: expected an operator (<, <=, >, >=, =, !=) after 'p95'");
  CHECK(error_of("count(name=x) 20") == "15: expected an operator (<, <=, >, >=, =, !=) after 'count(name=x)'");
}

TEST_CASE("budget rules: malformed rules name the column and what was expected", "[budget_rules]") {
  CHECK(error_of("") == "1: empty rule");
  CHECK(error_of("p96 < 2s") ==
        "1: unknown metric 'p96' (expected count, errors, error_rate, min, mean, p50, p90, p95, p99, max, total or "
        "cost; or a selector: name=, service=, model=, attr:KEY=)");
  CHECK(error_of("< 2s") ==
        "1: expected a metric (count, errors, error_rate, min, mean, p50, p90, p95, p99, max, total or cost), found "
        "'<'");
  CHECK(error_of("p95 <") == "6: expected a value after '<'");
  CHECK(error_of("p95 < 2x") ==
        "7: expected a number with an optional unit (2s, 500ms, 1%, 1pp, $0.50, 20), found '2x'");
  CHECK(error_of("p95 < 2s extra") == "10: expected the end of the rule after '2s', found 'extra'");
  CHECK(error_of("name p95 < 2s") ==
        "6: expected '=' or '!=' after the selector 'name' (name=PATTERN), found 'p95'");
  CHECK(error_of("name=") == "6: expected a pattern after 'name=' (quote it if it has spaces or operators)");
  CHECK(error_of("count(name=x < 3") == "14: expected a selector (name=, service=, model=, attr:KEY=) or ')', found '<'");
  CHECK(error_of("count(name=x") == "13: expected ')' to close the '(' at column 6");
  CHECK(error_of("name='abc p95 < 2s") == "6: unterminated quote: no closing ' for this one");
  CHECK(error_of("p95 ! 2s") == "5: '!' must be followed by '=' (the operator !=)");
}

TEST_CASE("budget rules: a limit must fit its metric's unit", "[budget_rules]") {
  CHECK(error_of("p95 < 10") == "7: p95 needs a duration such as 2s or 500ms, found '10'");
  CHECK(error_of("count < 5s") == "9: count needs a plain number such as 20, found '5s'");
  CHECK(error_of("error_rate < 2") == "14: error_rate needs a percentage such as 1%, found '2'");
  CHECK(error_of("cost < 5%") == "8: cost needs US dollars such as 0.50 or $0.50, found '5%'");
  CHECK(error_of("error_rate < 1pp") ==
        "14: '1pp' is a change in percentage points (for trace diff --fail-on); a limit on error_rate is a "
        "percentage such as 1%");
  CHECK(error_of("p95 < -2s") == "7: a limit has no sign, found '-2s'");
}

TEST_CASE("budget rules: columns count characters, not bytes", "[budget_rules]") {
  CHECK(error_of("name=café p95 2s") == "15: expected an operator (<, <=, >, >=, =, !=) after 'p95'");
}

TEST_CASE("rule syntax: globs match the whole text with * and ?", "[budget_rules]") {
  using trace::glob_match;
  CHECK(glob_match("tool.*", "tool.search"));
  CHECK(glob_match("tool.*", "tool."));
  CHECK_FALSE(glob_match("tool.*", "tools"));
  CHECK_FALSE(glob_match("tool", "tool.search"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*.chat", "llm.chat"));
  CHECK(glob_match("a*b*c", "axxbyyc"));
  CHECK_FALSE(glob_match("a*b*c", "axxbyy"));
  CHECK(glob_match("a?c", "abc"));
  CHECK(glob_match("a?c", "aéc"));
  CHECK_FALSE(glob_match("a?c", "ac"));
  CHECK(glob_match("*é", "café"));
}

TEST_CASE("rule syntax: a rule list splits at commas outside quotes and parentheses", "[budget_rules]") {
  auto rules = trace::split_rule_list("p95>+10%,count(name=a,service=b)>1, name='x,y' p99>+1%");
  REQUIRE(rules.size() == 3);
  CHECK(rules[0].text == "p95>+10%");
  CHECK(rules[1].text == "count(name=a,service=b)>1");
  CHECK(rules[2].text == " name='x,y' p99>+1%");
  CHECK(rules[2].number == 3);
  try {
    trace::split_rule_list("p95>+10%,");
    FAIL("no error");
  } catch (const trace::RuleListError& e) {
    CHECK(e.rule_number() == 2);
    CHECK(std::string(e.what()) == "empty rule (a stray comma?)");
  }
}

TEST_CASE("rule syntax: point_at shows the column under the rule", "[budget_rules]") {
  CHECK(trace::point_at("p95 2s", 5) == "  p95 2s\n      ^");
}

TEST_CASE("group stats: limits compare exactly, never through a rounded double", "[budget_rules]") {
  trace::GroupStats stats;
  stats.count = 1000;
  stats.errors = 1;
  stats.p95 = 110 * kMs;
  auto rate = trace::metric_value(stats, Metric::kErrorRate);
  REQUIRE(rate);
  CHECK(trace::value_holds(*rate, CompareOp::kLe, parse_budget_rule("error_rate <= 0.1%").limit));
  CHECK_FALSE(trace::value_holds(*rate, CompareOp::kLt, parse_budget_rule("error_rate < 0.1%").limit));
  auto p95 = trace::metric_value(stats, Metric::kP95);
  CHECK(trace::value_holds(*p95, CompareOp::kLe, parse_budget_rule("p95 <= 110ms").limit));
  CHECK_FALSE(trace::value_holds(*p95, CompareOp::kLt, parse_budget_rule("p95 < 110ms").limit));
  CHECK_FALSE(trace::metric_value(stats, Metric::kCost).has_value());
}

TEST_CASE("budget check: measures each rule over the spans its selectors choose", "[budget_rules]") {
  auto rules = rules_of({"name=llm.chat p95 < 1s", "name=llm.chat p50 <= 550ms", "error_rate < 10%",
                         "count(name=tool.*) <= 2", "service=worker name=tool.* max < 31ms",
                         "name!=llm.* errors = 1", "name=tool.* mean = 30ms", "total < 6s"});
  BudgetCheck check(rules, nullptr);
  auto spans = sample_spans();
  feed(check, spans, 0, spans.size());
  std::vector<BudgetOutcome> o = check.finish();
  REQUIRE(o.size() == 8);
  // p95 of 100..1000 ms: h = 9 * 0.95 = 8.55 -> 900 + 0.55 * 100 = 955 ms.
  CHECK(o[0].spans == 10);
  CHECK(static_cast<int64_t>(o[0].measured->num) == 955 * kMs);
  CHECK(o[0].passed);
  CHECK(static_cast<int64_t>(o[1].measured->num) == 550 * kMs);
  CHECK(o[1].passed);
  // 2 errors in 13 spans: 15.4%.
  CHECK(o[2].spans == 13);
  CHECK(o[2].measured->num == 2);
  CHECK(o[2].measured->den == 13);
  CHECK_FALSE(o[2].passed);
  CHECK(o[3].measured->num == 3);
  CHECK_FALSE(o[3].passed);
  CHECK(o[4].spans == 1);
  CHECK(static_cast<int64_t>(o[4].measured->num) == 30 * kMs);
  CHECK(o[4].passed);
  CHECK(o[5].measured->num == 1);
  CHECK(o[5].passed);
  CHECK(static_cast<int64_t>(o[6].measured->num) == 30 * kMs);
  CHECK(o[6].passed);
  CHECK(static_cast<int64_t>(o[7].measured->num) == 5590 * kMs);
  CHECK(o[7].passed);
}

TEST_CASE("budget check: nothing selected fails every metric but count", "[budget_rules]") {
  BudgetCheck check(rules_of({"name=llm.chatt p95 < 1s", "count(name=llm.chatt) = 0", "name=nope errors < 1"}),
                    nullptr);
  auto spans = sample_spans();
  feed(check, spans, 0, spans.size());
  std::vector<BudgetOutcome> o = check.finish();
  CHECK(o[0].spans == 0);
  CHECK_FALSE(o[0].measured.has_value());
  CHECK_FALSE(o[0].passed);
  CHECK(o[1].passed);
  CHECK_FALSE(o[2].passed);
}

TEST_CASE("budget check: spans without a known duration are not measured", "[budget_rules]") {
  BudgetCheck check(rules_of({"count() = 1"}), nullptr);
  std::vector<SpanInput> spans = {{"a", 5 * kMs}, {"b", -1}, {"c", 0, false, "api", trace::kSpanInstant},
                                  {"d", 9 * kMs, false, "api", trace::kSpanIncomplete}};
  feed(check, spans, 0, spans.size());
  CHECK(check.finish()[0].passed);
}

TEST_CASE("budget check: merging any split gives the same outcome", "[budget_rules]") {
  auto rules = rules_of({"name=llm.chat p95 < 1s", "p99 < 1s", "error_rate < 10%", "name=tool.* min > 1ms"});
  auto spans = sample_spans();
  BudgetCheck whole(rules, nullptr);
  feed(whole, spans, 0, spans.size());
  std::vector<BudgetOutcome> expected = whole.finish();
  for (size_t cut = 0; cut <= spans.size(); ++cut) {
    BudgetCheck a(rules, nullptr), b(rules, nullptr);
    feed(a, spans, 0, cut);
    feed(b, spans, cut, spans.size());
    b.merge(a);
    std::vector<BudgetOutcome> merged = b.finish();
    INFO("cut at " << cut);
    for (size_t r = 0; r < expected.size(); ++r) {
      CHECK(merged[r].spans == expected[r].spans);
      CHECK(merged[r].passed == expected[r].passed);
      CHECK(merged[r].measured->num == expected[r].measured->num);
      CHECK(merged[r].measured->den == expected[r].measured->den);
    }
  }
}
