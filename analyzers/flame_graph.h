// Where the time goes, by path of span names (the report's flame graph): every span's
// self time (span_tree.h's definition: its duration minus what its children cover)
// summed under the path of names from its root down to it, so a frame's width is the
// time spent in it and below it, and children always fit inside their parent. Parallel
// children each count, as CPU time would; the graph's width can exceed the wall time.
//
// A span's path needs its ancestors, which may come before or after it in the input,
// so each span is remembered compactly (ids as hashes, the name as a number: 48 bytes)
// until finish(), which rebuilds each trace's tree with build_span_tree(). Memory is
// bounded: past max_spans (shared by every worker of a run) spans are counted but left
// out, and a note says how many. A span whose parent is not in the input hangs under a
// frame named "…" (its ancestry is unknown); a span without a duration adds no time.
//
// Below the cap the answer depends only on the multiset of spans, so any split of the
// input merges to the same graph.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/output/chart_model.h"
#include "src/record_sink.h"

namespace trace {

inline constexpr size_t kMaxFlameSpans = 1'000'000;  // 48 MB of remembered spans
inline constexpr size_t kMaxFlameNames = 100'000;    // distinct span names; past it "(other)"
inline constexpr std::string_view kUnknownAncestry = "…";

// The run-wide span budget, shared by the workers.
struct FlameBudget {
  explicit FlameBudget(uint64_t max_spans = kMaxFlameSpans) : limit(max_spans) {}
  const uint64_t limit;
  std::atomic<uint64_t> kept{0};
};

struct FlameOptions {
  // Frames narrower than this fraction of the whole are merged into no drawing: they
  // are counted in a note instead (a flame graph 1200 px wide shows nothing under 0.1%).
  double min_fraction = 0.001;
  size_t max_frames = 5000;  // frames in the view, widest paths first
};

class FlameGraph : public RecordSink {
 public:
  // Without a budget, every span is remembered.
  explicit FlameGraph(std::shared_ptr<FlameBudget> budget = nullptr);

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's spans into this one; other is left empty.
  void merge(FlameGraph& other);

  // The frames, widest first among siblings, in preorder; frames below the options'
  // limits are left out and counted in notes.
  output::FlameView finish(const FlameOptions& options = {}) const;

  uint64_t remembered() const { return spans_.size(); }
  uint64_t left_out() const { return left_out_; }

 private:
  struct Compact {
    uint64_t trace = 0;   // hash of the trace id
    uint64_t key = 0;     // hash of (trace id, span id); 0: the span has no id
    uint64_t parent = 0;  // hash of (trace id, parent id); 0: a root
    int64_t start_ns = 0;
    int64_t duration_ns = -1;  // -1: unknown or never ended
    uint32_t name = 0;         // index into names_
    uint8_t flags = 0;
    bool error = false;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  uint32_t intern(std::string_view name);
  bool take_budget();

  std::shared_ptr<FlameBudget> budget_;
  uint64_t unpublished_ = 0;  // spans kept since the last report to budget_
  bool full_ = false;
  std::vector<Compact> spans_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> name_ids_;
  uint64_t left_out_ = 0;
};

static_assert(MergeableSink<FlameGraph>);

}  // namespace trace
