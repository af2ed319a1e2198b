#include "analyzers/replay_steps.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace trace {

namespace {

// (time, phase, position, sub, seq): phase 0 = ends of spans that lasted (and their
// logs and events at that same time, just before), 1 = everything else.
struct Key {
  int64_t time;
  int phase;
  int64_t position;
  int sub;  // 0 start, 1 event or log, 2 end of a zero-length span
  uint64_t seq;

  bool operator<(const Key& o) const {
    return std::tie(time, phase, position, sub, seq) < std::tie(o.time, o.phase, o.position, o.sub, o.seq);
  }
};

struct Keyed {
  Key key;
  Step step;
};

}  // namespace

Replay build_replay(const SpanTree& tree, std::span<const KeptLog* const> logs) {
  std::vector<int64_t> position(tree.nodes.size(), 0);
  for (size_t k = 0; k < tree.preorder.size(); ++k) position[tree.preorder[k]] = static_cast<int64_t>(k);

  std::vector<Keyed> items;
  uint64_t seq = 0;
  // A record of span `node` at time t: just before the span's end when t is that end.
  auto inside_key = [&](uint32_t node, int64_t t) -> Key {
    if (node == kNoNode) return {t, 1, -1, 1, seq++};
    const KeptSpan& span = *tree.nodes[node].span;
    int64_t pos = 2 * position[node];
    if (span.duration_ns > 0 && t == span.end_ns()) return {t, 0, -pos - 1, 1, seq++};
    return {t, 1, pos, 1, seq++};
  };

  for (uint32_t i = 0; i < tree.nodes.size(); ++i) {
    const TreeNode& node = tree.nodes[i];
    const KeptSpan& span = *node.span;
    int64_t pos = 2 * position[i];
    items.push_back({{span.start_ns, 1, pos, 0, 0}, {StepKind::kSpanStart, span.start_ns, node.depth, i, 0}});
    if (span.duration_ns > 0)
      items.push_back({{span.end_ns(), 0, -pos, 0, 0}, {StepKind::kSpanEnd, span.end_ns(), node.depth, i, 0}});
    else if (span.duration_ns == 0)
      items.push_back({{span.start_ns, 1, pos, 2, 0}, {StepKind::kSpanEnd, span.start_ns, node.depth, i, 0}});
    for (uint32_t e = 0; e < span.events.size(); ++e) {
      int64_t t = span.events[e].time_ns;
      items.push_back({inside_key(i, t), {StepKind::kEvent, t, node.depth + 1, i, e}});
    }
  }
  for (uint32_t l = 0; l < logs.size(); ++l) {
    const KeptLog& log = *logs[l];
    uint32_t node = log.span_id.empty() ? kNoNode : tree.find(log.span_id);
    int64_t t = log.time_ns;
    if (t == 0) t = node != kNoNode ? tree.nodes[node].span->start_ns : tree.start_ns;
    uint32_t depth = node != kNoNode ? tree.nodes[node].depth + 1 : 0;
    items.push_back({inside_key(node, t), {StepKind::kLog, t, depth, node, l}});
  }
  std::sort(items.begin(), items.end(), [](const Keyed& a, const Keyed& b) { return a.key < b.key; });

  Replay replay;
  replay.steps.reserve(items.size());
  for (const Keyed& item : items) replay.steps.push_back(item.step);
  if (!replay.steps.empty()) replay.origin_ns = replay.steps.front().time_ns;
  return replay;
}

ReplayState replay_state(const SpanTree& tree, std::span<const KeptLog* const> logs, const Replay& replay,
                         size_t step) {
  ReplayState state;
  state.step = std::min(step, replay.steps.size());
  std::vector<bool> open(tree.nodes.size(), false);
  std::map<std::string_view, KnownAttr> known;
  auto learn = [&known](Attrs attrs, size_t at) {
    for (const Attr& a : attrs) known[a.key] = {a.key, a.value, at};
  };
  for (size_t k = 0; k < state.step; ++k) {
    const Step& s = replay.steps[k];
    switch (s.kind) {
      case StepKind::kSpanStart:
        open[s.node] = true;
        learn(tree.nodes[s.node].span->attrs, k + 1);
        break;
      case StepKind::kSpanEnd: open[s.node] = false; break;
      case StepKind::kEvent: learn(tree.nodes[s.node].span->events[s.item].attrs, k + 1); break;
      case StepKind::kLog: learn(logs[s.item]->fields, k + 1); break;
    }
  }
  for (uint32_t i : tree.preorder)
    if (open[i]) state.open.push_back(i);
  for (auto& [key, attr] : known) state.attributes.push_back(attr);
  return state;
}

size_t steps_until(const Replay& replay, int64_t offset_ns) {
  auto after = std::upper_bound(replay.steps.begin(), replay.steps.end(), offset_ns,
                                [&replay](int64_t t, const Step& s) { return t < replay.offset(s); });
  return static_cast<size_t>(after - replay.steps.begin());
}

}  // namespace trace
