// The sketch behind --approx: its error bound against exact percentiles, and merging.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/duration_sketch.h"

using trace::DurationSketch;

namespace {

// The exact value at rank floor((n - 1) * p), the rank the sketch answers for.
int64_t exact_at_rank(std::vector<int64_t> values, double p) {
  auto rank = static_cast<size_t>(std::floor(static_cast<double>(values.size() - 1) * p));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank), values.end());
  return values[rank];
}

void check_within_one_percent(const std::vector<int64_t>& values, const std::string& what) {
  DurationSketch sketch;
  sketch.add(values);
  int64_t min = *std::min_element(values.begin(), values.end());
  int64_t max = *std::max_element(values.begin(), values.end());
  for (double p : {0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    int64_t exact = exact_at_rank(values, p);
    int64_t approx = sketch.quantile(p, min, max);
    INFO(what << " p=" << p << " exact=" << exact << " approx=" << approx);
    // The bound is relative; +1 ns for rounding the representative to an integer.
    CHECK(std::abs(static_cast<double>(approx - exact)) <= 0.01 * static_cast<double>(exact) + 1);
  }
}

}  // namespace

TEST_CASE("sketch: percentiles within 1% of exact on several distributions", "[sketch]") {
  std::mt19937_64 rng(7);
  const size_t n = 200000;
  std::vector<int64_t> uniform, exponential, lognormal, bimodal, heavy_tail;
  std::uniform_int_distribution<int64_t> u(1000, 5'000'000'000);
  std::exponential_distribution<double> e(1.0 / 50e6);
  std::lognormal_distribution<double> ln(std::log(200e6), 1.2);
  std::normal_distribution<double> fast(20e6, 2e6), slow(2e9, 3e8);
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t i = 0; i < n; ++i) {
    uniform.push_back(u(rng));
    exponential.push_back(std::max<int64_t>(1, std::llround(e(rng))));
    lognormal.push_back(std::max<int64_t>(1, std::llround(ln(rng))));
    bimodal.push_back(std::max<int64_t>(1, std::llround(i % 10 == 0 ? slow(rng) : fast(rng))));
    heavy_tail.push_back(std::llround(1e6 / std::pow(1 - unit(rng), 1 / 1.5)));  // Pareto, alpha 1.5
  }
  check_within_one_percent(uniform, "uniform");
  check_within_one_percent(exponential, "exponential");
  check_within_one_percent(lognormal, "lognormal");
  check_within_one_percent(bimodal, "bimodal");
  check_within_one_percent(heavy_tail, "pareto");
}

TEST_CASE("sketch: zero durations, one value, and the ends clamp to min and max", "[sketch]") {
  DurationSketch sketch;
  for (int i = 0; i < 3; ++i) sketch.add(0);
  sketch.add(1000);
  CHECK(sketch.count() == 4);
  CHECK(sketch.quantile(0.5, 0, 1000) == 0);  // rank 1 of 0, 0, 0, 1000
  CHECK(sketch.quantile(1.0, 0, 1000) == 1000);
  DurationSketch one;
  one.add(123456789);
  CHECK(one.quantile(0.5, 123456789, 123456789) == 123456789);
}

TEST_CASE("sketch: merging any split gives the same bins as one pass", "[sketch]") {
  std::mt19937_64 rng(11);
  std::vector<int64_t> values;
  for (int i = 0; i < 50000; ++i) values.push_back(static_cast<int64_t>(rng() % 3'000'000'000));
  DurationSketch whole;
  whole.add(values);
  DurationSketch a, b, c;
  for (size_t i = 0; i < values.size(); ++i) (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(values[i]);
  c.merge(a);
  c.merge(b);
  for (double p : {0.5, 0.9, 0.95, 0.99})
    CHECK(c.quantile(p, 0, 3'000'000'000) == whole.quantile(p, 0, 3'000'000'000));
  CHECK(c.count() == whole.count());
}

TEST_CASE("sketch: memory does not grow with the count", "[sketch]") {
  DurationSketch sketch;
  for (int64_t i = 1; i <= 2'000'000; ++i) sketch.add(i * 997 % 10'000'000'000 + 1);
  CHECK(sketch.memory_bytes() < 32 * 1024);
}
