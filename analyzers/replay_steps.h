// A trace as an ordered sequence of steps (`trace replay`): span starts, span ends,
// span events and the log records of the trace, and the state at any step.
//
// Order: by time; at one time, first the ends of spans that lasted (deepest first, and
// after a log or event of the same span at that time), then starts, events and logs in
// tree order (a span's start before its own events and logs, a parent's before its
// child's). A span of zero length ends right after its start, events and logs. A span
// that never ended has no end step. So at one instant, what finished closes before what
// begins, and nesting is kept.
//
// Logs join the trace's spans by span id: such a log is a step of its span (one level
// deeper); a log whose span id is empty or names no span of the trace is a step of the
// trace at depth 0. A log without a time (0) is placed at its span's start, else at the
// trace's start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "analyzers/span_tree.h"

namespace trace {

enum class StepKind : uint8_t { kSpanStart, kSpanEnd, kEvent, kLog };

struct Step {
  StepKind kind = StepKind::kSpanStart;
  int64_t time_ns = 0;
  uint32_t depth = 0;
  uint32_t node = kNoNode;  // the span (start, end, event); a log's span, kNoNode if none
  uint32_t item = 0;        // kEvent: index in the span's events; kLog: index in the logs
};

struct Replay {
  std::vector<Step> steps;
  int64_t origin_ns = 0;  // the first step's time: offsets count from it

  int64_t offset(const Step& step) const { return step.time_ns - origin_ns; }
};

// `logs` are the trace's logs (by time); step.item indexes them.
Replay build_replay(const SpanTree& tree, std::span<const KeptLog* const> logs);

struct KnownAttr {
  std::string_view key;
  Value value;
  size_t step = 0;  // 1-based step that set it last
};

// The state after step `step` (1-based; 0 = before the first).
struct ReplayState {
  size_t step = 0;
  std::vector<uint32_t> open;  // spans started and not ended, in tree order
  // The attributes known so far: for each key, the value of the last step that set it
  // (span attributes at its start, event attributes, log fields); by key.
  std::vector<KnownAttr> attributes;
};

// `step` past the last is clamped to it.
ReplayState replay_state(const SpanTree& tree, std::span<const KeptLog* const> logs, const Replay& replay,
                         size_t step);

// The number of steps at or before `offset_ns` (relative to the origin): the state at a
// time is the state after that step.
size_t steps_until(const Replay& replay, int64_t offset_ns);

}  // namespace trace
