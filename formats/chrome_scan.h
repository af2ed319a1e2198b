// Splits a Chrome Trace Event file into its events without parsing it as one document:
// a multi-GB trace would double in memory under simdjson's structural index, and streaming
// producers leave the array unterminated, which no JSON parser accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <simdjson.h>

namespace trace::formats {

// Hands out the event texts of the array form `[ {...}, ... ]` (closing bracket and a
// trailing comma optional, as catapult repairs them) or of the object form's
// "traceEvents" array, and reads the object form's clock keys. Validates the layout
// around the events, not the events themselves. Throws DocumentError (offsets relative
// to `text`) for a malformed layout or an event cut off by the end of the text.
class ChromeEventScanner {
 public:
  explicit ChromeEventScanner(std::string_view text);

  // Sets `start` to where the next element of the event array begins (its '{'); false
  // when there are no more. An element that is not an object is an error. Then the
  // caller, which may have found the event's end while reading it, tells it with
  // event_ends_at(), or has finish_event() find it and set `event` to the event's text.
  bool next_start(size_t& start);
  void event_ends_at(size_t end);
  void finish_event(std::string_view& event);

  // The epoch time in ns that event timestamps count from, when the file says:
  // baseTimeNanoseconds (PyTorch Kineto), beginningOfTime (epoch µs, clang -ftime-trace),
  // or 0 for "clockDomain":"unix_epoch" (ts are epoch µs, as trace convert writes them).
  // Complete only once next() has returned false: these keys may follow the events.
  std::optional<int64_t> base_ns() const;

  // Who wrote the file, by the clock key only one producer writes: "clang -ftime-trace",
  // "PyTorch profiler (Kineto)", "trace convert", or empty.
  std::string_view producer() const;

 private:
  enum class State { kEvents, kDone };

  // Object form: reads top-level members from pos_ up to the "traceEvents" array (true)
  // or the closing brace (false). `after_member`: a member value just ended at pos_.
  bool walk_members(bool after_member);
  void read_member(std::string_view key, size_t value, size_t end);
  void expect_end_of_text();

  std::string_view text_;
  size_t pos_ = 0;
  bool object_form_ = false;
  bool after_event_ = false;  // an event was read and no comma followed yet
  State state_ = State::kEvents;
  std::optional<int64_t> base_time_ns_;
  std::optional<int64_t> beginning_of_time_ns_;
  bool epoch_clock_ = false;
};

// One event of `text` (a view into it) for simdjson On-Demand, the rest of the text and
// its padding padding the event. Throws DocumentError (offset in `text`) when simdjson
// refuses it.
simdjson::ondemand::document iterate_chrome_event(simdjson::ondemand::parser& parser, std::string_view text,
                                                  std::string_view event);

// Converts a JSON number of microseconds to ns exactly from its decimal text ("1234.5678"
// -> 1234568, rounding half away from zero), so that epoch-µs timestamps keep every ns a
// double would lose. False when `token` is not a plain decimal (exponents: use a double)
// or is beyond ±4e15 µs.
bool micros_text_to_ns(std::string_view token, int64_t& ns);

}  // namespace trace::formats
