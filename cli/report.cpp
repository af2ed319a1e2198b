// trace report: one self-contained HTML page about the inputs (header facts, the stats
// table with latency histograms, waterfalls of the slowest traces, a flame graph, LLM
// cost, errors), embedding the JSON that `trace stats`, `trace summary` and `trace cost`
// print, for attaching to a bug or keeping as a CI artifact.
//
// Two reads: the first feeds every aggregate at once and lists the traces; the second
// keeps the spans of the traces to draw (memory bounded by --traces x --max-spans).
// Standard input is kept in memory for the second read.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "analyzers/cost_report.h"
#include "analyzers/flame_graph.h"
#include "analyzers/group_key.h"
#include "analyzers/latency_histogram.h"
#include "analyzers/latency_stats.h"
#include "analyzers/price_table.h"
#include "analyzers/run_summary.h"
#include "analyzers/trace_collector.h"
#include "analyzers/waterfall.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_report.h"
#include "cli/print_table.h"
#include "cli/trace_view.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/html_report.h"
#include "src/output/output_file.h"
#include "src/output/units.h"
#include "src/output/write_table.h"

namespace trace::cli {

namespace {

constexpr size_t kMaxTracesDrawn = 50;

struct ReportOptions {
  InputOptions input;
  std::string output;
  std::string trace;
  size_t traces = 5;
  size_t max_spans = 500;
  std::vector<std::string> group_by;
  std::vector<std::string> prices;
  std::string title;
};

// The first read: every aggregate of the page, fed the same records.
class ReportPass : public RecordSink {
 public:
  ReportPass(const GroupKeySpec& group_by, std::shared_ptr<ExactBudget> exact, std::shared_ptr<FlameBudget> flame,
             const PriceTable& prices, const CostOptions& cost)
      : stats(group_by, std::move(exact)), histograms(group_by), cost(prices, cost), flame(std::move(flame)) {}

  Flow on_span(const Span& span) override {
    stats.on_span(span);
    histograms.on_span(span);
    summary.on_span(span);
    cost.on_span(span);
    flame.on_span(span);
    traces.on_span(span);
    return Flow::kContinue;
  }
  Flow on_log(const LogRecord& log) override {
    summary.on_log(log);
    cost.on_log(log);
    traces.on_log(log);
    return Flow::kContinue;
  }
  void merge(ReportPass& other) {
    stats.merge(other.stats);
    histograms.merge(other.histograms);
    summary.merge(other.summary);
    cost.merge(other.cost);
    flame.merge(other.flame);
    traces.merge(other.traces);
  }

  LatencyStats stats;
  LatencyHistogram histograms;
  RunSummary summary{SummaryOptions{}};
  CostReport cost;
  FlameGraph flame;
  TraceCollector traces{TraceCollectorOptions{}};
};

// Standard input read once, so that both reads see it.
std::vector<formats::Input> rereadable(std::vector<formats::Input> inputs) {
  for (formats::Input& input : inputs) {
    if (input.path != "-" || input.open) continue;
    std::unique_ptr<Source> source = Source::open("-");
    auto text = std::make_shared<std::string>();
    char buffer[1 << 16];
    while (size_t got = source->read(buffer, sizeof buffer)) text->append(buffer, got);
    input.open = [text] { return Source::from_string("<stdin>", *text); };
  }
  return inputs;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

const output::Cell* cell(const output::Table& table, const output::Row& row, std::string_view key) {
  for (size_t c = 0; c < table.columns.size() && c < row.size(); ++c)
    if (table.columns[c].key == key) return &row[c];
  return nullptr;
}

int64_t int_of(const output::Cell* c) {
  if (c == nullptr) return 0;
  if (const auto* i = std::get_if<int64_t>(c)) return *i;
  if (const auto* d = std::get_if<double>(c)) return static_cast<int64_t>(*d);
  return 0;
}

// The traces to draw: the one --trace names, or the slowest with spans.
std::vector<const TraceSummary*> choose_traces(const TraceCollector& collector, const ReportOptions& options,
                                               bool& not_found) {
  std::vector<const TraceSummary*> all = collector.summaries();
  if (!options.trace.empty()) {
    std::vector<const TraceSummary*> matches;
    for (const TraceSummary* s : all) {
      if (s->trace_id.size() == options.trace.size() && trace_id_has_prefix(s->trace_id, options.trace)) return {s};
      if (trace_id_has_prefix(s->trace_id, options.trace)) matches.push_back(s);
    }
    if (matches.size() > 1) {
      std::vector<std::string> ids;
      for (size_t i = 0; i < matches.size() && i < 10; ++i) ids.push_back(matches[i]->trace_id);
      throw UsageError(fmt::format("--trace: '{}' starts {} trace ids: {}{} (give more of the id)", options.trace,
                                   matches.size(), joined(ids, ", "), matches.size() > 10 ? " ..." : ""));
    }
    not_found = matches.empty();
    return matches;
  }
  std::vector<const TraceSummary*> with_spans;
  for (const TraceSummary* s : all)
    if (s->spans > 0) with_spans.push_back(s);
  std::sort(with_spans.begin(), with_spans.end(), [](const TraceSummary* a, const TraceSummary* b) {
    if (a->duration_ns() != b->duration_ns()) return a->duration_ns() > b->duration_ns();
    return std::tie(a->start_ns, a->trace_id) < std::tie(b->start_ns, b->trace_id);
  });
  if (with_spans.size() > options.traces) with_spans.resize(options.traces);
  return with_spans;
}

std::vector<output::HtmlFact> header_facts(const output::Report& summary, const output::Report& cost,
                                           const formats::ReadReport& read, const TraceCollector& traces,
                                           const CostReport& calls) {
  std::vector<output::HtmlFact> facts;
  std::vector<std::string> formats;
  for (const formats::FileReport& f : read.files)
    if (std::find(formats.begin(), formats.end(), f.format) == formats.end()) formats.push_back(f.format);
  facts.push_back({read.files.size() == 1 ? "Input" : fmt::format("{} inputs", read.files.size()),
                   read.files.size() == 1 ? read.files.front().name + " (" + joined(formats, ", ") + ")"
                                          : joined(formats, ", ")});

  // The totals: the files section's last row (the "(total)" row when there are several).
  const output::Section* files = summary.find("files");
  if (files != nullptr && !files->table.rows.empty()) {
    const output::Table& t = files->table;
    const output::Row& total = t.rows.back();
    const output::Cell* first = cell(t, total, "first_ns");
    const output::Cell* last = cell(t, total, "last_ns");
    if (first && last && std::holds_alternative<int64_t>(*first) && std::holds_alternative<int64_t>(*last)) {
      facts.push_back({"Time range", fmt::format("{} to {} ({})", output::format_timestamp_ns(int_of(first)),
                                                 output::format_timestamp_ns(int_of(last)),
                                                 output::format_duration_ns(int_of(last) - int_of(first)))});
    } else if (const output::Cell* wall = cell(t, total, "wall_ns"); wall && std::holds_alternative<int64_t>(*wall)) {
      facts.push_back({"Time range", fmt::format("{} (relative clock, no epoch)", output::format_duration_ns(int_of(wall)))});
    }
    int64_t records = int_of(cell(t, total, "records"));
    facts.push_back({"Records", fmt::format("{} ({} spans, {} logs)", records, int_of(cell(t, total, "spans")),
                                            int_of(cell(t, total, "logs")))});
    int64_t errors = int_of(cell(t, total, "errors"));
    std::string rate = records > 0 ? " (" + output::format_ratio(static_cast<double>(errors) / static_cast<double>(records)) + ")" : "";
    facts.push_back({"Errors", fmt::format("{}{}", errors, rate), errors > 0});
  }
  facts.push_back({"Traces", fmt::format("{}", traces.trace_count())});
  if (read.skipped() > 0)
    facts.push_back({"Skipped (--lenient)", fmt::format("{} malformed records", read.skipped()), true});
  if (const output::Section* models = cost.find("models"); models != nullptr && !models->table.rows.empty()) {
    std::string value = output::format_cost_usd(calls.total_cost_usd());
    if (uint64_t unknown = calls.unknown_calls(); unknown > 0)
      value += fmt::format(" + {} call{} of unknown models", unknown, unknown == 1 ? "" : "s");
    facts.push_back({"LLM cost", value});
  }
  return facts;
}

int run_report(const ReportOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  GroupKeySpec group_by = options.group_by.empty() ? GroupKeySpec::by_name() : parse_group_key_spec(options.group_by);
  if (options.traces > kMaxTracesDrawn)
    throw UsageError(fmt::format("--traces: {} is more than {} (a page of waterfalls must stay readable)",
                                 options.traces, kMaxTracesDrawn));
  PriceTable prices = load_prices(options.prices);
  CostOptions cost_options;
  cost_options.group_by = parse_record_key_spec({"name"}, std::vector<RecordKeyKind>{RecordKeyKind::kName});

  std::vector<formats::Input> inputs = rereadable(options.input.inputs());
  formats::ReadOptions read_options = options.input.read_options();
  auto exact = std::make_shared<ExactBudget>();
  auto flame_budget = std::make_shared<FlameBudget>();
  formats::ReadReport read;
  ReportPass pass = formats::run_all<ReportPass>(
      inputs, read_options, [&] { return ReportPass(group_by, exact, flame_budget, prices, cost_options); }, &read);
  report_skips(read);

  bool not_found = false;
  std::vector<const TraceSummary*> chosen = choose_traces(pass.traces, options, not_found);
  if (not_found) {
    fmt::print(stderr, "trace report: no trace id is or starts with '{}' ({} trace{} in the input)\n", options.trace,
               pass.traces.trace_count(), pass.traces.trace_count() == 1 ? "" : "s");
    return kExitNoMatch;
  }

  // The second read: the chosen traces' spans.
  WaterfallOptions waterfall_options;
  for (const TraceSummary* s : chosen) waterfall_options.trace_ids.push_back(s->trace_id);
  waterfall_options.max_spans = options.max_spans;
  std::vector<output::WaterfallView> waterfalls;
  if (!chosen.empty()) {
    WaterfallCollector collector = formats::run_all<WaterfallCollector>(
        inputs, read_options, [&waterfall_options] { return WaterfallCollector(waterfall_options); });
    waterfalls = collector.finish();
  }

  std::string files_arg;
  for (const formats::FileReport& f : read.files) files_arg += " " + f.name;
  std::string prices_arg;
  for (const std::string& p : options.prices) prices_arg += " --prices " + p;
  std::string group_arg = options.group_by.empty() ? "" : " --group-by " + joined(options.group_by, ",");

  output::HtmlReport page;
  page.generator = fmt::format("trace {}", TRACE_VERSION);
  page.title = options.title;
  if (page.title.empty()) {
    page.title = "trace report";
    if (!read.files.empty()) page.title += ": " + read.files.front().name;
    if (read.files.size() > 1) page.title += fmt::format(" and {} more", read.files.size() - 1);
  }

  // The other commands' results, exactly as they print them in JSON.
  output::Table stats = pass.stats.finish(LatencyStatsOptions{});
  stats.meta.command = "stats";
  fill_meta(stats.meta, read);
  std::string stats_json;
  output::write_json(stats, {}, stats_json);

  output::Report summary = summary_output(pass.summary, read);
  std::string summary_json;
  output::write_report(summary, output::OutputFormat::kJson, {}, "", summary_json);

  output::Report cost = cost_output(pass.cost, prices, read, std::nullopt);
  std::string cost_json;
  output::write_report(cost, output::OutputFormat::kJson, {}, "", cost_json);

  page.facts = header_facts(summary, cost, read, pass.traces, pass.cost);
  // The run's notes here; each section's own go beside its table.
  page.notes = summary.meta.notes;
  if (const output::Section* files = summary.find("files")) {
    page.files = files->table;
    page.notes.insert(page.notes.end(), files->notes.begin(), files->notes.end());
  }

  page.stats = stats;
  page.stats_key_columns = group_by.parts.size();
  std::vector<std::string> key_names;
  for (const GroupKeyPart& part : group_by.parts)
    key_names.push_back(part.kind == GroupKeyKind::kName ? "span name" : part.column_header());
  page.group_label = joined(key_names, ", ");
  for (size_t r = 0; r < stats.rows.size() && r < page.stats_max_rows; ++r) {
    std::vector<std::string_view> parts;
    for (size_t c = 0; c < page.stats_key_columns && c < stats.rows[r].size(); ++c)
      if (const auto* s = std::get_if<std::string>(&stats.rows[r][c])) parts.push_back(*s);
    page.histograms.push_back(pass.histograms.histogram(parts));
  }
  if (pass.histograms.uncounted() > 0)
    page.stats.meta.notes.push_back(fmt::format("histograms: {} spans of groups past the first {} not drawn",
                                                pass.histograms.uncounted(), kMaxHistogramGroups));

  page.traces = trace_listing(chosen);
  page.waterfalls = std::move(waterfalls);
  if (!options.trace.empty()) {
    page.traces_heading = "Trace " + options.trace;
  } else {
    size_t with_spans = 0;
    for (const TraceSummary* s : pass.traces.summaries()) with_spans += s->spans > 0;
    page.traces_heading = chosen.size() < with_spans
                              ? fmt::format("The {} slowest of {} traces", chosen.size(), with_spans)
                              : "Traces, slowest first";
  }

  page.flame = pass.flame.finish();

  if (const output::Section* models = cost.find("models"); models != nullptr && !models->table.rows.empty()) {
    for (const output::Section& s : cost.sections) {
      output::Section copy = s;
      if (copy.name == "groups") copy.title = "Per stage (span or stage name)";
      page.cost_sections.push_back(std::move(copy));
    }
    for (const std::string& n : cost.meta.notes) page.cost_sections.back().notes.push_back(n);
  }
  for (std::string_view name : {"errors", "levels"})
    if (const output::Section* s = summary.find(name)) page.error_sections.push_back(*s);
  for (std::string_view name : {"services", "loggers", "span_names"})
    if (const output::Section* s = summary.find(name)) page.more_sections.push_back(*s);

  page.data.push_back({"trace-stats-json", "trace stats --json" + group_arg + files_arg, stats_json});
  page.data.push_back({"trace-summary-json", "trace summary --json" + files_arg, summary_json});
  page.data.push_back({"trace-cost-json", "trace cost --group-by name --json" + prices_arg + files_arg, cost_json});
  page.data.push_back({"trace-report-json", "the histograms, waterfalls and flame graph drawn here", ""});
  page.data.back().json = output::report_charts_json(page);

  std::string html;
  output::write_html_report(page, html);
  output::write_output(options.output, html);
  return kExitOk;
}

}  // namespace

Command register_report(CLI::App& parent) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* app = parent.add_subcommand(
      "report", "One self-contained HTML page: stats, histograms, slowest traces, flame graph, cost, errors");
  add_input_options(*app, options->input);
  app->add_option("-o,--output", options->output,
                  "Write the page to FILE (through FILE.tmp, renamed when complete) instead of standard output")
      ->type_name("FILE");
  app->add_option("--trace", options->trace, "Draw this trace (its id, or the start of it) instead of the slowest");
  app->add_option("--traces", options->traces, "Draw the N slowest traces (default 5, at most 50; 0 = none)");
  app->add_option("--max-spans", options->max_spans,
                  "Spans drawn per trace: the longest N (default 500); the page says when some are left out")
      ->check(CLI::Range(size_t(1), size_t(100000)));
  app->add_option("-g,--group-by", options->group_by,
                  "Group the latency table by name (default), service, model or attr:KEY; several keys allowed")
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--prices", options->prices, "A JSON price file extending the built-in table (repeatable)")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);
  app->add_option("--title", options->title, "The page's title (default: 'trace report: ' and the first input)");
  app->footer(
      "The page needs no network access and is readable with scripts off. It embeds, in\n"
      "<script type=\"application/json\"> elements, the JSON of 'trace stats --json', 'trace summary\n"
      "--json' and 'trace cost --group-by name --json' on the same inputs, and its own charts' data.\n"
      "\nExamples:\n"
      "  trace report samples/otlp_traces.json -o report.html\n"
      "  trace report samples/app_logs.jsonl samples/otlp_traces.jsonl -o run.html\n"
      "  trace report --trace 4bf92f35 samples/otlp_traces.json -o trace.html\n"
      "  trace report --traces 10 --group-by service,name samples/jaeger.json > report.html");
  return {app, [options] { return run_report(*options); }};
}

}  // namespace trace::cli
