#include "src/output/units.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace trace::output {

namespace {

template <class... Args>
void append(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

int decimal_digits(uint64_t n) {
  int digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return digits;
}

uint64_t pow10(int e) {
  uint64_t p = 1;
  while (e-- > 0) p *= 10;
  return p;
}

uint64_t magnitude(int64_t n) {
  // Negating in unsigned arithmetic keeps INT64_MIN representable.
  return n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
}

}  // namespace

void append_duration_ns(int64_t ns, std::string& out) {
  if (ns < 0) out += '-';
  uint64_t a = magnitude(ns);
  if (a < 1000) {
    append(out, "{} ns", a);
    return;
  }
  // Round to three significant digits on the integer, so that halves round the same way
  // whatever the binary value of a scaled double would be.
  int digits = decimal_digits(a);
  uint64_t divisor = pow10(digits - 3);
  uint64_t r = (a + divisor / 2) / divisor;
  if (r == 1000) {
    r = 100;
    ++digits;
  }
  if (digits > 12) {
    append(out, "{} s", (a + 500'000'000) / 1'000'000'000);
    return;
  }
  static constexpr const char* kUnits[] = {"µs", "ms", "s"};
  const char* unit = kUnits[(digits - 4) / 3];
  int int_digits = (digits - 4) % 3 + 1;
  uint64_t scale = pow10(3 - int_digits);
  if (int_digits == 3)
    append(out, "{} {}", r, unit);
  else
    append(out, "{}.{:0{}} {}", r / scale, r % scale, 3 - int_digits, unit);
}

std::string format_duration_ns(int64_t ns) {
  std::string s;
  append_duration_ns(ns, s);
  return s;
}

void append_ratio(double ratio, std::string& out) {
  if (std::isnan(ratio)) {
    out += '-';
    return;
  }
  double percent = ratio * 100;
  if (percent == 0) percent = 0;  // no "-0.0%"
  append(out, "{:.1f}%", percent);
}

std::string format_ratio(double ratio) {
  std::string s;
  append_ratio(ratio, s);
  return s;
}

void append_count(int64_t count, std::string& out) { append(out, "{}", count); }

std::string format_count(int64_t count) {
  std::string s;
  append_count(count, s);
  return s;
}

void append_bytes(int64_t bytes, std::string& out) {
  if (bytes < 0) out += '-';
  uint64_t a = magnitude(bytes);
  if (a < 1024) {
    append(out, "{} B", a);
    return;
  }
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(a) / 1024;
  int unit = 0;
  while (v >= 1024 && unit + 1 < static_cast<int>(std::size(kUnits))) {
    v /= 1024;
    ++unit;
  }
  int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
  append(out, "{:.{}f} {}", v, decimals, kUnits[unit]);
}

std::string format_bytes(int64_t bytes) {
  std::string s;
  append_bytes(bytes, s);
  return s;
}

void append_cost_usd(double usd, std::string& out) {
  if (std::isnan(usd)) {
    out += '-';
    return;
  }
  if (usd < 0) out += '-';
  double a = std::fabs(usd);
  append(out, "${:.{}f}", a, a >= 1 ? 2 : 4);
}

std::string format_cost_usd(double usd) {
  std::string s;
  append_cost_usd(usd, s);
  return s;
}

void append_timestamp_ns(int64_t ns, std::string& out) {
  // Floor division, so instants before 1970 land in the right second.
  int64_t ms = ns / 1'000'000 - (ns % 1'000'000 < 0 ? 1 : 0);
  int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  int64_t milli = ms - secs * 1000;
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  int64_t sod = secs - days * 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  append(out, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, month, day, sod / 3600,
         sod / 60 % 60, sod % 60, milli);
}

std::string format_timestamp_ns(int64_t ns) {
  std::string s;
  append_timestamp_ns(ns, s);
  return s;
}

}  // namespace trace::output
