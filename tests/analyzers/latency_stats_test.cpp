#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/latency_stats.h"
#include "src/errors.h"
#include "src/output/write_table.h"

using trace::LatencyStats;
using trace::LatencyStatsOptions;
using trace::Span;
using trace::StatsSortKey;

namespace {

constexpr int64_t kMs = 1'000'000;

// Owned inputs, turned into Spans (whose views point into these) when fed.
struct Input {
  std::string name;
  int64_t duration_ns = -1;
  bool error = false;
  uint8_t flags = 0;
  std::string service;
};

void feed(LatencyStats& stats, const std::vector<Input>& inputs, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const Input& in = inputs[i];
    Span span;
    span.name = in.name;
    span.service = in.service;
    span.duration_ns = in.duration_ns;
    span.flags = in.flags;
    span.status = in.error ? trace::Status::kError : trace::Status::kOk;
    stats.on_span(span);
  }
}

LatencyStats stats_of(const std::vector<Input>& inputs, const std::string& group_by = "name") {
  LatencyStats stats(trace::parse_group_key_spec(group_by));
  feed(stats, inputs, 0, inputs.size());
  return stats;
}

std::string csv_of(LatencyStats& stats, LatencyStatsOptions options = {}) {
  std::string out;
  trace::output::write_csv(stats.finish(options), {}, out);
  return out;
}

std::string json_of(LatencyStats& stats) {
  std::string out;
  trace::output::write_json(stats.finish({}), {}, out);
  return out;
}

std::vector<std::string> first_column(const trace::output::Table& table) {
  std::vector<std::string> names;
  for (const auto& row : table.rows) names.push_back(std::get<std::string>(row.at(0)));
  return names;
}

std::vector<Input> one_to_hundred_ms_and_db() {
  std::vector<Input> inputs;
  for (int64_t i = 1; i <= 100; ++i) inputs.push_back({"GET", i * kMs, i % 10 == 0});
  inputs.push_back({"db", 3 * kMs});
  inputs.push_back({"db", 1 * kMs});
  return inputs;
}

// Three groups shaped so that each sort key orders them differently.
std::vector<Input> three_groups() {
  return {
      {"c", 5}, {"a", 10}, {"b", 100, true}, {"a", 10}, {"c", 5}, {"a", 10}, {"c", 20},
  };
}

// A few hundred spans over several names and services, with errors and spans that are
// left out of the statistics, in a fixed pseudo-random order.
std::vector<Input> mixed_workload() {
  std::mt19937_64 rng(2024);
  const char* names[] = {"GET /users", "POST /orders", "db.query", "cache.get",
                         "llm.chat",   "render",       "auth"};
  const char* services[] = {"api", "worker", ""};
  std::vector<Input> inputs;
  for (int i = 0; i < 300; ++i) {
    Input in;
    in.name = names[rng() % std::size(names)];
    in.service = services[rng() % std::size(services)];
    in.duration_ns = static_cast<int64_t>(rng() % 2'000'000'000);
    in.error = rng() % 7 == 0;
    uint64_t odd = rng() % 40;
    if (odd == 0) in.flags = trace::kSpanIncomplete;
    if (odd == 1) in.flags = trace::kSpanInstant;
    if (odd == 2) in.duration_ns = -1;
    inputs.push_back(in);
  }
  return inputs;
}

}  // namespace

TEST_CASE("stats: exact numbers per group for 1..100 ms", "[stats]") {
  LatencyStats stats = stats_of(one_to_hundred_ms_and_db());
  CHECK(csv_of(stats) ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "GET,100,10,0.1,1000000,50500000,50500000,90100000,95050000,99010000,100000000,"
        "5050000000\n"
        "db,2,0,0,1000000,2000000,2000000,2800000,2900000,2980000,3000000,4000000\n");
}

TEST_CASE("stats: the text table of 1..100 ms", "[stats]") {
  LatencyStats stats = stats_of(one_to_hundred_ms_and_db());
  std::string out;
  trace::output::write_text_table(stats.finish({}), {}, out);
  CHECK(out ==
        "name  count  errors   err%      min     mean      p50      p90      p95      p99      max    total\n"
        "GET     100      10  10.0%  1.00 ms  50.5 ms  50.5 ms  90.1 ms  95.1 ms  99.0 ms   100 ms   5.05 s\n"
        "db        2       0   0.0%  1.00 ms  2.00 ms  2.00 ms  2.80 ms  2.90 ms  2.98 ms  3.00 ms  4.00 ms\n");
}

TEST_CASE("stats: the mean rounds to the nearest nanosecond", "[stats]") {
  LatencyStats stats = stats_of({{"x", 1}, {"x", 2}, {"x", 2}});  // 5/3 = 1.67
  auto table = stats.finish({});
  CHECK(std::get<int64_t>(table.rows.at(0).at(5)) == 2);
}

TEST_CASE("stats: the columns have JSON keys, headers and kinds", "[stats]") {
  LatencyStats stats = stats_of({{"x", 1}}, "service,attr:http.route");
  auto table = stats.finish({});
  std::vector<std::string> keys, headers;
  for (const auto& c : table.columns) {
    keys.push_back(c.key);
    headers.push_back(c.header);
  }
  CHECK(keys == std::vector<std::string>{"service", "attr.http.route", "count", "errors",
                                         "error_rate", "min_ns", "mean_ns", "p50_ns", "p90_ns",
                                         "p95_ns", "p99_ns", "max_ns", "total_ns"});
  CHECK(headers == std::vector<std::string>{"service", "http.route", "count", "errors", "err%",
                                            "min", "mean", "p50", "p90", "p95", "p99", "max",
                                            "total"});
  CHECK(table.columns[4].kind == trace::output::ColumnKind::kRatio);
  CHECK(table.columns[4].alert_if_positive);
  CHECK(table.columns[12].kind == trace::output::ColumnKind::kDurationNs);
}

TEST_CASE("stats: groups by several keys, one column each", "[stats]") {
  std::vector<Input> inputs = {{"GET", 10, false, 0, "api"},
                               {"GET", 30, false, 0, "web"},
                               {"GET", 20, false, 0, "api"}};
  LatencyStats stats = stats_of(inputs, "service,name");
  CHECK(csv_of(stats, {StatsSortKey::kName, 0}) ==
        "service,name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,"
        "total_ns\n"
        "api,GET,2,0,0,10,15,15,19,20,20,20,30\n"
        "web,GET,1,0,0,30,30,30,30,30,30,30,30\n");
}

TEST_CASE("stats: instant, incomplete and duration-less spans are left out and noted",
          "[stats]") {
  std::vector<Input> inputs = {{"a", 10},
                               {"a", 0, false, trace::kSpanInstant},
                               {"a", 500, true, trace::kSpanIncomplete},
                               {"b", 999, false, trace::kSpanIncomplete},
                               {"a", -1}};
  LatencyStats stats = stats_of(inputs);
  CHECK(stats.instant() == 1);
  CHECK(stats.incomplete() == 2);
  CHECK(stats.without_duration() == 1);
  auto table = stats.finish({});
  CHECK(first_column(table) == std::vector<std::string>{"a"});
  CHECK(std::get<int64_t>(table.rows[0][1]) == 1);  // count
  CHECK(std::get<int64_t>(table.rows[0][2]) == 0);  // errors: the error span was incomplete
  CHECK(table.meta.notes ==
        std::vector<std::string>{"2 incomplete spans (never ended) are not in the statistics",
                                 "1 span without a duration is not in the statistics"});
}

TEST_CASE("stats: logs are ignored", "[stats]") {
  LatencyStats stats;
  trace::LogRecord log;
  log.message = "hello";
  CHECK(stats.on_log(log) == trace::Flow::kContinue);
  CHECK(stats.group_count() == 0);
  CHECK(stats.finish({}).rows.empty());
}

TEST_CASE("stats: the percentile method is stated in the metadata", "[stats]") {
  LatencyStats stats;
  CHECK(stats.finish({}).meta.percentile_method ==
        "exact; linear interpolation between closest ranks (R-7, NumPy default), rounded to "
        "the nearest ns");
}

TEST_CASE("stats: rows sort by total time descending by default, ties by name", "[stats]") {
  LatencyStats stats = stats_of(three_groups());
  CHECK(first_column(stats.finish({})) == std::vector<std::string>{"b", "a", "c"});
}

TEST_CASE("stats: --sort orders by the chosen key, ties by name", "[stats]") {
  using V = std::vector<std::string>;
  auto order = [](StatsSortKey key) {
    LatencyStats stats = stats_of(three_groups());
    return first_column(stats.finish({key, 0}));
  };
  CHECK(order(StatsSortKey::kCount) == V{"a", "c", "b"});
  CHECK(order(StatsSortKey::kErrors) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kErrorRate) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kMin) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kMean) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kP50) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kP99) == V{"b", "c", "a"});
  CHECK(order(StatsSortKey::kMax) == V{"b", "c", "a"});
  CHECK(order(StatsSortKey::kTotal) == V{"b", "a", "c"});
  CHECK(order(StatsSortKey::kName) == V{"a", "b", "c"});
}

TEST_CASE("stats: --sort error_rate compares rates exactly", "[stats]") {
  // 1/3 and 2/6 are the same rate: the tie goes to the name.
  std::vector<Input> inputs = {{"z", 1, true}, {"z", 1}, {"z", 1}, {"y", 1, true}, {"y", 1, true},
                               {"y", 1},       {"y", 1}, {"y", 1}, {"y", 1},       {"x", 1}};
  LatencyStats stats = stats_of(inputs);
  CHECK(first_column(stats.finish({StatsSortKey::kErrorRate, 0})) ==
        std::vector<std::string>{"y", "z", "x"});
}

TEST_CASE("stats: --top keeps the first N rows and says so", "[stats]") {
  LatencyStats stats = stats_of(three_groups());
  auto table = stats.finish({StatsSortKey::kTotal, 2});
  CHECK(first_column(table) == std::vector<std::string>{"b", "a"});
  CHECK(table.meta.notes == std::vector<std::string>{"showing the top 2 of 3 groups"});
}

TEST_CASE("stats: --top larger than the group count keeps every row", "[stats]") {
  LatencyStats stats = stats_of(three_groups());
  auto table = stats.finish({StatsSortKey::kTotal, 10});
  CHECK(table.rows.size() == 3);
  CHECK(table.meta.notes.empty());
}

TEST_CASE("stats: an unknown --sort key is a usage error", "[stats]") {
  CHECK(trace::parse_stats_sort_key("p95") == StatsSortKey::kP95);
  CHECK(trace::parse_stats_sort_key("error_rate") == StatsSortKey::kErrorRate);
  try {
    trace::parse_stats_sort_key("p98");
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) ==
          "--sort: unknown key 'p98' (expected count, errors, error_rate, min, mean, p50, p90, "
          "p95, p99, max, total or name)");
  }
}

TEST_CASE("stats: merge law, two parts, every split point and both orders", "[stats]") {
  auto inputs = mixed_workload();
  for (const char* group_by : {"name", "service,name"}) {
    LatencyStats whole = stats_of(inputs, group_by);
    const std::string expected = json_of(whole);
    for (size_t split : {size_t{0}, size_t{1}, size_t{77}, size_t{150}, size_t{299}, size_t{300}}) {
      INFO("group_by=" << group_by << " split=" << split);
      auto spec = trace::parse_group_key_spec(group_by);
      LatencyStats a(spec), b(spec), c(spec), d(spec);
      feed(a, inputs, 0, split);
      feed(b, inputs, split, inputs.size());
      feed(c, inputs, 0, split);
      feed(d, inputs, split, inputs.size());
      a.merge(b);  // A + B
      d.merge(c);  // B + A
      CHECK(json_of(a) == expected);
      CHECK(json_of(d) == expected);
    }
  }
}

TEST_CASE("stats: merge law, three parts in any grouping", "[stats]") {
  auto inputs = mixed_workload();
  LatencyStats whole = stats_of(inputs, "service,name");
  const std::string expected = json_of(whole);
  auto spec = trace::parse_group_key_spec("service,name");
  auto part = [&](size_t begin, size_t end) {
    LatencyStats s(spec);
    feed(s, inputs, begin, end);
    return s;
  };
  {  // (A + B) + C
    LatencyStats a = part(0, 100), b = part(100, 200), c = part(200, 300);
    a.merge(b);
    a.merge(c);
    CHECK(json_of(a) == expected);
  }
  {  // A + (B + C)
    LatencyStats a = part(0, 100), b = part(100, 200), c = part(200, 300);
    b.merge(c);
    a.merge(b);
    CHECK(json_of(a) == expected);
  }
  {  // C + (A + B)
    LatencyStats a = part(0, 100), b = part(100, 200), c = part(200, 300);
    a.merge(b);
    c.merge(a);
    CHECK(json_of(c) == expected);
  }
}

TEST_CASE("stats: merge law, interleaved records (round-robin over workers)", "[stats]") {
  auto inputs = mixed_workload();
  LatencyStats whole = stats_of(inputs);
  const std::string expected = json_of(whole);
  std::vector<LatencyStats> workers(4);
  for (size_t i = 0; i < inputs.size(); ++i) feed(workers[i % 4], inputs, i, i + 1);
  for (size_t w = 1; w < workers.size(); ++w) workers[0].merge(workers[w]);
  CHECK(json_of(workers[0]) == expected);
}

TEST_CASE("stats: merge leaves the other side empty", "[stats]") {
  LatencyStats a = stats_of(three_groups());
  LatencyStats b = stats_of({{"a", 1, false, trace::kSpanIncomplete}, {"d", 7}});
  a.merge(b);
  CHECK(b.group_count() == 0);
  CHECK(b.incomplete() == 0);
  CHECK(a.group_count() == 4);
  CHECK(a.incomplete() == 1);
}

TEST_CASE("stats: names alike in length, first and last letter are counted apart", "[stats]") {
  // Such names share a slot of the recent-group cache in front of the group map.
  std::vector<Input> inputs;
  for (int round = 0; round < 3; ++round)
    for (char middle = '0'; middle <= '9'; ++middle)
      for (int i = 0; i <= middle - '0'; ++i) inputs.push_back({std::string("a") + middle + "z", (middle - '0' + 1) * 1000});
  LatencyStats stats = stats_of(inputs);
  CHECK(stats.group_count() == 10);
  std::string csv = csv_of(stats, {trace::StatsSortKey::kName, 0});
  CHECK(csv.find("\na0z,3,0,0,1000,1000,1000,1000,1000,1000,1000,3000\n") != std::string::npos);
  CHECK(csv.find("\na9z,30,0,0,10000,10000,10000,10000,10000,10000,10000,300000\n") != std::string::npos);
}

TEST_CASE("stats: a side emptied by a merge counts its next spans afresh", "[stats]") {
  LatencyStats a = stats_of({{"x", 5}});
  LatencyStats b = stats_of({{"x", 7}, {"y", 9}});
  a.merge(b);  // b's groups move to a, or into a's
  feed(b, {{"y", 11}, {"x", 13}}, 0, 2);
  CHECK(csv_of(b, {trace::StatsSortKey::kName, 0}) ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "x,1,0,0,13,13,13,13,13,13,13,13\n"
        "y,1,0,0,11,11,11,11,11,11,11,11\n");
  CHECK(csv_of(a, {trace::StatsSortKey::kName, 0}) ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "x,2,0,0,5,6,6,7,7,7,7,12\n"
        "y,1,0,0,9,9,9,9,9,9,9,9\n");
}

TEST_CASE("stats: a copy, and a move, count into their own groups", "[stats]") {
  LatencyStats a = stats_of({{"x", 5}});
  LatencyStats b = a;
  feed(b, {{"x", 7}}, 0, 1);
  feed(a, {{"x", 9}}, 0, 1);
  const std::string header = "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n";
  LatencyStats c = std::move(a);
  feed(c, {{"x", 1}}, 0, 1);
  CHECK(csv_of(b) == header + "x,2,0,0,5,6,6,7,7,7,7,12\n");
  CHECK(csv_of(c) == header + "x,3,0,0,1,5,5,8,9,9,9,15\n");
}

TEST_CASE("stats: past the exact budget every group switches to the sketch, whatever the split", "[stats]") {
  std::vector<Input> inputs;
  for (int64_t i = 1; i <= 20000; ++i) inputs.push_back({i % 2 ? "a" : "b", i * 1000, i % 100 == 0});
  auto run = [&](size_t parts) {
    // 10000 durations fit (80000 bytes); 20000 do not.
    auto budget = std::make_shared<trace::ExactBudget>(80000);
    std::vector<LatencyStats> workers;
    for (size_t w = 0; w < parts; ++w) workers.emplace_back(trace::parse_group_key_spec("name"), budget);
    for (size_t w = 0; w < parts; ++w) feed(workers[w], inputs, inputs.size() * w / parts, inputs.size() * (w + 1) / parts);
    for (size_t w = 1; w < parts; ++w) workers[0].merge(workers[w]);
    return workers[0].finish({});
  };
  trace::output::Table one = run(1);
  trace::output::Table four = run(4);
  CHECK(one.meta.approximate);
  CHECK(one.rows == four.rows);
  CHECK(one.meta.notes == four.meta.notes);
  CHECK(one.meta.percentile_method.rfind("approximate; log-bucket sketch", 0) == 0);
  // Counts, errors, min, max, total and mean stay exact; p50 of a = 1, 3, ..., 19999 µs is
  // the rank-4999 value 9999 µs, within 1%.
  CHECK(std::get<std::string>(one.rows.at(0)[0]) == "b");  // sorted by total: b has the larger one
  const trace::output::Row& odd = one.rows.at(1);
  CHECK(std::get<int64_t>(odd[1]) == 10000);
  CHECK(std::get<int64_t>(odd[4]) == 1000);       // min
  CHECK(std::get<int64_t>(odd[10]) == 19999000);  // max
  CHECK(std::abs(std::get<int64_t>(odd[6]) - 9999000) <= 99990);  // p50
}

TEST_CASE("stats: under the budget the table is exact and says nothing", "[stats]") {
  auto budget = std::make_shared<trace::ExactBudget>(1 << 20);
  LatencyStats stats(trace::parse_group_key_spec("name"), budget);
  feed(stats, one_to_hundred_ms_and_db(), 0, 102);
  trace::output::Table table = stats.finish({});
  CHECK_FALSE(table.meta.approximate);
  CHECK(table.meta.notes.empty());
}

TEST_CASE("stats: asks loaders for attributes only when it groups by them, never for times", "[stats]") {
  using trace::parse_group_key_spec;
  for (auto [spec, attrs] : std::vector<std::pair<std::string, bool>>{
           {"name", false}, {"service", false}, {"name,service", false}, {"model", true}, {"attr:tenant", true},
           {"service,attr:http.route", true}}) {
    INFO(spec);
    trace::RecordNeeds needs = LatencyStats(parse_group_key_spec(spec)).needs();
    CHECK(needs.attrs == attrs);
    CHECK_FALSE(needs.times);
  }
}
