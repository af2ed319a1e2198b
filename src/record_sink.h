// The push interface between loaders and everything downstream.
#pragma once

#include <concepts>

#include "src/record.h"

namespace trace {

// kStop asks the loader to stop early (grep -m, -q); it is not an error.
enum class Flow { kContinue, kStop };

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Flow on_span(const Span& span) = 0;
  virtual Flow on_log(const LogRecord& log) = 0;
};

// An analyzer: a sink whose state merges with another of its kind. merge() must be
// associative and commutative on the answer, so that any split of the input over
// threads, chunks, files or machines gives the same output bytes.
template <class A>
concept MergeableSink = std::derived_from<A, RecordSink> && requires(A a, A& other) {
  { a.merge(other) };
};

}  // namespace trace
