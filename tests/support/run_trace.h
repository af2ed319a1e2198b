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

// Runs `trace ARGS` and checks what a user would see: stdout against the golden
// tests/e2e/expected/GOLDEN (see expected_output), the exit code, and stderr exactly.
void check_golden(const std::string& args, const std::string& golden, int exit_code = 0,
                  const std::string& expected_err = "");
void check_golden(const std::string& args, const std::string& golden, const std::string& expected_err);
// The same with `stdin_text` on standard input, exit 0 and nothing on stderr.
void check_golden_stdin(const std::string& args, const std::string& golden, const std::string& stdin_text);

// A path inside the source tree.
std::string source_path(const std::string& relative);

// Reads a whole file (for checking written outputs).
std::string read_file(const std::string& path);

}  // namespace trace::testing
