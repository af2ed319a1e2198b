// Runs the built `trace` binary from the source directory (so samples/... paths work)
// and captures what a user would see.
#pragma once

#include <string>

namespace trace::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `args` is a shell-quoted argument string, e.g. "stats --json samples/otlp_traces.json".
// `stdin_text` is given on standard input (empty: /dev/null).
RunResult run_trace(const std::string& args, const std::string& stdin_text = "");

// Runs a bash script from the source directory with $TRACE naming the binary, for
// pipelines (`"$TRACE" stats x | head -1`); exit_code is the script's.
RunResult run_shell(const std::string& script);

// Compares `actual` with tests/e2e/expected/<name>; with TRACE_UPDATE_EXPECTED=1 in the
// environment, writes `actual` there instead. Returns the expected text.
std::string expected_output(const std::string& name, const std::string& actual);

// A path inside the source tree.
std::string source_path(const std::string& relative);

// Reads a whole file (for checking written outputs).
std::string read_file(const std::string& path);

}  // namespace trace::testing
