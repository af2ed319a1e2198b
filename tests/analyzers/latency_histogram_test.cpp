// Latency histograms: the 1-2-5 buckets, the spans counted (as trace stats counts them),
// groups of several key parts, and the merge law.
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include "analyzers/latency_histogram.h"

using trace::histogram_bucket;
using trace::LatencyHistogram;
using trace::Span;

namespace {

void add(LatencyHistogram& h, std::string_view name, int64_t duration, std::string_view service = "api",
         uint8_t flags = 0) {
  Span span;
  span.name = name;
  span.service = service;
  span.duration_ns = duration;
  span.flags = flags;
  h.on_span(span);
}

std::vector<uint64_t> nonzero(const trace::output::Histogram& h) {
  std::vector<uint64_t> out;  // bucket, count pairs
  for (size_t i = 0; i < h.counts.size(); ++i)
    if (h.counts[i] > 0) out.insert(out.end(), {i, h.counts[i]});
  return out;
}

}  // namespace

TEST_CASE("latency histogram: buckets follow 1-2-5 steps from 0 to INT64_MAX", "[histogram]") {
  CHECK(histogram_bucket(0) == 0);
  CHECK(histogram_bucket(1) == 0);
  CHECK(histogram_bucket(2) == 1);
  CHECK(histogram_bucket(4) == 1);
  CHECK(histogram_bucket(5) == 2);
  CHECK(histogram_bucket(9) == 2);
  CHECK(histogram_bucket(10) == 3);
  CHECK(histogram_bucket(19) == 3);
  CHECK(histogram_bucket(20) == 4);
  CHECK(histogram_bucket(999'999) == 17);
  CHECK(histogram_bucket(1'000'000) == 18);  // 1 ms
  CHECK(histogram_bucket(std::numeric_limits<int64_t>::max()) == 56);
  const auto& bounds = trace::histogram_bounds();
  CHECK(bounds.size() == 58);
  CHECK(bounds[18] == 1'000'000);
  CHECK(bounds[56] == 5'000'000'000'000'000'000);
  CHECK(bounds[57] == std::numeric_limits<int64_t>::max());
}

TEST_CASE("latency histogram: instants, unfinished spans and spans without a duration are not counted",
          "[histogram]") {
  LatencyHistogram h;
  add(h, "db", 3'000'000);
  add(h, "db", 4'000'000);
  add(h, "db", 12'000'000);
  add(h, "db", 0, "api", trace::kSpanInstant);
  add(h, "db", 5'000'000, "api", trace::kSpanIncomplete);
  add(h, "db", -1);
  CHECK(nonzero(h.histogram({"db"})) == std::vector<uint64_t>{19, 2, 21, 1});  // [2 ms, 5 ms), [10 ms, 20 ms)
  CHECK(h.histogram({"db"}).total() == 3);
  CHECK(h.histogram({"nope"}).total() == 0);
  CHECK(h.histogram({"db"}).bounds.size() == 58);
}

TEST_CASE("latency histogram: a key of several parts is looked up by its parts", "[histogram]") {
  LatencyHistogram h(trace::parse_group_key_spec("service,name"));
  add(h, "db", 30, "api");
  add(h, "db", 70, "web");
  add(h, "db", 71, "web");
  CHECK(nonzero(h.histogram({"api", "db"})) == std::vector<uint64_t>{4, 1});
  CHECK(nonzero(h.histogram({"web", "db"})) == std::vector<uint64_t>{5, 2});
  CHECK(h.histogram({"db", "web"}).total() == 0);
}

TEST_CASE("latency histogram: merging splits gives the same counts", "[histogram]") {
  LatencyHistogram a, b, whole;
  for (int i = 0; i < 100; ++i) {
    add(i % 3 == 0 ? a : b, i % 2 ? "x" : "y", i * 1000);
    add(whole, i % 2 ? "x" : "y", i * 1000);
  }
  a.merge(b);
  CHECK(a.histogram({"x"}).counts == whole.histogram({"x"}).counts);
  CHECK(a.histogram({"y"}).counts == whole.histogram({"y"}).counts);
  CHECK(b.group_count() == 0);
}
