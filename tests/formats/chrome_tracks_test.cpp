#include <string>

#include <catch2/catch.hpp>

#include "formats/chrome_tracks.h"

using trace::formats::ChromeTracks;

TEST_CASE("chrome tracks: numbered in the order first seen, the same pair the same number", "[chrome]") {
  ChromeTracks tracks;
  CHECK(tracks.find_or_add("1", "1") == 0);
  CHECK(tracks.find_or_add("1", "2") == 1);
  CHECK(tracks.find_or_add("2", "1") == 2);
  CHECK(tracks.find_or_add("1", "1") == 0);
  // No separator could tell these apart: the pid's length does.
  CHECK(tracks.find_or_add("a", "bc") == 3);
  CHECK(tracks.find_or_add("ab", "c") == 4);
  CHECK(tracks.find_or_add(std::string("a\0b", 3), "c") == 5);
  CHECK(tracks.find_or_add("a", std::string("b\0c", 3)) == 6);
  CHECK(tracks.size() == 7);
}

TEST_CASE("chrome tracks: numbers kept as the table grows, and after clear() they start again", "[chrome]") {
  ChromeTracks tracks;
  for (int i = 0; i < 100000; ++i) REQUIRE(tracks.find_or_add("7", "async:net:" + std::to_string(i)) == uint32_t(i));
  for (int i = 0; i < 100000; i += 997) REQUIRE(tracks.find_or_add("7", "async:net:" + std::to_string(i)) == uint32_t(i));
  tracks.clear();
  CHECK(tracks.size() == 0);
  CHECK(tracks.find_or_add("7", "async:net:5") == 0);
}
