// Whether output goes to a person: colour decisions (--color, NO_COLOR) in one place.
#pragma once

#include <cstdint>
#include <string_view>

namespace trace::output {

enum class ColorMode : uint8_t { kAuto, kAlways, kNever };

// "auto", "always", "never". Throws UsageError:
// "--color: unknown value 'x' (expected auto, always or never)".
ColorMode parse_color_mode(std::string_view text);

bool stdout_is_tty();
bool stderr_is_tty();

// always: yes; never: no; auto: only when stdout is a terminal, NO_COLOR is unset or
// empty (no-color.org), and TERM is not "dumb". An explicit --color=always wins over
// NO_COLOR, as no-color.org allows for a user's explicit choice.
bool color_enabled(ColorMode mode);

// The same decision on given facts (for tests). A null env pointer means unset.
bool decide_color(ColorMode mode, bool is_tty, const char* no_color, const char* term);

}  // namespace trace::output
