// The two error types thrown at the edges and caught once in main().
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace trace {

// Bad or unreadable input. what() is the whole located message without the
// "trace: error: " prefix, e.g. "run.jsonl:1042:17: expected ',' or '}' in object".
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad command line: flag values, predicates, rules.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a loader for a malformed document. offset is relative to the start of the
// document text the loader was given; the driver turns it into file:line:column.
class DocumentError : public std::runtime_error {
 public:
  DocumentError(uint64_t offset, const std::string& message)
      : std::runtime_error(message), offset_(offset) {}
  uint64_t offset() const { return offset_; }

 private:
  uint64_t offset_;
};

}  // namespace trace
