#include "analyzers/trace_collector.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <tuple>

namespace trace {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool span_order(const KeptSpan* a, const KeptSpan* b) {
  return std::tie(a->start_ns, a->span_id, a->file_index, a->line) <
         std::tie(b->start_ns, b->span_id, b->file_index, b->line);
}

bool log_order(const KeptLog* a, const KeptLog* b) {
  return std::tie(a->time_ns, a->file_index, a->line, a->message) <
         std::tie(b->time_ns, b->file_index, b->line, b->message);
}

bool summary_order(const TraceSummary* a, const TraceSummary* b) {
  return std::tie(a->start_ns, a->trace_id) < std::tie(b->start_ns, b->trace_id);
}

}  // namespace

bool trace_id_has_prefix(std::string_view id, std::string_view prefix) {
  if (prefix.size() > id.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(id[i]) != lower(prefix[i])) return false;
  return true;
}

std::string_view StringArena::copy(std::string_view text) {
  if (text.empty()) return {};
  bytes_ += text.size();
  if (text.size() > kBlockBytes / 4) {
    // A big string gets a block of its own, kept before the current one so the current
    // block's free space is not wasted.
    auto block = std::make_unique<char[]>(text.size());
    std::memcpy(block.get(), text.data(), text.size());
    std::string_view view(block.get(), text.size());
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, std::move(block));
    return view;
  }
  if (blocks_.empty() || used_ + text.size() > kBlockBytes) {
    blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  std::memcpy(at, text.data(), text.size());
  used_ += text.size();
  return {at, text.size()};
}

void StringArena::absorb(StringArena& other) {
  // Other's blocks go before ours, so our current block stays the one we fill.
  blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1,
                 std::make_move_iterator(other.blocks_.begin()), std::make_move_iterator(other.blocks_.end()));
  bytes_ += other.bytes_;
  other.blocks_.clear();
  other.used_ = kBlockBytes;
  other.bytes_ = 0;
}

const Attr* KeptSpan::attr(std::string_view key) const {
  if (const Attr* a = find_attr(attrs, key)) return a;
  return find_attr(resource_attrs, key);
}

TraceCollector::TraceCollector(TraceCollectorOptions options) : options_(std::move(options)) {}

bool TraceCollector::keeps(std::string_view trace_id) const {
  if (options_.keep_all) return true;
  return !options_.trace_prefix.empty() && trace_id_has_prefix(trace_id, options_.trace_prefix);
}

TraceCollector::Trace& TraceCollector::trace_of(std::string_view trace_id) {
  auto found = traces_.find(trace_id);
  if (found != traces_.end()) return found->second;
  Trace& trace = traces_.emplace(std::string(trace_id), Trace()).first->second;
  trace.summary.trace_id = std::string(trace_id);
  trace.kept = keeps(trace_id);
  return trace;
}

void TraceCollector::offer_root(Trace& trace, bool no_parent, int64_t start_ns, std::string_view span_id,
                                std::string_view name) {
  TraceSummary& s = trace.summary;
  bool better;
  if (s.spans == 0) better = true;
  else if (no_parent != trace.root_has_no_parent) better = no_parent;
  else better = start_ns != s.root_start_ns ? start_ns < s.root_start_ns : span_id < std::string_view(s.root_span_id);
  if (!better) return;
  trace.root_has_no_parent = no_parent;
  s.root_start_ns = start_ns;
  s.root_span_id.assign(span_id);
  s.root_name.assign(name);
}

void TraceCollector::widen(Trace& trace, int64_t start_ns, int64_t end_ns) {
  TraceSummary& s = trace.summary;
  if (!trace.timed) {
    s.start_ns = start_ns;
    s.end_ns = end_ns;
    trace.timed = true;
    return;
  }
  s.start_ns = std::min(s.start_ns, start_ns);
  s.end_ns = std::max(s.end_ns, end_ns);
}

Attr TraceCollector::copy_attr(const Attr& attr) {
  Attr copy = attr;
  copy.key = arena_.copy(attr.key);
  if (attr.value.kind == ValueKind::kString || attr.value.kind == ValueKind::kRawJson)
    copy.value.text = arena_.copy(attr.value.text);
  return copy;
}

Flow TraceCollector::on_span(const Span& span) {
  if (span.trace_id.empty()) return Flow::kContinue;
  Trace& trace = trace_of(span.trace_id);
  TraceSummary& s = trace.summary;
  offer_root(trace, span.parent_id.empty(), span.start_ns, span.span_id, span.name);
  // Span times replace the log times a trace of logs only was placed by.
  if (s.spans == 0) trace.timed = false;
  ++s.spans;
  if (span.is_error()) ++s.errors;
  if (span.flags & kSpanClockRelative) s.clock_relative = true;
  widen(trace, span.start_ns, span.end_ns());
  if (!trace.kept) return Flow::kContinue;

  KeptSpan& kept = trace.spans.emplace_back();
  kept.trace_id = arena_.copy(span.trace_id);
  kept.span_id = arena_.copy(span.span_id);
  kept.parent_id = arena_.copy(span.parent_id);
  kept.name = arena_.copy(span.name);
  kept.service = arena_.copy(span.service);
  kept.status_message = arena_.copy(span.status_message);
  kept.kind = span.kind;
  kept.status = span.status;
  kept.flags = span.flags;
  kept.start_ns = span.start_ns;
  kept.duration_ns = span.duration_ns;
  kept.file_index = span.src.file_index;
  kept.line = span.src.line;
  kept.attrs.reserve(span.attrs.size());
  for (const Attr& a : span.attrs) kept.attrs.push_back(copy_attr(a));
  kept.resource_attrs.reserve(span.resource_attrs.size());
  for (const Attr& a : span.resource_attrs) kept.resource_attrs.push_back(copy_attr(a));
  size_t event_attrs = 0;
  for (const SpanEvent& e : span.events) event_attrs += e.attrs.size();
  // Reserved once, so the events' spans into it never move.
  kept.event_attrs.reserve(event_attrs);
  kept.events.reserve(span.events.size());
  for (const SpanEvent& e : span.events) {
    size_t first = kept.event_attrs.size();
    for (const Attr& a : e.attrs) kept.event_attrs.push_back(copy_attr(a));
    kept.events.push_back({e.time_ns, arena_.copy(e.name), Attrs(kept.event_attrs.data() + first, e.attrs.size())});
  }
  return Flow::kContinue;
}

Flow TraceCollector::on_log(const LogRecord& log) {
  if (log.trace_id.empty()) return Flow::kContinue;
  Trace& trace = trace_of(log.trace_id);
  TraceSummary& s = trace.summary;
  ++s.logs;
  if (log.is_error()) ++s.error_logs;
  if (s.spans == 0 && log.time_ns != 0) widen(trace, log.time_ns, log.time_ns);
  if (!trace.kept) return Flow::kContinue;

  KeptLog& kept = trace.logs.emplace_back();
  kept.time_ns = log.time_ns;
  kept.severity = log.severity;
  kept.level_text = arena_.copy(log.level_text);
  kept.logger = arena_.copy(log.logger);
  kept.message = arena_.copy(log.message);
  kept.trace_id = arena_.copy(log.trace_id);
  kept.span_id = arena_.copy(log.span_id);
  kept.service = arena_.copy(log.service);
  kept.file_index = log.src.file_index;
  kept.line = log.src.line;
  kept.fields.reserve(log.fields.size());
  for (const Attr& a : log.fields) kept.fields.push_back(copy_attr(a));
  return Flow::kContinue;
}

void TraceCollector::merge(TraceCollector& other) {
  arena_.absorb(other.arena_);
  for (auto& [id, theirs] : other.traces_) {
    auto found = traces_.find(id);
    if (found == traces_.end()) {
      traces_.emplace(id, std::move(theirs));
      continue;
    }
    Trace& ours = found->second;
    TraceSummary& s = ours.summary;
    const TraceSummary& t = theirs.summary;
    if (t.spans > 0) {
      if (s.spans == 0) ours.timed = false;
      offer_root(ours, theirs.root_has_no_parent, t.root_start_ns, t.root_span_id, t.root_name);
      widen(ours, t.start_ns, t.end_ns);
    } else if (s.spans == 0 && theirs.timed) {
      widen(ours, t.start_ns, t.end_ns);
    }
    s.spans += t.spans;
    s.errors += t.errors;
    s.logs += t.logs;
    s.error_logs += t.error_logs;
    s.clock_relative = s.clock_relative || t.clock_relative;
    for (KeptSpan& span : theirs.spans) ours.spans.push_back(std::move(span));
    for (KeptLog& log : theirs.logs) ours.logs.push_back(std::move(log));
  }
  other.traces_.clear();
}

std::vector<const TraceSummary*> TraceCollector::summaries() const {
  std::vector<const TraceSummary*> out;
  out.reserve(traces_.size());
  for (const auto& [id, trace] : traces_) out.push_back(&trace.summary);
  std::sort(out.begin(), out.end(), summary_order);
  return out;
}

std::vector<const TraceSummary*> TraceCollector::kept() const {
  std::vector<const TraceSummary*> out;
  for (const auto& [id, trace] : traces_)
    if (trace.kept) out.push_back(&trace.summary);
  std::sort(out.begin(), out.end(), summary_order);
  return out;
}

const TraceSummary* TraceCollector::find(std::string_view trace_id) const {
  auto found = traces_.find(trace_id);
  return found == traces_.end() ? nullptr : &found->second.summary;
}

TraceRecords TraceCollector::records(std::string_view trace_id) const {
  TraceRecords out;
  auto found = traces_.find(trace_id);
  if (found == traces_.end()) return out;
  const Trace& trace = found->second;
  out.summary = &trace.summary;
  out.spans.reserve(trace.spans.size());
  for (const KeptSpan& span : trace.spans) out.spans.push_back(&span);
  std::sort(out.spans.begin(), out.spans.end(), span_order);
  out.logs.reserve(trace.logs.size());
  for (const KeptLog& log : trace.logs) out.logs.push_back(&log);
  std::sort(out.logs.begin(), out.logs.end(), log_order);
  return out;
}

}  // namespace trace
