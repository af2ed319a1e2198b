// The span tree of one trace (`trace tree`, and the structure `trace replay` walks).
//
// Definitions (the man pages repeat them):
//  - A span's parent is the span of the same trace whose id is its parent id. Children
//    are ordered by start, then span id.
//  - Roots are the spans without a parent id. A span whose parent id names no span of
//    the trace is an orphan: it is kept, as the top of an orphan group named after the
//    missing id (groups ordered by their first top's start, then the id). A span whose
//    ancestry loops back on itself is the top of a group marked as a cycle.
//  - Lanes: a root's lane is its "thread.name" attribute; for a Chrome trace (trace id
//    "pid:P", span ids "P:T:N") without one, "tid T". Roots are grouped by lane, lanes
//    ordered by their first root's start; a trace whose roots share one lane has one.
//  - Self time: the span's duration minus the time covered by the union of its
//    children's intervals, clipped to the span. A child whose start is unknown (the
//    producer recorded none) covers its whole duration; a child that never ended covers
//    from its start to the span's end. Unknown (-1) for a span without a duration. This
//    is `trace top --by self-time`'s definition.
//  - Critical path: from the root that finishes last, repeatedly the child that finishes
//    last; ties go to the earlier start, then the smaller span id. A span that never
//    ended counts as finishing last. It is the chain of spans the trace's end waited on,
//    when children run one after another or the last one is the one waited for; with
//    parallel children it names the last to finish, not the longest.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/trace_collector.h"

namespace trace {

inline constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();

struct TreeNode {
  const KeptSpan* span = nullptr;
  uint32_t parent = kNoNode;       // kNoNode for roots and orphan tops
  std::vector<uint32_t> children;  // by start, then span id
  uint32_t depth = 0;              // 0 for roots and orphan tops
  uint32_t lane = kNoNode;         // index in SpanTree::lanes; kNoNode under an orphan group
  uint32_t descendants = 0;        // spans below it
  int64_t self_ns = -1;            // -1: unknown
  bool critical = false;
};

struct Lane {
  std::string name;  // "" when the roots carry no lane
  std::vector<uint32_t> roots;
};

struct OrphanGroup {
  std::string_view missing_parent_id;
  bool cycle = false;  // the parent is in the trace, but its ancestry loops
  std::vector<uint32_t> tops;
};

struct SpanTree {
  std::vector<TreeNode> nodes;  // one per span, in the order given
  std::vector<Lane> lanes;      // at least one when there is a root
  std::vector<OrphanGroup> orphans;
  std::vector<uint32_t> critical_path;  // root first
  std::vector<uint32_t> preorder;       // lanes' roots with their subtrees, then orphan groups'
  int64_t start_ns = 0;                 // earliest start
  int64_t end_ns = 0;                   // latest end (a span without a duration ends at its start)

  // The node of the first span (in the order given) with this id, or kNoNode.
  uint32_t find(std::string_view span_id) const;

  std::unordered_map<std::string_view, uint32_t> by_id;
};

// Builds the tree of `spans`, which must be of one trace and ordered by start, then
// span id (TraceCollector::records gives them so).
SpanTree build_span_tree(std::span<const KeptSpan* const> spans);

// What `trace tree` shows of a tree.
struct TreeFilter {
  uint32_t max_depth = 0;                // levels shown, from the top shown (1 = tops only); 0 = all
  int64_t min_duration_ns = 0;           // hide shorter spans with their subtrees (unknown: shown)
  std::vector<std::string> focus;        // show only the subtrees of spans matching one
  std::vector<std::string> hide;         // hide spans matching one, with their subtrees
  bool critical_only = false;            // only the critical path
};

enum class RowKind : uint8_t { kLane, kOrphans, kSpan };

struct TreeRow {
  RowKind kind = RowKind::kSpan;
  uint32_t index = 0;   // a node, lane or orphan group
  uint32_t depth = 0;   // indentation level
  bool last = false;    // the last row shown among its siblings
  uint32_t hidden = 0;  // kSpan: spans below it not shown (depth, duration or --hide)
};

// The rows to print, in order. Lane headers come only when the trace has two lanes or
// more (roots then sit one level deeper), orphan group headers always; with focus or
// critical_only, neither (the focused subtrees / the path are shown alone).
std::vector<TreeRow> tree_rows(const SpanTree& tree, const TreeFilter& filter);

// A span name pattern: '*' any run of characters, '?' one byte; otherwise exact.
bool name_matches(std::string_view pattern, std::string_view name);

}  // namespace trace
