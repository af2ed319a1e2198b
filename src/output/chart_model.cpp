#include "src/output/chart_model.h"

#include <algorithm>

namespace trace::output {

uint64_t Histogram::total() const {
  uint64_t sum = 0;
  for (uint64_t c : counts) sum += c;
  return sum;
}

std::pair<size_t, size_t> Histogram::used_range() const {
  size_t first = counts.size(), last = 0;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] > 0) {
      first = std::min(first, i);
      last = i + 1;
    }
  if (last == 0) return {0, 0};
  return {first, last};
}

}  // namespace trace::output
