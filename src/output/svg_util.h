// Small helpers the SVG renderers share (internal to src/output/svg_*.cpp).
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace trace::output::svg {

// A coordinate with one decimal: short, and precise enough at screen resolution.
inline void append_number(double value, std::string& out) { fmt::format_to(std::back_inserter(out), "{:.1f}", value); }

// The tick step of a time axis of `span_ns`: 1, 2 or 5 x 10^k ns, about `ticks` of them.
inline int64_t tick_step(int64_t span_ns, int ticks) {
  int64_t raw = span_ns / (ticks > 0 ? ticks : 1);
  int64_t step = 1;
  while (step < raw) {
    if (step * 2 >= raw) return step * 2;
    if (step * 5 >= raw) return step * 5;
    if (step > INT64_MAX / 10) return step;
    step *= 10;
  }
  return step;
}

// A small, stable hash of a name, for choosing its colour.
inline uint32_t name_hash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

}  // namespace trace::output::svg
