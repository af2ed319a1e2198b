// The spans of a few chosen traces, for the report's waterfalls: per trace, at most
// max_spans of them, the longest (a parent is at least as long as its children, so what
// is kept is the top of the tree), each with its first attributes, values cut short.
// Memory is bounded by traces x max_spans whatever the input; a span offered to a full
// trace is compared before anything is copied.
//
// Which spans are kept follows a total order (longest first; a span that never ended or
// has no duration counts as longest; then start, span id, file, line), so any split of
// the input merges to the same set. finish() builds each trace's tree with span_tree.h
// (nesting, self time, critical path, lanes, orphans) and turns it into the rows drawn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/output/chart_model.h"
#include "src/record_sink.h"

namespace trace {

struct WaterfallOptions {
  std::vector<std::string> trace_ids;  // the traces to keep, exact ids, in the order drawn
  size_t max_spans = 500;              // per trace
  size_t max_attrs = 24;               // per span: the first ones
  size_t max_value_bytes = 200;        // longer attribute values are cut, with "…"
};

class WaterfallCollector : public RecordSink {
 public:
  explicit WaterfallCollector(WaterfallOptions options);

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord&) override { return Flow::kContinue; }

  // Adds other's spans into this one; other is left empty. Same options on both.
  void merge(WaterfallCollector& other);

  // One view per chosen trace, in the options' order; a trace that had no span gives a
  // view without rows.
  std::vector<output::WaterfallView> finish() const;

 private:
  struct Owned {
    std::string span_id, parent_id, name, service, status_message;
    std::vector<std::pair<std::string, std::string>> attrs;  // key, value as text
    int64_t rank = 0;  // the duration, or INT64_MAX for an unknown or unfinished one
    int64_t start_ns = 0;
    int64_t duration_ns = -1;
    uint32_t file_index = 0;
    uint64_t line = 0;
    uint8_t flags = 0;
    Status status = Status::kUnset;
    SpanKind kind = SpanKind::kUnspecified;
  };
  struct Trace {
    std::vector<Owned> heap;  // worst kept span at the front
    uint64_t seen = 0;
    uint64_t errors = 0;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void offer(Trace& trace, Owned owned);

  WaterfallOptions options_;
  std::unordered_map<std::string, Trace, KeyHash, std::equal_to<>> traces_;
};

static_assert(MergeableSink<WaterfallCollector>);

}  // namespace trace
