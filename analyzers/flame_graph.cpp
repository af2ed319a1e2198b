#include "analyzers/flame_graph.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "analyzers/span_tree.h"
#include "analyzers/trace_collector.h"

namespace trace {

namespace {

constexpr uint64_t kPublishEvery = 4096;
constexpr uint32_t kUnknownName = std::numeric_limits<uint32_t>::max();

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t id_key(uint64_t trace, std::string_view id) {
  if (id.empty()) return 0;
  uint64_t key = mix(trace ^ mix(std::hash<std::string_view>{}(id) + 0x9e3779b97f4a7c15ULL));
  return key == 0 ? 1 : key;
}

void hex16(uint64_t v, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xf];
}

}  // namespace

FlameGraph::FlameGraph(std::shared_ptr<FlameBudget> budget) : budget_(std::move(budget)) {}

uint32_t FlameGraph::intern(std::string_view name) {
  auto found = name_ids_.find(name);
  if (found != name_ids_.end()) return found->second;
  if (names_.size() >= kMaxFlameNames) name = "(other)";
  found = name_ids_.find(name);
  if (found != name_ids_.end()) return found->second;
  auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(std::string(name), id);
  return id;
}

bool FlameGraph::take_budget() {
  if (!budget_) return true;
  if (full_) return false;
  if (++unpublished_ >= kPublishEvery) {
    uint64_t kept = budget_->kept.fetch_add(unpublished_) + unpublished_;
    unpublished_ = 0;
    if (kept >= budget_->limit) full_ = true;
  }
  return true;
}

Flow FlameGraph::on_span(const Span& span) {
  if (!take_budget()) {
    ++left_out_;
    return Flow::kContinue;
  }
  Compact c;
  c.trace = std::hash<std::string_view>{}(span.trace_id);
  c.key = id_key(c.trace, span.span_id);
  c.parent = id_key(c.trace, span.parent_id);
  c.start_ns = span.start_ns;
  // A span that never ended has no length: span_tree counts it as covering its parent
  // from its start on, and it adds no time of its own.
  c.duration_ns = (span.flags & kSpanIncomplete) ? -1 : span.duration_ns;
  c.name = intern(span.name);
  c.flags = span.flags;
  c.error = span.is_error();
  spans_.push_back(c);
  return Flow::kContinue;
}

void FlameGraph::merge(FlameGraph& other) {
  std::vector<uint32_t> remap(other.names_.size());
  for (size_t i = 0; i < other.names_.size(); ++i) remap[i] = intern(other.names_[i]);
  spans_.reserve(spans_.size() + other.spans_.size());
  for (Compact c : other.spans_) {
    c.name = remap[c.name];
    spans_.push_back(c);
  }
  left_out_ += other.left_out_;
  other.spans_.clear();
  other.names_.clear();
  other.name_ids_.clear();
  other.left_out_ = 0;
}

output::FlameView FlameGraph::finish(const FlameOptions& options) const {
  output::FlameView view;
  // The same order for any split: by trace, then every field.
  std::vector<uint32_t> order(spans_.size());
  std::iota(order.begin(), order.end(), 0u);
  auto fields = [this](uint32_t i) {
    const Compact& c = spans_[i];
    return std::tie(c.trace, c.start_ns, c.key, c.parent, c.duration_ns, names_[c.name], c.flags, c.error);
  };
  std::sort(order.begin(), order.end(), [&fields](uint32_t a, uint32_t b) { return fields(a) < fields(b); });

  struct Node {
    uint32_t name = kUnknownName;
    uint32_t parent = 0;
    int64_t self_ns = 0;
    int64_t total_ns = 0;
    uint64_t spans = 0, errors = 0;
    std::vector<uint32_t> children;
  };
  std::vector<Node> nodes(1);  // 0: the root of all roots, never drawn
  std::unordered_map<uint64_t, uint32_t> child_index;
  auto child = [&nodes, &child_index](uint32_t parent, uint32_t name) {
    uint64_t k = (static_cast<uint64_t>(parent) << 32) | name;
    auto [it, added] = child_index.emplace(k, static_cast<uint32_t>(nodes.size()));
    if (added) {
      nodes.push_back({name, parent, 0, 0, 0, 0, {}});
      nodes[parent].children.push_back(it->second);
    }
    return it->second;
  };

  // Each trace's tree, by span_tree's rules; ids become their hashes in hex (16 digits
  // keep the numeric order the spans were sorted in).
  std::vector<KeptSpan> kept;
  std::vector<const KeptSpan*> pointers;
  std::vector<std::array<char, 32>> ids;
  std::vector<uint32_t> frame_of;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && spans_[order[end]].trace == spans_[order[begin]].trace) ++end;
    size_t n = end - begin;
    kept.clear();
    kept.resize(n);
    ids.resize(n);
    pointers.clear();
    for (size_t i = 0; i < n; ++i) {
      const Compact& c = spans_[order[begin + i]];
      KeptSpan& k = kept[i];
      if (c.key != 0) {
        hex16(c.key, ids[i].data());
        k.span_id = std::string_view(ids[i].data(), 16);
      }
      if (c.parent != 0) {
        hex16(c.parent, ids[i].data() + 16);
        k.parent_id = std::string_view(ids[i].data() + 16, 16);
      }
      k.name = names_[c.name];
      k.start_ns = c.start_ns;
      k.duration_ns = c.duration_ns;
      k.flags = c.flags;
      k.status = c.error ? Status::kError : Status::kUnset;
      pointers.push_back(&k);
    }
    SpanTree tree = build_span_tree(pointers);
    frame_of.assign(n, 0);
    for (uint32_t i : tree.preorder) {
      const TreeNode& node = tree.nodes[i];
      const Compact& c = spans_[order[begin + i]];
      uint32_t parent_frame = 0;
      if (node.parent != kNoNode) parent_frame = frame_of[node.parent];
      else if (c.parent != 0) parent_frame = child(0, kUnknownName);  // orphan or cycle top
      uint32_t frame = child(parent_frame, c.name);
      frame_of[i] = frame;
      Node& f = nodes[frame];
      if (node.self_ns > 0) f.self_ns += node.self_ns;
      ++f.spans;
      if (c.error) ++f.errors;
    }
    view.spans += n;
    begin = end;
  }

  // Totals, children before parents (a child is always created after its parent).
  for (size_t i = nodes.size(); i-- > 0;) {
    nodes[i].total_ns += nodes[i].self_ns;
    if (i > 0) nodes[nodes[i].parent].total_ns += nodes[i].total_ns;
  }
  auto name_of = [this](const Node& n) -> std::string_view {
    return n.name == kUnknownName ? kUnknownAncestry : std::string_view(names_[n.name]);
  };
  for (Node& n : nodes)
    std::sort(n.children.begin(), n.children.end(), [&nodes, &name_of](uint32_t a, uint32_t b) {
      if (nodes[a].total_ns != nodes[b].total_ns) return nodes[a].total_ns > nodes[b].total_ns;
      return name_of(nodes[a]) < name_of(nodes[b]);
    });
  view.total_ns = nodes[0].total_ns;

  // Preorder with offsets; then keep the widest frames (a parent is never narrower
  // than its child, and comes first among equals, so kept frames hang together).
  struct Placed {
    uint32_t node, depth;
    int64_t offset;
  };
  std::vector<Placed> placed;
  std::vector<Placed> stack;
  for (size_t k = nodes[0].children.size(); k-- > 0;) stack.push_back({nodes[0].children[k], 0, 0});
  {
    // Offsets of the top frames: the widths of the ones before.
    int64_t at = 0;
    for (size_t k = 0; k < nodes[0].children.size(); ++k) {
      stack[stack.size() - 1 - k].offset = at;
      at += nodes[nodes[0].children[k]].total_ns;
    }
  }
  while (!stack.empty()) {
    Placed p = stack.back();
    stack.pop_back();
    placed.push_back(p);
    const Node& n = nodes[p.node];
    int64_t at = p.offset + n.self_ns;  // self time first, then the children, widest first
    std::vector<Placed> kids;
    for (uint32_t c : n.children) {
      kids.push_back({c, p.depth + 1, at});
      at += nodes[c].total_ns;
    }
    for (size_t k = kids.size(); k-- > 0;) stack.push_back(kids[k]);
  }

  auto min_width = static_cast<int64_t>(static_cast<double>(view.total_ns) * options.min_fraction);
  std::vector<uint32_t> candidates;
  size_t narrow = 0;
  for (uint32_t i = 0; i < placed.size(); ++i) {
    int64_t width = nodes[placed[i].node].total_ns;
    if (width <= 0) continue;  // no time at all (spans that never ended, unknown lengths): nothing to draw
    if (width < min_width) ++narrow;
    else candidates.push_back(i);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](uint32_t a, uint32_t b) {
    const Node& x = nodes[placed[a].node];
    const Node& y = nodes[placed[b].node];
    if (x.total_ns != y.total_ns) return x.total_ns > y.total_ns;
    return placed[a].depth < placed[b].depth;
  });
  size_t over = 0;
  if (candidates.size() > options.max_frames) {
    over = candidates.size() - options.max_frames;
    candidates.resize(options.max_frames);
  }
  std::sort(candidates.begin(), candidates.end());  // back to preorder
  for (uint32_t i : candidates) {
    const Placed& p = placed[i];
    const Node& n = nodes[p.node];
    view.frames.push_back({std::string(name_of(n)), p.depth, p.offset, n.total_ns, n.self_ns, n.spans, n.errors});
    view.max_depth = std::max(view.max_depth, p.depth);
  }
  if (narrow > 0)
    view.notes.push_back(fmt::format("flame graph: {} frame{} narrower than {:g}% of the total not drawn", narrow,
                                     narrow == 1 ? "" : "s", options.min_fraction * 100));
  if (over > 0)
    view.notes.push_back(fmt::format("flame graph: only the {} widest frames drawn ({} more)", options.max_frames, over));
  if (left_out_ > 0)
    view.notes.push_back(fmt::format("flame graph: {} span{} past the memory cap of {} left out", left_out_,
                                     left_out_ == 1 ? "" : "s", budget_ ? budget_->limit : spans_.size()));
  return view;
}

}  // namespace trace
