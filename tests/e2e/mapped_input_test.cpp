// A document read whole from a regular file is mapped (src/mapped_text.h), from a pipe it
// is read: the two must give the same bytes out, the same errors, for every size, a byte
// order mark and a NUL byte included.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <string>

#include <fmt/format.h>

#include "support/run_trace.h"

using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {

std::string tmp_path(const std::string& name) { return "/tmp/trace_mapped_" + std::to_string(::getpid()) + "_" + name; }

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A Chrome trace bigger than the 64 KiB head detection reads (smaller inputs are read whole
// with the head), padded with spaces to exactly `size` bytes when `size` is given.
std::string chrome_trace(size_t size = 0) {
  std::string text = "{\"traceEvents\":[\n";
  for (int i = 0; i < 1500; ++i)
    text += fmt::format(R"({}{{"name":"step{}","ph":"X","ts":{},"dur":{},"pid":1,"tid":{}}})", i == 0 ? "" : ",\n",
                        i % 7, 1000 + i * 10, 5 + i % 13, 1 + i % 3);
  text += "\n]}\n";
  if (size > text.size()) text.append(size - text.size(), ' ');
  return text;
}

// `command` on the file as an argument (mapped) and through a pipe (read): same output,
// same exit code, same message but for the name.
trace::testing::RunResult check_mapped_as_piped(const std::string& command, const std::string& text) {
  std::string path = tmp_path("trace.json");
  write(path, text);
  auto mapped = run_trace(command + " " + path);
  auto piped = run_shell("cat " + path + " | \"$TRACE\" " + command + " -");
  auto as_piped = [&path](std::string text) {
    for (size_t at = text.find(path); at != std::string::npos; at = text.find(path)) text.replace(at, path.size(), "<stdin>");
    return text;
  };
  CHECK(mapped.exit_code == piped.exit_code);
  CHECK(as_piped(mapped.out) == piped.out);
  CHECK(as_piped(mapped.err) == piped.err);
  ::unlink(path.c_str());
  return piped;
}

}  // namespace

TEST_CASE("mapped input: a big Chrome trace from a file reads as from a pipe", "[e2e][mapped]") {
  std::string text = chrome_trace();
  REQUIRE(text.size() > 64 * 1024);
  for (const char* command : {"stats --json -j1", "stats --json -j2", "grep --format jsonl -n step3", "tree"}) {
    INFO(command);
    check_mapped_as_piped(command, text);
  }
  auto stats = run_trace("stats --json -j2 --group-by name -", text);
  CHECK(stats.out.find("\"count\":215") != std::string::npos);  // step0: 1500 / 7 rounded up
}

TEST_CASE("mapped input: a file of exactly a page multiple keeps its padding readable", "[e2e][mapped]") {
  for (size_t size : {size_t(128) << 10, size_t(132) << 10}) {
    INFO(size << " bytes");
    std::string text = chrome_trace(size);
    REQUIRE(text.size() == size);
    check_mapped_as_piped("stats --json", text);
  }
}

TEST_CASE("mapped input: a byte order mark and a NUL byte are met as when reading", "[e2e][mapped]") {
  std::string text = chrome_trace();
  check_mapped_as_piped("stats --json", "\xEF\xBB\xBF" + text);
  std::string nul = text;
  nul[nul.size() * 3 / 4] = '\0';
  auto failed = check_mapped_as_piped("stats --json", nul);
  CHECK(failed.exit_code == 2);
  // The text ends at the NUL, inside the event on line 1130: the NUL is what is reported.
  CHECK(failed.err ==
        "trace: error: <stdin>:1130:34: found a NUL byte: binary data, not JSON text (the rest of the input was not read)\n");
}
