// Human-readable numbers: the one place that decides how durations, ratios, counts,
// sizes, costs and timestamps look in tables. Machine formats (JSON, CSV) never use
// these; they carry raw integers and numbers.
#pragma once

#include <cstdint>
#include <string>

namespace trace::output {

// Three significant digits in the largest unit that keeps the number >= 1:
// "950 ns", "12.3 µs", "830 ms", "1.25 s" (trailing zeros kept: "1.00 s", so columns
// read evenly). Rounding is half up on the exact integer; a value that rounds up to 1000
// of a unit moves to the next ("1.00 ms", not "1000 µs"). From 1000 s on, whole seconds.
void append_duration_ns(int64_t ns, std::string& out);
std::string format_duration_ns(int64_t ns);

// A fraction as a percentage with one decimal: 0.125 -> "12.5%". NaN -> "-".
void append_ratio(double ratio, std::string& out);
std::string format_ratio(double ratio);

// Plain decimal, no separators (copy-paste safe): 1234567 -> "1234567".
void append_count(int64_t count, std::string& out);
std::string format_count(int64_t count);

// Binary units with three significant digits: "512 B", "1.50 KiB", "12.3 MiB", "1.00 GiB".
void append_bytes(int64_t bytes, std::string& out);
std::string format_bytes(int64_t bytes);

// US dollars: "$1.23" from one dollar on, "$0.0042" below (four decimals, where LLM
// call costs live).
void append_cost_usd(double usd, std::string& out);
std::string format_cost_usd(double usd);

// UTC, millisecond precision, RFC 3339: "2024-01-15T10:30:00.123Z".
void append_timestamp_ns(int64_t ns, std::string& out);
std::string format_timestamp_ns(int64_t ns);

}  // namespace trace::output
