#include "analyzers/group_diff.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

constexpr Metric kJudged[] = {Metric::kP50, Metric::kP95, Metric::kP99, Metric::kErrorRate, Metric::kCost};

// The metrics the tables show, with their machine key stem and human header.
struct Shown {
  Metric metric;
  std::string_view stem;    // base_<stem>, new_<stem>, delta_<stem>
  std::string_view rel;     // rel_<rel>
  std::string_view header;  // human
  output::ColumnKind kind;
};

constexpr Shown kShown[] = {
    {Metric::kCount, "count", "count", "count", output::ColumnKind::kCount},
    {Metric::kErrors, "errors", "errors", "errors", output::ColumnKind::kCount},
    {Metric::kErrorRate, "error_rate", "error_rate", "err%", output::ColumnKind::kRatio},
    {Metric::kP50, "p50_ns", "p50", "p50", output::ColumnKind::kDurationNs},
    {Metric::kP95, "p95_ns", "p95", "p95", output::ColumnKind::kDurationNs},
    {Metric::kP99, "p99_ns", "p99", "p99", output::ColumnKind::kDurationNs},
    {Metric::kTotal, "total_ns", "total", "total", output::ColumnKind::kDurationNs},
    {Metric::kCost, "cost_usd", "cost", "cost", output::ColumnKind::kCostUsd},
};

// The human table leaves out the error count: the rate says it better.
bool shown_to_people(Metric metric) { return metric != Metric::kErrors; }

[[noreturn]] void bad_threshold(std::string_view text) {
  throw UsageError(fmt::format(
      "--threshold: expected a percentage and optionally percentage points (10% or 10%,1pp), found '{}'", text));
}

bool over(const GroupStats& base, const GroupStats& next, Metric metric, const DiffThreshold& threshold) {
  std::optional<MetricValue> b = metric_value(base, metric), n = metric_value(next, metric);
  if (!b || !n) return false;
  if (metric == Metric::kErrorRate && threshold.error_points)
    return absolute_change_holds(*b, *n, CompareOp::kGt, *threshold.error_points);
  return relative_change_holds(*b, *n, CompareOp::kGt, threshold.relative);
}

output::Cell exact_cell(const MetricValue& v) {
  if (v.metric == Metric::kCost) return v.usd;
  if (v.metric == Metric::kErrorRate) return v.as_double();
  return static_cast<int64_t>(v.num);
}

output::Cell delta_cell(const MetricValue& b, const MetricValue& n) {
  if (b.metric == Metric::kCost || b.metric == Metric::kErrorRate) return absolute_change(b, n);
  return static_cast<int64_t>(n.num - b.num);
}

output::Cell relative_cell(const MetricValue& b, const MetricValue& n) {
  double rel = relative_change(b, n);
  if (std::isinf(rel)) return std::monostate{};
  return rel;
}

std::string human_cell(const GroupChange& row, Metric metric) {
  std::optional<MetricValue> b, n;
  if (row.base) b = metric_value(*row.base, metric);
  if (row.next) n = metric_value(*row.next, metric);
  std::string text = fmt::format("{} → {}", b ? format_metric(*b) : "-", n ? format_metric(*n) : "-");
  if (b && n) {
    std::string change = metric == Metric::kErrorRate ? format_absolute_change(metric, absolute_change(*b, *n))
                                                      : format_relative(relative_change(*b, *n));
    text += fmt::format(" ({})", change);
  }
  return text;
}

}  // namespace

std::string_view presence_name(Presence presence) {
  switch (presence) {
    case Presence::kBoth: return "both";
    case Presence::kAdded: return "added";
    case Presence::kRemoved: return "removed";
  }
  return "";
}

DiffThreshold parse_diff_threshold(std::string_view text) {
  DiffThreshold threshold;
  threshold.text = std::string(text);
  bool have_relative = false;
  std::vector<RuleText> parts;
  try {
    parts = split_rule_list(text);
  } catch (const RuleSyntaxError&) {
    bad_threshold(text);
  }
  for (const RuleText& part : parts) {
    std::vector<Token> tokens;
    try {
      tokens = tokenize_rule(part.text);
    } catch (const RuleSyntaxError&) {
      bad_threshold(text);
    }
    if (tokens.size() != 2) bad_threshold(text);
    RuleValue value;
    try {
      value = parse_rule_value(tokens[0], true);
    } catch (const RuleSyntaxError&) {
      bad_threshold(text);
    }
    if (value.negative) bad_threshold(text);
    if (value.unit == ValueUnit::kPercent && !have_relative) {
      threshold.relative = value;
      have_relative = true;
    } else if (value.unit == ValueUnit::kPoints && !threshold.error_points) {
      threshold.error_points = value;
    } else {
      bad_threshold(text);
    }
  }
  if (!have_relative) bad_threshold(text);
  return threshold;
}

size_t GroupDiff::count(Presence presence) const {
  return static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const GroupChange& r) { return r.presence == presence; }));
}

size_t GroupDiff::over_threshold() const {
  return static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [](const GroupChange& r) { return !r.over_threshold.empty(); }));
}

bool is_judged(Metric metric) { return std::find(std::begin(kJudged), std::end(kJudged), metric) != std::end(kJudged); }

GroupDiff diff_groups(const GroupSet& base, const GroupSet& next, std::optional<DiffThreshold> threshold) {
  GroupDiff diff;
  diff.key_columns = base.key_columns;
  diff.key_headers = base.key_headers;
  diff.has_cost = base.has_cost && next.has_cost;
  diff.threshold = std::move(threshold);
  std::vector<GroupChange> both, added, removed;
  // Both sets are sorted by key: one merge pass pairs them.
  size_t i = 0, j = 0;
  while (i < base.groups.size() || j < next.groups.size()) {
    GroupChange change;
    if (j == next.groups.size() || (i < base.groups.size() && base.groups[i].key < next.groups[j].key)) {
      change.presence = Presence::kRemoved;
      change.key = base.groups[i].key;
      change.base = base.groups[i++];
      removed.push_back(std::move(change));
    } else if (i == base.groups.size() || next.groups[j].key < base.groups[i].key) {
      change.presence = Presence::kAdded;
      change.key = next.groups[j].key;
      change.next = next.groups[j++];
      added.push_back(std::move(change));
    } else {
      change.key = base.groups[i].key;
      change.base = base.groups[i++];
      change.next = next.groups[j++];
      change.regression = -std::numeric_limits<double>::infinity();
      for (Metric metric : kJudged) {
        if (metric == Metric::kCost && !diff.has_cost) continue;
        std::optional<MetricValue> b = metric_value(*change.base, metric), n = metric_value(*change.next, metric);
        if (b && n) change.regression = std::max(change.regression, relative_change(*b, *n));
        if (diff.threshold && over(*change.base, *change.next, metric, *diff.threshold))
          change.over_threshold.push_back(metric);
      }
      both.push_back(std::move(change));
    }
  }
  std::stable_sort(both.begin(), both.end(),
                   [](const GroupChange& a, const GroupChange& b) { return a.regression > b.regression; });
  diff.rows = std::move(both);
  for (auto* part : {&added, &removed})
    diff.rows.insert(diff.rows.end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
  return diff;
}

output::Table diff_table(const GroupDiff& diff) {
  using output::ColumnKind;
  output::Table table;
  for (size_t k = 0; k < diff.key_columns.size(); ++k)
    table.columns.push_back({diff.key_columns[k], diff.key_headers[k], ColumnKind::kText});
  table.columns.push_back({"presence", "presence", ColumnKind::kText});
  for (const Shown& s : kShown) {
    table.columns.push_back({fmt::format("base_{}", s.stem), fmt::format("base {}", s.header), s.kind});
    table.columns.push_back({fmt::format("new_{}", s.stem), fmt::format("new {}", s.header), s.kind});
    table.columns.push_back({fmt::format("delta_{}", s.stem), fmt::format("Δ{}", s.header), s.kind});
    table.columns.push_back({fmt::format("rel_{}", s.rel), fmt::format("Δ{}%", s.header), ColumnKind::kRatio});
  }
  table.columns.push_back({"regression", "regression", ColumnKind::kRatio});
  table.columns.push_back({"over_threshold", "over threshold", ColumnKind::kText});

  for (const GroupChange& change : diff.rows) {
    output::Row& row = table.rows.emplace_back();
    for (const std::string& part : change.key) row.emplace_back(part);
    row.emplace_back(std::string(presence_name(change.presence)));
    for (const Shown& s : kShown) {
      std::optional<MetricValue> b, n;
      if (change.base) b = metric_value(*change.base, s.metric);
      if (change.next) n = metric_value(*change.next, s.metric);
      row.push_back(b ? exact_cell(*b) : output::Cell{});
      row.push_back(n ? exact_cell(*n) : output::Cell{});
      row.push_back(b && n ? delta_cell(*b, *n) : output::Cell{});
      row.push_back(b && n ? relative_cell(*b, *n) : output::Cell{});
    }
    if (change.presence == Presence::kBoth && std::isfinite(change.regression))
      row.emplace_back(change.regression);
    else
      row.emplace_back();
    if (!diff.threshold) {
      row.emplace_back();
    } else {
      std::string over;
      for (Metric metric : change.over_threshold) {
        if (!over.empty()) over += ',';
        over += metric_name(metric);
      }
      row.emplace_back(std::move(over));
    }
  }
  return table;
}

output::Table diff_human_table(const GroupDiff& diff, bool markdown) {
  using output::ColumnKind;
  output::Table table;
  for (size_t k = 0; k < diff.key_columns.size(); ++k)
    table.columns.push_back({diff.key_columns[k], diff.key_headers[k], ColumnKind::kText});
  table.columns.push_back({"change", "change", ColumnKind::kText});
  std::vector<Metric> metrics;
  for (const Shown& s : kShown) {
    if (!shown_to_people(s.metric) || (s.metric == Metric::kCost && !diff.has_cost)) continue;
    metrics.push_back(s.metric);
    table.columns.push_back({std::string(s.stem), std::string(s.header), ColumnKind::kText});
  }
  for (const GroupChange& change : diff.rows) {
    output::Row& row = table.rows.emplace_back();
    for (const std::string& part : change.key) row.emplace_back(part);
    if (change.presence != Presence::kBoth)
      row.emplace_back(std::string(presence_name(change.presence)));
    else
      row.emplace_back(std::string(change.over_threshold.empty() ? "" : "regressed"));
    for (Metric metric : metrics) {
      std::string text = human_cell(change, metric);
      bool flagged = std::find(change.over_threshold.begin(), change.over_threshold.end(), metric) !=
                     change.over_threshold.end();
      if (flagged) text = markdown ? fmt::format("**{} ▲**", text) : text + " ▲";
      row.emplace_back(std::move(text));
    }
  }
  return table;
}

std::string group_label(const std::vector<std::string>& key) {
  std::string out;
  for (const std::string& part : key) {
    if (!out.empty()) out += " / ";
    out += part;
  }
  return out;
}

}  // namespace trace
