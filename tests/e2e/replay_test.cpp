// trace replay, end to end: steps, state, choosing a trace, the scripted prompt.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <set>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::check_golden_stdin;
using trace::testing::expected_output;
using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {

// The nested trace with a rate-limited call, its fallback and its logs in another file.
const std::string kErrorTrace = "--trace 8e1d samples/jaeger.json samples/otlp_logs.json";


}  // namespace

TEST_CASE("replay: a nested trace with an error, joined with its logs from another file", "[e2e][replay]") {
  check_golden("replay " + kErrorTrace, "replay_jaeger_logs.txt");
}

TEST_CASE("replay: --fields on span starts", "[e2e][replay]") {
  check_golden("replay --fields gen_ai.request.model,kind --trace 8e1d samples/jaeger.json", "replay_fields.txt");
}

TEST_CASE("replay: --step shows the open spans, the last record and the attributes known", "[e2e][replay]") {
  check_golden("replay --step 9 " + kErrorTrace, "replay_step.txt");
}

TEST_CASE("replay: --at an offset or an ISO time is the state after the last step at or before it",
          "[e2e][replay]") {
  check_golden("replay --at +870ms " + kErrorTrace, "replay_at.txt");
  auto iso = run_trace("replay --at 2025-01-15T10:30:43.370Z " + kErrorTrace);
  auto offset = run_trace("replay --at 870ms " + kErrorTrace);
  CHECK(iso.exit_code == 0);
  CHECK(iso.out == offset.out);
  auto before = run_trace("replay --at=-1s " + kErrorTrace);
  CHECK(before.out == "step 0 of 18: before the first step\n");
}

TEST_CASE("replay: --format jsonl writes one step per line", "[e2e][replay]") {
  check_golden("replay --format jsonl " + kErrorTrace, "replay_jaeger_logs.jsonl");
}

TEST_CASE("replay: --format json with --step writes the state", "[e2e][replay]") {
  check_golden("replay --json --step 8 " + kErrorTrace, "replay_state.json");
}

TEST_CASE("replay: --list lists the traces by start", "[e2e][replay]") {
  check_golden("replay --list samples/jaeger.json samples/otlp_logs.json", "replay_list.txt");
}

TEST_CASE("replay: several traces and no terminal: the list on stderr, exit 2", "[e2e][replay]") {
  auto result = run_trace("replay samples/otlp_traces.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == expected_output("replay_choose.err", result.err));
}

TEST_CASE("replay: --first, --slowest and --failed pick a trace", "[e2e][replay]") {
  auto first_line = [](const std::string& args) {
    auto result = run_trace("replay " + args);
    INFO(args << "\n" << result.err);
    CHECK(result.exit_code == 0);
    return result.out.substr(0, result.out.find("  "));
  };
  CHECK(first_line("--first samples/otlp_traces.json") == "trace 4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(first_line("--slowest samples/otlp_traces.json") == "trace 4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(first_line("--failed samples/zipkin.json") == "trace 9a4f1c3e7b2d4f6a8c0e2b4d6f8a0c1e");
  CHECK(first_line("--slowest samples/genai_trace.json") == "trace trace_3f9a12c7");
}

TEST_CASE("replay: one trace in the input is used without asking", "[e2e][replay]") {
  check_golden("replay samples/chrome_trace_array.json", "replay_chrome_array.txt");
}

TEST_CASE("replay: a stage-event run by --run, with its events", "[e2e][replay]") {
  check_golden("replay --run 6f1c samples/stage_events.jsonl", "replay_stage_run.txt");
}

TEST_CASE("replay: logs of one trace from a JSON-lines log file join the OTLP spans", "[e2e][replay]") {
  auto result = run_trace("replay --trace 4bf9 --format jsonl samples/otlp_traces.json samples/liteagent.jsonl");
  CHECK(result.exit_code == 0);
  size_t logs = 0;
  for (size_t at = result.out.find("\"kind\":\"log\""); at != std::string::npos;
       at = result.out.find("\"kind\":\"log\"", at + 1))
    ++logs;
  CHECK(logs == 12);
}

TEST_CASE("replay: every trace format replays", "[e2e][replay]") {
  for (std::string file : {"otlp_traces.jsonl", "zipkin.json", "genai_trace.json", "span_collector.json",
                           "exec_summary.jsonl", "stage_events.jsonl", "chrome_trace.json"}) {
    auto result = run_trace("replay --first samples/" + file);
    INFO(file << "\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.rfind("trace ", 0) == 0);
    CHECK(result.out.find("\n   1 ") != std::string::npos);
  }
}

TEST_CASE("replay: standard input gives the same steps as the file", "[e2e][replay]") {
  auto file = run_trace("replay --first --format jsonl samples/otlp_traces.json");
  auto piped = run_shell("\"$TRACE\" replay --first --format jsonl - < samples/otlp_traces.json");
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out == file.out);
}

TEST_CASE("replay: --interactive driven through its prompt by a script", "[e2e][replay]") {
  check_golden_stdin("replay --interactive " + kErrorTrace, "replay_interactive.txt",
               "n\nn\n\ns\nb\ng 5\n/retrieval\n/\n/no such text\n12\nx\ng\ng 99\nh\nq\nn\n");
}

TEST_CASE("replay: --interactive asks which trace when there are several", "[e2e][replay]") {
  check_golden_stdin("replay -i samples/jaeger.json samples/otlp_logs.json", "replay_interactive_choose.txt",
               "9\nzz\n8e\n/ERROR\ns\n");
}

TEST_CASE("replay: --interactive quits at the end of its input, and starts at --step", "[e2e][replay]") {
  auto result = run_trace("replay -i --step 17 " + kErrorTrace, "n\nn\n");
  CHECK(result.exit_code == 0);
  std::string tail = result.out.substr(result.out.find("[17/18]> n\n"));
  CHECK(tail ==
        "[17/18]> n\n"
        "  18   +1.96 s    1.96 s          } POST /v1/answer\n"
        "[18/18]> n\n"
        "end of the trace (18 steps)\n"
        "[18/18]> \n");
}

TEST_CASE("replay: --speed paces the steps by the recorded gaps", "[e2e][replay]") {
  auto max = run_trace("replay --speed max --trace 8e1d samples/jaeger.json");
  auto start = std::chrono::steady_clock::now();
  auto paced = run_trace("replay --speed 4x --trace 8e1d samples/jaeger.json");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(paced.exit_code == 0);
  CHECK(paced.out == max.out);
  CHECK(seconds >= 0.45);  // 1.96 s of recorded time at 4x
  auto bad = run_trace("replay --speed fast --trace 8e1d samples/jaeger.json");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "trace replay: error: --speed: cannot read 'fast' (expected max, or a factor such as 1x, 10x, 0.5x)\n"
        "Try 'trace replay --help'.\n");
}

TEST_CASE("replay: unknown and ambiguous trace ids", "[e2e][replay]") {
  auto unknown = run_trace("replay --trace 0000 samples/jaeger.json");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "trace replay: no trace id is or starts with '0000' (2 traces in the input; 'trace replay --list' lists "
        "them)\n");
  auto ambiguous = run_trace("replay --run trace_ samples/genai_trace.json");
  CHECK(ambiguous.exit_code == 2);
  CHECK(ambiguous.err.rfind("trace replay: error: --trace: 'trace_' starts 4 trace ids: trace_3f9a12c7 (", 0) == 0);
}

TEST_CASE("replay: contradictory flags are usage errors, exit 2", "[e2e][replay]") {
  auto both = run_trace("replay --step 3 --at 1s " + kErrorTrace);
  CHECK(both.exit_code == 2);
  CHECK(both.err == "trace replay: error: --step and --at: give one of them\nTry 'trace replay --help'.\n");
  auto json = run_trace("replay -i --format jsonl " + kErrorTrace);
  CHECK(json.exit_code == 2);
  auto at = run_trace("replay --at soon " + kErrorTrace);
  CHECK(at.exit_code == 2);
  CHECK(at.err.rfind("trace replay: error: --at: cannot read 'soon'", 0) == 0);
  auto list = run_trace("replay --list --first samples/jaeger.json");
  CHECK(list.exit_code == 2);
  auto piped = run_trace("replay -i --first -");
  CHECK(piped.exit_code == 2);
  CHECK(piped.err.rfind("trace replay: error: --interactive reads its commands from standard input", 0) == 0);
}

TEST_CASE("replay: an input without traces exits 1", "[e2e][replay]") {
  auto result = run_trace("replay samples/pino.jsonl");
  CHECK(result.exit_code == 1);
  CHECK(result.err == "trace replay: no trace in the input (no span, and no log with a trace id)\n");
}
