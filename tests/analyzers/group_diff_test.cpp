// `trace diff`'s comparison of two group sets (group_diff.h), the groups of one side
// (group_profile.h), and the --fail-on rules judged on the comparison (fail_on_rules.h).
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "analyzers/fail_on_rules.h"
#include "analyzers/group_diff.h"
#include "analyzers/group_profile.h"
#include "src/errors.h"
#include "src/output/write_table.h"

using trace::DiffThreshold;
using trace::FailOnRule;
using trace::GroupDiff;
using trace::GroupSet;
using trace::GroupStats;
using trace::Metric;
using trace::Presence;

namespace {

constexpr int64_t kMs = 1'000'000;

GroupStats group(const std::string& name, uint64_t count, uint64_t errors, int64_t p50_ms, int64_t p95_ms,
                 int64_t p99_ms, std::optional<double> cost = std::nullopt) {
  GroupStats g;
  g.key = {name};
  g.count = count;
  g.errors = errors;
  g.p50 = p50_ms * kMs;
  g.p95 = p95_ms * kMs;
  g.p99 = p99_ms * kMs;
  g.total = static_cast<int64_t>(count) * p50_ms * kMs;
  g.cost_usd = cost;
  return g;
}

GroupSet set_of(std::vector<GroupStats> groups) {
  GroupSet set;
  set.key_columns = {"name"};
  set.key_headers = {"name"};
  std::sort(groups.begin(), groups.end(), [](const GroupStats& a, const GroupStats& b) { return a.key < b.key; });
  set.has_cost = !groups.empty() && groups.front().cost_usd.has_value();
  set.groups = std::move(groups);
  return set;
}

// A baseline and a regressed run: retrieve slower at p95, tool more errors, one stage
// added, one removed, llm.chat a little faster.
GroupDiff sample_diff(std::optional<DiffThreshold> threshold = std::nullopt) {
  GroupSet base = set_of({group("retrieve", 16, 0, 116, 136, 139), group("tool", 12, 1, 213, 253, 259),
                          group("llm.chat", 16, 0, 1500, 1800, 1900), group("guardrail", 16, 0, 40, 47, 51)});
  GroupSet next = set_of({group("retrieve", 16, 0, 119, 978, 1190), group("tool", 12, 4, 197, 256, 261),
                          group("llm.chat", 16, 0, 1450, 1750, 1880), group("cache", 16, 0, 8, 11, 12)});
  return trace::diff_groups(base, next, std::move(threshold));
}

std::vector<std::string> names(const GroupDiff& diff) {
  std::vector<std::string> out;
  for (const auto& row : diff.rows) out.push_back(row.key[0]);
  return out;
}

std::string threshold_error(const std::string& text) {
  try {
    trace::parse_diff_threshold(text);
  } catch (const trace::UsageError& e) {
    return e.what();
  }
  return "no error";
}

std::string fail_on_error(const std::string& list) {
  try {
    trace::parse_fail_on_rules(list);
  } catch (const trace::RuleListError& e) {
    return "rule " + std::to_string(e.rule_number()) + ", column " + std::to_string(e.column()) + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("group diff: groups in both runs by largest regression, then added, then removed", "[group_diff]") {
  GroupDiff diff = sample_diff();
  CHECK(names(diff) == std::vector<std::string>{"retrieve", "tool", "llm.chat", "cache", "guardrail"});
  CHECK(diff.rows[0].presence == Presence::kBoth);
  CHECK(diff.rows[3].presence == Presence::kAdded);
  CHECK_FALSE(diff.rows[3].base.has_value());
  CHECK(diff.rows[4].presence == Presence::kRemoved);
  CHECK_FALSE(diff.rows[4].next.has_value());
  CHECK(diff.count(Presence::kBoth) == 3);
}

TEST_CASE("group diff: regression is the largest relative change of the judged metrics", "[group_diff]") {
  GroupDiff diff = sample_diff();
  // retrieve: p99 139 -> 1190 ms is the largest: +756.1%.
  CHECK(diff.rows[0].regression == Approx((1190.0 - 139) / 139));
  // tool: error rate 1/12 -> 4/12 is +300%.
  CHECK(diff.rows[1].regression == Approx(3.0));
  // llm.chat got faster; its error rate stayed at zero, a change of 0.
  CHECK(diff.rows[2].regression == 0);
}

TEST_CASE("group diff: a zero base is an infinite change, two zeros none", "[group_diff]") {
  GroupDiff diff = trace::diff_groups(set_of({group("a", 10, 0, 5, 5, 5), group("b", 10, 0, 5, 5, 5)}),
                                      set_of({group("a", 10, 1, 5, 5, 5), group("b", 10, 0, 5, 5, 5)}), std::nullopt);
  CHECK(names(diff) == std::vector<std::string>{"a", "b"});
  CHECK(std::isinf(diff.rows[0].regression));
  CHECK(diff.rows[1].regression == 0);
}

TEST_CASE("group diff: the threshold marks judged metrics above it", "[group_diff]") {
  GroupDiff diff = sample_diff(trace::parse_diff_threshold("10%"));
  CHECK(diff.rows[0].over_threshold == std::vector<Metric>{Metric::kP95, Metric::kP99});
  CHECK(diff.rows[1].over_threshold == std::vector<Metric>{Metric::kErrorRate});
  CHECK(diff.rows[2].over_threshold.empty());
  CHECK(diff.over_threshold() == 2);
  // With pp, the error rate is judged by its absolute change: +25pp is not above 30pp.
  GroupDiff points = sample_diff(trace::parse_diff_threshold("10%,30pp"));
  CHECK(points.rows[1].over_threshold.empty());
}

TEST_CASE("group diff: a change of exactly the threshold is not above it", "[group_diff]") {
  GroupDiff diff = trace::diff_groups(set_of({group("a", 10, 0, 100, 100, 100)}),
                                      set_of({group("a", 10, 0, 110, 100, 100)}), trace::parse_diff_threshold("10%"));
  CHECK(diff.rows[0].over_threshold.empty());
}

TEST_CASE("group diff: threshold texts", "[group_diff]") {
  DiffThreshold t = trace::parse_diff_threshold("10%,1pp");
  CHECK(t.relative.as_double() == 0.1);
  REQUIRE(t.error_points);
  CHECK(t.error_points->as_double() == 0.01);
  CHECK(trace::parse_diff_threshold("0.5pp,5%").relative.as_double() == 0.05);
  const std::string expected =
      "--threshold: expected a percentage and optionally percentage points (10% or 10%,1pp), found '{}'";
  for (std::string bad : {"1pp", "10", "10%,20%", "-10%", "10 %", "", "ten"})
    CHECK(threshold_error(bad) == fmt::format(fmt::runtime(expected), bad));
}

TEST_CASE("group diff: the machine table has every column, raw, with nulls for a missing side", "[group_diff]") {
  trace::output::Table table = trace::diff_table(sample_diff(trace::parse_diff_threshold("10%")));
  std::vector<std::string> keys;
  for (const auto& c : table.columns) keys.push_back(c.key);
  std::vector<std::string> expected = {"name", "presence"};
  for (std::string stem : {"count", "errors", "error_rate", "p50_ns", "p95_ns", "p99_ns", "total_ns", "cost_usd"}) {
    std::string rel = stem.substr(0, stem.find("_ns"));
    if (stem == "cost_usd") rel = "cost";
    for (std::string prefix : {"base_", "new_", "delta_"}) expected.push_back(prefix + stem);
    expected.push_back("rel_" + rel);
  }
  expected.push_back("regression");
  expected.push_back("over_threshold");
  CHECK(keys == expected);
  std::string csv;
  trace::output::write_csv(table, {}, csv);
  std::string first = csv.substr(csv.find('\n') + 1);
  first = first.substr(0, first.find('\n'));
  CHECK(first ==
        "retrieve,both,16,16,0,0,0,0,0,0,0,0,0,0,116000000,119000000,3000000,0.02586206896551724,"
        "136000000,978000000,842000000,6.1911764705882355,139000000,1190000000,1051000000,7.561151079136691,"
        "1856000000,1904000000,48000000,0.02586206896551724,,,,,7.561151079136691,\"p95,p99\"");
  std::string last = csv.substr(csv.rfind('\n', csv.size() - 2) + 1);
  CHECK(last == "guardrail,removed,16,,,,0,,,,0,,,,40000000,,,,47000000,,,,51000000,,,,640000000,,,,,,,,,\n");
}

TEST_CASE("group diff: the human table shows base -> new (change), marked over the threshold", "[group_diff]") {
  trace::output::Table table = trace::diff_human_table(sample_diff(trace::parse_diff_threshold("10%")), false);
  std::vector<std::string> headers;
  for (const auto& c : table.columns) headers.push_back(c.header);
  CHECK(headers == std::vector<std::string>{"name", "change", "count", "err%", "p50", "p95", "p99", "total"});
  auto cell = [&](size_t r, size_t c) { return std::get<std::string>(table.rows[r][c]); };
  CHECK(cell(0, 1) == "regressed");
  CHECK(cell(0, 5) == "136 ms → 978 ms (+619.1%) ▲");
  CHECK(cell(1, 3) == "8.3% → 33.3% (+25.0pp) ▲");
  CHECK(cell(2, 1) == "");
  CHECK(cell(2, 2) == "16 → 16 (0.0%)");
  CHECK(cell(3, 1) == "added");
  CHECK(cell(3, 4) == "- → 8.00 ms");
  CHECK(cell(4, 4) == "40.0 ms → -");
  trace::output::Table md = trace::diff_human_table(sample_diff(trace::parse_diff_threshold("10%")), true);
  CHECK(std::get<std::string>(md.rows[0][5]) == "**136 ms → 978 ms (+619.1%) ▲**");
}

TEST_CASE("group diff: cost columns appear when both sides are priced", "[group_diff]") {
  GroupDiff diff = trace::diff_groups(set_of({group("llm", 4, 0, 10, 10, 10, 0.20)}),
                                      set_of({group("llm", 4, 0, 10, 10, 10, 0.25)}), std::nullopt);
  CHECK(diff.has_cost);
  CHECK(diff.rows[0].regression == Approx(0.25));
  trace::output::Table table = trace::diff_human_table(diff, false);
  CHECK(table.columns.back().header == "cost");
  CHECK(std::get<std::string>(table.rows[0].back()) == "$0.2000 → $0.2500 (+25.0%)");
}

TEST_CASE("group profile: the groups are exactly the stats of the same spans", "[group_diff]") {
  trace::GroupProfile profile(trace::GroupKeySpec::by_name(), nullptr);
  std::vector<std::pair<std::string, int64_t>> spans = {{"b", 30}, {"a", 10}, {"b", 10}, {"a", 20}, {"b", 20}};
  for (auto& [name, ms] : spans) {
    trace::Span span;
    span.name = name;
    span.duration_ns = ms * kMs;
    span.status = name == "b" && ms == 30 ? trace::Status::kError : trace::Status::kOk;
    profile.on_span(span);
  }
  GroupSet set = profile.finish();
  CHECK(set.key_columns == std::vector<std::string>{"name"});
  REQUIRE(set.groups.size() == 2);
  CHECK(set.groups[0].key == std::vector<std::string>{"a"});
  CHECK(set.groups[0].count == 2);
  CHECK(set.groups[0].p50 == 15 * kMs);
  CHECK(set.groups[1].errors == 1);
  CHECK(set.groups[1].p95 == 29 * kMs);
  CHECK(set.groups[1].mean == 20 * kMs);
  CHECK(set.groups[1].total == 60 * kMs);
  CHECK_FALSE(set.has_cost);
}

TEST_CASE("fail-on: a list of rules with relative, pp and absolute changes", "[group_diff]") {
  std::vector<FailOnRule> rules = trace::parse_fail_on_rules("p95>+10%, errors>+1pp,cost>+5%,name=llm.* p99>=+200ms");
  REQUIRE(rules.size() == 4);
  CHECK(rules[0].metric == Metric::kP95);
  CHECK(rules[0].kind == trace::ChangeKind::kRelative);
  CHECK(rules[1].metric == Metric::kErrorRate);
  CHECK(rules[1].kind == trace::ChangeKind::kAbsolute);
  CHECK(rules[1].text == "errors>+1pp");
  CHECK(rules[1].number == 2);
  CHECK(rules[2].metric == Metric::kCost);
  CHECK(rules[3].selectors.size() == 1);
  CHECK(rules[3].change.mantissa == 200 * kMs);
  CHECK(trace::parse_fail_on_rule("count<-50%").change.negative);
}

TEST_CASE("fail-on: malformed rules name the rule, the column and what was expected", "[group_diff]") {
  CHECK(fail_on_error("p95>+10%,p99") == "rule 2, column 4: expected an operator (<, <=, >, >=, =, !=) after 'p99'");
  CHECK(fail_on_error("p95>+10%,") == "rule 2, column 1: empty rule (a stray comma?)");
  CHECK(fail_on_error("p95>+1pp") ==
        "rule 1, column 5: p95 changes by a percentage (+10%) or by a duration such as +200ms, found '+1pp'");
  CHECK(fail_on_error("error_rate>+1") ==
        "rule 1, column 12: error_rate changes by a percentage (+10%) or by percentage points such as +1pp, "
        "found '+1'");
  CHECK(fail_on_error("p95>+10%, p9 > 1%") ==
        "rule 2, column 2: unknown metric 'p9' (expected count, errors, error_rate, min, mean, p50, p90, p95, p99, "
        "max, total or cost; or a selector: name=, service=, model=, attr:KEY=)");
}

TEST_CASE("fail-on: a selector must name a group-by key", "[group_diff]") {
  FailOnRule rule = trace::parse_fail_on_rule("p95>+10% ");
  CHECK_NOTHROW(trace::check_fail_on_selectors(rule, {"name"}));
  FailOnRule by_service = trace::parse_fail_on_rule("service=api p95>+10%");
  try {
    trace::check_fail_on_selectors(by_service, {"name"});
    FAIL("no error");
  } catch (const trace::RuleSyntaxError& e) {
    CHECK(e.column() == 1);
    CHECK(std::string(e.what()) ==
          "the selector 'service=api' needs groups by service (--group-by service); the groups are by name");
  }
}

TEST_CASE("fail-on: a rule is broken by the groups where its condition holds", "[group_diff]") {
  GroupDiff diff = sample_diff();
  auto outcome = [&](const std::string& text) { return trace::evaluate_fail_on(trace::parse_fail_on_rule(text), diff); };
  trace::FailOnOutcome p95 = outcome("p95>+10%");
  CHECK_FALSE(p95.passed);
  CHECK(p95.groups_checked == 3);
  REQUIRE(p95.violations.size() == 1);
  CHECK(diff.rows[p95.violations[0].row].key[0] == "retrieve");
  CHECK(trace::describe_violation(trace::parse_fail_on_rule("p95>+10%"), diff, p95.violations[0]) ==
        "retrieve: p95 136 ms → 978 ms (+619.1%)");
  trace::FailOnOutcome errors = outcome("errors>+1pp");
  REQUIRE(errors.violations.size() == 1);
  CHECK(trace::describe_violation(trace::parse_fail_on_rule("errors>+1pp"), diff, errors.violations[0]) ==
        "tool: error_rate 8.3% → 33.3% (+25.0pp)");
  CHECK(outcome("name=llm.* p95>+1%").passed);
  CHECK(outcome("name=llm.* p95>+1%").groups_checked == 1);
  CHECK_FALSE(outcome("p50<-5%").passed);        // tool: 213 -> 197 ms, -7.5%
  CHECK(outcome("p95>+1s").passed);              // retrieve: +842 ms
  CHECK_FALSE(outcome("p95>+800ms").passed);
  CHECK(outcome("count>+0").passed);
  CHECK(outcome("cost>+5%").groups_checked == 0);  // no cost in these sets
}

TEST_CASE("fail-on: exactly +10% does not break >+10% but breaks >=+10%", "[group_diff]") {
  GroupDiff diff = trace::diff_groups(set_of({group("a", 3, 0, 5, 100, 5)}), set_of({group("a", 3, 0, 5, 110, 5)}),
                                      std::nullopt);
  CHECK(trace::evaluate_fail_on(trace::parse_fail_on_rule("p95>+10%"), diff).passed);
  CHECK_FALSE(trace::evaluate_fail_on(trace::parse_fail_on_rule("p95>=+10%"), diff).passed);
}
