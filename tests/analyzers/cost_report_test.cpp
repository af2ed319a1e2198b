#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/cost_report.h"
#include "src/output/report.h"

using trace::Attr;
using trace::CostReport;
using trace::LogRecord;
using trace::Span;
using trace::Value;
using trace::output::Cell;
using trace::output::Row;

namespace {

const trace::PriceTable& prices() {
  static const trace::PriceTable table = trace::PriceTable::builtin();
  return table;
}

Attr s(std::string_view k, std::string_view v) { return {k, Value::of_string(v)}; }
Attr i(std::string_view k, int64_t v) { return {k, Value::of_int(v)}; }
Attr d(std::string_view k, double v) { return {k, Value::of_double(v)}; }

struct Calls {
  std::vector<std::vector<Attr>> attrs;
  std::vector<Span> spans;

  void add(std::string_view trace_id, std::vector<Attr> a, uint64_t line) {
    attrs.push_back(std::move(a));
    Span span;
    span.trace_id = trace_id;
    span.name = "chat";
    span.src.line = line;
    spans.push_back(span);
  }
  // Views are taken once every vector is in place.
  void feed(CostReport& sink, size_t from = 0, size_t to = SIZE_MAX) {
    for (size_t k = from; k < spans.size() && k < to; ++k) {
      spans[k].attrs = attrs[k];
      sink.on_span(spans[k]);
    }
  }
};

Calls sample() {
  Calls c;
  c.add("t1", {s("gen_ai.response.model", "gpt-4o-2024-08-06"), i("gen_ai.usage.input_tokens", 1000),
               i("gen_ai.usage.output_tokens", 100)}, 1);
  c.add("t1", {s("llm.model_name", "claude-3-5-sonnet-20241022"), i("llm.token_count.prompt", 2000),
               i("llm.token_count.completion", 500), d("llm.cost.total", 0.0135)}, 2);
  c.add("t2", {s("model", "acme-llm-7b"), i("input_tokens", 10), i("output_tokens", 5)}, 3);
  c.add("t2", {s("model", "gpt-4o-mini"), i("prompt_tokens", 4000), i("completion_tokens", 1000),
               i("cached_tokens", 2000)}, 4);
  c.add("t2", {s("gen_ai.operation.name", "chat"), s("gen_ai.request.model", "gpt-4o")}, 5);
  c.add("t3", {i("tokens_total", 99), d("cost_usd", 1.0)}, 6);
  c.add("t3", {s("model", "gpt-4o"), i("tokens", 1000)}, 7);
  return c;
}

std::string json_of(const CostReport& report) {
  std::string out;
  trace::output::write_report(report.finish(std::vector<std::string>{"run.jsonl"}),
                              trace::output::OutputFormat::kJson, {}, "", out);
  return out;
}

}  // namespace

TEST_CASE("cost-report: totals, per model, carried costs and unknown models", "[cost][cost-report]") {
  Calls c = sample();
  CostReport cost(prices());
  c.feed(cost);
  auto report = cost.finish(std::vector<std::string>{"run.jsonl"});
  // gpt-4o: 1000 x 2.50 + 100 x 10 = 0.0035, plus 1000 (total only) x 2.50 = 0.0025 -> 0.006
  // gpt-4o-mini: 2000 x 0.15 + 2000 cached x 0.075 + 1000 x 0.60 = 0.00105
  // claude: carried 0.0135. Total 0.02055.
  const auto* total = report.find("total");
  REQUIRE(total != nullptr);
  CHECK(total->table.rows[0] == Row{int64_t(5), int64_t(3), int64_t(1), int64_t(1), int64_t(8010), int64_t(1605),
                                    int64_t(2000), 0.02055, 0.0051375});
  const auto* models = report.find("models");
  REQUIRE(models != nullptr);
  REQUIRE(models->table.rows.size() == 5);
  CHECK(models->table.rows[0] == Row{std::string("claude-3-5-sonnet-20241022"), std::string("claude-3-5-sonnet"),
                                     int64_t(1), int64_t(2000), int64_t(500), int64_t(0), 0.0135, 0.0135,
                                     std::string("trace")});
  CHECK(models->table.rows[1] == Row{std::string("gpt-4o-2024-08-06"), std::string("gpt-4o"), int64_t(1),
                                     int64_t(1000), int64_t(100), int64_t(0), 0.0035, 0.0035, std::string("table")});
  CHECK(models->table.rows[2] == Row{std::string("gpt-4o"), std::string("gpt-4o"), int64_t(1), int64_t(1000),
                                     int64_t(0), int64_t(0), 0.0025, 0.0025, std::string("table")});
  CHECK(models->table.rows[3] == Row{std::string("gpt-4o-mini"), std::string("gpt-4o-mini"), int64_t(1),
                                     int64_t(4000), int64_t(1000), int64_t(2000), 0.00105, 0.00105,
                                     std::string("table")});
  CHECK(models->table.rows[4] == Row{std::string("acme-llm-7b"), Cell{}, int64_t(1), int64_t(10), int64_t(5),
                                     int64_t(0), Cell{}, Cell{}, std::string("unknown")});
  const auto* unknown = report.find("unknown_models");
  REQUIRE(unknown != nullptr);
  REQUIRE(unknown->table.rows.size() == 1);
  CHECK(unknown->table.rows[0] == Row{std::string("acme-llm-7b"), int64_t(1), int64_t(10), int64_t(5),
                                      std::string("run.jsonl:3")});
  CHECK(cost.total_cost_usd() == 0.02055);
  CHECK(cost.unknown_calls() == 1);
  CHECK(report.meta.notes == std::vector<std::string>{
      "1 call with a model not in the price table: not in the cost (see unknown_models; add prices with --prices FILE)",
      "1 call carries the producer's own cost (llm.cost.total), used as is",
      "1 call gives only a total token count: priced at the input rate, a lower bound",
      "1 LLM span carries no token counts (failed or not instrumented): not priced",
      "1 record carries token counts or a cost but no model and no input/output split (first: run.jsonl:6): not "
      "counted as calls (a run's totals?)"});
}

TEST_CASE("cost-report: --group-by trace totals per trace", "[cost][cost-report]") {
  Calls c = sample();
  trace::CostOptions options;
  options.group_by = trace::parse_record_key_spec({"trace"}, std::vector{trace::RecordKeyKind::kTrace});
  CostReport cost(prices(), options);
  c.feed(cost);
  auto report = cost.finish(std::vector<std::string>{"run.jsonl"});
  const auto* groups = report.find("groups");
  REQUIRE(groups != nullptr);
  REQUIRE(groups->table.rows.size() == 3);
  CHECK(groups->table.rows[0] == Row{std::string("t1"), int64_t(2), int64_t(3000), int64_t(600), 0.017, 0.0085,
                                     int64_t(0)});
  CHECK(groups->table.rows[1] == Row{std::string("t3"), int64_t(1), int64_t(1000), int64_t(0), 0.0025, 0.0025,
                                     int64_t(0)});
  CHECK(groups->table.rows[2] == Row{std::string("t2"), int64_t(2), int64_t(4010), int64_t(1005), 0.00105, 0.00105,
                                     int64_t(1)});
}

TEST_CASE("cost-report: a log line and the span built from it are one call", "[cost][cost-report]") {
  std::vector<Attr> fields{s("model", "gpt-4o"), i("input_tokens", 1000), i("output_tokens", 100),
                           i("duration_ms", 900)};
  LogRecord log;
  log.fields = fields;
  log.src.offset = 40;
  Span span;
  span.attrs = fields;
  span.src = log.src;
  CostReport cost(prices());
  cost.on_log(log);
  cost.on_span(span);
  auto report = cost.finish(std::vector<std::string>{"a.jsonl"});
  CHECK(report.find("total")->table.rows[0][0] == Cell{int64_t(1)});
}

TEST_CASE("cost-report: merging any split in any order gives the same report", "[cost][cost-report]") {
  Calls c = sample();
  trace::CostOptions options;
  options.group_by = trace::parse_record_key_spec({"trace,model"}, std::vector{trace::RecordKeyKind::kTrace,
                                                                                trace::RecordKeyKind::kModel});
  CostReport whole(prices(), options);
  c.feed(whole);
  std::string expected = json_of(whole);
  for (size_t cut1 = 0; cut1 <= c.spans.size(); ++cut1)
    for (size_t cut2 = cut1; cut2 <= c.spans.size(); ++cut2) {
      CostReport a(prices(), options), b(prices(), options), d(prices(), options);
      c.feed(a, 0, cut1);
      c.feed(b, cut1, cut2);
      c.feed(d, cut2);
      d.merge(b);
      a.merge(d);
      INFO("cuts " << cut1 << ", " << cut2);
      CHECK(json_of(a) == expected);
    }
}
