// What the HTML report draws, neutral of how it was computed: analyzers fill these
// models, the SVG renderers (svg_charts.h) draw them, chart_json.h writes them as JSON.
// Like table.h, a model carries raw numbers (integer nanoseconds); renderers format.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace trace::output {

// Counts of durations in buckets [bounds[i], bounds[i+1]), meant for a log-scale axis.
struct Histogram {
  std::vector<int64_t> bounds;   // ascending, counts.size() + 1 of them
  std::vector<uint64_t> counts;

  uint64_t total() const;
  // The first and one past the last bucket holding a count; {0, 0} when all are empty.
  std::pair<size_t, size_t> used_range() const;
};

// One frame of a flame graph: all spans that share one path of names from a root.
struct FlameFrame {
  std::string name;
  uint32_t depth = 0;      // 0 for the frames of root spans
  int64_t offset_ns = 0;   // where the frame starts on the graph's axis
  int64_t total_ns = 0;    // its width: its self time and all its descendants'
  int64_t self_ns = 0;
  uint64_t spans = 0;
  uint64_t errors = 0;
};

struct FlameView {
  int64_t total_ns = 0;  // the axis: the sum of every top frame's total
  uint64_t spans = 0;    // spans that contributed
  uint32_t max_depth = 0;
  std::vector<FlameFrame> frames;  // preorder; siblings widest first, ties by name
  std::vector<std::string> notes;  // what was left out, one sentence each
};

enum class WaterfallRowKind : uint8_t { kSpan, kLane, kOrphans };

// One row of a waterfall: a span as a bar on the trace's time axis, or a header row
// (a lane of roots, or the spans whose parent is missing).
struct WaterfallRow {
  WaterfallRowKind kind = WaterfallRowKind::kSpan;
  std::string label;  // span name, lane name, or the missing parent id
  std::string service;
  uint32_t depth = 0;
  int64_t offset_ns = 0;     // start minus the trace's start
  int64_t duration_ns = -1;  // -1: unknown (drawn to the end of the axis)
  int64_t self_ns = -1;      // -1: unknown
  bool error = false;
  bool critical = false;       // on the critical path
  bool incomplete = false;     // never ended in the input
  bool instant = false;        // a zero-length marker
  bool start_unknown = false;  // the producer recorded no start
  uint32_t hidden = 0;         // spans below it not drawn
  std::string status_message;
  std::vector<std::pair<std::string, std::string>> details;  // shown on hover: id, attributes
};

struct WaterfallView {
  std::string trace_id;
  std::string root_name;
  int64_t start_ns = 0;  // of the earliest span drawn
  bool clock_relative = false;
  int64_t duration_ns = 0;   // the axis: earliest start to latest end of the spans drawn
  uint64_t spans_in_trace = 0;
  uint64_t errors_in_trace = 0;
  uint64_t spans_drawn = 0;
  std::vector<WaterfallRow> rows;
  std::vector<std::string> notes;
};

}  // namespace trace::output
