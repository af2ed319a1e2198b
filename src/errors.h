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
  // `text_ended`: the text ran out before the value being read at `offset` ended (a
  // truncated Chrome event is reported at its start): where the text was cut short (a NUL
  // byte, lost compressed data), the cut is what to report.
  DocumentError(uint64_t offset, const std::string& message, bool text_ended = false)
      : std::runtime_error(message), offset_(offset), text_ended_(text_ended) {}
  uint64_t offset() const { return offset_; }
  bool text_ended() const { return text_ended_; }

 private:
  uint64_t offset_;
  bool text_ended_;
};

}  // namespace trace
