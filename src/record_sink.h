// The push interface between loaders and everything downstream.
#pragma once

#include <concepts>

#include "src/record.h"

namespace trace {

// kStop asks the loader to stop early (grep -m, -q); it is not an error.
enum class Flow { kContinue, kStop };

// What of a record a sink reads, so that a loader may leave the rest out where that saves
// time (trace stats reads neither attributes nor times). A loader may always fill more;
// a sink must not read what it said it does not need: what is left out is empty or 0.
struct RecordNeeds {
  bool attrs = true;  // Span::attrs, LogRecord::fields
  bool times = true;  // Span::start_ns, LogRecord::time_ns
  bool ids = true;    // trace, span and parent ids
  bool logs = true;   // log records at all (without, a sink may not be given them; they are still counted)

  RecordNeeds operator|(const RecordNeeds& other) const {
    return {attrs || other.attrs, times || other.times, ids || other.ids, logs || other.logs};
  }
  static RecordNeeds nothing() { return {false, false, false, false}; }
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Flow on_span(const Span& span) = 0;
  virtual Flow on_log(const LogRecord& log) = 0;
  // Asked once, before the first record; everything unless the sink says otherwise.
  virtual RecordNeeds needs() const { return {}; }
};

// An analyzer: a sink whose state merges with another of its kind. merge() must be
// associative and commutative on the answer, so that any split of the input over
// threads, chunks, files or machines gives the same output bytes.
template <class A>
concept MergeableSink = std::derived_from<A, RecordSink> && requires(A a, A& other) {
  { a.merge(other) };
};

}  // namespace trace
