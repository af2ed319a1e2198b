#include <catch2/catch.hpp>

#include "support/run_trace.h"

namespace trace::testing {

namespace {

void check_run(const RunResult& result, const std::string& args, const std::string& golden, int exit_code,
               const std::string& expected_err) {
  INFO("trace " << args << "\nstderr: " << result.err);
  CHECK(result.exit_code == exit_code);
  CHECK(result.err == expected_err);
  CHECK(result.out == expected_output(golden, result.out));
}

}  // namespace

void check_golden(const std::string& args, const std::string& golden, int exit_code, const std::string& expected_err) {
  check_run(run_trace(args), args, golden, exit_code, expected_err);
}

void check_golden(const std::string& args, const std::string& golden, const std::string& expected_err) {
  check_golden(args, golden, 0, expected_err);
}

void check_golden_stdin(const std::string& args, const std::string& golden, const std::string& stdin_text) {
  check_run(run_trace(args, stdin_text), args, golden, 0, "");
}

}  // namespace trace::testing
