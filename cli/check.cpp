// trace check: budget rules over a run's spans; each rule with its measured value and
// PASS or FAIL; exit 1 when one fails. For CI: JUnit XML with --junit.
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "analyzers/budget_check.h"
#include "analyzers/budget_file.h"
#include "analyzers/budget_rules.h"
#include "analyzers/span_cost.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/junit_xml.h"
#include "src/output/output_file.h"
#include "src/output/terminal.h"
#include "src/output/write_table.h"

namespace trace::cli {

namespace {

struct CheckOptions {
  InputOptions input;
  OutputOptions output;
  std::vector<std::string> budgets;
  std::vector<std::string> rules;
  std::string junit;
};

// A parsed rule and where it came from.
struct SourcedRule {
  std::string source;     // "budgets.toml:7", "--rule 2"
  std::string classname;  // JUnit: the budget file, or "command line"
  std::string label;      // a budget file's name for the rule
};

void load_rules(const CheckOptions& options, std::vector<BudgetRule>& rules, std::vector<SourcedRule>& sources) {
  for (const std::string& path : options.budgets) {
    for (const BudgetEntry& entry : read_budget_file(path)) {
      try {
        rules.push_back(parse_budget_rule(entry.rule));
      } catch (const RuleSyntaxError& e) {
        throw InputError(fmt::format("{}: {}\n{}", entry.location(e.column()), e.what(),
                                     point_at(entry.rule, e.column())));
      }
      sources.push_back({fmt::format("{}:{}", entry.file, entry.line), entry.file, entry.label});
    }
  }
  for (size_t i = 0; i < options.rules.size(); ++i) {
    try {
      rules.push_back(parse_budget_rule(options.rules[i]));
    } catch (const RuleSyntaxError& e) {
      throw UsageError(fmt::format("--rule: rule {}, column {}: {}\n{}", i + 1, e.column(), e.what(),
                                   point_at(options.rules[i], e.column())));
    }
    sources.push_back({fmt::format("--rule {}", i + 1), "command line", ""});
  }
  if (rules.empty()) throw UsageError("no rules: give --budget FILE or --rule 'RULE' (see 'man trace-check')");
}

std::string result_text(const BudgetOutcome& outcome) { return outcome.passed ? "PASS" : "FAIL"; }

// "no spans" stands where a value would: a rule on an empty selection has nothing to
// measure, and fails.
std::string measured_text(const BudgetOutcome& outcome) {
  return outcome.measured ? format_metric(*outcome.measured) : std::string("no spans");
}

std::string note_text(const BudgetRule& rule, const BudgetOutcome& outcome) {
  if (outcome.measured) return "";
  return rule.selectors.empty() ? "no spans in the input" : "no spans matched " + rule.selection();
}

output::Cell limit_cell(const BudgetRule& rule) {
  const RuleValue& v = rule.limit;
  switch (metric_kind(rule.metric)) {
    case MetricKind::kDuration: return v.mantissa;
    case MetricKind::kCount:
      if (v.scale == 0) return v.mantissa;
      break;
    case MetricKind::kRatio:
    case MetricKind::kCost: break;
  }
  return v.as_double();
}

output::Cell measured_cell(const BudgetOutcome& outcome) {
  if (!outcome.measured) return std::monostate{};
  const MetricValue& m = *outcome.measured;
  switch (metric_kind(m.metric)) {
    case MetricKind::kDuration:
    case MetricKind::kCount: return static_cast<int64_t>(m.num);
    case MetricKind::kRatio:
    case MetricKind::kCost: break;
  }
  return m.as_double();
}

std::string_view unit_name(Metric metric) {
  switch (metric_kind(metric)) {
    case MetricKind::kDuration: return "ns";
    case MetricKind::kRatio: return "fraction";
    case MetricKind::kCount: return "count";
    case MetricKind::kCost: return "usd";
  }
  return "";
}

output::Table machine_table(const std::vector<BudgetRule>& rules, const std::vector<SourcedRule>& sources,
                            const std::vector<BudgetOutcome>& outcomes) {
  using output::ColumnKind;
  output::Table table;
  table.columns = {
      {"rule", "rule", ColumnKind::kText},         {"label", "label", ColumnKind::kText},
      {"source", "source", ColumnKind::kText},     {"selection", "selection", ColumnKind::kText},
      {"metric", "metric", ColumnKind::kText},     {"op", "op", ColumnKind::kText},
      {"limit", "limit", ColumnKind::kCount},      {"unit", "unit", ColumnKind::kText},
      {"measured", "measured", ColumnKind::kCount}, {"spans", "spans", ColumnKind::kCount},
      {"result", "result", ColumnKind::kText},
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    const BudgetRule& rule = rules[i];
    output::Row row{rule.text,
                    sources[i].label.empty() ? output::Cell{} : output::Cell{sources[i].label},
                    sources[i].source,
                    rule.selection(),
                    std::string(metric_name(rule.metric)),
                    std::string(compare_op_text(rule.op)),
                    limit_cell(rule),
                    std::string(unit_name(rule.metric)),
                    measured_cell(outcomes[i]),
                    static_cast<int64_t>(outcomes[i].spans),
                    std::string(outcomes[i].passed ? "pass" : "fail")};
    table.rows.push_back(std::move(row));
  }
  return table;
}

output::Table human_table(const std::vector<BudgetRule>& rules, const std::vector<SourcedRule>& sources,
                          const std::vector<BudgetOutcome>& outcomes) {
  using output::ColumnKind;
  bool labels = false;
  for (const SourcedRule& s : sources) labels = labels || !s.label.empty();
  output::Table table;
  table.columns.push_back({"result", "result", ColumnKind::kText});
  if (labels) table.columns.push_back({"label", "label", ColumnKind::kText});
  table.columns.push_back({"rule", "rule", ColumnKind::kText});
  table.columns.push_back({"measured", "measured", ColumnKind::kText});
  table.columns.push_back({"spans", "spans", ColumnKind::kCount});
  for (size_t i = 0; i < rules.size(); ++i) {
    output::Row& row = table.rows.emplace_back();
    row.emplace_back(result_text(outcomes[i]));
    if (labels) row.emplace_back(sources[i].label);
    row.emplace_back(rules[i].text);
    row.emplace_back(measured_text(outcomes[i]));
    row.emplace_back(static_cast<int64_t>(outcomes[i].spans));
  }
  return table;
}

std::string summary(size_t failed, size_t total) {
  if (failed == 0) return fmt::format("all {} rule{} passed", total, total == 1 ? "" : "s");
  return fmt::format("{} of {} rule{} failed", failed, total, total == 1 ? "" : "s");
}

void write_junit(const std::string& path, const std::vector<BudgetRule>& rules,
                 const std::vector<SourcedRule>& sources, const std::vector<BudgetOutcome>& outcomes) {
  output::JUnitSuite suite;
  suite.name = "trace check";
  for (size_t i = 0; i < rules.size(); ++i) {
    output::JUnitCase& c = suite.cases.emplace_back();
    c.name = sources[i].label.empty() ? rules[i].text : fmt::format("{}: {}", sources[i].label, rules[i].text);
    c.classname = sources[i].classname;
    if (outcomes[i].passed) continue;
    std::string note = note_text(rules[i], outcomes[i]);
    std::string message = note.empty() ? fmt::format("measured {}, limit {}", measured_text(outcomes[i]), rules[i].text)
                                       : fmt::format("{}: {}", note, rules[i].text);
    std::string text = fmt::format("rule: {}\nsource: {}\nmeasured: {} over {} span{}\n", rules[i].text,
                                   sources[i].source, measured_text(outcomes[i]), outcomes[i].spans,
                                   outcomes[i].spans == 1 ? "" : "s");
    c.failure = output::JUnitFailure{std::move(message), "budget", std::move(text)};
  }
  std::string xml;
  output::write_junit_xml(suite, xml);
  output::write_output(path, xml);
}

int run_check(const CheckOptions& options) {
  // Rules become values before any input is read, so a typo costs no time.
  output::OutputFormat format = output::parse_output_format(options.output.format);
  auto rules = std::make_shared<std::vector<BudgetRule>>();
  std::vector<SourcedRule> sources;
  load_rules(options, *rules, sources);
  // Spans are priced only when a rule asks for cost.
  const SpanCostSource* cost = nullptr;
  for (size_t i = 0; i < rules->size(); ++i) {
    if ((*rules)[i].metric != Metric::kCost) continue;
    cost = builtin_span_cost_source();
    if (cost == nullptr)
      throw UsageError(fmt::format("cost: not available in this build (no span pricing); {} asks for it: '{}'",
                                   sources[i].source, (*rules)[i].text));
  }

  formats::ReadReport report;
  std::vector<formats::Input> inputs = options.input.inputs();
  BudgetCheck check = formats::run_all<BudgetCheck>(
      inputs, options.input.read_options(), [&] { return BudgetCheck(rules, cost); }, &report);
  report_skips(report);
  std::vector<BudgetOutcome> outcomes = check.finish();
  size_t failed = 0;
  for (const BudgetOutcome& o : outcomes)
    if (!o.passed) ++failed;

  if (!options.junit.empty()) write_junit(options.junit, *rules, sources, outcomes);

  bool people = format == output::OutputFormat::kTable || format == output::OutputFormat::kMarkdown;
  output::Table table = people ? human_table(*rules, sources, outcomes) : machine_table(*rules, sources, outcomes);
  table.meta.command = "check";
  fill_meta(table.meta, report);
  output::RenderStyle style;
  style.color = options.output.use_color();
  std::string out;
  if (format == output::OutputFormat::kMarkdown) out += fmt::format("**trace check: {}**\n\n", summary(failed, rules->size()));
  output::write_table(table, format, style, out);
  if (format == output::OutputFormat::kTable) out += fmt::format("\n{}\n", summary(failed, rules->size()));
  output::write_output(options.output.path, out);
  return failed > 0 ? kExitBudgetExceeded : kExitOk;
}

}  // namespace

Command register_check(CLI::App& parent) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* app = parent.add_subcommand("check", "Check budget rules (p95 < 2s, error_rate < 1%...) on a run; exit 1 when one fails");
  add_input_options(*app, options->input);
  app->add_option("-b,--budget", options->budgets, "Read rules from a budget file (JSON or TOML; see man trace-check)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app->add_option("-r,--rule", options->rules, "A rule, e.g. 'name=llm.chat p95 < 2s' (repeatable)")
      ->type_name("RULE")
      ->allow_extra_args(false);
  app->add_option("--junit", options->junit, "Also write the results as JUnit XML to FILE, one test case per rule")
      ->type_name("FILE");
  add_output_options(*app, options->output);
  app->footer(
      "Rules: [SELECTOR...] METRIC OP VALUE, or METRIC(SELECTOR...) OP VALUE; selectors name=GLOB,\n"
      "service=GLOB, model=GLOB, attr:KEY=GLOB (!= negates); metrics count, errors, error_rate, min,\n"
      "mean, p50, p90, p95, p99, max, total, cost; values 2s, 500ms, 1%, 20, 0.50.\n"
      "Exit 0 when every rule passes, 1 when one fails, 2 on a malformed rule or input.\n"
      "\nExamples:\n"
      "  trace check --budget samples/ci/budgets.toml samples/ci/baseline.jsonl\n"
      "  trace check --rule 'name=llm.chat p95 < 2.5s' --rule 'error_rate < 5%' samples/ci/baseline.jsonl\n"
      "  trace check --rule 'count(name=tool.*) <= 40' --format md samples/ci/baseline.jsonl\n"
      "  trace check --budget samples/ci/budgets.json --junit report.xml samples/ci/regressed.jsonl");
  return {app, [options] { return run_check(*options); }};
}

}  // namespace trace::cli
