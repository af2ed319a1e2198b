#include "src/output/ordered_output.h"

#include "src/output/stdout_writer.h"

namespace trace::output {

void OrderedOutput::begin_input() {
  std::lock_guard<std::mutex> lock(mutex_);
  next_ = 0;
  last_ = std::numeric_limits<uint64_t>::max();
  waiting_.clear();
}

void OrderedOutput::unit_done(uint64_t unit, std::string& text, bool whole) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!whole && unit < last_) {
    last_ = unit;
    waiting_.erase(waiting_.upper_bound(last_), waiting_.end());
  }
  if (unit > last_) return;
  if (unit != next_) {
    waiting_[unit].swap(text);
    return;
  }
  // Written under the lock: the next unit's text must not overtake this one's.
  if (!text.empty()) write_stdout(text);
  for (++next_; next_ <= last_; ++next_) {
    auto it = waiting_.find(next_);
    if (it == waiting_.end()) break;
    if (!it->second.empty()) write_stdout(it->second);
    waiting_.erase(it);
  }
}

void OrderedOutput::write_now(std::string& text) {
  if (text.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  write_stdout(text);
  text.clear();
}

}  // namespace trace::output
