#include "src/time.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace trace {

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Two digits at p as a number, or -1. Callers have checked that both bytes exist.
inline int two_digits(const char* p) {
  unsigned tens = static_cast<unsigned char>(p[0]) - '0';
  unsigned ones = static_cast<unsigned char>(p[1]) - '0';
  return tens > 9 || ones > 9 ? -1 : static_cast<int>(tens * 10 + ones);
}

bool is_leap_year(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil:
// eras of 400 years, years starting in March so the leap day is the last of the year).
int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int64_t saturate(__int128 ns) {
  if (ns > kInt64Max) return kInt64Max;
  if (ns < kInt64Min) return kInt64Min;
  return static_cast<int64_t>(ns);
}

__int128 pow10(int exponent) {
  __int128 value = 1;
  while (exponent-- > 0) value *= 10;
  return value;
}

// The unit (in ns) an epoch number of this magnitude is counted in.
int64_t epoch_unit_ns(double magnitude) {
  if (magnitude < 1e11) return kNsPerSecond;
  if (magnitude < 1e14) return kNsPerMs;
  if (magnitude < 1e17) return kNsPerUs;
  return 1;
}

// A decimal number split into digits and a power of ten: value = mantissa * 10^exponent.
struct Decimal {
  bool negative = false;
  __int128 mantissa = 0;
  int64_t exponent = 0;
};

// Parses JSON number syntax (a leading '+' is not JSON and is rejected). Digits past the
// 24th significant one are dropped: they are far below a nanosecond for any value that fits.
std::optional<Decimal> parse_decimal(std::string_view text) {
  constexpr int kMaxDigits = 24;
  Decimal d;
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') d.negative = true, ++pos;
  int significant = 0;
  auto take_digit = [&](char c, bool fraction) {
    if (significant < kMaxDigits) {
      if (d.mantissa != 0 || c != '0') ++significant;
      d.mantissa = d.mantissa * 10 + (c - '0');
      if (fraction) --d.exponent;
    } else if (!fraction) {
      ++d.exponent;
    }
  };
  size_t int_start = pos;
  while (pos < text.size() && is_digit(text[pos])) take_digit(text[pos++], false);
  if (pos == int_start) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    size_t frac_start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) take_digit(text[pos++], true);
    if (pos == frac_start) return std::nullopt;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative_exp = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative_exp = text[pos++] == '-';
    size_t exp_start = pos;
    int64_t exp = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (exp < 100000) exp = exp * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == exp_start) return std::nullopt;
    d.exponent += negative_exp ? -exp : exp;
  }
  if (pos != text.size()) return std::nullopt;
  return d;
}

// mantissa * 10^exponent * unit_ns, rounded half away from zero. With at most 24
// mantissa digits and unit_ns <= 1e13, mantissa * unit_ns fits in 128 bits.
std::optional<int64_t> scale_decimal(const Decimal& d, int64_t unit_ns) {
  if (d.mantissa == 0) return 0;
  if (unit_ns <= 0 || unit_ns > 10'000'000'000'000) return std::nullopt;
  __int128 value = d.mantissa * unit_ns;
  if (d.exponent >= 0) {
    for (int64_t i = 0; i < d.exponent; ++i) {
      value *= 10;
      if (value > kInt64Max) return std::nullopt;
    }
  } else {
    if (-d.exponent > 38) return 0;
    __int128 divisor = pow10(static_cast<int>(-d.exponent));
    __int128 remainder = value % divisor;
    value /= divisor;
    if (remainder >= divisor - remainder) ++value;
  }
  if (value > kInt64Max) return std::nullopt;
  return static_cast<int64_t>(d.negative ? -value : value);
}

}  // namespace

namespace {

// "YYYY-MM-DDTHH:MM:SS" (the first 19 bytes of `p`) as seconds since the epoch in the
// timestamp's own zone, or nullopt. Straight-line digit reads.
std::optional<int64_t> civil_seconds(const char* p) {
  const int century = two_digits(p), year_of_century = two_digits(p + 2);
  const int month = two_digits(p + 5), day = two_digits(p + 8);
  const int hour = two_digits(p + 11), minute = two_digits(p + 14), second = two_digits(p + 17);
  if ((century | year_of_century | month | day | hour | minute | second) < 0) return std::nullopt;
  if (p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':') return std::nullopt;
  if (p[10] != 'T' && p[10] != 't' && p[10] != ' ') return std::nullopt;
  const int year = century * 100 + year_of_century;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // Years 0000-9999 keep seconds far inside int64.
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

// What follows the 19 bytes: fraction and zone, then the ns since the epoch.
std::optional<int64_t> finish_timestamp(std::string_view text, int64_t seconds) {
  const char* p = text.data();
  size_t pos = 19;
  int64_t fraction_ns = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    static constexpr int64_t kScale[] = {1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000,
                                         10'000,        1'000,       100,        10,        1};
    size_t start = ++pos;
    size_t digits_end = std::min(text.size(), start + 9);
    while (pos < digits_end && is_digit(text[pos])) fraction_ns = fraction_ns * 10 + (text[pos++] - '0');
    fraction_ns *= kScale[pos - start];
    while (pos < text.size() && is_digit(text[pos])) ++pos;  // past the 9th: dropped
    if (pos == start) return std::nullopt;
  }

  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
      ++pos;
    } else if (zone == '+' || zone == '-') {
      int offset_hours = 0, offset_minutes = 0;
      if (pos + 3 > text.size() || (offset_hours = two_digits(p + pos + 1)) < 0) return std::nullopt;
      pos += 3;
      if (pos < text.size()) {
        if (text[pos] == ':') ++pos;
        if (pos + 2 > text.size() || (offset_minutes = two_digits(p + pos)) < 0) return std::nullopt;
        pos += 2;
      }
      if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
      offset_seconds = (zone == '+' ? 1 : -1) * (offset_hours * 3600 + offset_minutes * 60);
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;

  seconds -= offset_seconds;
  if (seconds < 0 && fraction_ns > 0) {
    // Keep both parts negative so the product cannot overflow where the sum does not.
    seconds += 1;
    fraction_ns -= kNsPerSecond;
  }
  int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns) || __builtin_add_overflow(ns, fraction_ns, &ns))
    return std::nullopt;
  return ns;
}

}  // namespace

std::optional<int64_t> parse_timestamp_ns(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  std::optional<int64_t> seconds = civil_seconds(text.data());
  if (!seconds) return std::nullopt;
  return finish_timestamp(text, *seconds);
}

std::optional<int64_t> TimestampParser::parse(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  if (!valid_ || std::memcmp(text.data(), prefix_, sizeof prefix_) != 0) {
    std::optional<int64_t> seconds = civil_seconds(text.data());
    if (!seconds) return std::nullopt;
    std::memcpy(prefix_, text.data(), sizeof prefix_);
    prefix_seconds_ = *seconds;
    valid_ = true;
  }
  return finish_timestamp(text, prefix_seconds_);
}

int64_t epoch_number_to_ns(double value) {
  if (std::isnan(value)) return 0;
  if (std::fabs(value) >= 9.2e18) return value > 0 ? kInt64Max : kInt64Min;
  const int64_t unit_ns = epoch_unit_ns(std::fabs(value));
  // Whole units and the fraction apart: one double product would lose the low ns.
  double whole = std::trunc(value);
  double fraction = value - whole;
  return saturate(__int128(static_cast<int64_t>(whole)) * unit_ns +
                  std::llround(fraction * static_cast<double>(unit_ns)));
}

std::optional<int64_t> epoch_text_to_ns(std::string_view number) {
  std::optional<Decimal> d = parse_decimal(number);
  if (!d) return std::nullopt;
  // The magnitude only picks the unit; a double is precise enough for that.
  double magnitude = 0;
  const char* begin = number.data() + (d->negative ? 1 : 0);
  std::from_chars(begin, number.data() + number.size(), magnitude);
  return scale_decimal(*d, epoch_unit_ns(magnitude));
}

namespace {

// decimal_to_ns for the usual duration ("812.5", "42"): at most 19 digits, no exponent,
// and a result below 2^63 before the division, so 64-bit arithmetic is exact. Returns
// nullopt when the number is not of that shape (the general path then decides).
std::optional<int64_t> short_decimal_to_ns(std::string_view number, int64_t unit_ns) {
  static constexpr std::array<uint64_t, 20> kPowersOfTen = [] {
    std::array<uint64_t, 20> powers{};
    powers[0] = 1;
    for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  const char* p = number.data();
  const size_t size = number.size();
  if (size == 0 || size > 19 || unit_ns <= 0) return std::nullopt;
  const bool negative = p[0] == '-';
  size_t pos = negative ? 1 : 0;
  uint64_t mantissa = 0;
  const size_t int_start = pos;
  while (pos < size && is_digit(p[pos])) mantissa = mantissa * 10 + static_cast<uint64_t>(p[pos++] - '0');
  if (pos == int_start) return std::nullopt;
  size_t fraction_digits = 0;
  if (pos < size && p[pos] == '.') {
    const size_t fraction_start = ++pos;
    while (pos < size && is_digit(p[pos])) mantissa = mantissa * 10 + static_cast<uint64_t>(p[pos++] - '0');
    fraction_digits = pos - fraction_start;
    if (fraction_digits == 0) return std::nullopt;
  }
  if (pos != size) return std::nullopt;  // an exponent, or not a number
  uint64_t scaled = 0;
  if (__builtin_mul_overflow(mantissa, static_cast<uint64_t>(unit_ns), &scaled) || scaled > uint64_t(kInt64Max))
    return std::nullopt;
  // Half away from zero, as scale_decimal. Durations have few decimals: a constant
  // divisor is a multiplication, a variable one a division of tens of cycles.
  auto divide = [scaled](uint64_t divisor) {
    uint64_t value = scaled / divisor;
    uint64_t rest = scaled % divisor;
    return rest >= divisor - rest ? value + 1 : value;
  };
  uint64_t value = 0;
  switch (fraction_digits) {
    case 0: value = scaled; break;
    case 1: value = divide(10); break;
    case 2: value = divide(100); break;
    case 3: value = divide(1000); break;
    default: value = divide(kPowersOfTen[fraction_digits]); break;
  }
  return negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

}  // namespace

std::optional<int64_t> decimal_to_ns(std::string_view number, int64_t unit_ns) {
  if (std::optional<int64_t> ns = short_decimal_to_ns(number, unit_ns)) return ns;
  std::optional<Decimal> d = parse_decimal(number);
  if (!d || unit_ns <= 0) return std::nullopt;
  return scale_decimal(*d, unit_ns);
}

std::optional<int64_t> parse_duration_ns(std::string_view text) {
  if (text.empty()) return std::nullopt;
  __int128 total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
    std::string_view number = text.substr(start, pos - start);
    // At least one digit, and not a lone '.'.
    if (number.empty() || number == "." || number.front() == '.' || number.back() == '.')
      return std::nullopt;

    std::string_view rest = text.substr(pos);
    int64_t unit_ns = 0;
    size_t unit_size = 0;
    if (rest.starts_with("ns")) unit_ns = 1, unit_size = 2;
    else if (rest.starts_with("us")) unit_ns = kNsPerUs, unit_size = 2;
    else if (rest.starts_with("\xC2\xB5s")) unit_ns = kNsPerUs, unit_size = 3;  // U+00B5 micro sign
    else if (rest.starts_with("\xCE\xBCs")) unit_ns = kNsPerUs, unit_size = 3;  // U+03BC Greek mu
    else if (rest.starts_with("ms")) unit_ns = kNsPerMs, unit_size = 2;
    else if (rest.starts_with("s")) unit_ns = kNsPerSecond, unit_size = 1;
    else if (rest.starts_with("m")) unit_ns = 60 * kNsPerSecond, unit_size = 1;
    else if (rest.starts_with("h")) unit_ns = 3600 * kNsPerSecond, unit_size = 1;
    else return std::nullopt;
    pos += unit_size;

    std::optional<int64_t> part = decimal_to_ns(number, unit_ns);
    if (!part) return std::nullopt;
    total += *part;
    if (total > kInt64Max) return std::nullopt;
  }
  return static_cast<int64_t>(total);
}

int64_t seconds_to_ns(double seconds) {
  if (std::isnan(seconds)) return 0;
  if (std::fabs(seconds) >= 9.3e9) return seconds > 0 ? kInt64Max : kInt64Min;
  // Whole seconds and the fraction apart: the product as one double would lose the ns
  // (a double near 1.7e18 is exact only to 256 ns).
  double whole = std::trunc(seconds);
  double fraction = seconds - whole;  // exact: both share the exponent range of `seconds`
  __int128 ns = __int128(static_cast<int64_t>(whole)) * kNsPerSecond + std::llround(fraction * 1e9);
  return saturate(ns);
}

}  // namespace trace
