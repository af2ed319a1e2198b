// Output made on several threads, written in input order: each thread hands over the
// text it printed for one unit of the input (a chunk of lines), and a unit is written
// once every unit before it has been. grep prints from every core this way.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <string>

namespace trace::output {

class OrderedOutput {
 public:
  // Units are numbered from 0 again for each input.
  void begin_input();

  // The text of unit `unit` (moved from; written now or kept until its turn). A unit
  // that is not `whole` stopped at an error: it is written as far as it got, and nothing
  // after it is written at all, as a one-thread read would have stopped there. Kept
  // texts wait for a slower thread's unit: as many as the faster threads finish meanwhile.
  void unit_done(uint64_t unit, std::string& text, bool whole);

  // Text from outside any unit (one thread, once the units are over): written now.
  void write_now(std::string& text);

 private:
  std::mutex mutex_;
  uint64_t next_ = 0;  // the unit to write next
  uint64_t last_ = std::numeric_limits<uint64_t>::max();  // the first unit cut short
  std::map<uint64_t, std::string> waiting_;
};

}  // namespace trace::output
