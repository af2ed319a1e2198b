// Partial results: each analyzer's state written and read back (partial_document.h and
// the *_state.h beside each analyzer) gives the table the analyzer itself gives, for the
// whole input and for any split of it; and every malformed partial is a located error.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/cost_report_state.h"
#include "analyzers/latency_stats_state.h"
#include "analyzers/partial_document.h"
#include "analyzers/run_summary_state.h"
#include "formats/read_inputs.h"
#include "src/errors.h"
#include "src/output/report.h"
#include "src/output/write_table.h"
#include "support/load_text.h"

using trace::CostReport;
using trace::CostReportPartials;
using trace::CostReportState;
using trace::ExactBudget;
using trace::LatencyStats;
using trace::LatencyStatsPartials;
using trace::LatencyStatsState;
using trace::PartialCursor;
using trace::PartialHeader;
using trace::PartialMerge;
using trace::RunSummary;
using trace::RunSummaryPartials;
using trace::RunSummaryState;
using trace::formats::ReadReport;
using trace::testing::read_sample;

namespace {

namespace od = simdjson::ondemand;

struct Text {
  std::string name;
  std::string text;
};

template <class A>
A run(const std::vector<Text>& texts, const std::function<A()>& make, ReadReport& read) {
  std::vector<trace::formats::Input> inputs;
  for (const Text& t : texts)
    inputs.push_back({t.name, [t] { return trace::Source::from_string(t.name, t.text); }});
  trace::formats::ReadOptions options;
  options.jobs = 1;
  return trace::formats::run_all<A>(inputs, options, make, &read);
}

// The first `n` lines of `text` when `first` is true, else the rest.
std::string lines(const std::string& text, size_t n, bool first) {
  size_t at = 0;
  for (size_t i = 0; i < n && at != std::string::npos; ++i) {
    at = text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos) at = text.size();
  return first ? text.substr(0, at) : text.substr(at);
}

void meta_from(trace::output::TableMeta& meta, const ReadReport& read) {
  for (const auto& file : read.files) meta.inputs.push_back(file.name);
  meta.skipped = read.skipped();
  meta.spans = read.spans();
  meta.logs = read.logs();
}

std::string stats_json(LatencyStats& stats, const ReadReport& read, trace::LatencyStatsOptions options = {}) {
  trace::output::Table table = stats.finish(options);
  meta_from(table.meta, read);
  std::string out;
  trace::output::write_json(table, {}, out);
  return out;
}

std::string report_json(trace::output::Report report, const ReadReport& read) {
  meta_from(report.meta, read);
  std::string out;
  trace::output::write_report(report, trace::output::OutputFormat::kJson, {}, "", out);
  return out;
}

std::vector<trace::InputFacts> facts_of(const ReadReport& read) {
  std::vector<trace::InputFacts> facts;
  for (const auto& file : read.files) facts.push_back({file.name, file.format, file.bytes});
  return facts;
}

std::vector<std::string> names_of(const ReadReport& read) {
  std::vector<std::string> names;
  for (const auto& file : read.files) names.push_back(file.name);
  return names;
}

// Reads partial documents (in one input named `name`) into the merge and `add`.
void read_partials(const std::string& name, const std::string& documents, PartialMerge& merge,
                   const std::function<void(const PartialHeader&, PartialCursor&, od::object,
                                            const std::vector<uint32_t>&)>& add) {
  auto source = trace::Source::from_string(name, documents);
  trace::for_each_partial(*source, [&](const PartialHeader& header, PartialCursor& cursor, od::object state) {
    std::vector<uint32_t> files = merge.add(header);
    add(header, cursor, state, files);
  });
}

// Merges stats partials read from `documents` (each pair: input name, its text).
std::string merged_stats_json(const std::vector<Text>& documents, uint64_t exact_memory = ExactBudget::kDefaultBytes,
                              size_t max_groups = trace::kMaxStatsGroups) {
  PartialMerge merge;
  std::optional<LatencyStatsPartials> stats;
  for (const Text& d : documents)
    read_partials(d.name, d.text, merge, [&](const PartialHeader& h, PartialCursor& c, od::object s, const auto&) {
      if (!stats) stats.emplace(h, exact_memory, max_groups);
      stats->add(c, s);
    });
  return stats_json(stats->stats(), merge.report());
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const trace::InputError& e) {
    return e.what();
  } catch (const trace::UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

// Reads `documents` as stats partials, for error cases.
std::string stats_error(const std::string& documents) {
  return error_of([&] { merged_stats_json({{"p.json", documents}}); });
}

const std::string kStatsHead =
    R"({"trace_partial":1,"writer":"trace 0.1.0","command":"stats","options":{"group_by":["name"],"approx":false},)"
    R"("inputs":[{"name":"a.jsonl","format":"jsonl","producer":"","bytes":10,"compressed":false,"spans":2,"logs":0,)"
    R"("skipped":0,"first_skips":[]}],"state":)";

}  // namespace

TEST_CASE("merge: a stats state read back gives the table of the run that wrote it", "[merge]") {
  std::vector<Text> texts{{"otlp.jsonl", read_sample("otlp_traces.jsonl")}, {"app.jsonl", read_sample("app_logs.jsonl")}};
  ReadReport read;
  auto spec = trace::parse_group_key_spec("service,name");
  LatencyStats stats = run<LatencyStats>(texts, [&] { return LatencyStats(spec); }, read);
  std::string partial = LatencyStatsState::partial(stats, false, read, "trace 0.1.0");
  CHECK(partial.find('\t') == std::string::npos);
  CHECK(partial.find('\n') == partial.size() - 1);
  std::string expected = stats_json(stats, read);
  CHECK(merged_stats_json({{"p.json", partial}}) == expected);
}

TEST_CASE("merge: stats of two halves of the lines merge into the table of the whole, in either order", "[merge]") {
  std::string text = read_sample("app_logs.jsonl");
  ReadReport whole_read;
  LatencyStats whole = run<LatencyStats>({{"<stdin>", text}}, [] { return LatencyStats(); }, whole_read);
  std::string expected = stats_json(whole, whole_read);

  std::vector<Text> partials;
  for (bool first : {true, false}) {
    ReadReport read;
    LatencyStats half = run<LatencyStats>({{"<stdin>", lines(text, 77, first)}}, [] { return LatencyStats(); }, read);
    partials.push_back({"part", LatencyStatsState::partial(half, false, read, "trace 0.1.0")});
  }
  CHECK(merged_stats_json({partials[0], partials[1]}) == expected);
  CHECK(merged_stats_json({partials[1], partials[0]}) == expected);
  // One stream holding both, as a reducer reads them.
  CHECK(merged_stats_json({{"<stdin>", partials[1].text + partials[0].text}}) == expected);
}

TEST_CASE("merge: approximate stats partials merge into the bytes of one --approx run", "[merge]") {
  std::string text = read_sample("otlp_traces.jsonl");
  auto approx = [] { return std::make_shared<ExactBudget>(ExactBudget::kDefaultBytes, true); };
  ReadReport whole_read;
  auto whole_budget = approx();
  LatencyStats whole = run<LatencyStats>({{"<stdin>", text}}, [&] { return LatencyStats({}, whole_budget); }, whole_read);
  std::string expected = stats_json(whole, whole_read);
  CHECK(expected.find("\"approximate\": true") != std::string::npos);

  std::vector<Text> partials;
  for (bool first : {true, false}) {
    ReadReport read;
    auto budget = approx();
    LatencyStats half = run<LatencyStats>({{"<stdin>", lines(text, 3, first)}}, [&] { return LatencyStats({}, budget); },
                                          read);
    std::string partial = LatencyStatsState::partial(half, true, read, "trace 0.1.0");
    CHECK(partial.find("\"sketch\":{\"zeros\":") != std::string::npos);
    partials.push_back({"part", partial});
  }
  CHECK(merged_stats_json(partials) == expected);
}

TEST_CASE("merge: past --exact-memory at merge time the stats switch to sketches as one run does", "[merge]") {
  std::string text = read_sample("app_logs.jsonl");
  // 10 durations of 8 bytes: the run and the merge both have room for 9.
  ReadReport whole_read;
  auto budget = std::make_shared<ExactBudget>(72);
  LatencyStats whole = run<LatencyStats>({{"<stdin>", text}}, [&] { return LatencyStats({}, budget); }, whole_read);
  std::string expected = stats_json(whole, whole_read);
  CHECK(expected.find("durations passed the exact budget of 72 B (--exact-memory)") != std::string::npos);

  std::vector<Text> partials;
  for (bool first : {true, false}) {
    ReadReport read;
    LatencyStats half = run<LatencyStats>({{"<stdin>", lines(text, 50, first)}}, [] { return LatencyStats(); }, read);
    partials.push_back({"part", LatencyStatsState::partial(half, false, read, "trace 0.1.0")});
  }
  CHECK(merged_stats_json(partials, 72) == expected);
}

TEST_CASE("merge: a partial that came with sketches makes the merge approximate, and the note says why", "[merge]") {
  // 5000 spans against room for one: the run switches to sketches while it reads.
  std::string text;
  for (int i = 1; i <= 5000; ++i)
    text += "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"done\",\"stage\":\"s\",\"duration_ms\":" +
            std::to_string(i) + "}\n";
  ReadReport read;
  auto budget = std::make_shared<ExactBudget>(8);
  LatencyStats stats = run<LatencyStats>({{"<stdin>", text}}, [&] { return LatencyStats({}, budget); }, read);
  std::string partial = LatencyStatsState::partial(stats, false, read, "trace 0.1.0");
  REQUIRE(partial.find("\"approximate\":true") != std::string::npos);
  std::string merged = merged_stats_json({{"p.json", partial}});
  CHECK(merged.find("\"approximate\": true") != std::string::npos);
  CHECK(merged.find("\"notes\": [\"percentiles are approximate (within 1%): a partial result merged here had passed "
                    "the exact budget (--exact-memory) of the run that made it\"]") != std::string::npos);
}

TEST_CASE("stats: past the group limit spans of new groups count under (other), and a note says so", "[merge][stats]") {
  LatencyStats stats(trace::GroupKeySpec::by_name(), nullptr, 3);
  for (std::string_view name : {"a", "b", "c", "d", "e", "a", "d", "e"}) {
    trace::Span span;
    span.name = name;
    span.duration_ns = 1000;
    stats.on_span(span);
  }
  trace::output::Table table = stats.finish({trace::StatsSortKey::kName, 0});
  std::string csv;
  trace::output::write_csv(table, {}, csv);
  CHECK(csv ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "(other),4,0,0,1000,1000,1000,1000,1000,1000,1000,4000\n"
        "a,2,0,0,1000,1000,1000,1000,1000,1000,1000,2000\n"
        "b,1,0,0,1000,1000,1000,1000,1000,1000,1000,1000\n"
        "c,1,0,0,1000,1000,1000,1000,1000,1000,1000,1000\n");
  CHECK(table.meta.notes == std::vector<std::string>{"more than 3 distinct groups: the rest are counted as \"(other)\""});
}

TEST_CASE("stats: the (other) group of several keys reads (other) in every key column", "[merge][stats]") {
  LatencyStats stats(trace::parse_group_key_spec("service,name"), nullptr, 1);
  for (std::string_view name : {"a", "b", "c"}) {
    trace::Span span;
    span.name = name;
    span.service = "svc";
    span.duration_ns = 5;
    stats.on_span(span);
  }
  std::string csv;
  trace::output::write_csv(stats.finish({trace::StatsSortKey::kName, 0}), {}, csv);
  CHECK(csv ==
        "service,name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "(other),(other),2,0,0,5,5,5,5,5,5,5,10\n"
        "svc,a,1,0,0,5,5,5,5,5,5,5,5\n");
}

TEST_CASE("stats: merging past the group limit moves new groups into (other) and keeps min and max", "[merge][stats]") {
  auto make = [](std::vector<std::pair<std::string_view, int64_t>> spans) {
    LatencyStats stats(trace::GroupKeySpec::by_name(), nullptr, 2);
    for (auto [name, ns] : spans) {
      trace::Span span;
      span.name = name;
      span.duration_ns = ns;
      stats.on_span(span);
    }
    return stats;
  };
  // Each side within the limit; merged, c and d find no room.
  LatencyStats left = make({{"a", 10}, {"b", 20}});
  LatencyStats right = make({{"c", 30}, {"a", 50}});
  LatencyStats third = make({{"d", 40}});
  left.merge(right);
  left.merge(third);
  CHECK(left.capped());
  std::string csv;
  trace::output::write_csv(left.finish({trace::StatsSortKey::kName, 0}), {}, csv);
  CHECK(csv ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "(other),2,0,0,30,35,35,39,40,40,40,70\n"
        "a,2,0,0,10,30,30,46,48,50,50,60\n"
        "b,1,0,0,20,20,20,20,20,20,20,20\n");
}

TEST_CASE("merge: a capped stats partial stays capped, under the merge's own limit", "[merge]") {
  ReadReport read;
  LatencyStats stats = run<LatencyStats>({{"app.jsonl", read_sample("app_logs.jsonl")}},
                                         [] { return LatencyStats(trace::parse_group_key_spec("attr:stage"), nullptr, 3); },
                                         read);
  std::string partial = LatencyStatsState::partial(stats, false, read, "trace 0.1.0");
  CHECK(partial.find("\"capped\":true") != std::string::npos);
  std::string expected = stats_json(stats, read);
  CHECK(merged_stats_json({{"p.json", partial}}, ExactBudget::kDefaultBytes, 3) == expected);
}

TEST_CASE("merge: a summary state read back gives the report of the run, files renumbered", "[merge]") {
  std::vector<Text> texts{{"app.jsonl", read_sample("app_logs.jsonl")}, {"otlp.json", read_sample("otlp_traces.json")},
                          {"pino.jsonl", read_sample("pino.jsonl")}};
  constexpr trace::RecordKeyKind kKeys[] = {trace::RecordKeyKind::kFile, trace::RecordKeyKind::kService};
  trace::SummaryOptions options;
  options.group_by.parts.push_back({trace::RecordKeyKind::kTime, {}, int64_t(60'000'000'000)});
  for (const auto& part : trace::parse_record_key_spec({"file,service"}, kKeys).parts)
    options.group_by.parts.push_back(part);
  ReadReport whole_read;
  RunSummary whole = run<RunSummary>(texts, [&] { return RunSummary(options); }, whole_read);
  std::string expected = report_json(whole.finish(facts_of(whole_read)), whole_read);

  // One partial per file: the file part of each group key is renumbered when merged.
  PartialMerge merge;
  std::optional<RunSummaryPartials> merged;
  for (const Text& text : texts) {
    ReadReport read;
    RunSummary part = run<RunSummary>({text}, [&] { return RunSummary(options); }, read);
    std::string partial = RunSummaryState::partial(part, read, "trace 0.1.0");
    read_partials(text.name + ".part", partial, merge,
                  [&](const PartialHeader& h, PartialCursor& c, od::object s, const std::vector<uint32_t>& files) {
                    if (!merged) merged.emplace(h, 10);
                    merged->add(c, s, files);
                  });
  }
  CHECK(report_json(merged->summary().finish(facts_of(merge.report())), merge.report()) == expected);
}

TEST_CASE("merge: a cost state read back gives the report of the run, priced as it was", "[merge]") {
  std::vector<Text> texts{{"calls.jsonl", read_sample("llm_calls.jsonl")}, {"otlp.json", read_sample("otlp_traces.json")},
                          {"app.jsonl", read_sample("app_logs.jsonl")}};
  trace::PriceTable prices = trace::PriceTable::builtin();
  constexpr trace::RecordKeyKind kKeys[] = {trace::RecordKeyKind::kModel, trace::RecordKeyKind::kFile};
  trace::CostOptions options;
  options.group_by = trace::parse_record_key_spec({"model,file"}, kKeys);
  ReadReport whole_read;
  CostReport whole = run<CostReport>(texts, [&] { return CostReport(prices, options); }, whole_read);
  std::string expected = report_json(whole.finish(names_of(whole_read)), whole_read);

  PartialMerge merge;
  std::optional<CostReportPartials> merged;
  for (const Text& text : texts) {
    ReadReport read;
    CostReport part = run<CostReport>({text}, [&] { return CostReport(prices, options); }, read);
    read_partials(text.name + ".part", CostReportState::partial(part, prices, read, "trace 0.1.0"), merge,
                  [&](const PartialHeader& h, PartialCursor& c, od::object s, const std::vector<uint32_t>& files) {
                    if (!merged) merged.emplace(h, 0);
                    merged->add(c, s, files);
                  });
  }
  CHECK(report_json(merged->report().finish(names_of(merge.report())), merge.report()) == expected);
  CHECK(merged->report().total_cost_usd() == whole.total_cost_usd());
  CHECK(merged->prices().as_of() == prices.as_of());
  CHECK(merged->prices().overrides().empty());
}

TEST_CASE("merge: cost partials priced with different tables are refused, naming both", "[merge]") {
  trace::PriceTable builtin = trace::PriceTable::builtin();
  trace::PriceTable cheaper = trace::PriceTable::builtin();
  cheaper.overlay(trace::PriceTable::parse(
                      R"({"schema_version": 1, "as_of": "2025-07-01", "models": {"gpt-4o": {"input": 1, "output": 2}}})",
                      "cheap.json"),
                  "cheap.json");
  std::string documents;
  for (const trace::PriceTable* table : {&builtin, &cheaper}) {
    ReadReport read;
    CostReport cost = run<CostReport>({{"calls.jsonl", read_sample("llm_calls.jsonl")}},
                                      [&] { return CostReport(*table, {}); }, read);
    documents += CostReportState::partial(cost, *table, read, "trace 0.1.0");
  }
  PartialMerge merge;
  std::string error = error_of([&] {
    read_partials("parts.json", documents, merge, [](const PartialHeader&, PartialCursor&, od::object, const auto&) {});
  });
  CHECK(error == "parts.json:2: made with --prices (the price table) " + CostReportState::prices_option(cheaper) +
                     ", but parts.json:1 with " + CostReportState::prices_option(builtin) +
                     ": only partials made with the same options merge");
  CHECK(CostReportState::prices_option(cheaper).find("\"overrides\":[\"cheap.json (as of 2025-07-01)\"]") !=
        std::string::npos);
}

TEST_CASE("merge: partials of different commands or options do not merge", "[merge]") {
  std::string stats = kStatsHead + R"({"groups":[]}})" + "\n";
  std::string by_service = stats;
  by_service.replace(by_service.find("[\"name\"]"), 8, "[\"service\"]");
  std::string summary = R"({"trace_partial":1,"writer":"trace 0.1.0","command":"summary",)"
                        R"("options":{"group_by":[],"every_ns":0},"inputs":[],"state":{}})";
  PartialMerge merge;
  auto nothing = [](const PartialHeader&, PartialCursor&, od::object, const auto&) {};
  CHECK(error_of([&] { read_partials("a.json", stats + summary, merge, nothing); }) ==
        "a.json:2: a partial result of 'trace summary', but a.json:1 is of 'trace stats': only partials of one "
        "command merge");
  PartialMerge other;
  CHECK(error_of([&] { read_partials("a.json", stats + by_service, other, nothing); }) ==
        "a.json:2: made with --group-by [\"service\"], but a.json:1 with [\"name\"]: only partials made with the same "
        "options merge");
}

TEST_CASE("merge: partial inputs named <stdin> are one input, their counts added", "[merge]") {
  PartialHeader a, b;
  a.label = "a";
  b.label = "b";
  a.command = b.command = "stats";
  trace::formats::FileReport piece;
  piece.name = "<stdin>";
  piece.format = "jsonl";
  piece.bytes = 10;
  piece.spans = 2;
  piece.skipped = 1;
  piece.first_skips = {"<stdin>:3:1: bad"};
  trace::formats::FileReport empty_piece;
  empty_piece.name = "<stdin>";
  empty_piece.format = "empty";
  trace::formats::FileReport file;
  file.name = "x.jsonl";
  a.inputs = {empty_piece, file};
  b.inputs = {piece};
  PartialMerge merge;
  CHECK(merge.add(a) == std::vector<uint32_t>{0, 1});
  CHECK(merge.add(b) == std::vector<uint32_t>{0});
  const auto& files = merge.report().files;
  REQUIRE(files.size() == 2);
  CHECK(files[0].name == "<stdin>");
  CHECK(files[0].format == "jsonl");
  CHECK(files[0].bytes == 10);
  CHECK(files[0].spans == 2);
  CHECK(files[0].skipped == 1);
  CHECK(files[0].first_skips == std::vector<std::string>{"<stdin>:3:1: bad"});
  CHECK(files[1].name == "x.jsonl");
}

TEST_CASE("merge: a malformed partial is an error at its line and column", "[merge]") {
  CHECK(stats_error(kStatsHead + R"({"groups":[{"key":["a"],"count":"2"}]}})") ==
        "p.json:1:287: expected a count (an integer, 0 or more) for \"count\"");
  CHECK(stats_error(kStatsHead + R"({"groups":[{"key":["a"],"count":2,"errors":0,"min":1,"max":3,"total":4,)"
                                 R"("durations":[1,1]}]}})") ==
        "p.json:1:266: group's durations do not match its count, min, max or total");
  CHECK(stats_error(kStatsHead + R"({"groups":[{"key":["a"],"count":2,"errors":0,"min":1,"max":3,"total":4,)"
                                 R"("durations":[3,-2]}]}})") ==
        "p.json:1:341: expected durations sorted and delta-encoded (each a difference of 0 or more)");
  CHECK(stats_error(kStatsHead + R"({"groups":[{"key":["a","b"],"count":1}]}})") ==
        "p.json:1:273: expected a group key of 1 part, found more");
  CHECK(stats_error(kStatsHead + R"({"groupz":[]}})") == "p.json:1:256: unknown key \"groupz\" in \"state\"");
  CHECK(stats_error(kStatsHead + R"({"groups":[)") ==
        "p.json:1:1: unexpected end of text inside this partial result (cut short?)");
  CHECK(stats_error(kStatsHead + "{}}\nnot json") == "p.json:2:1: expected '{' at the start of a partial result");
  CHECK(stats_error(R"({"resourceSpans":[]})") ==
        "p.json:1:1: not a partial result: no \"trace_partial\" key (partial results come from trace stats, summary "
        "or cost --partial)");
  CHECK(stats_error("  \n") ==
        "p.json: no partial result in it (partial results come from trace stats, summary or cost --partial)");
}

TEST_CASE("merge: a partial of a newer version is refused, naming the version and its writer", "[merge]") {
  std::string newer = kStatsHead + R"({"groups":[]}})";
  newer.replace(newer.find("\"trace_partial\":1"), 17, "\"trace_partial\":2");
  newer.replace(newer.find("trace 0.1.0"), 11, "trace 0.3.0");
  CHECK(stats_error(newer) ==
        "p.json:1:18: partial result version 2 (written by trace 0.3.0) is newer than this trace reads (version 1): "
        "merge it with that trace or a newer one");
}
