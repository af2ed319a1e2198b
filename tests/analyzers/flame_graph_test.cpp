// The flame graph: self time summed by path of span names, widest first, the "…" frame
// for missing parents, the width cut-offs, the span budget and the merge law.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "analyzers/flame_graph.h"

using trace::FlameGraph;
using trace::Span;

namespace {

struct In {
  std::string trace, id, parent, name;
  int64_t start = 0;
  int64_t duration = 0;  // ns; -1: unknown
  bool error = false;
  uint8_t flags = 0;
};

void feed(FlameGraph& flame, const std::vector<In>& spans, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const In& in = spans[i];
    Span span;
    span.trace_id = in.trace;
    span.span_id = in.id;
    span.parent_id = in.parent;
    span.name = in.name;
    span.start_ns = in.start;
    span.duration_ns = in.duration;
    span.flags = in.flags;
    span.status = in.error ? trace::Status::kError : trace::Status::kOk;
    flame.on_span(span);
  }
}

// "name@depth offset+total(self) spans/errors" per frame.
std::string render(const trace::output::FlameView& view) {
  std::string out;
  for (const auto& f : view.frames)
    out += f.name + "@" + std::to_string(f.depth) + " " + std::to_string(f.offset_ns) + "+" +
           std::to_string(f.total_ns) + "(" + std::to_string(f.self_ns) + ") " + std::to_string(f.spans) + "/" +
           std::to_string(f.errors) + "\n";
  return out;
}

// Two traces. t1: A [0,100) with B [10,40) (D [15,25) under it) and C [30,70), which
// overlap: A's self is 100 - 60 = 40, B's 30 - 10 = 20. t2: A [0,50) alone, and E,
// whose parent is not in the input.
const std::vector<In> kSpans = {
    {"t1", "a", "", "A", 0, 100},      {"t1", "b", "a", "B", 10, 30},     {"t1", "c", "a", "C", 30, 40, true},
    {"t1", "d", "b", "D", 15, 10},     {"t2", "a", "", "A", 1000, 50},    {"t2", "e", "zz", "E", 1010, 5},
};

}  // namespace

TEST_CASE("flame graph: self time by name path, siblings widest first, missing parents under …", "[flame]") {
  FlameGraph flame;
  feed(flame, kSpans, 0, kSpans.size());
  trace::output::FlameView view = flame.finish();
  CHECK(view.total_ns == 165);
  CHECK(view.spans == 6);
  CHECK(view.max_depth == 2);
  CHECK(render(view) ==
        "A@0 0+160(90) 2/0\n"
        "C@1 90+40(40) 1/1\n"
        "B@1 130+30(20) 1/0\n"
        "D@2 150+10(10) 1/0\n"
        "…@0 160+5(0) 0/0\n"
        "E@1 160+5(5) 1/0\n");
  CHECK(view.notes.empty());
}

TEST_CASE("flame graph: a child that never ended covers its parent to the end and adds no time", "[flame]") {
  FlameGraph flame;
  std::vector<In> spans = {{"t", "a", "", "A", 0, 100}, {"t", "b", "a", "B", 60, 10, false, trace::kSpanIncomplete}};
  feed(flame, spans, 0, spans.size());
  trace::output::FlameView view = flame.finish();
  CHECK(render(view) == "A@0 0+60(60) 1/0\n");  // B has no width: not drawn
  CHECK(view.notes.empty());
}

TEST_CASE("flame graph: any split of the input merges to the same graph", "[flame]") {
  FlameGraph whole;
  feed(whole, kSpans, 0, kSpans.size());
  std::string expected = render(whole.finish());
  for (size_t cut = 0; cut <= kSpans.size(); ++cut) {
    FlameGraph left, right;
    feed(left, kSpans, 0, cut);
    feed(right, kSpans, cut, kSpans.size());
    right.merge(left);  // other order: right first
    INFO("cut at " << cut);
    CHECK(render(right.finish()) == expected);
    CHECK(left.remembered() == 0);
  }
}

TEST_CASE("flame graph: frames narrower than the cut-off or past the frame cap are counted, not drawn", "[flame]") {
  FlameGraph flame;
  feed(flame, kSpans, 0, kSpans.size());
  trace::FlameOptions options;
  options.min_fraction = 0.05;  // 8.25 ns of 165: D (10) stays, … and E (5) go
  trace::output::FlameView view = flame.finish(options);
  CHECK(render(view) == "A@0 0+160(90) 2/0\nC@1 90+40(40) 1/1\nB@1 130+30(20) 1/0\nD@2 150+10(10) 1/0\n");
  CHECK(view.notes == std::vector<std::string>{"flame graph: 2 frames narrower than 5% of the total not drawn"});
  options.min_fraction = 0;
  options.max_frames = 2;
  view = flame.finish(options);
  CHECK(render(view) == "A@0 0+160(90) 2/0\nC@1 90+40(40) 1/1\n");
  CHECK(view.notes == std::vector<std::string>{"flame graph: only the 2 widest frames drawn (4 more)"});
}

TEST_CASE("flame graph: past the span budget spans are left out and a note says how many", "[flame]") {
  auto budget = std::make_shared<trace::FlameBudget>(1);
  FlameGraph flame(budget);
  std::vector<In> spans;
  for (int i = 0; i < 5000; ++i) spans.push_back({"t" + std::to_string(i), "s", "", "root", i * 10, 5});
  feed(flame, spans, 0, spans.size());
  // The budget is checked every 4096 spans.
  CHECK(flame.remembered() == 4096);
  CHECK(flame.left_out() == 904);
  trace::output::FlameView view = flame.finish();
  CHECK(view.notes == std::vector<std::string>{"flame graph: 904 spans past the memory cap of 1 left out"});
  CHECK(render(view) == "root@0 0+20480(20480) 4096/0\n");
}
