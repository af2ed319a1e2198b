#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "src/output/units.h"

using namespace trace::output;

TEST_CASE("units: durations under a microsecond are whole nanoseconds", "[output]") {
  CHECK(format_duration_ns(0) == "0 ns");
  CHECK(format_duration_ns(950) == "950 ns");
  CHECK(format_duration_ns(999) == "999 ns");
}

TEST_CASE("units: durations keep three significant digits", "[output]") {
  CHECK(format_duration_ns(1000) == "1.00 µs");
  CHECK(format_duration_ns(12'345) == "12.3 µs");
  CHECK(format_duration_ns(830'000'000) == "830 ms");
  CHECK(format_duration_ns(1'250'000'000) == "1.25 s");
  CHECK(format_duration_ns(99'010'000) == "99.0 ms");
}

TEST_CASE("units: duration halves round up on the exact integer", "[output]") {
  CHECK(format_duration_ns(1255) == "1.26 µs");
  CHECK(format_duration_ns(1254) == "1.25 µs");
  CHECK(format_duration_ns(95'050'000) == "95.1 ms");
}

TEST_CASE("units: a duration rounding up to 1000 moves to the next unit", "[output]") {
  CHECK(format_duration_ns(999'499) == "999 µs");
  CHECK(format_duration_ns(999'500) == "1.00 ms");
  CHECK(format_duration_ns(9'995) == "10.0 µs");
  CHECK(format_duration_ns(999'500'000) == "1.00 s");
}

TEST_CASE("units: from 1000 s on, durations are whole seconds", "[output]") {
  CHECK(format_duration_ns(999'400'000'000) == "999 s");
  CHECK(format_duration_ns(999'500'000'000) == "1000 s");
  CHECK(format_duration_ns(3'600'000'000'000) == "3600 s");
  CHECK(format_duration_ns(std::numeric_limits<int64_t>::max()) == "9223372037 s");
}

TEST_CASE("units: negative durations carry a sign", "[output]") {
  CHECK(format_duration_ns(-1500) == "-1.50 µs");
  CHECK(format_duration_ns(-7) == "-7 ns");
  CHECK(format_duration_ns(std::numeric_limits<int64_t>::min()) == "-9223372037 s");
}

TEST_CASE("units: ratios are percentages with one decimal", "[output]") {
  CHECK(format_ratio(0.125) == "12.5%");
  CHECK(format_ratio(0) == "0.0%");
  CHECK(format_ratio(-0.0) == "0.0%");
  CHECK(format_ratio(1) == "100.0%");
  CHECK(format_ratio(1.0 / 3) == "33.3%");
  CHECK(format_ratio(std::nan("")) == "-");
}

TEST_CASE("units: counts have no separators", "[output]") {
  CHECK(format_count(0) == "0");
  CHECK(format_count(1'234'567) == "1234567");
  CHECK(format_count(-3) == "-3");
}

TEST_CASE("units: bytes use binary units", "[output]") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1024) == "1.00 KiB");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(12'897'485) == "12.3 MiB");
  CHECK(format_bytes(int64_t{1} << 30) == "1.00 GiB");
  CHECK(format_bytes(int64_t{500} << 30) == "500 GiB");
}

TEST_CASE("units: costs in dollars, four decimals under a dollar", "[output]") {
  CHECK(format_cost_usd(1.234) == "$1.23");
  CHECK(format_cost_usd(12.5) == "$12.50");
  CHECK(format_cost_usd(0.0042) == "$0.0042");
  CHECK(format_cost_usd(0) == "$0.0000");
  CHECK(format_cost_usd(-0.5) == "-$0.5000");
}

TEST_CASE("units: timestamps are RFC 3339 UTC with milliseconds", "[output]") {
  CHECK(format_timestamp_ns(1'705'314'600'123'456'789) == "2024-01-15T10:30:00.123Z");
  CHECK(format_timestamp_ns(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_timestamp_ns(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_timestamp_ns(951'782'400'000'000'000) == "2000-02-29T00:00:00.000Z");
}
