#include "analyzers/group_stats.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "src/output/units.h"

namespace trace {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double to_double(__int128 num, __int128 den) { return static_cast<double>(static_cast<long double>(num) / den); }

// new - base as a fraction over a common denominator.
void difference(const MetricValue& base, const MetricValue& next, __int128& num, __int128& den) {
  num = next.num * base.den - base.num * next.den;
  den = next.den * base.den;
}

}  // namespace

double MetricValue::as_double() const { return metric == Metric::kCost ? usd : to_double(num, den); }

bool MetricValue::is_zero() const { return metric == Metric::kCost ? usd == 0 : num == 0; }

std::optional<MetricValue> metric_value(const GroupStats& stats, Metric metric) {
  MetricValue value;
  value.metric = metric;
  switch (metric) {
    case Metric::kCount: value.num = stats.count; break;
    case Metric::kErrors: value.num = stats.errors; break;
    case Metric::kErrorRate:
      value.num = stats.errors;
      value.den = stats.count > 0 ? stats.count : 1;
      break;
    case Metric::kMin: value.num = stats.min; break;
    case Metric::kMean: value.num = stats.mean; break;
    case Metric::kP50: value.num = stats.p50; break;
    case Metric::kP90: value.num = stats.p90; break;
    case Metric::kP95: value.num = stats.p95; break;
    case Metric::kP99: value.num = stats.p99; break;
    case Metric::kMax: value.num = stats.max; break;
    case Metric::kTotal: value.num = stats.total; break;
    case Metric::kCost:
      if (!stats.cost_usd) return std::nullopt;
      value.usd = *stats.cost_usd;
      break;
  }
  return value;
}

bool value_holds(const MetricValue& value, CompareOp op, const RuleValue& limit) {
  if (value.metric == Metric::kCost) {
    double l = limit.as_double();
    return holds(op, value.usd < l ? -1 : value.usd > l ? 1 : 0);
  }
  return fraction_holds(value.num, value.den, op, limit.numerator(), limit.denominator());
}

double absolute_change(const MetricValue& base, const MetricValue& next) {
  if (base.metric == Metric::kCost) return next.usd - base.usd;
  __int128 num, den;
  difference(base, next, num, den);
  return to_double(num, den);
}

double relative_change(const MetricValue& base, const MetricValue& next) {
  if (base.is_zero()) return next.is_zero() ? 0.0 : kInfinity;
  if (base.metric == Metric::kCost) return (next.usd - base.usd) / base.usd;
  // (n/dn - b/db) / (b/db) = (n*db - b*dn) / (b*dn)
  return to_double(next.num * base.den - base.num * next.den, base.num * next.den);
}

bool relative_change_holds(const MetricValue& base, const MetricValue& next, CompareOp op, const RuleValue& limit) {
  if (base.is_zero()) {
    if (next.is_zero()) return fraction_holds(0, 1, op, limit.numerator(), limit.denominator());
    return holds(op, 1);
  }
  if (base.metric == Metric::kCost) {
    double rel = relative_change(base, next), l = limit.as_double();
    return holds(op, rel < l ? -1 : rel > l ? 1 : 0);
  }
  return fraction_holds(next.num * base.den - base.num * next.den, base.num * next.den, op, limit.numerator(),
                        limit.denominator());
}

bool absolute_change_holds(const MetricValue& base, const MetricValue& next, CompareOp op, const RuleValue& limit) {
  if (base.metric == Metric::kCost) {
    double change = next.usd - base.usd, l = limit.as_double();
    return holds(op, change < l ? -1 : change > l ? 1 : 0);
  }
  __int128 num, den;
  difference(base, next, num, den);
  return fraction_holds(num, den, op, limit.numerator(), limit.denominator());
}

std::string format_metric(const MetricValue& value) {
  switch (metric_kind(value.metric)) {
    case MetricKind::kDuration: return output::format_duration_ns(static_cast<int64_t>(value.num));
    case MetricKind::kRatio: return output::format_ratio(value.as_double());
    case MetricKind::kCount: return output::format_count(static_cast<int64_t>(value.num));
    case MetricKind::kCost: return output::format_cost_usd(value.usd);
  }
  return "";
}

std::string format_relative(double relative) {
  if (std::isinf(relative)) return relative > 0 ? "+∞" : "-∞";
  if (relative == 0) return "0.0%";
  return fmt::format("{:+.1f}%", relative * 100);
}

std::string format_absolute_change(Metric metric, double change) {
  const char* sign = change > 0 ? "+" : change < 0 ? "-" : "";
  double magnitude = std::fabs(change);
  switch (metric_kind(metric)) {
    case MetricKind::kDuration:
      return sign + output::format_duration_ns(static_cast<int64_t>(std::llround(magnitude)));
    case MetricKind::kRatio: return fmt::format("{}{:.1f}pp", sign, magnitude * 100);
    case MetricKind::kCount: return fmt::format("{}{}", sign, static_cast<int64_t>(std::llround(magnitude)));
    case MetricKind::kCost: return sign + output::format_cost_usd(magnitude);
  }
  return "";
}

}  // namespace trace
