#include "analyzers/slowest_spans.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

constexpr size_t kMaxChainDepth = 64;
constexpr size_t kMaxAttrValueBytes = 40;
constexpr size_t kMaxKeyAttrs = 3;  // besides the model and the error

// FNV-1a over (trace id, separator, span id): spans link by id within their trace.
uint64_t span_key(std::string_view trace_id, std::string_view span_id) {
  if (span_id.empty()) return 0;
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&hash](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  mix(trace_id);
  mix(std::string_view("\x1f", 1));
  mix(span_id);
  return hash == 0 ? 1 : hash;
}

// Cuts `text` to at most `limit` bytes at a UTF-8 character boundary, marking the cut.
void append_cut(std::string_view text, size_t limit, std::string& out) {
  size_t start = out.size();
  if (text.size() <= limit) {
    out += text;
  } else {
    size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    out += text.substr(0, end);
    out += "…";
  }
  for (size_t i = start; i < out.size(); ++i)
    if (static_cast<unsigned char>(out[i]) < 0x20) out[i] = ' ';
}

void append_attr(std::string_view key, const Value& value, std::string& out) {
  std::string text;
  if (!append_value_text(value, text)) return;
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  append_cut(text, kMaxAttrValueBytes, out);
}

// The keys find_model reads: shown once, as model=.
bool is_model_key(std::string_view key) {
  for (std::string_view alias : {"gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
                                 "llm.response.model", "llm.request.model", "model"})
    if (key == alias) return true;
  return false;
}

// Intervals of children, clipped to the parent, merged: the time they cover.
int64_t covered_time(std::vector<std::pair<int64_t, int64_t>>& intervals) {
  std::sort(intervals.begin(), intervals.end());
  int64_t covered = 0;
  int64_t end = INT64_MIN;
  for (auto [begin, stop] : intervals) {
    if (begin < end) begin = end;
    if (stop > begin) {
      covered += stop - begin;
      end = stop;
    }
  }
  return covered;
}

}  // namespace

RankBy parse_rank_by(std::string_view text) {
  if (text == "duration") return RankBy::kDuration;
  if (text == "self-time") return RankBy::kSelfTime;
  throw UsageError(fmt::format("--by: unknown value '{}' (expected duration or self-time)", text));
}

SlowestSpans::SlowestSpans(SlowestSpansOptions options) : options_(std::move(options)) {
  if (options_.top == 0) options_.top = 1;
  if (options_.group_by) group_key_.emplace(*options_.group_by);
}

SlowestSpans::TextRef SlowestSpans::store(std::string_view text) {
  TextRef ref{arena_.size(), static_cast<uint32_t>(text.size())};
  arena_ += text;
  live_bytes_ += text.size();
  return ref;
}

uint32_t SlowestSpans::intern_name(std::string_view name) {
  auto found = name_ids_.find(name);
  if (found != name_ids_.end()) return found->second;
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(names_.back(), id);
  return id;
}

SlowestSpans::Kept SlowestSpans::make_kept(const Span& span, std::string_view group, uint64_t key, uint64_t parent) {
  attrs_buffer_.clear();
  const Value* model = find_model(span);
  if (model) append_attr("model", *model, attrs_buffer_);
  if (span.is_error() && !span.status_message.empty()) {
    if (!attrs_buffer_.empty()) attrs_buffer_ += ' ';
    attrs_buffer_ += "error=";
    append_cut(span.status_message, kMaxAttrValueBytes, attrs_buffer_);
  }
  size_t shown = 0;
  for (const Attr& attr : span.attrs) {
    if (shown == kMaxKeyAttrs) break;
    if (attr.key.substr(0, 5) == "otel." || is_model_key(attr.key)) continue;
    size_t before = attrs_buffer_.size();
    append_attr(attr.key, attr.value, attrs_buffer_);
    if (attrs_buffer_.size() != before) ++shown;
  }

  Kept kept;
  kept.duration_ns = span.duration_ns;
  kept.start_ns = span.start_ns;
  kept.key = key;
  kept.parent = parent;
  kept.line = span.src.line;
  kept.file_index = span.src.file_index;
  kept.flags = span.flags;
  kept.status = span.status;
  kept.group = store(group);
  kept.trace_id = store(span.trace_id);
  kept.span_id = store(span.span_id);
  kept.parent_id = store(span.parent_id);
  kept.name = store(span.name);
  kept.service = store(span.service);
  kept.attrs = store(attrs_buffer_);
  return kept;
}

void SlowestSpans::copy_texts(Kept& kept, const SlowestSpans& from) {
  for (TextRef* ref : {&kept.group, &kept.trace_id, &kept.span_id, &kept.parent_id, &kept.name, &kept.service,
                       &kept.attrs})
    *ref = store(from.text(*ref));
}

bool SlowestSpans::better(const Kept& a, const Kept& b) const {
  return options_.by == RankBy::kSelfTime ? better(a, a.self_ns, b, b.self_ns)
                                          : better(a, a.duration_ns, b, b.duration_ns);
}

bool SlowestSpans::better(const Kept& a, int64_t rank_a, const Kept& b, int64_t rank_b) const {
  if (rank_a != rank_b) return rank_a > rank_b;
  if (a.duration_ns != b.duration_ns) return a.duration_ns > b.duration_ns;
  return std::make_tuple(text(a.trace_id), text(a.span_id), a.file_index, a.line, text(a.name)) <
         std::make_tuple(text(b.trace_id), text(b.span_id), b.file_index, b.line, text(b.name));
}

void SlowestSpans::offer(std::vector<Kept>& heap, Kept kept) {
  // A max-heap under "ranks before": the front is the weakest kept span.
  auto weaker_last = [this](const Kept& a, const Kept& b) { return better(a, b); };
  if (heap.size() < options_.top) {
    heap.push_back(kept);
    std::push_heap(heap.begin(), heap.end(), weaker_last);
    return;
  }
  if (!better(kept, heap.front())) {
    for (const TextRef* ref : {&kept.group, &kept.trace_id, &kept.span_id, &kept.parent_id, &kept.name,
                               &kept.service, &kept.attrs})
      live_bytes_ -= ref->size;
    return;
  }
  std::pop_heap(heap.begin(), heap.end(), weaker_last);
  const Kept& out = heap.back();
  for (const TextRef* ref : {&out.group, &out.trace_id, &out.span_id, &out.parent_id, &out.name, &out.service,
                             &out.attrs})
    live_bytes_ -= ref->size;
  heap.back() = kept;
  std::push_heap(heap.begin(), heap.end(), weaker_last);
  if (arena_.size() > (size_t(1) << 20) && arena_.size() > 4 * live_bytes_) compact_arena();
}

void SlowestSpans::compact_arena() {
  std::string old = std::move(arena_);
  arena_.clear();
  live_bytes_ = 0;
  auto move_texts = [&](Kept& kept) {
    for (TextRef* ref : {&kept.group, &kept.trace_id, &kept.span_id, &kept.parent_id, &kept.name, &kept.service,
                         &kept.attrs})
      *ref = store(std::string_view(old.data() + ref->offset, ref->size));
  };
  for (auto& [group, heap] : heaps_)
    for (Kept& kept : heap) move_texts(kept);
  for (Kept& kept : all_) move_texts(kept);
}

Flow SlowestSpans::on_span(const Span& span) {
  uint64_t key = span_key(span.trace_id, span.span_id);
  uint64_t parent = span.parent_id.empty() ? 0 : span_key(span.trace_id, span.parent_id);
  if (key != 0) {
    if (chain_.size() < options_.max_remembered) chain_.push_back({key, parent, intern_name(span.name)});
    else chain_capped_ = true;
  }
  if (!span.has_duration() || (span.flags & (kSpanInstant | kSpanIncomplete))) return Flow::kContinue;

  std::string_view group = group_key_ ? group_key_->key(span) : std::string_view();
  if (options_.by == RankBy::kSelfTime) {
    if (all_.size() >= options_.max_self_time) {
      ++unranked_;
      return Flow::kContinue;
    }
    all_.push_back(make_kept(span, group, key, parent));
    return Flow::kContinue;
  }
  auto found = heaps_.find(group);
  if (found == heaps_.end()) found = heaps_.emplace(std::string(group), std::vector<Kept>()).first;
  std::vector<Kept>& heap = found->second;
  // Most spans are slower than nothing kept: decide on the duration before copying.
  if (heap.size() == options_.top && span.duration_ns < heap.front().duration_ns) return Flow::kContinue;
  offer(heap, make_kept(span, group, key, parent));
  return Flow::kContinue;
}

void SlowestSpans::merge(SlowestSpans& other) {
  for (const ChainEntry& entry : other.chain_) {
    if (chain_.size() >= options_.max_remembered) {
      chain_capped_ = true;
      break;
    }
    chain_.push_back({entry.key, entry.parent, intern_name(other.names_[entry.name])});
  }
  chain_capped_ = chain_capped_ || other.chain_capped_;
  for (auto& [group, heap] : other.heaps_) {
    auto found = heaps_.find(group);
    if (found == heaps_.end()) found = heaps_.emplace(group, std::vector<Kept>()).first;
    for (Kept kept : heap) {
      copy_texts(kept, other);
      offer(found->second, kept);
    }
  }
  for (Kept kept : other.all_) {
    if (all_.size() >= options_.max_self_time) {
      ++unranked_;
      continue;
    }
    copy_texts(kept, other);
    all_.push_back(kept);
  }
  unranked_ += other.unranked_;
  other = SlowestSpans(other.options_);
}

std::vector<SlowestSpans::Kept> SlowestSpans::ranked_rows() const {
  auto by_rank = [this](const Kept& a, const Kept& b) { return better(a, b); };
  std::vector<std::vector<Kept>> groups;
  if (options_.by == RankBy::kDuration) {
    for (const auto& [group, heap] : heaps_) {
      groups.push_back(heap);
      std::sort(groups.back().begin(), groups.back().end(), by_rank);
    }
  } else {
    // Self time: children are found by their parent's key among all kept spans. Indexes,
    // not copies: all_ may hold a million spans.
    const std::vector<Kept>& spans = all_;
    std::vector<int64_t> self(spans.size());
    std::vector<uint32_t> by_parent(spans.size());
    for (uint32_t i = 0; i < by_parent.size(); ++i) by_parent[i] = i;
    std::sort(by_parent.begin(), by_parent.end(),
              [&spans](uint32_t a, uint32_t b) { return spans[a].parent < spans[b].parent; });
    std::vector<std::pair<int64_t, int64_t>> intervals;
    for (uint32_t i = 0; i < spans.size(); ++i) {
      const Kept& span = spans[i];
      self[i] = span.duration_ns;
      if (span.key == 0) continue;
      auto first = std::lower_bound(by_parent.begin(), by_parent.end(), span.key,
                                    [&spans](uint32_t c, uint64_t key) { return spans[c].parent < key; });
      bool start_known = !(span.flags & kSpanStartUnknown);
      int64_t begin = span.start_ns, end = span.start_ns + span.duration_ns;
      int64_t unplaced = 0;
      intervals.clear();
      for (auto it = first; it != by_parent.end() && spans[*it].parent == span.key; ++it) {
        if (*it == i) continue;
        const Kept& child = spans[*it];
        if (child.flags & kSpanStartUnknown) {
          unplaced += child.duration_ns;
        } else if (!start_known) {
          intervals.emplace_back(child.start_ns, child.start_ns + child.duration_ns);
        } else {
          int64_t child_begin = std::max(begin, child.start_ns);
          int64_t child_end = std::min(end, child.start_ns + child.duration_ns);
          if (child_end > child_begin) intervals.emplace_back(child_begin, child_end);
        }
      }
      int64_t covered = covered_time(intervals) + unplaced;
      self[i] = span.duration_ns - std::min(covered, span.duration_ns);
    }
    std::vector<uint32_t>().swap(by_parent);
    auto by_self = [&](uint32_t a, uint32_t b) { return better(spans[a], self[a], spans[b], self[b]); };
    std::unordered_map<std::string_view, std::vector<uint32_t>> grouped;
    for (uint32_t i = 0; i < spans.size(); ++i) grouped[text(spans[i].group)].push_back(i);
    for (auto& [group, members] : grouped) {
      size_t keep = std::min(members.size(), options_.top);
      std::partial_sort(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(keep), members.end(), by_self);
      std::vector<Kept>& rows = groups.emplace_back();
      for (size_t k = 0; k < keep; ++k) {
        rows.push_back(spans[members[k]]);
        rows.back().self_ns = self[members[k]];
      }
    }
  }
  std::sort(groups.begin(), groups.end(), [&](const std::vector<Kept>& a, const std::vector<Kept>& b) {
    if (better(a.front(), b.front())) return true;
    if (better(b.front(), a.front())) return false;
    return text(a.front().group) < text(b.front().group);
  });
  std::vector<Kept> rows;
  for (auto& group : groups) rows.insert(rows.end(), group.begin(), group.end());
  return rows;
}

output::Table SlowestSpans::finish(const std::vector<std::string>& file_names) const {
  using output::Column;
  using output::ColumnKind;
  output::Table table;
  const bool self_time = options_.by == RankBy::kSelfTime;
  table.columns.push_back({"rank", "rank", ColumnKind::kCount});
  size_t parts = group_key_ ? group_key_->spec().parts.size() : 0;
  for (size_t p = 0; p < parts; ++p) {
    const GroupKeyPart& part = group_key_->spec().parts[p];
    table.columns.push_back({"group." + part.column_key(), part.column_header(), ColumnKind::kText});
  }
  table.columns.push_back({"duration_ns", "duration", ColumnKind::kDurationNs});
  if (self_time) table.columns.push_back({"self_ns", "self", ColumnKind::kDurationNs});
  for (Column column : {Column{"name", "name", ColumnKind::kText}, Column{"service", "service", ColumnKind::kText},
                        Column{"start_ns", "start", ColumnKind::kTimestampNs},
                        Column{"trace_id", "trace", ColumnKind::kText}, Column{"span_id", "span", ColumnKind::kText},
                        Column{"parents", "parents", ColumnKind::kText}, Column{"status", "status", ColumnKind::kText},
                        Column{"attrs", "attributes", ColumnKind::kText},
                        Column{"source", "source", ColumnKind::kText}})
    table.columns.push_back(column);

  // Chains: remembered (key -> parent, name), in a deterministic order whatever the
  // order spans arrived in.
  std::vector<ChainEntry> chain = chain_;
  std::sort(chain.begin(), chain.end(), [this](const ChainEntry& a, const ChainEntry& b) {
    return std::tie(a.key, a.parent, names_[a.name]) < std::tie(b.key, b.parent, names_[b.name]);
  });
  auto find_entry = [&chain](uint64_t key) -> const ChainEntry* {
    auto it = std::lower_bound(chain.begin(), chain.end(), key,
                               [](const ChainEntry& e, uint64_t k) { return e.key < k; });
    return it != chain.end() && it->key == key ? &*it : nullptr;
  };
  auto chain_text = [&](uint64_t parent) -> output::Cell {
    if (parent == 0) return std::monostate{};
    std::vector<std::string_view> names;
    bool cut = false;
    for (uint64_t p = parent; p != 0;) {
      const ChainEntry* entry = names.size() < kMaxChainDepth ? find_entry(p) : nullptr;
      if (!entry) {
        cut = true;
        break;
      }
      names.push_back(names_[entry->name]);
      p = entry->parent;
    }
    std::string text = cut ? "…" : "";
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
      if (!text.empty()) text += " > ";
      text += *it;
    }
    return text;
  };
  auto text_or_missing = [](std::string_view s) -> output::Cell {
    if (s.empty()) return std::monostate{};
    return std::string(s);
  };

  std::string last_group;
  int64_t rank = 0;
  bool first = true;
  for (const Kept& kept : ranked_rows()) {
    std::string_view group = text(kept.group);
    if (first || group != last_group) rank = 0;
    first = false;
    last_group = group;
    output::Row row{++rank};
    if (parts > 0) {
      std::vector<std::string_view> values;
      split_group_key(group, parts, values);
      for (std::string_view value : values) row.push_back(std::string(value));
    }
    row.push_back(kept.duration_ns);
    if (self_time) row.push_back(kept.self_ns);
    row.push_back(text_or_missing(text(kept.name)));
    row.push_back(text_or_missing(text(kept.service)));
    if (kept.flags & (kSpanStartUnknown | kSpanClockRelative)) row.push_back(std::monostate{});
    else row.push_back(kept.start_ns);
    row.push_back(text_or_missing(text(kept.trace_id)));
    row.push_back(text_or_missing(text(kept.span_id)));
    row.push_back(chain_text(kept.parent));
    row.push_back(kept.status == Status::kError ? output::Cell(std::string("error"))
                  : kept.status == Status::kOk  ? output::Cell(std::string("ok"))
                                                : output::Cell(std::monostate{}));
    row.push_back(text_or_missing(text(kept.attrs)));
    std::string source = kept.file_index < file_names.size() ? file_names[kept.file_index] : std::string("?");
    if (kept.line != 0) source += fmt::format(":{}", kept.line);
    row.push_back(source);
    table.rows.push_back(std::move(row));
  }

  if (chain_capped_)
    table.meta.notes.push_back(fmt::format(
        "parent chains know the first {} spans with an id; ancestors past them show as …", options_.max_remembered));
  if (unranked_ > 0) {
    table.meta.approximate = true;
    table.meta.notes.push_back(fmt::format("self time ranks the first {} spans; {} later spans were not ranked",
                                           options_.max_self_time, unranked_));
  }
  return table;
}

}  // namespace trace
