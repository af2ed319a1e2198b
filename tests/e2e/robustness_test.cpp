// Inputs found by fuzzing (fuzz/regressions/): each once hung or crashed `trace`; now
// each must end promptly with a located error (exit 2), never a hang or a crash.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::run_shell;
using trace::testing::source_path;

TEST_CASE("robustness: every fuzzing regression ends with a located error, exit 2, or is skipped under --lenient",
          "[e2e][robustness]") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("fuzz/regressions"))) {
    std::string path = "fuzz/regressions/" + entry.path().filename().string();
    ++files;
    // timeout: a hang fails the test (exit 124) instead of stalling the suite.
    auto result = run_shell("timeout 10 \"$TRACE\" info '" + path + "'");
    INFO(path << "\nstderr: " << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind("trace: error: " + path + ":", 0) == 0);
    CHECK(result.out.empty());
    // --lenient skips what it cannot read and goes on; it must end too.
    auto lenient = run_shell("timeout 10 \"$TRACE\" info --lenient '" + path + "' > /dev/null");
    CHECK((lenient.exit_code == 0 || lenient.exit_code == 2));
  }
  CHECK(files >= 15);
}
