// The finished numbers of one set of spans (a group of `trace stats`, the spans a budget
// rule selects), and the exact arithmetic the rule languages judge them with.
//
// Exactness: every metric but cost is a ratio of integers (a count, nanoseconds, errors
// over count), so a value, a change and a relative change are fractions compared in
// 128-bit integers: "p95 went from 100 ms to 110 ms" is exactly +10%, never
// 10.000000000000002%. Cost is dollars in a double.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_syntax.h"

namespace trace {

struct GroupStats {
  std::vector<std::string> key;  // the group-by parts; empty for a rule's selection
  uint64_t count = 0;            // spans with a known duration
  uint64_t errors = 0;
  int64_t min = 0, mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0, total = 0;  // ns
  std::optional<double> cost_usd;  // empty: no cost source in this build
};

// One metric of a GroupStats: num/den exactly, or `usd` for cost.
struct MetricValue {
  Metric metric = Metric::kCount;
  __int128 num = 0;
  __int128 den = 1;  // > 0; errors/count for error_rate (1 when count is 0)
  double usd = 0;    // cost

  double as_double() const;
  bool is_zero() const;
};

// Empty for cost when the stats carry none.
std::optional<MetricValue> metric_value(const GroupStats& stats, Metric metric);

// value OP limit, exactly (limit in the metric's base unit: ns, fraction, count, USD).
bool value_holds(const MetricValue& value, CompareOp op, const RuleValue& limit);

// new - base, as a double in the metric's base unit (a rate's change as a fraction).
double absolute_change(const MetricValue& base, const MetricValue& next);

// (new - base) / base. A zero base gives 0 when new is zero too, else +infinity.
double relative_change(const MetricValue& base, const MetricValue& next);

// relative_change OP limit and absolute_change OP limit, exactly. An infinite relative
// change is above every limit.
bool relative_change_holds(const MetricValue& base, const MetricValue& next, CompareOp op, const RuleValue& limit);
bool absolute_change_holds(const MetricValue& base, const MetricValue& next, CompareOp op, const RuleValue& limit);

// For people: "1.85 s", "2.4%", "16", "$0.0420".
std::string format_metric(const MetricValue& value);
// "+54.2%", "-3.1%", "0.0%", "+∞" (zero base).
std::string format_relative(double relative);
// A change in the metric's unit with its sign: "+650 ms", "-2", "+7.5pp", "+$0.0100".
std::string format_absolute_change(Metric metric, double change);

}  // namespace trace
