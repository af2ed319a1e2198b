#include "analyzers/span_tree.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace trace {

namespace {

constexpr int64_t kNeverEnded = std::numeric_limits<int64_t>::max();

int64_t finish_of(const KeptSpan& span) { return span.duration_ns < 0 ? kNeverEnded : span.end_ns(); }

bool starts_before(const KeptSpan& a, const KeptSpan& b) {
  return std::tie(a.start_ns, a.span_id) < std::tie(b.start_ns, b.span_id);
}

// Finishes later; ties: earlier start, then smaller span id.
bool finishes_later(const KeptSpan& a, const KeptSpan& b) {
  int64_t fa = finish_of(a), fb = finish_of(b);
  if (fa != fb) return fa > fb;
  return starts_before(a, b);
}

std::string lane_of(const KeptSpan& span) {
  if (const Attr* a = find_attr(span.attrs, "thread.name"); a && a->value.kind == ValueKind::kString)
    return std::string(a->value.text);
  // Chrome spans: trace "pid:P", ids "P:T:N" (formats/chrome_trace.cpp).
  if (span.trace_id.starts_with("pid:")) {
    std::string_view pid = span.trace_id.substr(4);
    std::string_view id = span.span_id;
    if (id.size() > pid.size() + 1 && id.starts_with(pid) && id[pid.size()] == ':') {
      std::string_view rest = id.substr(pid.size() + 1);
      size_t colon = rest.find(':');
      if (colon != std::string_view::npos && colon > 0) return "tid " + std::string(rest.substr(0, colon));
    }
  }
  return {};
}

int64_t covered_time(std::vector<std::pair<int64_t, int64_t>>& intervals) {
  std::sort(intervals.begin(), intervals.end());
  int64_t covered = 0, begin = 0, end = 0;
  bool open = false;
  for (auto [b, e] : intervals) {
    if (open && b <= end) {
      end = std::max(end, e);
      continue;
    }
    if (open) covered += end - begin;
    begin = b;
    end = e;
    open = true;
  }
  if (open) covered += end - begin;
  return covered;
}

void compute_self(SpanTree& tree, uint32_t i) {
  TreeNode& node = tree.nodes[i];
  const KeptSpan& span = *node.span;
  if (span.duration_ns < 0) return;
  bool start_known = !(span.flags & kSpanStartUnknown);
  int64_t begin = span.start_ns, end = span.start_ns + span.duration_ns;
  int64_t unplaced = 0;
  std::vector<std::pair<int64_t, int64_t>> intervals;
  for (uint32_t c : node.children) {
    const KeptSpan& child = *tree.nodes[c].span;
    int64_t child_end = child.duration_ns < 0 ? end : child.start_ns + child.duration_ns;
    if (child.flags & kSpanStartUnknown) {
      if (child.duration_ns > 0) unplaced += child.duration_ns;
    } else if (!start_known) {
      if (child_end > child.start_ns) intervals.emplace_back(child.start_ns, child_end);
    } else {
      int64_t b = std::max(begin, child.start_ns), e = std::min(end, child_end);
      if (e > b) intervals.emplace_back(b, e);
    }
  }
  int64_t covered = covered_time(intervals) + unplaced;
  node.self_ns = span.duration_ns - std::min(covered, span.duration_ns);
}

}  // namespace

uint32_t SpanTree::find(std::string_view span_id) const {
  auto found = by_id.find(span_id);
  return found == by_id.end() ? kNoNode : found->second;
}

SpanTree build_span_tree(std::span<const KeptSpan* const> spans) {
  SpanTree tree;
  tree.nodes.resize(spans.size());
  for (uint32_t i = 0; i < spans.size(); ++i) {
    tree.nodes[i].span = spans[i];
    if (!spans[i]->span_id.empty()) tree.by_id.emplace(spans[i]->span_id, i);  // the first wins
    if (i == 0) {
      tree.start_ns = spans[i]->start_ns;
      tree.end_ns = spans[i]->end_ns();
    }
    tree.start_ns = std::min(tree.start_ns, spans[i]->start_ns);
    tree.end_ns = std::max(tree.end_ns, spans[i]->end_ns());
  }

  // Parents and children; spans come in start order, so children do too.
  std::vector<uint32_t> roots;
  std::map<std::string_view, size_t> orphan_groups;  // missing parent id -> index
  for (uint32_t i = 0; i < tree.nodes.size(); ++i) {
    const KeptSpan& span = *tree.nodes[i].span;
    if (span.parent_id.empty()) {
      roots.push_back(i);
      continue;
    }
    uint32_t parent = tree.find(span.parent_id);
    if (parent == kNoNode) {
      auto [it, added] = orphan_groups.emplace(span.parent_id, tree.orphans.size());
      if (added) tree.orphans.push_back({span.parent_id, false, {}});
      tree.orphans[it->second].tops.push_back(i);
      continue;
    }
    tree.nodes[i].parent = parent;
    tree.nodes[parent].children.push_back(i);
  }

  // Depths and preorder, iteratively (a deep chain must not overflow the stack).
  std::vector<bool> seen(tree.nodes.size(), false);
  auto walk = [&tree, &seen](uint32_t top, uint32_t lane) {
    std::vector<uint32_t> stack{top};
    tree.nodes[top].depth = 0;
    tree.nodes[top].lane = lane;
    while (!stack.empty()) {
      uint32_t i = stack.back();
      stack.pop_back();
      seen[i] = true;
      tree.preorder.push_back(i);
      const std::vector<uint32_t>& children = tree.nodes[i].children;
      for (auto it = children.rbegin(); it != children.rend(); ++it) {
        if (seen[*it]) continue;
        tree.nodes[*it].depth = tree.nodes[i].depth + 1;
        tree.nodes[*it].lane = lane;
        stack.push_back(*it);
      }
    }
  };

  // Lanes, in order of their first root.
  std::map<std::string, size_t> lane_index;
  for (uint32_t r : roots) {
    std::string name = lane_of(*tree.nodes[r].span);
    auto [it, added] = lane_index.emplace(name, tree.lanes.size());
    if (added) tree.lanes.push_back({name, {}});
    tree.lanes[it->second].roots.push_back(r);
  }
  for (uint32_t l = 0; l < tree.lanes.size(); ++l)
    for (uint32_t r : tree.lanes[l].roots) walk(r, l);

  // Spans reached from neither a root nor an orphan hang on a cycle of parent ids. On
  // each cycle, the member that comes first (in start order) becomes the top of a group,
  // which cuts the cycle there.
  std::vector<bool> reached = seen;
  auto reach_below = [&tree, &reached](uint32_t top) {
    std::vector<uint32_t> stack{top};
    reached[top] = true;
    while (!stack.empty()) {
      uint32_t i = stack.back();
      stack.pop_back();
      for (uint32_t c : tree.nodes[i].children)
        if (!reached[c]) {
          reached[c] = true;
          stack.push_back(c);
        }
    }
  };
  for (const OrphanGroup& group : tree.orphans)
    for (uint32_t top : group.tops) reach_below(top);
  std::vector<OrphanGroup> cycles;
  std::vector<uint32_t> path_mark(tree.nodes.size(), kNoNode);
  for (uint32_t i = 0; i < tree.nodes.size(); ++i) {
    if (reached[i]) continue;
    // Up the parents until a span repeats: that one is on the cycle.
    uint32_t at = i;
    while (path_mark[at] != i) {
      path_mark[at] = i;
      at = tree.nodes[at].parent;
    }
    uint32_t top = at;
    for (uint32_t j = tree.nodes[at].parent; j != at; j = tree.nodes[j].parent) top = std::min(top, j);
    TreeNode& node = tree.nodes[top];
    std::vector<uint32_t>& siblings = tree.nodes[node.parent].children;
    siblings.erase(std::find(siblings.begin(), siblings.end(), top));
    node.parent = kNoNode;
    cycles.push_back({node.span->parent_id, true, {top}});
    reach_below(top);
  }
  for (OrphanGroup& cycle : cycles) tree.orphans.push_back(std::move(cycle));
  std::stable_sort(tree.orphans.begin(), tree.orphans.end(), [&tree](const OrphanGroup& a, const OrphanGroup& b) {
    const KeptSpan& x = *tree.nodes[a.tops.front()].span;
    const KeptSpan& y = *tree.nodes[b.tops.front()].span;
    if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
    return a.missing_parent_id < b.missing_parent_id;
  });
  for (const OrphanGroup& group : tree.orphans)
    for (uint32_t top : group.tops) walk(top, kNoNode);

  // Descendant counts and self times, children before parents.
  for (auto it = tree.preorder.rbegin(); it != tree.preorder.rend(); ++it) {
    TreeNode& node = tree.nodes[*it];
    for (uint32_t c : node.children) node.descendants += 1 + tree.nodes[c].descendants;
    compute_self(tree, *it);
  }

  // Critical path: from the root finishing last (orphan tops when there is no root).
  std::vector<uint32_t> tops = roots;
  if (tops.empty())
    for (const OrphanGroup& group : tree.orphans) tops.insert(tops.end(), group.tops.begin(), group.tops.end());
  uint32_t at = kNoNode;
  for (uint32_t t : tops)
    if (at == kNoNode || finishes_later(*tree.nodes[t].span, *tree.nodes[at].span)) at = t;
  while (at != kNoNode) {
    tree.nodes[at].critical = true;
    tree.critical_path.push_back(at);
    uint32_t next = kNoNode;
    for (uint32_t c : tree.nodes[at].children)
      if (next == kNoNode || finishes_later(*tree.nodes[c].span, *tree.nodes[next].span)) next = c;
    at = next;
  }
  return tree;
}

bool name_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob with one backtrack point: linear in practice, no recursion.
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

bool matches_any(const std::vector<std::string>& patterns, std::string_view name) {
  for (const std::string& pattern : patterns)
    if (name_matches(pattern, name)) return true;
  return false;
}

class RowBuilder {
 public:
  RowBuilder(const SpanTree& tree, const TreeFilter& filter) : tree_(tree), filter_(filter) {}

  bool shown(uint32_t i) const {
    const KeptSpan& span = *tree_.nodes[i].span;
    if (filter_.min_duration_ns > 0 && span.duration_ns >= 0 && span.duration_ns < filter_.min_duration_ns)
      return false;
    return !matches_any(filter_.hide, span.name);
  }

  // Adds node i (already known to be shown) and what is shown below it.
  void add(uint32_t i, uint32_t depth, uint32_t top_depth, bool last) {
    // Iterative: (node, depth, last), children pushed in reverse.
    struct Item {
      uint32_t node, depth;
      bool last;
    };
    std::vector<Item> stack{{i, depth, last}};
    while (!stack.empty()) {
      Item item = stack.back();
      stack.pop_back();
      const TreeNode& node = tree_.nodes[item.node];
      rows_.push_back({RowKind::kSpan, item.node, item.depth, item.last, 0});
      size_t row = rows_.size() - 1;
      bool deeper = filter_.max_depth == 0 || item.depth - top_depth + 1 < filter_.max_depth;
      std::vector<uint32_t> kids;
      uint32_t hidden = 0;
      for (uint32_t c : node.children) {
        if (deeper && shown(c)) kids.push_back(c);
        else hidden += 1 + tree_.nodes[c].descendants;
      }
      rows_[row].hidden = hidden;
      for (size_t k = kids.size(); k-- > 0;) stack.push_back({kids[k], item.depth + 1, k + 1 == kids.size()});
    }
  }

  std::vector<TreeRow> build() {
    if (filter_.critical_only) {
      const std::vector<uint32_t>& path = tree_.critical_path;
      for (size_t k = 0; k < path.size(); ++k) {
        if (filter_.max_depth != 0 && k >= filter_.max_depth) break;
        rows_.push_back({RowKind::kSpan, path[k], static_cast<uint32_t>(k), true, 0});
      }
      return std::move(rows_);
    }
    if (!filter_.focus.empty()) {
      std::vector<uint32_t> tops;
      std::vector<bool> inside(tree_.nodes.size(), false);
      for (uint32_t i : tree_.preorder) {
        const TreeNode& node = tree_.nodes[i];
        bool in = node.parent != kNoNode && inside[node.parent];
        if (!in && matches_any(filter_.focus, node.span->name)) {
          tops.push_back(i);
          in = true;
        }
        inside[i] = in;
      }
      std::erase_if(tops, [this](uint32_t i) { return !shown(i); });
      for (size_t k = 0; k < tops.size(); ++k) add(tops[k], 0, 0, k + 1 == tops.size());
      return std::move(rows_);
    }
    bool lane_headers = tree_.lanes.size() > 1;
    uint32_t top_depth = lane_headers ? 1 : 0;
    size_t groups = tree_.lanes.size() + tree_.orphans.size();
    size_t group = 0;
    for (uint32_t l = 0; l < tree_.lanes.size(); ++l, ++group) {
      std::vector<uint32_t> roots;
      for (uint32_t r : tree_.lanes[l].roots)
        if (shown(r)) roots.push_back(r);
      if (lane_headers) rows_.push_back({RowKind::kLane, l, 0, group + 1 == groups, 0});
      for (size_t k = 0; k < roots.size(); ++k)
        add(roots[k], top_depth, top_depth, k + 1 == roots.size() && (lane_headers || tree_.orphans.empty()));
    }
    for (uint32_t o = 0; o < tree_.orphans.size(); ++o, ++group) {
      std::vector<uint32_t> tops;
      for (uint32_t t : tree_.orphans[o].tops)
        if (shown(t)) tops.push_back(t);
      rows_.push_back({RowKind::kOrphans, o, 0, group + 1 == groups, 0});
      for (size_t k = 0; k < tops.size(); ++k) add(tops[k], 1, 1, k + 1 == tops.size());
    }
    return std::move(rows_);
  }

 private:
  const SpanTree& tree_;
  const TreeFilter& filter_;
  std::vector<TreeRow> rows_;
};

}  // namespace

std::vector<TreeRow> tree_rows(const SpanTree& tree, const TreeFilter& filter) {
  return RowBuilder(tree, filter).build();
}

}  // namespace trace
