#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/percentiles.h"

namespace {

constexpr int64_t kMs = 1'000'000;

std::vector<int64_t> one_to_hundred_ms() {
  std::vector<int64_t> v;
  for (int64_t i = 1; i <= 100; ++i) v.push_back(i * kMs);
  return v;
}

// The definition written out on a fully sorted copy, for comparison.
int64_t reference(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  double h = static_cast<double>(v.size() - 1) * p;
  auto k = static_cast<size_t>(std::floor(h));
  if (k + 1 >= v.size()) return v[k];
  double frac = h - std::floor(h);
  return v[k] + std::llround(frac * static_cast<double>(v[k + 1] - v[k]));
}

}  // namespace

TEST_CASE("percentiles: p50 of 1..100 ms is 50.5 ms", "[percentiles]") {
  auto v = one_to_hundred_ms();
  CHECK(trace::percentile(v, 0.50) == 50'500'000);
}

TEST_CASE("percentiles: p99 of 1..100 ms is 99.01 ms", "[percentiles]") {
  auto v = one_to_hundred_ms();
  CHECK(trace::percentile(v, 0.99) == 99'010'000);
}

TEST_CASE("percentiles: p90 and p95 of 1..100 ms interpolate between neighbours",
          "[percentiles]") {
  auto v = one_to_hundred_ms();
  CHECK(trace::percentile(v, 0.90) == 90'100'000);
  CHECK(trace::percentile(v, 0.95) == 95'050'000);
}

TEST_CASE("percentiles: p0 is the minimum and p100 the maximum", "[percentiles]") {
  auto v = one_to_hundred_ms();
  CHECK(trace::percentile(v, 0.0) == 1 * kMs);
  CHECK(trace::percentile(v, 1.0) == 100 * kMs);
}

TEST_CASE("percentiles: p outside [0, 1] is clamped", "[percentiles]") {
  auto v = one_to_hundred_ms();
  CHECK(trace::percentile(v, -0.5) == 1 * kMs);
  CHECK(trace::percentile(v, 1.5) == 100 * kMs);
}

TEST_CASE("percentiles: a single value is every percentile", "[percentiles]") {
  std::vector<int64_t> v = {4242};
  for (double p : {0.0, 0.5, 0.9, 0.99, 1.0}) CHECK(trace::percentile(v, p) == 4242);
}

TEST_CASE("percentiles: two values interpolate linearly", "[percentiles]") {
  std::vector<int64_t> v = {20, 10};
  CHECK(trace::percentile(v, 0.5) == 15);
  CHECK(trace::percentile(v, 0.9) == 19);
  CHECK(trace::percentile(v, 0.0) == 10);
  CHECK(trace::percentile(v, 1.0) == 20);
}

TEST_CASE("percentiles: a half nanosecond rounds up", "[percentiles]") {
  std::vector<int64_t> v = {10, 20};
  CHECK(trace::percentile(v, 0.25) == 13);  // 12.5
  std::vector<int64_t> w = {0, 1};
  CHECK(trace::percentile(w, 0.5) == 1);  // 0.5
}

TEST_CASE("percentiles: unsorted input gives the same answers as sorted", "[percentiles]") {
  auto v = one_to_hundred_ms();
  std::mt19937_64 rng(7);
  std::shuffle(v.begin(), v.end(), rng);
  const double ps[] = {0.99, 0.5, 0.95, 0.9};
  int64_t out[4];
  trace::percentiles(v, ps, out);
  CHECK(out[0] == 99'010'000);
  CHECK(out[1] == 50'500'000);
  CHECK(out[2] == 95'050'000);
  CHECK(out[3] == 90'100'000);
}

TEST_CASE("percentiles: duplicates are counted by multiplicity", "[percentiles]") {
  std::vector<int64_t> v = {5, 1, 5, 5};
  CHECK(trace::percentile(v, 0.5) == 5);
  CHECK(trace::percentile(v, 0.25) == 4);  // h = 0.75: 1 + 0.75 * 4
}

TEST_CASE("percentiles: the full int64 range interpolates without overflow", "[percentiles]") {
  std::vector<int64_t> v = {0, std::numeric_limits<int64_t>::max()};
  CHECK(trace::percentile(v, 0.5) == 4'611'686'018'427'387'904);
  CHECK(trace::percentile(v, 1.0) == std::numeric_limits<int64_t>::max());
}

TEST_CASE("percentiles: several at once agree with a full sort on random data",
          "[percentiles]") {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> dist(0, 5'000'000'000);
  const double ps[] = {0.999, 0.0, 0.5, 0.5, 0.25, 1.0, 0.9, 0.95, 0.99, 0.01};
  for (size_t n : {1u, 2u, 3u, 10u, 101u, 1000u, 4097u}) {
    std::vector<int64_t> v(n);
    for (auto& x : v) x = dist(rng) % (n * 3);  // plenty of duplicates
    std::vector<int64_t> work = v;
    int64_t out[std::size(ps)];
    trace::percentiles(work, ps, out);
    for (size_t i = 0; i < std::size(ps); ++i) {
      INFO("n=" << n << " p=" << ps[i]);
      CHECK(out[i] == reference(v, ps[i]));
    }
  }
}
