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
    auto expected = static_cast<uint64_t>(std::count(text.begin() + static_cast<long>(skip), text.end(), '\n'));
    for (auto version : trace::formats::count_newlines_versions())
      CHECK(version(text.data() + skip, size - skip) == expected);
    CHECK(trace::formats::count_newlines(text.data() + skip, size - skip) == expected);
  }
  std::string all(100000, '\n');  // more than 255 blocks of only newlines: no lane overflows
  for (auto version : trace::formats::count_newlines_versions()) CHECK(version(all.data(), all.size()) == 100000);
  // Newlines just before and after the bytes counted are not counted.
  std::string framed = "\n" + std::string(45, 'x') + "\n\n" + std::string(30, 'x') + "\n";
  for (auto version : trace::formats::count_newlines_versions())
    for (size_t size = 0; size + 2 <= framed.size(); ++size) {
      INFO("size " << size);
      CHECK(version(framed.data() + 1, size) ==
            static_cast<uint64_t>(std::count(framed.begin() + 1, framed.begin() + 1 + static_cast<long>(size), '\n')));
    }
}
