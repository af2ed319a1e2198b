#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
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

TEST_CASE("percentiles: hundreds of thousands of values agree with a full sort, whatever their spread",
          "[percentiles]") {
  // From 2^16 values on, a histogram narrows each rank to a few buckets before selecting:
  // these spreads take each of its ways (one round, rounds within rounds, all equal, and
  // values crowded by a far outlier, which falls back to selecting among all).
  std::mt19937_64 rng(7);
  const double ps[] = {0.5, 0.9, 0.95, 0.99, 0.0, 1.0, 0.999, 0.25, 0.001};
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  std::lognormal_distribution<double> latency(std::log(80e6), 0.9);  // ns, around 80 ms
  struct Spread {
    const char* name;
    std::function<int64_t(size_t)> value;
    size_t n;
  };
  const Spread spreads[] = {
      {"uniform", [&](size_t) { return uniform(0, 5'000'000'000); }, 300'000},
      {"log-normal latencies", [&](size_t) { return static_cast<int64_t>(latency(rng)); }, 300'000},
      {"log-normal with 30 s timeouts",
       [&](size_t i) { return i % 97 == 0 ? int64_t{30'000'000'000} : static_cast<int64_t>(latency(rng)); }, 300'000},
      {"few distinct values", [&](size_t) { return uniform(0, 40) * 1000; }, 200'000},
      {"all equal", [&](size_t) { return int64_t{42}; }, 100'000},
      {"negative and positive, wide", [&](size_t) { return uniform(-4'000'000'000'000'000'000, 4'000'000'000'000'000'000); },
       200'000},
      {"a far outlier", [&](size_t i) { return i == 5 ? int64_t{1} << 62 : uniform(1000, 2000); }, 200'000},
      // Five clusters far apart, each wide inside: a second round within each bucket.
      {"clusters within clusters",
       [&](size_t i) { return static_cast<int64_t>(i % 5) * (int64_t{1} << 50) + uniform(0, int64_t{1} << 30); },
       350'000},
  };
  for (const Spread& spread : spreads) {
    std::vector<int64_t> v(spread.n);
    for (size_t i = 0; i < v.size(); ++i) v[i] = spread.value(i);
    std::vector<int64_t> work = v;
    int64_t out[std::size(ps)];
    trace::percentiles(work, ps, out);
    std::vector<int64_t> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < std::size(ps); ++i) {
      INFO(spread.name << " p=" << ps[i]);
      CHECK(out[i] == reference(sorted, ps[i]));
    }
    INFO(spread.name);
    CHECK(trace::percentile(work, 0.5) == reference(sorted, 0.5));
  }
}
