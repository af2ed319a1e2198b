// -o FILE on every command that prints a result: the same bytes as standard output,
// written through FILE.tmp and renamed, so a failed run never leaves a half file.
#include <unistd.h>

#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {

std::string temp_path(const std::string& what) {
  return "/tmp/trace_output_test_" + std::to_string(::getpid()) + "_" + what;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("output file (-o): stats, summary, cost, info, top and diff write to FILE what they would print", "[e2e][output-file]") {
  for (const std::string args : {"stats --json samples/otlp_traces.json", "summary --csv samples/app_logs.jsonl",
                                 "cost samples/otlp_traces.json", "info samples/chrome_trace.json",
                                 "top -n 3 samples/otlp_traces.json",
                                 "diff samples/otlp_traces.json samples/otlp_traces.jsonl"}) {
    INFO(args);
    std::string path = temp_path("same");
    auto to_stdout = run_trace(args);
    auto to_file = run_trace(args + " -o " + path);
    CHECK(to_file.exit_code == to_stdout.exit_code);
    CHECK(to_file.out.empty());
    CHECK(read_file(path) == to_stdout.out);
    CHECK(!exists(path + ".tmp"));
    std::remove(path.c_str());
  }
}

TEST_CASE("output file (-o): a run that fails leaves the previous FILE as it was and no FILE.tmp", "[e2e][output-file]") {
  std::string path = temp_path("kept");
  auto first = run_trace("stats --json samples/otlp_traces.json -o " + path);
  REQUIRE(first.exit_code == 0);
  std::string before = read_file(path);
  auto failed = run_trace("stats --json -o " + path + " -", "{\"resourceSpans\": [");
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find("trace: error: <stdin>:") == 0);
  CHECK(read_file(path) == before);
  CHECK(!exists(path + ".tmp"));
  std::remove(path.c_str());
}

TEST_CASE("output file (-o): a directory that does not exist is an error naming the temporary, exit 2", "[e2e][output-file]") {
  auto result = run_trace("stats samples/otlp_traces.json -o /nonexistent-dir/out.txt");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "trace: error: /nonexistent-dir/out.txt.tmp: cannot write: No such file or directory\n");
}

TEST_CASE("output file (-o): no colour in a file unless --color always", "[e2e][output-file]") {
  std::string path = temp_path("color");
  REQUIRE(run_trace("stats samples/otlp_traces.json -o " + path).exit_code == 0);
  CHECK(read_file(path).find('\x1b') == std::string::npos);
  REQUIRE(run_trace("stats --color always samples/otlp_traces.json -o " + path).exit_code == 0);
  CHECK(read_file(path).find('\x1b') != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("output file (-o): a run killed by SIGTERM while reading leaves neither FILE nor FILE.tmp", "[e2e][output-file]") {
  std::string path = temp_path("killed");
  // stdin stays open, so trace is still reading (its temporary is open) when killed.
  auto result = run_shell("sleep 5 | \"$TRACE\" report -o " + path + " - & pid=$!; sleep 0.5; "
                          "kill -TERM $(pgrep -P $$ -x trace); wait $pid; echo \"status $?\"");
  CHECK(result.out == "status 143\n");
  CHECK(!exists(path));
  CHECK(!exists(path + ".tmp"));
}

TEST_CASE("output file (-o): /dev/null, a FIFO or a symbolic link is written in place, never replaced", "[e2e][output-file]") {
  auto null = run_shell("\"$TRACE\" stats samples/otlp_traces.json -o /dev/null && test -c /dev/null && echo device");
  CHECK(null.exit_code == 0);
  CHECK(null.out == "device\n");
  auto fifo = run_shell("d=$(mktemp -d); mkfifo \"$d/p\"; cat \"$d/p\" > \"$d/got\" & "
                        "\"$TRACE\" stats --csv samples/otlp_traces.json -o \"$d/p\"; wait; "
                        "test -p \"$d/p\" && head -1 \"$d/got\"; rm -rf \"$d\"");
  CHECK(fifo.exit_code == 0);
  CHECK(fifo.out == "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n");
  auto link = run_shell("d=$(mktemp -d); touch \"$d/target\"; ln -s target \"$d/link\"; "
                        "\"$TRACE\" stats --csv samples/otlp_traces.json -o \"$d/link\"; "
                        "test -L \"$d/link\" && head -1 \"$d/target\"; rm -rf \"$d\"");
  CHECK(link.exit_code == 0);
  CHECK(link.out == "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n");
}
