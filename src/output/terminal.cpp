#include "src/output/terminal.h"

#include <cstdlib>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

#include "src/errors.h"

namespace trace::output {

ColorMode parse_color_mode(std::string_view text) {
  if (text == "auto") return ColorMode::kAuto;
  if (text == "always") return ColorMode::kAlways;
  if (text == "never") return ColorMode::kNever;
  throw UsageError(
      fmt::format("--color: unknown value '{}' (expected auto, always or never)", text));
}

bool stdout_is_tty() { return isatty(STDOUT_FILENO) == 1; }

bool stderr_is_tty() { return isatty(STDERR_FILENO) == 1; }

bool decide_color(ColorMode mode, bool is_tty, const char* no_color, const char* term) {
  switch (mode) {
    case ColorMode::kAlways: return true;
    case ColorMode::kNever: return false;
    case ColorMode::kAuto: break;
  }
  if (!is_tty) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return true;
}

bool color_enabled(ColorMode mode) {
  return decide_color(mode, stdout_is_tty(), std::getenv("NO_COLOR"), std::getenv("TERM"));
}

}  // namespace trace::output
