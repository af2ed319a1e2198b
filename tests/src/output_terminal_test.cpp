#include <string>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "src/output/terminal.h"

using namespace trace::output;

TEST_CASE("terminal: --color always and never ignore the terminal and NO_COLOR", "[output]") {
  CHECK(decide_color(ColorMode::kAlways, false, "1", "dumb"));
  CHECK_FALSE(decide_color(ColorMode::kNever, true, nullptr, "xterm"));
}

TEST_CASE("terminal: --color auto colours only a terminal without NO_COLOR", "[output]") {
  CHECK(decide_color(ColorMode::kAuto, true, nullptr, "xterm-256color"));
  CHECK(decide_color(ColorMode::kAuto, true, "", "xterm"));  // empty NO_COLOR is unset
  CHECK(decide_color(ColorMode::kAuto, true, nullptr, nullptr));
  CHECK_FALSE(decide_color(ColorMode::kAuto, false, nullptr, "xterm"));
  CHECK_FALSE(decide_color(ColorMode::kAuto, true, "1", "xterm"));
  CHECK_FALSE(decide_color(ColorMode::kAuto, true, nullptr, "dumb"));
}

TEST_CASE("terminal: --color values parse, others are a usage error", "[output]") {
  CHECK(parse_color_mode("auto") == ColorMode::kAuto);
  CHECK(parse_color_mode("always") == ColorMode::kAlways);
  CHECK(parse_color_mode("never") == ColorMode::kNever);
  try {
    parse_color_mode("yes");
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) ==
          "--color: unknown value 'yes' (expected auto, always or never)");
  }
}
