// trace completions, end to end: the scripts come from the command-line definition, so
// every subcommand and option of `trace --help` is in them; the bash script is run in
// bash and answers as a user would see it; zsh and fish parse their scripts when installed.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "support/run_trace.h"

using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {

std::vector<std::string> subcommands() {
  auto help = run_trace("--help");
  std::string list = help.out.substr(help.out.find("Subcommands:"));
  std::vector<std::string> names;
  std::regex line("\\n  ([a-z]+) ");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), line); it != std::sregex_iterator(); ++it)
    names.push_back((*it)[1]);
  return names;
}

std::set<std::string> long_options(const std::string& command) {
  auto help = run_trace(command + " --help");
  std::set<std::string> options;
  std::regex option("\\n  (?:-[A-Za-z],)?--([a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option); it != std::sregex_iterator(); ++it)
    options.insert((*it)[1]);
  return options;
}

// What bash offers for the words of a command line (the last one is being completed).
std::string bash_complete(const std::string& words) {
  auto result = run_shell(
      "source <(\"$TRACE\" completions bash)\n"
      "trace() { :; }\n"
      "COMP_WORDS=(" + words + ")\n"
      "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
      "_trace\n"
      "printf '%s\\n' \"${COMPREPLY[@]}\" | sort\n");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  return result.out;
}

bool have(const std::string& program) { return run_shell("command -v " + program + " > /dev/null").exit_code == 0; }

}  // namespace

TEST_CASE("completions: every subcommand and long option is in every shell's script", "[e2e][completions]") {
  std::vector<std::string> commands = subcommands();
  REQUIRE(commands.size() >= 7);
  for (std::string shell : {"bash", "zsh", "fish"}) {
    auto script = run_trace("completions " + shell);
    INFO(shell);
    REQUIRE(script.exit_code == 0);
    for (const std::string& command : commands) {
      INFO(command);
      CHECK(script.out.find(command) != std::string::npos);
      for (const std::string& option : long_options(command)) {
        INFO("--" << option);
        std::string spelled = shell == "fish" ? "-l " + option : "--" + option;
        CHECK(script.out.find(spelled) != std::string::npos);
      }
    }
  }
}

TEST_CASE("completions: bash completes subcommands, options, choices and files", "[e2e][completions]") {
  CHECK(bash_complete("trace di") == "diff\n");
  CHECK(bash_complete("trace c") == "check\ncompletions\nconvert\ncost\n");
  CHECK(bash_complete("trace diff --thr") == "--threshold\n");
  CHECK(bash_complete("trace stats --format ''") == "csv\njson\njsonl\nmd\ntable\n");
  CHECK(bash_complete("trace completions ''") == "bash\nfish\nzsh\n");
  CHECK(bash_complete("trace check --budget samples/ci/budgets.t") == "samples/ci/budgets.toml\n");
  CHECK(bash_complete("trace diff samples/ci/base") == "samples/ci/baseline.jsonl\n");
  // A value with no choices and no files: nothing to offer.
  CHECK(bash_complete("trace check --rule ''") == "\n");
}

TEST_CASE("completions: zsh and fish accept their scripts", "[e2e][completions]") {
  if (have("zsh")) {
    auto zsh = run_shell("zsh -n <(\"$TRACE\" completions zsh)");
    INFO(zsh.err);
    CHECK(zsh.exit_code == 0);
  }
  if (have("fish")) {
    auto fish = run_shell("\"$TRACE\" completions fish | fish --no-execute");
    INFO(fish.err);
    CHECK(fish.exit_code == 0);
  }
  auto bash = run_shell("bash -n <(\"$TRACE\" completions bash)");
  CHECK(bash.exit_code == 0);
}

TEST_CASE("completions: the script names its shell and comes from the definition", "[e2e][completions]") {
  auto zsh = run_trace("completions zsh");
  CHECK(zsh.out.rfind("#compdef trace\n", 0) == 0);
  CHECK(zsh.out.find("'--format=[Output format: table, json, jsonl, csv or md]:format:(table json jsonl csv md)'") !=
        std::string::npos);
  CHECK(zsh.out.find("'*--rule=[A rule, e.g. '\\''name=llm.chat p95 < 2s'\\'' (repeatable)]:rule: '") !=
        std::string::npos);
  auto fish = run_trace("completions fish");
  CHECK(fish.out.find("complete -c trace -n '__fish_seen_subcommand_from check' -s b -l budget -r -F -d") !=
        std::string::npos);
  CHECK(fish.out.find("complete -c trace -n '__fish_seen_subcommand_from completions' -x -a 'bash zsh fish'\n") !=
        std::string::npos);
}

TEST_CASE("completions: -o writes the script to a file; an unknown shell is a usage error", "[e2e][completions]") {
  auto written = run_shell(
      "f=$(mktemp) && \"$TRACE\" completions fish -o \"$f\" && \"$TRACE\" completions fish | cmp - \"$f\"; rc=$?; "
      "rm -f \"$f\"; exit $rc");
  CHECK(written.exit_code == 0);
  auto bad = run_trace("completions tcsh");
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
}
