// A regular file is mapped (src/mapped_text.h): a document read whole, and JSON lines
// chunk by chunk; from a pipe it is read: the two must give the same bytes out, the same
// errors, for every size, a byte order mark and a NUL byte included.
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

namespace {

// JSON lines bigger than the head detection reads: log lines, some with a duration, CRLF
// endings and a blank line among them, the last line without its newline.
std::string log_lines() {
  std::string text;
  for (int i = 0; i < 1200; ++i) {
    text += fmt::format(R"({{"timestamp":"2025-01-15T08:00:{:02}.{:03}Z","level":"{}","message":"stage completed",)"
                        R"("stage":"stage{}","duration_ms":{}.{},"tenant":"t{}"}})",
                        i % 60, i % 1000, i % 17 == 0 ? "ERROR" : "INFO", i % 5, 10 + i % 37, i % 10, i % 3);
    text += i % 11 == 0 ? "\r\n" : "\n";
    if (i == 600) text += "\n";
  }
  text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("mapped input: JSON lines from a file read as from a pipe, whatever the workers and chunks",
          "[e2e][mapped]") {
  std::string text = log_lines();
  REQUIRE(text.size() > 64 * 1024);
  for (const char* command : {"stats --json -j1", "stats --json -j2 --chunk-bytes 1000", "stats -g attr:tenant -j2",
                              "grep -n --format jsonl -j2 --chunk-bytes 777 stage3", "summary --json -j1",
                              "grep -c --level error -j2 --chunk-bytes 4096"}) {
    INFO(command);
    check_mapped_as_piped(command, text);
  }
  auto stats = run_trace("stats --json -j2 -", text);
  CHECK(stats.out.find("\"count\":240") != std::string::npos);  // every fifth line: 1200 / 5
  CHECK(run_trace("grep -c --level error -", text).out == "71\n");  // i % 17 == 0 below 1200
}

TEST_CASE("mapped input: JSON lines with a byte order mark, of a page multiple, or with a NUL", "[e2e][mapped]") {
  std::string text = log_lines();
  check_mapped_as_piped("stats --json", "\xEF\xBB\xBF" + text);
  std::string page_multiple = text.substr(0, size_t(72) << 10);
  page_multiple.back() = '\n';
  check_mapped_as_piped("stats --json -j2 --chunk-bytes 5000", page_multiple);

  std::string nul = text;
  size_t line_900 = 0;
  for (int line = 1; line < 900; ++line) line_900 = nul.find('\n', line_900) + 1;
  nul[line_900 + 20] = '\0';
  auto failed = check_mapped_as_piped("stats --json -j2 --chunk-bytes 3000", nul);
  CHECK(failed.exit_code == 2);
  CHECK(failed.err == "trace: error: <stdin>:900:21: found a NUL byte: binary data, not JSON text\n");

  // A line longer than a chunk with a NUL in it: the mapping's reading ends the input
  // there (binary data). From a pipe it depends on how much was read ahead whether the
  // reading meets the NUL first or the loader does: the message may lack the suffix.
  std::string long_line = text.substr(0, line_900) + "{\"message\":\"" + std::string(10000, 'x') + "\"}\n" +
                          text.substr(line_900);
  long_line[line_900 + 100] = '\0';
  std::string path = tmp_path("long_line.jsonl");
  write(path, long_line);
  auto mapped = run_trace("stats --json --chunk-bytes 4096 " + path);
  CHECK(mapped.exit_code == 2);
  CHECK(mapped.err == "trace: error: " + path +
                          ":900:101: found a NUL byte: binary data, not JSON text (the rest of the input was not read)\n");
  auto piped = run_trace("stats --json --chunk-bytes 4096 -", long_line);
  CHECK(piped.exit_code == 2);
  CHECK(piped.err.starts_with("trace: error: <stdin>:900:101: found a NUL byte: binary data, not JSON text"));
  ::unlink(path.c_str());
}
