// trace merge, end to end: partial results of parts of the input merge into the bytes
// one run over the whole input prints.
//
// The fair single run: partials of whole files list those files, in the order of the
// partials, so they are compared with one run over the same files in that order;
// partials of pieces of standard input are all "<stdin>", one input, so they are compared
// with one run reading the whole file on standard input. (Cost's "first seen" lines and
// --lenient's skip locations count lines within each piece, as trace-merge(1) says, so
// the pieces below hold no unknown model and nothing malformed.)
//
// Each check runs many commands in one script (one line of output per run's exit code,
// stderr folded in), so the suite stays fast.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::RunResult;
using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {

struct Case {
  std::vector<size_t> order;  // of the files
  std::string finish;         // options of trace merge (and of the single run)
};

const std::string kTempDir = "set -e\nd=$(mktemp -d)\ntrap 'rm -rf \"$d\"' EXIT\n";

std::string run_line(const std::string& command) {
  return "echo \"== $((n=n+1))\"\n" + command + " 2>&1 && echo \"exit 0\" || echo \"exit $?\"\n";
}

// Partials of each file (`trace COMMAND --partial ARGS FILE`), then `trace merge FINISH`
// over them in each case's order.
RunResult merged_by_file(const std::string& command, const std::string& args, const std::vector<std::string>& files,
                         const std::vector<Case>& cases) {
  std::string script = kTempDir;
  for (size_t i = 0; i < files.size(); ++i)
    script += "\"$TRACE\" " + command + " --partial " + args + " -o \"$d/" + std::to_string(i) + ".json\" " + files[i] +
              "\n";
  script += "set +e\n";
  for (const Case& c : cases) {
    std::string partials;
    for (size_t i : c.order) partials += " \"$d/" + std::to_string(i) + ".json\"";
    script += run_line("\"$TRACE\" merge " + c.finish + partials);
  }
  return run_shell(script);
}

// The single runs: `trace COMMAND ARGS FINISH FILES...` in each case's order.
RunResult single_by_file(const std::string& command, const std::string& args, const std::vector<std::string>& files,
                         const std::vector<Case>& cases) {
  std::string script;
  for (const Case& c : cases) {
    std::string ordered;
    for (size_t i : c.order) ordered += " " + files[i];
    script += run_line("\"$TRACE\" " + command + " " + args + " " + c.finish + ordered);
  }
  return run_shell(script);
}

// FILE cut at line boundaries into 1, 2 and 3 pieces (split -n l/N); each piece through
// `trace COMMAND --partial ARGS -` as a mapper would; the partials of each cut into
// `trace merge FINISH -` as the reducer, in the pieces' order and, for 3, in reverse.
RunResult merged_pieces(const std::string& command, const std::string& args, const std::string& finish,
                        const std::string& file) {
  std::string script = kTempDir;
  for (int n : {1, 2, 3})
    script += "mkdir \"$d/" + std::to_string(n) + "\" && split -n l/" + std::to_string(n) + " " + file + " \"$d/" +
              std::to_string(n) + "/part.\"\n";
  script += "set +e\n";
  auto mapped = [&](int n, const std::string& order) {
    return "for p in $(ls \"$d/" + std::to_string(n) + "\"/part.* " + order + "); do \"$TRACE\" " + command +
           " --partial " + args + " - < \"$p\"; done | \"$TRACE\" merge " + finish + " -";
  };
  script += run_line(mapped(1, ""));
  script += run_line(mapped(2, ""));
  script += run_line(mapped(3, ""));
  script += run_line(mapped(3, "| sort -r"));
  return run_shell(script);
}

// The single run over all of FILE on standard input, its output as merged_pieces shows
// each of its four merges.
RunResult single_pieces(const std::string& command, const std::string& args, const std::string& finish,
                        const std::string& file) {
  RunResult single = run_shell(run_line("\"$TRACE\" " + command + " " + args + " " + finish + " - < " + file));
  std::string body = single.out.substr(single.out.find('\n') + 1);
  single.out.clear();
  for (int i = 1; i <= 4; ++i) single.out += "== " + std::to_string(i) + "\n" + body;
  return single;
}

void check_same(const RunResult& merged, const RunResult& single) {
  INFO("merged stderr: " << merged.err);
  CHECK(merged.exit_code == 0);
  CHECK(merged.err.empty());
  CHECK(merged.out.find("exit 2") == std::string::npos);
  CHECK(merged.out.size() > 200);
  CHECK(merged.out == single.out);
}

const std::vector<std::string> kTraceFiles = {"samples/otlp_traces.json", "samples/otlp_traces.jsonl",
                                              "samples/app_logs.jsonl", "samples/chrome_trace.json",
                                              "samples/jaeger.json"};
const std::vector<std::string> kLogFiles = {"samples/app_logs.jsonl", "samples/pino.jsonl", "samples/otlp_logs.json",
                                            "samples/llm_calls.jsonl", "samples/otlp_traces.json"};
const std::vector<std::string> kCostFiles = {"samples/llm_calls.jsonl", "samples/otlp_traces.json",
                                             "samples/app_logs.jsonl", "samples/otlp_traces.jsonl",
                                             "samples/genai_trace.json"};

}  // namespace

TEST_CASE("merge: stats partials of 1, 2 or 5 files, in any order, print the single run's bytes", "[e2e][merge]") {
  std::vector<Case> cases{{{0}, "--json"},          {{1, 0}, "--json"},      {{2, 0, 1, 4, 3}, "--json"},
                          {{4, 3}, ""},             {{2, 0}, "--format csv"}, {{3, 1, 0}, "--format md"},
                          {{0, 1, 2}, "--sort p99 --top 3"}, {{2, 1, 0}, "--exact-memory 100 --json"}};
  check_same(merged_by_file("stats", "-g service,name", kTraceFiles, cases),
             single_by_file("stats", "-g service,name", kTraceFiles, cases));
}

TEST_CASE("merge: partials from a directory, a quoted glob and a file of several, read in that order", "[e2e][merge]") {
  std::string script = kTempDir + "mkdir \"$d/parts\"\n";
  for (size_t i = 0; i < 3; ++i)
    script += "\"$TRACE\" stats --partial -o \"$d/parts/" + std::to_string(i) + ".json\" " + kTraceFiles[i] + "\n";
  script += "cat \"$d/parts/2.json\" \"$d/parts/0.json\" > \"$d/both.jsonl\"\nset +e\n";
  script += run_line("\"$TRACE\" merge --json \"$d/parts\"");
  script += run_line("\"$TRACE\" merge --json \"$d/parts/[01].json\"");
  script += run_line("\"$TRACE\" merge --json \"$d/both.jsonl\" \"$d/parts/1.json\"");
  std::string single = run_line("\"$TRACE\" stats --json " + kTraceFiles[0] + " " + kTraceFiles[1] + " " + kTraceFiles[2]) +
                       run_line("\"$TRACE\" stats --json " + kTraceFiles[0] + " " + kTraceFiles[1]) +
                       run_line("\"$TRACE\" stats --json " + kTraceFiles[2] + " " + kTraceFiles[0] + " " + kTraceFiles[1]);
  check_same(run_shell(script), run_shell(single));
}

TEST_CASE("merge: stats --approx partials print the bytes of one --approx run", "[e2e][merge]") {
  std::vector<Case> cases{{{0, 1, 2}, "--json"}, {{2, 1, 0}, "--sort p50"}};
  std::vector<std::string> files(kTraceFiles.begin(), kTraceFiles.begin() + 3);
  check_same(merged_by_file("stats", "--approx -g model", files, cases),
             single_by_file("stats", "--approx -g model", files, cases));
}

TEST_CASE("merge: summary partials of files print the single run's report, per file and grouped", "[e2e][merge]") {
  std::vector<Case> cases{{{0}, "--json"}, {{4, 2, 0, 3, 1}, "--json"}, {{3, 0}, "--section errors --csv"},
                          {{1, 2}, "--top 3"}};
  check_same(merged_by_file("summary", "--group-by file,level --every 1m", kLogFiles, cases),
             single_by_file("summary", "--group-by file,level --every 1m", kLogFiles, cases));
}

TEST_CASE("merge: cost partials of files print the single run's report, unknown models located", "[e2e][merge]") {
  std::vector<Case> cases{{{0}, "--json"}, {{4, 3, 2, 1, 0}, "--json"}, {{2, 0, 1}, "--top 2"},
                          {{0, 1}, "--budget 0.01"}, {{1, 0}, "--section unknown_models --format md"}};
  RunResult merged = merged_by_file("cost", "--group-by model,file", kCostFiles, cases);
  check_same(merged, single_by_file("cost", "--group-by model,file", kCostFiles, cases));
  // Over budget: the same message on stderr and exit 1.
  CHECK(merged.out.find("trace cost: budget exceeded: total $0.1142 is over the budget of $0.0100 (3 calls with "
                        "unknown models not included)\nexit 1\n") != std::string::npos);
}

TEST_CASE("merge: stats of pieces of one stream merge into the run over the whole stream", "[e2e][merge]") {
  check_same(merged_pieces("stats", "", "", "samples/app_logs.jsonl"),
             single_pieces("stats", "", "", "samples/app_logs.jsonl"));
}

TEST_CASE("merge: stats --approx of pieces of one stream merge into the --approx run over it", "[e2e][merge]") {
  check_same(merged_pieces("stats", "--approx -g service,name", "--json", "samples/otlp_traces.jsonl"),
             single_pieces("stats", "--approx -g service,name", "--json", "samples/otlp_traces.jsonl"));
}

TEST_CASE("merge: summary of pieces of one stream merges into the run over the whole stream", "[e2e][merge]") {
  check_same(merged_pieces("summary", "--every 30s", "--json", "samples/app_logs.jsonl"),
             single_pieces("summary", "--every 30s", "--json", "samples/app_logs.jsonl"));
}

TEST_CASE("merge: cost of pieces of one stream merges into the run over the whole stream", "[e2e][merge]") {
  check_same(merged_pieces("cost", "-g model", "--json", "samples/app_logs.jsonl"),
             single_pieces("cost", "-g model", "--json", "samples/app_logs.jsonl"));
}

TEST_CASE("merge: the mapper/reducer contract, as a shell pipeline, sorted and tab-suffixed as Hadoop does",
          "[e2e][merge]") {
  std::string mapped = kTempDir +
                       "cp samples/app_logs.jsonl \"$d/file\"\ncd \"$d\"\n"
                       "split -n l/3 file part.; for p in part.*; do \"$TRACE\" stats --partial - < $p; done";
  RunResult single = run_shell("\"$TRACE\" stats - < samples/app_logs.jsonl");
  REQUIRE(single.exit_code == 0);
  RunResult merged = run_shell(mapped + " | \"$TRACE\" merge -");
  CHECK(merged.exit_code == 0);
  CHECK(merged.out == single.out);
  // Hadoop Streaming sorts the mappers' lines and hands each to the reducer as KEY<TAB>.
  RunResult hadoop = run_shell(mapped + " | sed 's/$/\\t/' | LC_ALL=C sort | \"$TRACE\" merge -");
  CHECK(hadoop.exit_code == 0);
  CHECK(hadoop.out == single.out);
}

TEST_CASE("merge: a few MB of generated (or repeated) JSON lines in 3 pieces merge exactly", "[e2e][merge]") {
  // bench/gen_trace.cpp's trace_gen when it was built beside trace, else a sample repeated.
  std::string script = kTempDir +
                       "gen=\"$(dirname \"$TRACE\")/bench/trace_gen\"\n"
                       "if [ -x \"$gen\" ]; then \"$gen\" --size 4M --seed 11 > \"$d/big.jsonl\"; "
                       "else cat $(printf 'samples/app_logs.jsonl %.0s' $(seq 70)) > \"$d/big.jsonl\"; fi\n"
                       "split -n l/3 \"$d/big.jsonl\" \"$d/part.\"\n"
                       "for command in 'stats -g attr:stage,service' 'stats --approx' summary cost; do\n"
                       "  set -- $command; name=$1; shift\n"
                       "  for p in $(ls \"$d\"/part.* | sort -r); do \"$TRACE\" $name --partial \"$@\" - < \"$p\"; done |\n"
                       "    \"$TRACE\" merge --json - > \"$d/merged\"\n"
                       "  \"$TRACE\" $command --json - < \"$d/big.jsonl\" > \"$d/single\"\n"
                       "  test -s \"$d/single\" && cmp \"$d/merged\" \"$d/single\" && echo \"same: $command\"\n"
                       "done\n";
  RunResult result = run_shell(script);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "same: stats -g attr:stage,service\nsame: stats --approx\nsame: summary\nsame: cost\n");
}

TEST_CASE("merge: partials of different commands or options are refused, naming both, exit 2", "[e2e][merge]") {
  std::string setup =
      "s=$PWD\nd=$(mktemp -d)\ntrap 'rm -rf \"$d\"' EXIT\ncd \"$d\"\n"
      "\"$TRACE\" stats --partial -o a.json \"$s/samples/otlp_traces.json\"\n"
      "\"$TRACE\" summary --partial -o b.json \"$s/samples/otlp_traces.json\"\n"
      "\"$TRACE\" stats --partial -g service -o c.json \"$s/samples/otlp_traces.json\"\n";
  RunResult result =
      run_shell(setup + run_line("\"$TRACE\" merge a.json b.json") + run_line("\"$TRACE\" merge a.json c.json") +
                run_line("\"$TRACE\" merge --sort p99 b.json") + run_line("\"$TRACE\" merge --budget 1 a.json"));
  CHECK(result.out ==
        "== 1\n"
        "trace: error: b.json: a partial result of 'trace summary', but a.json is of 'trace stats': only partials of "
        "one command merge\nexit 2\n"
        "== 2\n"
        "trace: error: c.json: made with --group-by [\"service\"], but a.json with [\"name\"]: only partials made "
        "with the same options merge\nexit 2\n"
        "== 3\n"
        "trace merge: error: --sort: partial results of 'trace summary' do not take it (they take --top and "
        "--section)\nTry 'trace merge --help'.\nexit 2\n"
        "== 4\n"
        "trace merge: error: --budget: partial results of 'trace stats' do not take it (they take --sort, --top and "
        "--exact-memory)\nTry 'trace merge --help'.\nexit 2\n");
}

TEST_CASE("merge: a malformed partial is an error at its line and column, exit 2", "[e2e][merge]") {
  RunResult bad = run_trace("merge -", "{\"trace_partial\":1,\"writer\":\"trace 0.1.0\",\"command\":\"stats\",\n"
                                       "\"options\":{\"group_by\":[\"name\"],\"approx\":false},\"inputs\":[],\n"
                                       "\"state\":{\"groups\":[{\"key\":[\"a\"],\"count\":true}]}}\n");
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err == "trace: error: <stdin>:3:41: expected a count (an integer, 0 or more) for \"count\"\n");

  RunResult errors = run_shell(
      run_line("\"$TRACE\" stats --partial samples/otlp_traces.json | head -c 300 | \"$TRACE\" merge -") +
      run_line("\"$TRACE\" merge samples/otlp_traces.json") +
      run_line("\"$TRACE\" stats --partial samples/otlp_traces.json | sed 's/\"trace_partial\":1,\"writer\":\"trace "
               "[^\"]*\"/\"trace_partial\":7,\"writer\":\"trace 9.0.0\"/' | \"$TRACE\" merge -"));
  CHECK(errors.out ==
        "== 1\n"
        "trace: error: <stdin>:1:1: unexpected end of text inside this partial result (cut short?)\nexit 2\n"
        "== 2\n"
        "trace: error: samples/otlp_traces.json:1:1: not a partial result: no \"trace_partial\" key (partial results "
        "come from trace stats, summary or cost --partial)\nexit 2\n"
        "== 3\n"
        "trace: error: <stdin>:1:18: partial result version 7 (written by trace 9.0.0) is newer than this trace reads "
        "(version 1): merge it with that trace or a newer one\nexit 2\n");
}

TEST_CASE("merge: a partial result given to stats, summary, cost or grep says to use trace merge, exit 2",
          "[e2e][merge]") {
  std::string script =
      "s=$PWD\nd=$(mktemp -d)\ntrap 'rm -rf \"$d\"' EXIT\ncd \"$d\"\n"
      "\"$TRACE\" stats --partial -o p.json \"$s/samples/otlp_traces.json\"\n";
  for (std::string command : {"stats", "summary", "cost", "grep span"})
    script += run_line("\"$TRACE\" " + command + " p.json");
  RunResult result = run_shell(script);
  const std::string message = "trace: error: p.json: a partial result of 'trace stats' (written by --partial), not "
                              "traces or logs: merge partial results with 'trace merge'\n";
  CHECK(result.out == "== 1\n" + message + "exit 2\n== 2\n" + message + "exit 2\n== 3\n" + message + "exit 2\n== 4\n" +
                          message + "exit 2\n");
  // On standard input, naming the command that wrote it.
  RunResult piped = run_shell("\"$TRACE\" summary --partial samples/pino.jsonl | \"$TRACE\" cost -");
  CHECK(piped.exit_code == 2);
  CHECK(piped.out.empty());
  CHECK(piped.err == "trace: error: <stdin>: a partial result of 'trace summary' (written by --partial), not traces "
                     "or logs: merge partial results with 'trace merge'\n");
}
