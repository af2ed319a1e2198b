#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "src/time.h"

using trace::decimal_to_ns;
using trace::epoch_number_to_ns;
using trace::epoch_text_to_ns;
using trace::parse_duration_ns;
using trace::parse_timestamp_ns;
using trace::seconds_to_ns;

namespace {

constexpr int64_t k20250115T1030Z = 1736937000000000000;  // 2025-01-15T10:30:00Z

}  // namespace

// ---- parse_timestamp_ns ------------------------------------------------------------

TEST_CASE("time: ISO timestamp with Z is ns since the epoch", "[time]") {
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00Z") == k20250115T1030Z);
  CHECK(parse_timestamp_ns("2025-01-15t10:30:00z") == k20250115T1030Z);
  CHECK(parse_timestamp_ns("1970-01-01T00:00:00Z") == 0);
}

TEST_CASE("time: ISO timestamp without a zone is read as UTC", "[time]") {
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00") == k20250115T1030Z);
}

TEST_CASE("time: Python asctime with a space and a comma fraction", "[time]") {
  CHECK(parse_timestamp_ns("2025-01-15 10:30:00,123") == k20250115T1030Z + 123000000);
}

TEST_CASE("time: fractions of 1 to 9 digits scale to ns", "[time]") {
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.1Z") == k20250115T1030Z + 100000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.12Z") == k20250115T1030Z + 120000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.123Z") == k20250115T1030Z + 123000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.1234Z") == k20250115T1030Z + 123400000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.12345Z") == k20250115T1030Z + 123450000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.123456Z") == k20250115T1030Z + 123456000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.1234567Z") == k20250115T1030Z + 123456700);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.12345678Z") == k20250115T1030Z + 123456780);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.123456789Z") == k20250115T1030Z + 123456789);
}

TEST_CASE("time: fraction digits past the 9th are dropped, not rounded", "[time]") {
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.1234567899999Z") == k20250115T1030Z + 123456789);
}

TEST_CASE("time: zone offsets are subtracted to get UTC", "[time]") {
  // 10:30 at +01:00 is 09:30 UTC; 10:30 at -05:30 is 16:00 UTC.
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00+01:00") == 1736933400000000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00+0100") == 1736933400000000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00+01") == 1736933400000000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00-05:30") == 1736956800000000000);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00+00:00") == k20250115T1030Z);
  CHECK(parse_timestamp_ns("2025-01-15T10:30:00.123456789+01:00") == 1736933400123456789);
}

TEST_CASE("time: leap days exist only in leap years", "[time]") {
  CHECK(parse_timestamp_ns("2024-02-29T00:00:00Z") == 1709164800000000000);
  CHECK(parse_timestamp_ns("2000-02-29T12:00:00Z") == 951825600000000000);  // divisible by 400
  CHECK(parse_timestamp_ns("2023-02-29T00:00:00Z") == std::nullopt);
  CHECK(parse_timestamp_ns("2100-02-29T00:00:00Z") == std::nullopt);  // divisible by 100
  CHECK(parse_timestamp_ns("2100-03-01T00:00:00Z") == 4107542400000000000);
}

TEST_CASE("time: dates before the epoch are negative", "[time]") {
  CHECK(parse_timestamp_ns("1969-12-31T23:59:59Z") == -1000000000);
  CHECK(parse_timestamp_ns("1969-12-31T23:59:59.5Z") == -500000000);
}

TEST_CASE("time: a leap second rolls into the next minute", "[time]") {
  CHECK(parse_timestamp_ns("2016-12-31T23:59:60Z") == parse_timestamp_ns("2017-01-01T00:00:00Z"));
}

TEST_CASE("time: the int64 ns range ends in 2262 and 1677", "[time]") {
  CHECK(parse_timestamp_ns("2262-04-11T23:47:16.854775807Z") == std::numeric_limits<int64_t>::max());
  CHECK(parse_timestamp_ns("2262-04-11T23:47:16.854775808Z") == std::nullopt);
  CHECK(parse_timestamp_ns("1677-09-21T00:12:43.145224192Z") == std::numeric_limits<int64_t>::min());
  CHECK(parse_timestamp_ns("1677-09-21T00:12:43.145224191Z") == std::nullopt);
  CHECK(parse_timestamp_ns("9999-12-31T23:59:59Z") == std::nullopt);
}

TEST_CASE("time: malformed timestamps are nullopt", "[time]") {
  const char* bad[] = {
      "",
      "2025-01-15",                    // a date without a time
      "2025-01-15T10:30",              // no seconds
      "2025-01-15T10:30:00.",          // a fraction without digits
      "2025-01-15T10:30:00Zjunk",      // trailing bytes
      "2025-01-15T10:30:00 ",          // trailing space
      "2025-01-15T10:30:00+1",         // one-digit offset
      "2025-01-15T10:30:00+01:0",      // one-digit offset minutes
      "2025-01-15T10:30:00+24:00",     // offset hours out of range
      "2025-01-15T10:30:00UTC",        // zone names are not ISO 8601
      "2025-13-01T00:00:00Z",          // month 13
      "2025-00-01T00:00:00Z",          // month 0
      "2025-04-31T00:00:00Z",          // April has 30 days
      "2025-01-00T00:00:00Z",          // day 0
      "2025-01-15T24:00:00Z",          // hour 24
      "2025-01-15T10:60:00Z",          // minute 60
      "2025-01-15T10:30:61Z",          // second 61
      "2025/01/15T10:30:00Z",          // wrong separators
      "2025-01-15X10:30:00Z",          // wrong date/time separator
      "25-01-15T10:30:00Z",            // two-digit year
      "2025-1-15T10:30:00Z",           // one-digit month
      "1736937000",                    // an epoch number is not a timestamp
      "Wed, 15 Jan 2025 10:30:00 GMT"  // RFC 1123
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK(parse_timestamp_ns(text) == std::nullopt);
  }
}

// ---- epoch numbers ------------------------------------------------------------------

TEST_CASE("time: epoch numbers pick their unit by magnitude", "[time]") {
  CHECK(epoch_number_to_ns(1736937000.0) == k20250115T1030Z);       // s
  CHECK(epoch_number_to_ns(1736937000123.0) == k20250115T1030Z + 123000000);  // ms
  CHECK(epoch_number_to_ns(1736937000123456.0) == k20250115T1030Z + 123456000);  // us
  CHECK(epoch_number_to_ns(1736937000123456789.0) == 1736937000123456768);  // ns, as the double holds it
  CHECK(epoch_number_to_ns(0.0) == 0);
  CHECK(epoch_number_to_ns(1.5) == 1500000000);
}

TEST_CASE("time: epoch number magnitude boundaries", "[time]") {
  CHECK(epoch_number_to_ns(5e10) == std::numeric_limits<int64_t>::max());  // seconds, past 2262
  CHECK(epoch_number_to_ns(1e11) == 100000000000000000);  // 1e11 ms
  CHECK(epoch_number_to_ns(1e14) == 100000000000000000);  // 1e14 us
  CHECK(epoch_number_to_ns(1e17) == 100000000000000000);  // 1e17 ns
  CHECK(epoch_number_to_ns(std::nan("")) == 0);
  CHECK(epoch_number_to_ns(1e19) == std::numeric_limits<int64_t>::max());
}

TEST_CASE("time: epoch text converts exactly by magnitude", "[time]") {
  CHECK(epoch_text_to_ns("1736937000") == k20250115T1030Z);
  CHECK(epoch_text_to_ns("1736937000.123456") == k20250115T1030Z + 123456000);  // zap's ts
  CHECK(epoch_text_to_ns("1736937000123") == k20250115T1030Z + 123000000);      // pino's time
  CHECK(epoch_text_to_ns("1736937000123.5") == k20250115T1030Z + 123500000);
  CHECK(epoch_text_to_ns("1736937000123456") == k20250115T1030Z + 123456000);
  CHECK(epoch_text_to_ns("1736937000123456789") == 1736937000123456789);
  CHECK(epoch_text_to_ns("1.736937e9") == 1736937000000000000);
  CHECK(epoch_text_to_ns("0") == 0);
  CHECK(epoch_text_to_ns("-1.5") == -1500000000);
}

TEST_CASE("time: epoch text that is not a number is nullopt", "[time]") {
  CHECK(epoch_text_to_ns("") == std::nullopt);
  CHECK(epoch_text_to_ns("abc") == std::nullopt);
  CHECK(epoch_text_to_ns("1.") == std::nullopt);
  CHECK(epoch_text_to_ns(".5") == std::nullopt);
  CHECK(epoch_text_to_ns("+5") == std::nullopt);
  CHECK(epoch_text_to_ns("1e") == std::nullopt);
  CHECK(epoch_text_to_ns("12 ") == std::nullopt);
  CHECK(epoch_text_to_ns("99999999999999999999999") == std::nullopt);  // past int64 ns
}

TEST_CASE("time: decimal_to_ns reads a plain decimal as it reads the same number with an exponent", "[time]") {
  // Plain decimals of up to 19 characters take a 64-bit path; with an exponent, the
  // 128-bit one. Both must agree to the ns, rounding included.
  std::mt19937_64 random(99);
  const int64_t units[] = {1, trace::kNsPerUs, trace::kNsPerMs, trace::kNsPerSecond, 60 * trace::kNsPerSecond};
  for (int i = 0; i < 20000; ++i) {
    std::string digits = std::to_string(random() % 10000000000000000000ULL);
    digits.resize(1 + random() % digits.size());
    size_t fraction = random() % (digits.size() + 1);
    std::string plain = digits;
    if (fraction > 0 && fraction < digits.size()) plain.insert(digits.size() - fraction, ".");
    else fraction = 0;
    std::string sign = random() % 4 == 0 ? "-" : "";
    std::string with_exponent = sign + digits + "e-" + std::to_string(fraction);
    int64_t unit = units[random() % std::size(units)];
    INFO(sign + plain << " unit " << unit);
    CHECK(decimal_to_ns(sign + plain, unit) == decimal_to_ns(with_exponent, unit));
  }
}

TEST_CASE("time: decimal_to_ns is exact and rounds half away from zero", "[time]") {
  CHECK(decimal_to_ns("1.234", trace::kNsPerSecond) == 1234000000);
  CHECK(decimal_to_ns("812", trace::kNsPerMs) == 812000000);
  CHECK(decimal_to_ns("0.0005", trace::kNsPerUs) == 1);   // 0.5 ns -> 1
  CHECK(decimal_to_ns("0.0004", trace::kNsPerUs) == 0);   // 0.4 ns -> 0
  CHECK(decimal_to_ns("-0.0005", trace::kNsPerUs) == -1);
  CHECK(decimal_to_ns("1.5e3", trace::kNsPerMs) == 1500000000);
  CHECK(decimal_to_ns("15E-1", trace::kNsPerSecond) == 1500000000);
  CHECK(decimal_to_ns("0.1", trace::kNsPerSecond) == 100000000);
  CHECK(decimal_to_ns("30", 1) == 30);
  CHECK(decimal_to_ns("9223372036.854775807", trace::kNsPerSecond) == std::numeric_limits<int64_t>::max());
  CHECK(decimal_to_ns("9223372036.854775808", trace::kNsPerSecond) == std::nullopt);
  CHECK(decimal_to_ns("1", 0) == std::nullopt);
}

// ---- durations ------------------------------------------------------------------------

TEST_CASE("time: durations take every unit", "[time]") {
  CHECK(parse_duration_ns("500ns") == 500);
  CHECK(parse_duration_ns("200us") == 200000);
  CHECK(parse_duration_ns("200\xC2\xB5s") == 200000);  // micro sign
  CHECK(parse_duration_ns("200\xCE\xBCs") == 200000);  // Greek mu
  CHECK(parse_duration_ns("250ms") == 250000000);
  CHECK(parse_duration_ns("1.5s") == 1500000000);
  CHECK(parse_duration_ns("2m") == 120000000000);
  CHECK(parse_duration_ns("1h") == 3600000000000);
  CHECK(parse_duration_ns("0s") == 0);
}

TEST_CASE("time: duration fractions are exact", "[time]") {
  CHECK(parse_duration_ns("0.1s") == 100000000);
  CHECK(parse_duration_ns("1.234567891s") == 1234567891);
  CHECK(parse_duration_ns("0.5ns") == 1);  // half rounds up
  CHECK(parse_duration_ns("2.5ms") == 2500000);
  CHECK(parse_duration_ns("0.25h") == 900000000000);
}

TEST_CASE("time: Go compound durations add up", "[time]") {
  CHECK(parse_duration_ns("1h30m") == 5400000000000);
  CHECK(parse_duration_ns("1m30.5s") == 90500000000);
  CHECK(parse_duration_ns("1s250ms") == 1250000000);
}

TEST_CASE("time: malformed durations are nullopt", "[time]") {
  const char* bad[] = {"", "250", "1.5", "ms", "s", "-5ms", "+5ms", "5 ms", " 5ms", "5ms ", "5sec",
                       "5d", "5MS", ".5s", "5.s", "1.2.3s", "5m5", "abc", "1h30"};
  for (const char* text : bad) {
    INFO(text);
    CHECK(parse_duration_ns(text) == std::nullopt);
  }
}

// ---- seconds_to_ns -------------------------------------------------------------------

TEST_CASE("time: seconds_to_ns rounds to the nearest ns", "[time]") {
  CHECK(seconds_to_ns(1.5) == 1500000000);
  CHECK(seconds_to_ns(0.0000000004) == 0);
  CHECK(seconds_to_ns(0.0000000006) == 1);
  CHECK(seconds_to_ns(-2.25) == -2250000000);
  CHECK(seconds_to_ns(1736937000.5) == k20250115T1030Z + 500000000);
  // The double nearest to 1736937000.123456 is 1736937000.12345600128...: ns of the double.
  CHECK(seconds_to_ns(1736937000.123456) == k20250115T1030Z + 123456001);
  CHECK(seconds_to_ns(std::nan("")) == 0);
  CHECK(seconds_to_ns(1e12) == std::numeric_limits<int64_t>::max());
  CHECK(seconds_to_ns(-1e12) == std::numeric_limits<int64_t>::min());
}

TEST_CASE("time: a TimestampParser gives parse_timestamp_ns's answer for a stream of timestamps", "[time]") {
  // Repeated prefixes with other fractions and zones, a bad one after a good prefix,
  // and a new prefix after a bad one.
  const std::vector<std::string> stream = {
      "2025-01-15T08:00:01.025615Z", "2025-01-15T08:00:01.5Z",    "2025-01-15T08:00:01+02:00",
      "2025-01-15T08:00:01",         "2025-01-15T08:00:01.Z",     "2025-01-15T08:00:01.9x",
      "2025-01-15T08:00:02.000001Z", "2025-02-30T08:00:02Z",      "2025-01-15T08:00:02-05:30",
      "1969-12-31T23:59:59.5Z",      "1969-12-31T23:59:59.5Z",    "2025-01-15 08:00:01,123",
      "short",                       "2025-01-15T08:00:01.025615Z"};
  trace::TimestampParser parser;
  for (const std::string& text : stream) {
    INFO(text);
    CHECK(parser.parse(text) == trace::parse_timestamp_ns(text));
  }
  trace::TimestampParser again;
  CHECK(again.parse("2025-01-15T08:00:01.5Z") == 1736928001500000000);
  CHECK(again.parse("2025-01-15T08:00:01.5+01:00") == 1736924401500000000);
  CHECK(again.parse("2025-01-15T08:00:01.5Q") == std::nullopt);
}
