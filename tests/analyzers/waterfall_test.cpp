// The waterfall collector: only the chosen traces, the longest spans up to the cap, the
// rows of span_tree's order with offsets, self times and the critical path, and the
// merge law.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/waterfall.h"

using trace::Span;
using trace::WaterfallCollector;
using trace::WaterfallOptions;

namespace {

constexpr int64_t kT0 = 1736937000000000000;

struct In {
  std::string trace, id, parent, name;
  int64_t start = 0;     // ns after kT0
  int64_t duration = 0;  // ns; -1: unknown
  bool error = false;
  uint8_t flags = 0;
};

void feed(WaterfallCollector& c, const std::vector<In>& spans, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const In& in = spans[i];
    Span span;
    span.trace_id = in.trace;
    span.span_id = in.id;
    span.parent_id = in.parent;
    span.name = in.name;
    span.service = "api";
    span.start_ns = kT0 + in.start;
    span.duration_ns = in.duration;
    span.flags = in.flags;
    span.status = in.error ? trace::Status::kError : trace::Status::kOk;
    span.status_message = in.error ? "boom" : "";
    trace::Attr attrs[] = {{"http.route", trace::Value::of_string("/users/<id>")},
                           {"retries", trace::Value::of_int(2)}};
    span.attrs = trace::Attrs(attrs, 2);
    span.src.line = i + 1;
    c.on_span(span);
  }
}

// "label@depth +offset dur (self) [flags]" per row.
std::string render(const trace::output::WaterfallView& view) {
  std::string out;
  for (const auto& r : view.rows) {
    out += r.label + "@" + std::to_string(r.depth);
    if (r.kind == trace::output::WaterfallRowKind::kSpan)
      out += " +" + std::to_string(r.offset_ns) + " " + std::to_string(r.duration_ns) + " (" +
             std::to_string(r.self_ns) + ")" + (r.error ? " err" : "") + (r.critical ? " crit" : "");
    out += "\n";
  }
  return out;
}

const std::vector<In> kSpans = {
    {"t1", "a", "", "root", 0, 100},     {"t1", "b", "a", "load", 10, 30},  {"t1", "c", "a", "save", 50, 45, true},
    {"t1", "d", "b", "query", 15, 10},   {"t1", "e", "c", "flush", 60, 5},  {"t2", "x", "", "other", 0, 1000},
    {"t3", "y", "", "third", 5, 70},
};

}  // namespace

TEST_CASE("waterfall: the chosen traces' spans in tree order, with self time and the critical path", "[waterfall]") {
  WaterfallCollector c(WaterfallOptions{{"t1", "t3", "nope"}});
  feed(c, kSpans, 0, kSpans.size());
  std::vector<trace::output::WaterfallView> views = c.finish();
  REQUIRE(views.size() == 3);
  CHECK(views[0].trace_id == "t1");
  CHECK(views[0].root_name == "root");
  CHECK(views[0].start_ns == kT0);
  CHECK(views[0].duration_ns == 100);
  CHECK(views[0].spans_in_trace == 5);
  CHECK(views[0].errors_in_trace == 1);
  CHECK(views[0].spans_drawn == 5);
  CHECK(render(views[0]) ==
        "root@0 +0 100 (25) crit\n"
        "load@1 +10 30 (20)\n"
        "query@2 +15 10 (10)\n"
        "save@1 +50 45 (40) err crit\n"
        "flush@2 +60 5 (5) crit\n");
  CHECK(views[0].notes.empty());
  const auto& save = views[0].rows[3];
  CHECK(save.status_message == "boom");
  CHECK(save.service == "api");
  CHECK(save.details == std::vector<std::pair<std::string, std::string>>{
                            {"span_id", "c"}, {"parent_id", "a"}, {"http.route", "/users/<id>"}, {"retries", "2"}});
  CHECK(render(views[1]) == "third@0 +0 70 (70) crit\n");
  CHECK(views[2].trace_id == "nope");
  CHECK(views[2].rows.empty());
  CHECK(views[2].spans_in_trace == 0);
}

TEST_CASE("waterfall: past max_spans the longest are kept; children of dropped spans become orphans",
          "[waterfall]") {
  WaterfallOptions options{{"t1"}};
  options.max_spans = 3;
  WaterfallCollector c(options);
  feed(c, kSpans, 0, kSpans.size());
  std::vector<trace::output::WaterfallView> views = c.finish();
  CHECK(render(views[0]) == "root@0 +0 100 (25) crit\nload@1 +10 30 (30)\nsave@1 +50 45 (45) err crit\n");
  CHECK(views[0].spans_drawn == 3);
  CHECK(views[0].spans_in_trace == 5);
  CHECK(views[0].notes == std::vector<std::string>{"trace t1: the 3 longest of its 5 spans drawn"});

  options.max_spans = 2;  // root and save: load's child query is gone with it
  WaterfallCollector two(options);
  std::vector<In> spans = kSpans;
  spans[1].duration = 8;  // load is now shorter than its child query: only root and save are kept
  feed(two, spans, 0, spans.size());
  CHECK(render(two.finish()[0]) == "root@0 +0 100 (55) crit\nsave@1 +50 45 (45) err crit\n");
}

TEST_CASE("waterfall: a span never ended ranks first and is drawn open", "[waterfall]") {
  WaterfallOptions options{{"t"}};
  options.max_spans = 2;
  WaterfallCollector c(options);
  std::vector<In> spans = {{"t", "a", "", "root", 0, 100}, {"t", "b", "a", "short", 10, 1},
                           {"t", "c", "a", "hung", 20, -1, false, trace::kSpanIncomplete}};
  feed(c, spans, 0, spans.size());
  auto views = c.finish();
  REQUIRE(views[0].rows.size() == 2);
  CHECK(views[0].rows[1].label == "hung");
  CHECK(views[0].rows[1].incomplete);
  CHECK(views[0].rows[1].duration_ns == -1);
}

TEST_CASE("waterfall: attribute values are cut on a code point with …", "[waterfall]") {
  WaterfallOptions options{{"t"}};
  options.max_value_bytes = 4;
  options.max_attrs = 1;
  WaterfallCollector c(options);
  Span span;
  span.trace_id = "t";
  span.span_id = "a";
  span.name = "root";
  span.duration_ns = 5;
  trace::Attr attrs[] = {{"k", trace::Value::of_string("ab日本")}, {"dropped", trace::Value::of_int(1)}};
  span.attrs = trace::Attrs(attrs, 2);
  c.on_span(span);
  auto views = c.finish();
  CHECK(views[0].rows[0].details == std::vector<std::pair<std::string, std::string>>{{"span_id", "a"}, {"k", "ab…"}});
}

TEST_CASE("waterfall: any split of the input merges to the same rows", "[waterfall]") {
  WaterfallOptions options{{"t1", "t2"}};
  options.max_spans = 3;
  WaterfallCollector whole(options);
  feed(whole, kSpans, 0, kSpans.size());
  std::string expected;
  for (const auto& v : whole.finish()) expected += render(v) + "--\n";
  for (size_t cut = 0; cut <= kSpans.size(); ++cut) {
    WaterfallCollector left(options), right(options);
    feed(left, kSpans, 0, cut);
    feed(right, kSpans, cut, kSpans.size());
    right.merge(left);
    std::string got;
    for (const auto& v : right.finish()) got += render(v) + "--\n";
    INFO("cut at " << cut);
    CHECK(got == expected);
  }
}
