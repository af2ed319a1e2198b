// trace diff: a baseline run and a new run compared group by group: count, error rate,
// p50/p95/p99, total time and cost on both sides, with their changes, largest
// regression first. For CI: --fail-on rules make it exit 1.
#include <memory>

#include <fmt/format.h>

#include "analyzers/fail_on_rules.h"
#include "analyzers/group_diff.h"
#include "analyzers/group_profile.h"
#include "analyzers/percentiles.h"
#include "analyzers/span_cost.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/json_writer.h"
#include "src/output/output_file.h"
#include "src/output/terminal.h"
#include "src/output/write_table.h"

namespace trace::cli {

namespace {

struct DiffOptions {
  InputOptions input;  // its paths: BASE NEW
  OutputOptions output;
  std::vector<std::string> base;
  std::vector<std::string> next;
  std::vector<std::string> group_by;
  std::string threshold;
  std::vector<std::string> fail_on;
};

struct Side {
  GroupSet groups;
  formats::ReadReport report;
};

Side read_side(const InputOptions& input, const std::vector<std::string>& paths, const GroupKeySpec& group_by,
               const SpanCostSource* cost) {
  Side side;
  std::vector<formats::Input> inputs = formats::inputs_from_paths(paths);
  GroupProfile profile = formats::run_all<GroupProfile>(
      inputs, input.read_options(), [&] { return GroupProfile(group_by, cost); }, &side.report);
  report_skips(side.report);
  side.groups = profile.finish();
  return side;
}

std::vector<FailOnRule> parse_rules(const std::vector<std::string>& lists) {
  std::vector<FailOnRule> rules;
  for (const std::string& list : lists) {
    try {
      std::vector<FailOnRule> more = parse_fail_on_rules(list, rules.size() + 1);
      rules.insert(rules.end(), more.begin(), more.end());
    } catch (const RuleListError& e) {
      std::vector<RuleText> texts;
      std::string_view shown = list;
      try {
        texts = split_rule_list(list);
        shown = texts.at(e.rule_number() - rules.size() - 1).text;
      } catch (...) {
      }
      throw UsageError(fmt::format("--fail-on: rule {}, column {}: {}\n{}", e.rule_number(), e.column(), e.what(),
                                   point_at(shown, e.column())));
    }
  }
  return rules;
}

struct RuleResult {
  const FailOnRule* rule;
  FailOnOutcome outcome;
};

void append_meta_side(std::string_view key, const formats::ReadReport& report, std::string& out) {
  // The inputs, counts, skipped and skipped_at as in stats' meta.
  output::TableMeta meta;
  fill_meta(meta, report);
  out += fmt::format("  \"{}\": {{\"inputs\": ", key);
  output::append_json_string_array(meta.inputs, out);
  out += fmt::format(", \"records\": {}, \"spans\": {}, \"logs\": {}, \"skipped\": {}, \"skipped_at\": ", meta.records,
                     meta.spans, meta.logs, meta.skipped);
  output::append_json_string_array(meta.skipped_at, out);
  out += "},\n";
}

void write_json(const GroupDiff& diff, const output::Table& table, const Side& base, const Side& next,
                const std::vector<std::string>& notes, const std::vector<RuleResult>& results, std::string& out) {
  out += "{\n  \"schema_version\": 1,\n  \"command\": \"diff\",\n";
  append_meta_side("base", base.report, out);
  append_meta_side("new", next.report, out);
  out += "  \"group_by\": ";
  output::append_json_string_array(diff.key_columns, out);
  out += ",\n  \"approximate\": false,\n  \"percentile_method\": ";
  output::append_json_string(kPercentileMethod, out);
  out += ",\n  \"threshold\": ";
  if (!diff.threshold) {
    out += "null";
  } else {
    out += "{\"relative\": ";
    output::append_json_number(diff.threshold->relative.as_double(), out);
    out += ", \"error_rate_points\": ";
    if (diff.threshold->error_points)
      output::append_json_number(diff.threshold->error_points->as_double(), out);
    else
      out += "null";
    out += '}';
  }
  out += ",\n  \"notes\": ";
  output::append_json_string_array(notes, out);
  // The rows are exactly the objects --format jsonl writes, one per line.
  std::string rows;
  output::write_jsonl(table, {}, rows);
  out += ",\n  \"rows\": [";
  size_t start = 0;
  for (size_t r = 0; start < rows.size(); ++r) {
    size_t end = rows.find('\n', start);
    out += r > 0 ? ",\n    " : "\n    ";
    out.append(rows, start, end - start);
    start = end + 1;
  }
  out += rows.empty() ? "],\n" : "\n  ],\n";
  out += "  \"rules\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    const RuleResult& result = results[i];
    out += i > 0 ? ",\n    {\"rule\": " : "\n    {\"rule\": ";
    output::append_json_string(result.rule->text, out);
    out += fmt::format(", \"passed\": {}, \"groups_checked\": {}, \"violations\": [",
                       result.outcome.passed ? "true" : "false", result.outcome.groups_checked);
    for (size_t v = 0; v < result.outcome.violations.size(); ++v) {
      const FailOnViolation& violation = result.outcome.violations[v];
      if (v > 0) out += ", ";
      out += "{\"group\": {";
      const GroupChange& row = diff.rows[violation.row];
      for (size_t k = 0; k < diff.key_columns.size(); ++k) {
        if (k > 0) out += ", ";
        output::append_json_string(diff.key_columns[k], out);
        out += ": ";
        output::append_json_string(row.key[k], out);
      }
      out += "}, \"base\": ";
      output::append_json_number(violation.base.as_double(), out);
      out += ", \"new\": ";
      output::append_json_number(violation.next.as_double(), out);
      out += ", \"change\": ";
      output::append_json_number(violation.change, out);
      out += '}';
    }
    out += "]}";
  }
  out += results.empty() ? "],\n" : "\n  ],\n";
  size_t broken = 0;
  for (const RuleResult& r : results)
    if (!r.outcome.passed) ++broken;
  out += fmt::format("  \"rules_failed\": {}\n}}\n", broken);
}

std::string summary_line(const GroupDiff& diff) {
  std::string line = fmt::format("{} group{} in both runs", diff.count(Presence::kBoth),
                                 diff.count(Presence::kBoth) == 1 ? "" : "s");
  if (diff.threshold) line += fmt::format(", {} over {}", diff.over_threshold(), diff.threshold->text);
  line += fmt::format(", {} added, {} removed", diff.count(Presence::kAdded), diff.count(Presence::kRemoved));
  return line;
}

std::string inputs_text(const formats::ReadReport& report) {
  std::string names;
  for (const formats::FileReport& file : report.files) names += (names.empty() ? "" : ", ") + file.name;
  return fmt::format("{} ({} span{})", names, report.spans(), report.spans() == 1 ? "" : "s");
}

void append_rule_lines(const GroupDiff& diff, const std::vector<RuleResult>& results, bool markdown,
                       std::string& out) {
  for (const RuleResult& result : results) {
    const FailOnOutcome& o = result.outcome;
    if (markdown) {
      out += fmt::format("- {} `{}`", o.passed ? "PASS" : "**FAIL**", result.rule->text);
      for (size_t v = 0; v < o.violations.size(); ++v)
        out += (v == 0 ? ": " : "; ") + describe_violation(*result.rule, diff, o.violations[v]);
      if (o.passed) out += fmt::format(" ({} group{} checked)", o.groups_checked, o.groups_checked == 1 ? "" : "s");
      out += '\n';
      continue;
    }
    out += fmt::format("{}  {}", o.passed ? "PASS" : "FAIL", result.rule->text);
    if (o.passed) out += fmt::format(" ({} group{} checked)", o.groups_checked, o.groups_checked == 1 ? "" : "s");
    out += '\n';
    for (const FailOnViolation& v : o.violations) out += "      " + describe_violation(*result.rule, diff, v) + '\n';
  }
}

int run_diff(const DiffOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  output::OutputFormat format = output::parse_output_format(options.output.format);
  GroupKeySpec group_by = options.group_by.empty() ? GroupKeySpec::by_name() : parse_group_key_spec(options.group_by);
  std::optional<DiffThreshold> threshold;
  if (!options.threshold.empty()) threshold = parse_diff_threshold(options.threshold);
  std::vector<FailOnRule> rules = parse_rules(options.fail_on);
  std::vector<std::string> key_columns;
  for (const GroupKeyPart& part : group_by.parts) key_columns.push_back(part.column_key());
  const SpanCostSource* cost = builtin_span_cost_source();
  for (const FailOnRule& rule : rules) {
    try {
      check_fail_on_selectors(rule, key_columns);
    } catch (const RuleSyntaxError& e) {
      throw UsageError(fmt::format("--fail-on: rule {}, column {}: {}", rule.number, e.column(), e.what()));
    }
    if (rule.metric == Metric::kCost && cost == nullptr)
      throw UsageError(fmt::format("cost: not available in this build (no span pricing); --fail-on rule {} asks "
                                   "for it: '{}'",
                                   rule.number, rule.text));
  }

  std::vector<std::string> base_paths = options.base, new_paths = options.next;
  bool by_flags = !base_paths.empty() || !new_paths.empty();
  if (by_flags && !options.input.paths.empty())
    throw UsageError("give BASE NEW as two files, or --base FILE... --new FILE..., not both");
  if (by_flags && (base_paths.empty() || new_paths.empty()))
    throw UsageError(fmt::format("{} is missing: give both --base FILE... and --new FILE...",
                                 base_paths.empty() ? "--base" : "--new"));
  if (!by_flags) {
    if (options.input.paths.size() != 2)
      throw UsageError(fmt::format("expected two files, BASE and NEW, found {} (for several files per side: "
                                   "--base FILE... --new FILE...)",
                                   options.input.paths.size()));
    base_paths = {options.input.paths[0]};
    new_paths = {options.input.paths[1]};
  }

  Side base = read_side(options.input, base_paths, group_by, cost);
  Side next = read_side(options.input, new_paths, group_by, cost);
  GroupDiff diff = diff_groups(base.groups, next.groups, threshold);
  std::vector<RuleResult> results;
  for (const FailOnRule& rule : rules) results.push_back({&rule, evaluate_fail_on(rule, diff)});
  bool failed = false;
  for (const RuleResult& r : results) failed = failed || !r.outcome.passed;

  std::vector<std::string> notes;
  for (const std::string& note : base.groups.notes) notes.push_back("base: " + note);
  for (const std::string& note : next.groups.notes) notes.push_back("new: " + note);

  std::string out;
  output::RenderStyle style;
  style.color = options.output.use_color();
  switch (format) {
    case output::OutputFormat::kJson:
      write_json(diff, diff_table(diff), base, next, notes, results, out);
      break;
    case output::OutputFormat::kJsonl:
    case output::OutputFormat::kCsv:
      output::write_table(diff_table(diff), format, style, out);
      break;
    case output::OutputFormat::kMarkdown:
      out += fmt::format("**trace diff**: {}  \nbase: {} · new: {}\n\n", summary_line(diff), inputs_text(base.report),
                         inputs_text(next.report));
      output::write_markdown(diff_human_table(diff, true), style, out);
      if (!results.empty()) {
        out += "\n**Rules** (`--fail-on`)\n\n";
        append_rule_lines(diff, results, true, out);
      }
      break;
    case output::OutputFormat::kTable:
      output::write_text_table(diff_human_table(diff, false), style, out);
      if (!results.empty()) {
        out += '\n';
        append_rule_lines(diff, results, false, out);
      }
      break;
  }
  output::write_output(options.output.path, out);
  if (format == output::OutputFormat::kTable || format == output::OutputFormat::kMarkdown)
    for (const std::string& note : notes) fmt::print(stderr, "note: {}\n", note);
  return failed ? kExitBudgetExceeded : kExitOk;
}

}  // namespace

Command register_diff(CLI::App& parent) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* app =
      parent.add_subcommand("diff", "Compare a baseline run with a new one per group: latency, errors, cost; largest regression first");
  add_input_options(*app, options->input);
  app->get_option("files")
      ->description("BASE NEW: the baseline run and the new run, one file each")
      ->type_name("FILE");
  app->add_option("--base", options->base, "The baseline run's files (several allowed; use with --new)")
      ->type_name("FILE");
  app->add_option("--new", options->next, "The new run's files (several allowed; use with --base)")->type_name("FILE");
  app->add_option("-g,--group-by", options->group_by,
                  "Group by name (default), service, model or attr:KEY; several keys allowed (name,service)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--threshold", options->threshold,
                  "Mark judged metrics whose relative change is above this (10%); add pp for the error rate (10%,1pp)")
      ->type_name("PCT");
  app->add_option("--fail-on", options->fail_on,
                  "Exit 1 when a rule holds for a group, e.g. 'p95>+10%,errors>+1pp,cost>+5%' (repeatable)")
      ->type_name("RULES")
      ->allow_extra_args(false);
  add_output_options(*app, options->output);
  app->footer(
      "Judged metrics: p50, p95, p99, error rate, cost; a group's regression is the largest relative\n"
      "change among them. Rows: groups in both runs by regression, largest first; then added, removed.\n"
      "Exit 0, or 1 when a --fail-on rule is broken, 2 on a usage error or bad input.\n"
      "\nExamples:\n"
      "  trace diff samples/ci/baseline.jsonl samples/ci/regressed.jsonl\n"
      "  trace diff --threshold 10% --format md samples/ci/baseline.jsonl samples/ci/regressed.jsonl\n"
      "  trace diff --base samples/ci/baseline.jsonl --new samples/ci/baseline.jsonl --fail-on 'p95>+10%'\n"
      "  trace diff --format csv --group-by service,name samples/ci/baseline.jsonl samples/ci/regressed.jsonl");
  return {app, [options] { return run_diff(*options); }};
}

}  // namespace trace::cli
