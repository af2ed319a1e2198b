// trace top's analyzer: the N slowest spans per group, chains, self time, merging.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "analyzers/slowest_spans.h"
#include "src/errors.h"
#include "src/output/write_table.h"

using trace::RankBy;
using trace::SlowestSpans;
using trace::SlowestSpansOptions;
using trace::Span;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1736937000000000000;

struct In {
  std::string trace, id, parent, name;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  std::string service = "api";
  bool error = false;
  uint8_t flags = 0;
};

void feed(SlowestSpans& top, const std::vector<In>& spans, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const In& in = spans[i];
    Span span;
    span.trace_id = in.trace;
    span.span_id = in.id;
    span.parent_id = in.parent;
    span.name = in.name;
    span.service = in.service;
    span.start_ns = kT0 + in.start_ms * kMs;
    span.duration_ns = in.duration_ms * kMs;
    span.status = in.error ? trace::Status::kError : trace::Status::kOk;
    span.flags = in.flags;
    span.src.line = i + 1;
    top.on_span(span);
  }
}

std::string csv(const SlowestSpans& top) {
  std::string out;
  trace::output::write_table(top.finish({"t.json"}), trace::output::OutputFormat::kCsv, {}, out);
  return out;
}

// One agent run: run > plan > llm, run > tool, and a second trace.
const std::vector<In> kSpans = {
    {"t1", "a", "", "agent.run", 0, 1000},   {"t1", "b", "a", "plan", 10, 300},
    {"t1", "c", "b", "llm_call", 20, 250},   {"t1", "d", "a", "tool", 400, 500, "tools", true},
    {"t2", "e", "", "agent.run", 0, 700},    {"t2", "f", "e", "llm_call", 100, 600},
    {"t2", "g", "missing", "orphan", 0, 50},
};

}  // namespace

TEST_CASE("slowest spans: the N slowest, with chains, status and source", "[slowest_spans]") {
  SlowestSpansOptions options;
  options.top = 3;
  SlowestSpans top(options);
  feed(top, kSpans, 0, kSpans.size());
  CHECK(csv(top) ==
        "rank,duration_ns,name,service,start_ns,trace_id,span_id,parents,status,attrs,source\n"
        "1,1000000000,agent.run,api,1736937000000000000,t1,a,,ok,,t.json:1\n"
        "2,700000000,agent.run,api,1736937000000000000,t2,e,,ok,,t.json:5\n"
        "3,600000000,llm_call,api,1736937000100000000,t2,f,agent.run,ok,,t.json:6\n");
}

TEST_CASE("slowest spans: chains read root first and mark a missing ancestor", "[slowest_spans]") {
  SlowestSpansOptions options;
  options.top = 10;
  SlowestSpans top(options);
  feed(top, kSpans, 0, kSpans.size());
  std::string out = csv(top);
  CHECK(out.find(",t1,c,agent.run > plan,") != std::string::npos);
  CHECK(out.find(",t2,g,…,") != std::string::npos);
}

TEST_CASE("slowest spans: ties rank by trace id, then span id", "[slowest_spans]") {
  std::vector<In> spans = {{"t9", "z", "", "x", 0, 100}, {"t1", "y", "", "x", 0, 100}, {"t1", "b", "", "x", 0, 100}};
  SlowestSpansOptions options;
  options.top = 2;
  SlowestSpans top(options);
  feed(top, spans, 0, spans.size());
  std::string out = csv(top);
  CHECK(out.find("1,100000000,x,api,1736937000000000000,t1,b,") != std::string::npos);
  CHECK(out.find("2,100000000,x,api,1736937000000000000,t1,y,") != std::string::npos);
  CHECK(out.find(",t9,") == std::string::npos);
}

TEST_CASE("slowest spans: --group-by keeps the slowest per group, groups slowest first", "[slowest_spans]") {
  SlowestSpansOptions options;
  options.top = 1;
  options.group_by = trace::parse_group_key_spec("name");
  SlowestSpans top(options);
  feed(top, kSpans, 0, kSpans.size());
  std::string out = csv(top);
  CHECK(out.rfind("rank,group.name,duration_ns,name,", 0) == 0);
  std::vector<std::string> firsts;
  size_t at = out.find('\n') + 1;
  while (at < out.size()) {
    size_t comma = out.find(',', out.find(',', at) + 1);
    firsts.push_back(out.substr(at, comma - at));
    at = out.find('\n', at) + 1;
  }
  CHECK(firsts == std::vector<std::string>{"1,agent.run", "1,llm_call", "1,tool", "1,plan", "1,orphan"});
}

TEST_CASE("slowest spans: self time subtracts the union of children, clipped", "[slowest_spans]") {
  // run [0, 1000): children plan [10, 310) and tool [400, 900) and an overlapping
  // [250, 450) one: union 10..900 = 890 ms; run's self time is 110 ms.
  std::vector<In> spans = kSpans;
  spans.push_back({"t1", "h", "a", "overlap", 250, 200});
  spans.push_back({"t1", "i", "a", "past the end", 950, 200});  // clipped to [950, 1000)
  SlowestSpansOptions options;
  options.top = 20;
  options.by = RankBy::kSelfTime;
  SlowestSpans top(options);
  feed(top, spans, 0, spans.size());
  std::string out = csv(top);
  CHECK(out.rfind("rank,duration_ns,self_ns,", 0) == 0);
  // run: 1000 - (10..900 + 950..1000) = 1000 - 940 = 60 ms.
  CHECK(out.find(",1000000000,60000000,agent.run,") != std::string::npos);
  CHECK(out.find(",300000000,50000000,plan,") != std::string::npos);
  CHECK(out.find(",700000000,100000000,agent.run,") != std::string::npos);
  // Leaves keep their whole duration: the slowest by self time is t2's LLM call.
  CHECK(out.find("1,600000000,600000000,llm_call,") != std::string::npos);
  CHECK(out.find("2,500000000,500000000,tool,") != std::string::npos);
}

TEST_CASE("slowest spans: a child with no known start covers its duration", "[slowest_spans]") {
  std::vector<In> spans = {{"t", "p", "", "parent", 0, 100}, {"t", "c", "p", "child", 0, 30}};
  spans[1].flags = trace::kSpanStartUnknown;
  SlowestSpansOptions options;
  options.by = RankBy::kSelfTime;
  SlowestSpans top(options);
  feed(top, spans, 0, spans.size());
  CHECK(csv(top).find(",100000000,70000000,parent,") != std::string::npos);
}

TEST_CASE("slowest spans: instants and unfinished spans are not ranked", "[slowest_spans]") {
  std::vector<In> spans = {{"t", "a", "", "instant", 0, 0}, {"t", "b", "a", "open", 0, 5000}};
  spans[0].flags = trace::kSpanInstant;
  spans[1].flags = trace::kSpanIncomplete;
  SlowestSpans top;
  feed(top, spans, 0, spans.size());
  CHECK(csv(top) == "rank,duration_ns,name,service,start_ns,trace_id,span_id,parents,status,attrs,source\n");
}

TEST_CASE("slowest spans: key attributes show the model and the error first", "[slowest_spans]") {
  const std::string prompt(60, 'p');
  std::vector<trace::Attr> attrs = {{"otel.scope.name", trace::Value::of_string("x")},
                                    {"gen_ai.request.model", trace::Value::of_string("gpt-4o")},
                                    {"tokens", trace::Value::of_int(812)},
                                    {"prompt", trace::Value::of_string(prompt)},
                                    {"a", trace::Value::of_bool(true)},
                                    {"b", trace::Value::of_double(0.5)}};
  Span span;
  span.trace_id = "t";
  span.span_id = "s";
  span.name = "chat";
  span.duration_ns = kMs;
  span.status = trace::Status::kError;
  span.status_message = "429 from provider";
  span.attrs = attrs;
  SlowestSpans top;
  top.on_span(span);
  CHECK(csv(top).find(",error,model=gpt-4o error=429 from provider tokens=812 prompt=" + std::string(40, 'p') +
                      "… a=true,") != std::string::npos);
}

TEST_CASE("slowest spans: merging any split gives the same table", "[slowest_spans]") {
  std::vector<In> spans;
  std::mt19937 random(7);
  for (int i = 0; i < 300; ++i) {
    std::string trace = "t" + std::to_string(i % 17);
    spans.push_back({trace, "s" + std::to_string(i), i % 5 == 0 ? "" : "s" + std::to_string(i / 2),
                     "op" + std::to_string(i % 7), int64_t(random() % 1000), int64_t(random() % 50)});
  }
  for (RankBy by : {RankBy::kDuration, RankBy::kSelfTime}) {
    SlowestSpansOptions options;
    options.top = 4;
    options.by = by;
    options.group_by = trace::parse_group_key_spec("name");
    SlowestSpans whole(options);
    feed(whole, spans, 0, spans.size());
    for (size_t split : {size_t(1), size_t(100), size_t(299)}) {
      SlowestSpans a(options), b(options);
      feed(a, spans, 0, split);
      feed(b, spans, split, spans.size());
      b.merge(a);
      INFO("split " << split);
      CHECK(csv(b) == csv(whole));
    }
  }
}

TEST_CASE("slowest spans: past the self-time bound the table says it is approximate", "[slowest_spans]") {
  SlowestSpansOptions options;
  options.by = RankBy::kSelfTime;
  options.max_self_time = 4;
  SlowestSpans top(options);
  feed(top, kSpans, 0, kSpans.size());
  trace::output::Table table = top.finish({"t.json"});
  CHECK(table.meta.approximate);
  CHECK(table.meta.notes ==
        std::vector<std::string>{"self time ranks the first 4 spans; 3 later spans were not ranked"});
}

TEST_CASE("slowest spans: --by takes duration or self-time", "[slowest_spans]") {
  CHECK(trace::parse_rank_by("self-time") == RankBy::kSelfTime);
  try {
    trace::parse_rank_by("self");
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) == "--by: unknown value 'self' (expected duration or self-time)");
  }
}
