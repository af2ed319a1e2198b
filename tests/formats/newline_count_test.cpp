#include <algorithm>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "formats/newline_count.h"

TEST_CASE("count_newlines: as many as a byte loop counts, at every length and density", "[newline-count]") {
  std::mt19937_64 random(5);
  for (int round = 0; round < 500; ++round) {
    size_t size = random() % 9000;
    int per_thousand = static_cast<int>(random() % 1001);  // up to every byte a newline
    std::string text(size, 'x');
    for (char& c : text) c = static_cast<int>(random() % 1000) < per_thousand ? '\n' : 'x';
    size_t skip = size > 0 ? random() % std::min<size_t>(size, 17) : 0;  // unaligned starts
    INFO("size " << size << " skip " << skip);
    CHECK(trace::formats::count_newlines(text.data() + skip, size - skip) ==
          static_cast<uint64_t>(std::count(text.begin() + static_cast<long>(skip), text.end(), '\n')));
  }
  std::string all(100000, '\n');  // more than 255 blocks of only newlines: no lane overflows
  CHECK(trace::formats::count_newlines(all.data(), all.size()) == 100000);
}
