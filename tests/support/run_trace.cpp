#include "support/run_trace.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace trace::testing {

namespace {

std::string temp_path(const std::string& what) {
  static std::atomic<int> counter{0};
  return "/tmp/trace_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + what;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string source_path(const std::string& relative) { return std::string(TRACE_SOURCE_DIR) + "/" + relative; }

RunResult run_trace(const std::string& args, const std::string& stdin_text) {
  std::string in = temp_path("in"), out = temp_path("out"), err = temp_path("err");
  write_file(in, stdin_text);
  // NO_COLOR and a fixed TZ keep the output independent of the tester's environment.
  std::string command = "cd '" + std::string(TRACE_SOURCE_DIR) + "' && NO_COLOR=1 TZ=UTC '" +
                        std::string(TRACE_BINARY) + "' " + args + " < '" + in + "' > '" + out + "' 2> '" + err + "'";
  int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return result;
}

RunResult run_shell(const std::string& script) {
  std::string file = temp_path("script.sh"), out = temp_path("out"), err = temp_path("err");
  write_file(file, script);
  std::string command = "cd '" + std::string(TRACE_SOURCE_DIR) + "' && NO_COLOR=1 TZ=UTC TRACE='" +
                        std::string(TRACE_BINARY) + "' bash '" + file + "' < /dev/null > '" + out + "' 2> '" + err + "'";
  int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  std::remove(file.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return result;
}

std::string expected_output(const std::string& name, const std::string& actual) {
  std::string path = source_path("tests/e2e/expected/" + name);
  const char* update = std::getenv("TRACE_UPDATE_EXPECTED");
  if (update != nullptr && std::string(update) == "1") {
    write_file(path, actual);
    return actual;
  }
  return read_file(path);
}

}  // namespace trace::testing
