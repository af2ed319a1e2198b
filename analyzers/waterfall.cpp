#include "analyzers/waterfall.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include <fmt/format.h>

#include "analyzers/group_key.h"
#include "analyzers/span_tree.h"
#include "analyzers/trace_collector.h"

namespace trace {

namespace {

constexpr int64_t kLongest = std::numeric_limits<int64_t>::max();

int64_t rank_of(int64_t duration_ns, uint8_t flags) {
  if (duration_ns < 0 || (flags & kSpanIncomplete)) return kLongest;
  return duration_ns;
}

// The fields spans are ranked by, in order; "a ranks before b" is a > on rank and a < on
// the rest.
struct RankKey {
  int64_t rank;
  int64_t start_ns;
  std::string_view span_id;
  uint32_t file_index;
  uint64_t line;
};

bool ranks_before(const RankKey& a, const RankKey& b) {
  if (a.rank != b.rank) return a.rank > b.rank;
  return std::tie(a.start_ns, a.span_id, a.file_index, a.line) < std::tie(b.start_ns, b.span_id, b.file_index, b.line);
}

std::string_view kind_text(SpanKind kind) {
  switch (kind) {
    case SpanKind::kUnspecified: return "";
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
  }
  return "";
}

// `text` cut to at most `max_bytes` on a code point boundary, with "…" when cut.
std::string cut(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t at = max_bytes;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return std::string(text.substr(0, at)) + "…";
}

}  // namespace

WaterfallCollector::WaterfallCollector(WaterfallOptions options) : options_(std::move(options)) {
  for (const std::string& id : options_.trace_ids) traces_.try_emplace(id);
}

void WaterfallCollector::offer(Trace& trace, Owned owned) {
  auto worse = [](const Owned& a, const Owned& b) {  // heap order: the worst on top
    return ranks_before({a.rank, a.start_ns, a.span_id, a.file_index, a.line},
                        {b.rank, b.start_ns, b.span_id, b.file_index, b.line});
  };
  if (trace.heap.size() < options_.max_spans) {
    trace.heap.push_back(std::move(owned));
    std::push_heap(trace.heap.begin(), trace.heap.end(), worse);
    return;
  }
  if (trace.heap.empty() || !worse(owned, trace.heap.front())) return;
  std::pop_heap(trace.heap.begin(), trace.heap.end(), worse);
  trace.heap.back() = std::move(owned);
  std::push_heap(trace.heap.begin(), trace.heap.end(), worse);
}

Flow WaterfallCollector::on_span(const Span& span) {
  auto found = traces_.find(span.trace_id);
  if (found == traces_.end()) return Flow::kContinue;
  Trace& trace = found->second;
  ++trace.seen;
  if (span.is_error()) ++trace.errors;
  if (options_.max_spans == 0) return Flow::kContinue;
  int64_t rank = rank_of(span.duration_ns, span.flags);
  // Compared before anything is copied: a full trace mostly says no.
  if (trace.heap.size() >= options_.max_spans) {
    const Owned& worst = trace.heap.front();
    if (!ranks_before({rank, span.start_ns, span.span_id, span.src.file_index, span.src.line},
                      {worst.rank, worst.start_ns, worst.span_id, worst.file_index, worst.line}))
      return Flow::kContinue;
  }
  Owned owned;
  owned.span_id = span.span_id;
  owned.parent_id = span.parent_id;
  owned.name = span.name;
  owned.service = span.service;
  owned.status_message = cut(span.status_message, options_.max_value_bytes);
  owned.rank = rank;
  owned.start_ns = span.start_ns;
  owned.duration_ns = span.duration_ns;
  owned.file_index = span.src.file_index;
  owned.line = span.src.line;
  owned.flags = span.flags;
  owned.status = span.status;
  owned.kind = span.kind;
  std::string text;
  for (const Attr& a : span.attrs) {
    if (owned.attrs.size() >= options_.max_attrs) break;
    text.clear();
    if (!append_value_text(a.value, text)) text = "null";
    owned.attrs.emplace_back(std::string(a.key), cut(text, options_.max_value_bytes));
  }
  offer(trace, std::move(owned));
  return Flow::kContinue;
}

void WaterfallCollector::merge(WaterfallCollector& other) {
  for (auto& [id, theirs] : other.traces_) {
    Trace& mine = traces_[id];
    mine.seen += theirs.seen;
    mine.errors += theirs.errors;
    for (Owned& owned : theirs.heap) offer(mine, std::move(owned));
    theirs = Trace{};
  }
}

std::vector<output::WaterfallView> WaterfallCollector::finish() const {
  std::vector<output::WaterfallView> views;
  for (const std::string& id : options_.trace_ids) {
    output::WaterfallView& view = views.emplace_back();
    view.trace_id = id;
    auto found = traces_.find(id);
    if (found == traces_.end()) continue;
    const Trace& trace = found->second;
    view.spans_in_trace = trace.seen;
    view.errors_in_trace = trace.errors;
    if (trace.heap.empty()) continue;

    // TraceCollector's order, which build_span_tree expects.
    std::vector<const Owned*> owned;
    for (const Owned& o : trace.heap) owned.push_back(&o);
    std::sort(owned.begin(), owned.end(), [](const Owned* a, const Owned* b) {
      return std::tie(a->start_ns, a->span_id, a->file_index, a->line) <
             std::tie(b->start_ns, b->span_id, b->file_index, b->line);
    });
    std::vector<KeptSpan> kept(owned.size());
    std::vector<const KeptSpan*> pointers;
    for (size_t i = 0; i < owned.size(); ++i) {
      const Owned& o = *owned[i];
      KeptSpan& k = kept[i];
      k.trace_id = id;
      k.span_id = o.span_id;
      k.parent_id = o.parent_id;
      k.name = o.name;
      k.service = o.service;
      k.status_message = o.status_message;
      k.kind = o.kind;
      k.status = o.status;
      k.flags = o.flags;
      k.start_ns = o.start_ns;
      k.duration_ns = o.duration_ns;
      k.file_index = o.file_index;
      k.line = o.line;
      for (const auto& [key, value] : o.attrs) k.attrs.push_back({key, Value::of_string(value)});
      if (o.flags & kSpanClockRelative) view.clock_relative = true;
      pointers.push_back(&k);
    }
    SpanTree tree = build_span_tree(pointers);
    view.start_ns = tree.start_ns;
    view.duration_ns = tree.end_ns - tree.start_ns;
    view.spans_drawn = kept.size();
    if (!tree.lanes.empty() && !tree.lanes.front().roots.empty())
      view.root_name = std::string(tree.nodes[tree.lanes.front().roots.front()].span->name);
    else if (!tree.orphans.empty())
      view.root_name = std::string(tree.nodes[tree.orphans.front().tops.front()].span->name);

    for (const TreeRow& row : tree_rows(tree, TreeFilter{})) {
      output::WaterfallRow& out = view.rows.emplace_back();
      out.depth = row.depth;
      if (row.kind == RowKind::kLane) {
        out.kind = output::WaterfallRowKind::kLane;
        out.label = tree.lanes[row.index].name.empty() ? "(no lane)" : tree.lanes[row.index].name;
        continue;
      }
      if (row.kind == RowKind::kOrphans) {
        const OrphanGroup& group = tree.orphans[row.index];
        out.kind = output::WaterfallRowKind::kOrphans;
        out.label = fmt::format("{} {}", group.cycle ? "cycle at parent" : "missing parent", group.missing_parent_id);
        continue;
      }
      const TreeNode& node = tree.nodes[row.index];
      const KeptSpan& span = *node.span;
      out.label = span.name;
      out.service = span.service;
      out.offset_ns = span.start_ns - tree.start_ns;
      out.duration_ns = (span.flags & kSpanIncomplete) ? -1 : span.duration_ns;
      out.self_ns = node.self_ns;
      out.error = span.is_error();
      out.critical = node.critical;
      out.incomplete = span.flags & kSpanIncomplete;
      out.instant = span.flags & kSpanInstant;
      out.start_unknown = span.flags & kSpanStartUnknown;
      out.hidden = row.hidden;
      out.status_message = span.status_message;
      out.details.emplace_back("span_id", span.span_id);
      if (!span.parent_id.empty()) out.details.emplace_back("parent_id", span.parent_id);
      if (std::string_view kind = kind_text(span.kind); !kind.empty()) out.details.emplace_back("kind", kind);
      for (const Attr& a : span.attrs) out.details.emplace_back(a.key, a.value.text);
    }
    if (trace.seen > kept.size())
      view.notes.push_back(fmt::format("trace {}: the {} longest of its {} spans drawn", id, kept.size(), trace.seen));
  }
  return views;
}

}  // namespace trace
