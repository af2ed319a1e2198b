// The N slowest spans (`trace top`), overall or per group, each with its trace id, the
// chain of its ancestors' names and its key attributes.
//
// Ranking by duration is exact for any input size: a bounded heap of N per group, with a
// total order (duration, then trace id, span id, file, line), so any split of the input
// over threads or files merges to the same rows.
//
// What needs other spans is bounded, and says so when a bound is reached:
//  - parent chains: the name and parent of every span with an id are remembered, up to
//    kMaxRememberedSpans spans; ancestors past that (or absent from the input) show as
//    "…" at the start of the chain;
//  - self time (--by self-time) is the span's duration minus the time covered by the
//    union of its children's intervals (clipped to the span; a child with no known start
//    counts as covering its whole duration). It needs every span's interval and the
//    details of every candidate, so it keeps up to kMaxSelfTimeSpans spans; spans past
//    that are not ranked, and the table is marked approximate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/group_key.h"
#include "src/output/table.h"
#include "src/record_sink.h"

namespace trace {

inline constexpr size_t kMaxRememberedSpans = 4'000'000;  // names and parents, 24 bytes each
inline constexpr size_t kMaxSelfTimeSpans = 1'000'000;    // whole spans, for --by self-time

enum class RankBy : uint8_t { kDuration, kSelfTime };

// "duration" or "self-time". Throws UsageError: "--by: unknown value 'x' (expected
// duration or self-time)".
RankBy parse_rank_by(std::string_view text);

struct SlowestSpansOptions {
  size_t top = 10;  // per group
  RankBy by = RankBy::kDuration;
  std::optional<GroupKeySpec> group_by;  // none: one ranking of all spans
  size_t max_remembered = kMaxRememberedSpans;
  size_t max_self_time = kMaxSelfTimeSpans;
};

class SlowestSpans : public RecordSink {
 public:
  explicit SlowestSpans(SlowestSpansOptions options = {});

  // Ranks spans with a known duration; instants and spans that never ended are not
  // ranked (their names still complete chains).
  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's spans into this one (other is left empty). Same options on both.
  void merge(SlowestSpans& other);

  // Columns: rank, the group-by parts (group.name, group.service, group.model,
  // group.attr.KEY), duration_ns, self_ns (--by self-time), name, service, start_ns,
  // trace_id, span_id, parents, status, attrs, source ("file:line"). Groups are ordered
  // by their first row (slowest first, then group key); `file_names` names the file
  // indexes of the source column.
  output::Table finish(const std::vector<std::string>& file_names) const;

 private:
  // A kept span; its texts live in the arena, as offset and length.
  struct TextRef {
    uint64_t offset = 0;
    uint32_t size = 0;
  };
  struct Kept {
    int64_t duration_ns = 0;
    int64_t self_ns = 0;  // --by self-time, filled by finish()
    int64_t start_ns = 0;
    uint64_t key = 0;     // hash of (trace id, span id); 0 = the span has no id
    uint64_t parent = 0;  // hash of (trace id, parent id); 0 = a root
    uint64_t line = 0;
    uint32_t file_index = 0;
    uint8_t flags = 0;
    Status status = Status::kUnset;
    TextRef group, trace_id, span_id, parent_id, name, service, attrs;
  };
  struct ChainEntry {
    uint64_t key;
    uint64_t parent;
    uint32_t name;  // index into names_
  };

  std::string_view text(const TextRef& ref) const { return {arena_.data() + ref.offset, ref.size}; }
  TextRef store(std::string_view text);
  Kept make_kept(const Span& span, std::string_view group, uint64_t key, uint64_t parent);
  void copy_texts(Kept& kept, const SlowestSpans& from);
  // Ranks before: larger rank, then longer, then by trace id, span id, file, line, name.
  bool better(const Kept& a, const Kept& b) const;
  bool better(const Kept& a, int64_t rank_a, const Kept& b, int64_t rank_b) const;
  void offer(std::vector<Kept>& heap, Kept kept);
  void compact_arena();
  uint32_t intern_name(std::string_view name);
  std::vector<Kept> ranked_rows() const;

  SlowestSpansOptions options_;
  std::optional<GroupKeyBuilder> group_key_;
  std::string arena_;
  size_t live_bytes_ = 0;  // arena bytes still referenced (eviction leaves garbage)
  // Heterogeneous lookup: find() by the group key's string_view, no temporary string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<Kept>, KeyHash, std::equal_to<>> heaps_;  // --by duration

  std::vector<Kept> all_;                                     // --by self-time: every span
  std::vector<ChainEntry> chain_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> name_ids_;
  uint64_t unranked_ = 0;       // past kMaxSelfTimeSpans
  bool chain_capped_ = false;   // past kMaxRememberedSpans
  std::string attrs_buffer_;
};

}  // namespace trace
