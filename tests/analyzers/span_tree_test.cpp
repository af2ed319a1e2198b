// The span tree (`trace tree`): children order, self time, critical path, orphans,
// cycles, lanes and the rows the filters leave.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/span_tree.h"
#include "analyzers/trace_collector.h"

using trace::RowKind;
using trace::Span;
using trace::SpanTree;
using trace::TraceCollector;
using trace::TreeFilter;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1736937000000000000;

struct In {
  std::string id, parent, name;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;  // -1: never ended
  uint8_t flags = 0;
  std::string thread;  // thread.name attribute
  std::string trace = "t1";
};

// Collects `spans` (in the given order) and builds the tree of trace `trace_id`.
struct Built {
  TraceCollector collector{trace::TraceCollectorOptions{"", true}};
  SpanTree tree;
};

void build(Built& b, const std::vector<In>& spans, const std::string& trace_id = "t1") {
  for (const In& in : spans) {
    Span span;
    span.trace_id = in.trace;
    span.span_id = in.id;
    span.parent_id = in.parent;
    span.name = in.name;
    span.service = "api";
    span.start_ns = kT0 + in.start_ms * kMs;
    span.duration_ns = in.duration_ms < 0 ? -1 : in.duration_ms * kMs;
    span.flags = in.flags;
    trace::Attr attr{"thread.name", trace::Value::of_string(in.thread)};
    if (!in.thread.empty()) span.attrs = trace::Attrs(&attr, 1);
    b.collector.on_span(span);
  }
  b.tree = trace::build_span_tree(b.collector.records(trace_id).spans);
}

std::string name_of(const SpanTree& tree, uint32_t node) { return std::string(tree.nodes[node].span->name); }

// "name@depth" per node in preorder.
std::string preorder(const SpanTree& tree) {
  std::string out;
  for (uint32_t i : tree.preorder) out += name_of(tree, i) + "@" + std::to_string(tree.nodes[i].depth) + " ";
  return out;
}

std::string path(const SpanTree& tree) {
  std::string out;
  for (uint32_t i : tree.critical_path) out += name_of(tree, i) + " ";
  return out;
}

// Rows as "  name" (indent = depth) or "[lane]" / "[orphans of ID]", "+N" for hidden.
std::string rows(const SpanTree& tree, const TreeFilter& filter) {
  std::string out;
  for (const trace::TreeRow& row : trace::tree_rows(tree, filter)) {
    out += std::string(2 * row.depth, ' ');
    if (row.kind == RowKind::kLane) out += "[" + tree.lanes[row.index].name + "]";
    else if (row.kind == RowKind::kOrphans)
      out += std::string(tree.orphans[row.index].cycle ? "[cycle at " : "[orphans of ") +
             std::string(tree.orphans[row.index].missing_parent_id) + "]";
    else out += name_of(tree, row.index);
    if (row.hidden > 0) out += " +" + std::to_string(row.hidden);
    if (row.last) out += " .";
    out += "\n";
  }
  return out;
}

// run [0,1000] > plan [10,310] > llm [20,270]; run > tool [400,900]; run > emit [950,990]
const std::vector<In> kAgent = {
    {"a", "", "run", 0, 1000},     {"b", "a", "plan", 10, 300}, {"c", "b", "llm", 20, 250},
    {"d", "a", "tool", 400, 500},  {"e", "a", "emit", 950, 40},
};

}  // namespace

TEST_CASE("span tree: children in start order whatever the input order, depths from 0", "[span-tree]") {
  Built b;
  build(b, {kAgent[4], kAgent[2], kAgent[3], kAgent[0], kAgent[1]});
  CHECK(preorder(b.tree) == "run@0 plan@1 llm@2 tool@1 emit@1 ");
  CHECK(b.tree.lanes.size() == 1);
  CHECK(b.tree.orphans.empty());
  CHECK(b.tree.start_ns == kT0);
  CHECK(b.tree.end_ns == kT0 + 1000 * kMs);
}

TEST_CASE("span tree: children starting together are ordered by span id", "[span-tree]") {
  Built b;
  build(b, {{"r", "", "root", 0, 100}, {"z", "r", "second", 10, 10}, {"m", "r", "first", 10, 20}});
  CHECK(preorder(b.tree) == "root@0 first@1 second@1 ");
}

TEST_CASE("span tree: self time is duration minus the union of children, clipped to the span", "[span-tree]") {
  Built b;
  // p [0,100]: c1 [10,50] and c2 [40,70] overlap (union 60); c3 [90,130] sticks out (10 counted).
  build(b, {{"p", "", "p", 0, 100}, {"c1", "p", "c1", 10, 40}, {"c2", "p", "c2", 40, 30}, {"c3", "p", "c3", 90, 40}});
  CHECK(b.tree.nodes[b.tree.find("p")].self_ns == 30 * kMs);
  CHECK(b.tree.nodes[b.tree.find("c1")].self_ns == 40 * kMs);
}

TEST_CASE("span tree: a child that never ended covers to its parent's end; an open span's self is unknown",
          "[span-tree]") {
  Built b;
  build(b, {{"p", "", "p", 0, 100}, {"c", "p", "c", 70, -1, trace::kSpanIncomplete}});
  CHECK(b.tree.nodes[b.tree.find("p")].self_ns == 70 * kMs);
  CHECK(b.tree.nodes[b.tree.find("c")].self_ns == -1);
}

TEST_CASE("span tree: children with unknown starts count their whole duration", "[span-tree]") {
  Built b;
  uint8_t unknown = trace::kSpanStartUnknown | trace::kSpanClockRelative;
  build(b, {{"p", "", "p", 0, 100, unknown}, {"c1", "p", "c1", 0, 30, unknown}, {"c2", "p", "c2", 30, 45, unknown}});
  CHECK(b.tree.nodes[b.tree.find("p")].self_ns == 25 * kMs);
}

TEST_CASE("span tree: the critical path follows the last-finishing child from the root", "[span-tree]") {
  Built b;
  build(b, kAgent);
  CHECK(path(b.tree) == "run emit ");
  CHECK(b.tree.nodes[b.tree.find("e")].critical);
  CHECK_FALSE(b.tree.nodes[b.tree.find("d")].critical);
}

TEST_CASE("span tree: critical path ties go to the earlier start, then the smaller id; open spans finish last",
          "[span-tree]") {
  Built b;
  build(b, {{"r", "", "r", 0, 100}, {"x", "r", "late-start", 50, 50}, {"w", "r", "early-start", 20, 80},
            {"v", "r", "same-as-w", 20, 80}});
  CHECK(path(b.tree) == "r same-as-w ");
  Built open;
  build(open, {{"r", "", "r", 0, 100}, {"x", "r", "done", 0, 100}, {"y", "r", "open", 10, -1, trace::kSpanIncomplete}});
  CHECK(path(open.tree) == "r open ");
}

TEST_CASE("span tree: orphans are kept under their missing parent, grouped, after the roots", "[span-tree]") {
  Built b;
  build(b, {{"a", "", "root", 0, 100}, {"x", "gone1", "lost-b", 30, 10}, {"y", "gone2", "lost-a", 20, 10},
            {"z", "gone1", "lost-c", 40, 10}, {"k", "x", "kid", 31, 5}});
  REQUIRE(b.tree.orphans.size() == 2);
  CHECK(b.tree.orphans[0].missing_parent_id == "gone2");  // its first span starts first
  CHECK(b.tree.orphans[1].missing_parent_id == "gone1");
  CHECK(b.tree.orphans[1].tops.size() == 2);
  CHECK(preorder(b.tree) == "root@0 lost-a@0 lost-b@0 kid@1 lost-c@0 ");
  CHECK(rows(b.tree, {}) ==
        "root\n"
        "[orphans of gone2]\n"
        "  lost-a .\n"
        "[orphans of gone1] .\n"
        "  lost-b\n"
        "    kid .\n"
        "  lost-c .\n");
  CHECK(path(b.tree) == "root ");  // orphans are not on the critical path when a root exists
}

TEST_CASE("span tree: a cycle of parent ids is cut at its first span and shown, not lost", "[span-tree]") {
  Built b;
  build(b, {{"a", "c", "a", 0, 100}, {"b", "a", "b", 10, 50}, {"c", "b", "c", 20, 10}, {"d", "a", "d", 30, 5},
            {"s", "s", "self", 50, 5}});
  REQUIRE(b.tree.orphans.size() == 2);
  CHECK(b.tree.orphans[0].cycle);
  CHECK(b.tree.orphans[0].missing_parent_id == "c");
  CHECK(b.tree.orphans[1].missing_parent_id == "s");
  CHECK(preorder(b.tree) == "a@0 b@1 c@2 d@1 self@0 ");
  CHECK(b.tree.nodes[b.tree.find("a")].descendants == 3);
}

TEST_CASE("span tree: roots are grouped by thread lane, lanes by first start", "[span-tree]") {
  Built b;
  build(b, {{"1", "", "main-a", 0, 10, 0, "main"}, {"2", "", "io-a", 5, 10, 0, "io"}, {"3", "", "main-b", 20, 10, 0, "main"},
            {"4", "1", "child", 1, 2, 0, "main"}});
  REQUIRE(b.tree.lanes.size() == 2);
  CHECK(b.tree.lanes[0].name == "main");
  CHECK(b.tree.lanes[1].name == "io");
  CHECK(rows(b.tree, {}) ==
        "[main]\n"
        "  main-a\n"
        "    child .\n"
        "  main-b .\n"
        "[io] .\n"
        "  io-a .\n");
  CHECK(b.tree.nodes[b.tree.find("4")].lane == 0);
}

TEST_CASE("span tree: Chrome spans without a thread name are laned by the tid in their id", "[span-tree]") {
  Built b;
  build(b, {{"7:1:0", "", "a", 0, 10, 0, "", "pid:7"}, {"7:2:1", "", "b", 1, 10, 0, "", "pid:7"}}, "pid:7");
  REQUIRE(b.tree.lanes.size() == 2);
  CHECK(b.tree.lanes[0].name == "tid 1");
  CHECK(b.tree.lanes[1].name == "tid 2");
}

TEST_CASE("span tree rows: --depth cuts levels and counts what it hides", "[span-tree]") {
  Built b;
  build(b, kAgent);
  TreeFilter filter;
  filter.max_depth = 2;
  CHECK(rows(b.tree, filter) ==
        "run .\n"
        "  plan +1\n"
        "  tool\n"
        "  emit .\n");
  filter.max_depth = 1;
  CHECK(rows(b.tree, filter) == "run +4 .\n");
}

TEST_CASE("span tree rows: --min-duration and --hide drop subtrees; --focus shows only subtrees", "[span-tree]") {
  Built b;
  build(b, kAgent);
  TreeFilter shorter;
  shorter.min_duration_ns = 100 * kMs;
  CHECK(rows(b.tree, shorter) ==
        "run +1 .\n"
        "  plan\n"
        "    llm .\n"
        "  tool .\n");
  TreeFilter hide;
  hide.hide = {"p*"};
  CHECK(rows(b.tree, hide) ==
        "run +2 .\n"
        "  tool\n"
        "  emit .\n");
  TreeFilter focus;
  focus.focus = {"plan", "ll?"};
  CHECK(rows(b.tree, focus) ==
        "plan .\n"
        "  llm .\n");
  focus.max_depth = 1;
  CHECK(rows(b.tree, focus) == "plan +1 .\n");
}

TEST_CASE("span tree rows: --critical-path shows only the path", "[span-tree]") {
  Built b;
  build(b, kAgent);
  TreeFilter filter;
  filter.critical_only = true;
  CHECK(rows(b.tree, filter) ==
        "run .\n"
        "  emit .\n");
}

TEST_CASE("span tree: name patterns", "[span-tree]") {
  CHECK(trace::name_matches("chat*", "chat gpt-4o"));
  CHECK(trace::name_matches("*gpt-4o", "chat gpt-4o"));
  CHECK(trace::name_matches("c?at *", "chat gpt-4o"));
  CHECK(trace::name_matches("*", ""));
  CHECK_FALSE(trace::name_matches("chat", "chat gpt-4o"));
  CHECK_FALSE(trace::name_matches("*mini", "chat gpt-4o"));
  CHECK(trace::name_matches("a*b*c", "axxbyyc"));
  CHECK_FALSE(trace::name_matches("a*b*c", "axxbyy"));
}

TEST_CASE("span tree: an empty trace builds an empty tree", "[span-tree]") {
  SpanTree tree = trace::build_span_tree({});
  CHECK(tree.nodes.empty());
  CHECK(tree.critical_path.empty());
  CHECK(trace::tree_rows(tree, {}).empty());
}
