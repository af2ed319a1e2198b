// The command line as a whole: help, versions, usage errors, man pages.
#include <sstream>

#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "support/run_trace.h"

using trace::testing::read_file;
using trace::testing::run_trace;
using trace::testing::source_path;

TEST_CASE("cli: no subcommand is a usage error, exit 2", "[e2e][cli]") {
  auto result = run_trace("");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("A subcommand is required") != std::string::npos);
}

TEST_CASE("cli: an unknown option is a usage error, exit 2", "[e2e][cli]") {
  auto result = run_trace("stats --no-such-flag samples/otlp_traces.json");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
}

TEST_CASE("cli: --version prints the version, exit 0", "[e2e][cli]") {
  auto result = run_trace("--version");
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("trace ", 0) == 0);
}

namespace {

const char* const kCommands[] = {"stats", "info",   "grep",   "top",  "summary", "cost",       "merge",
                                 "convert", "tree",  "replay", "report", "diff", "check",   "completions"};

}  // namespace

TEST_CASE("cli: every subcommand's --help has examples and every option is in its man page", "[e2e][cli]") {
  for (std::string command : kCommands) {
    auto help = run_trace(command + " --help");
    INFO(command);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Examples:") != std::string::npos);
    std::string man = read_file(source_path("man/trace-" + command + ".1"));
    REQUIRE(!man.empty());
    // roff escapes dashes: \-\-group\-by reads --group-by.
    man = std::regex_replace(man, std::regex("\\\\-"), "-");
    std::regex long_option("--([a-z][a-z-]+)");
    std::set<std::string> options;
    for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), long_option); it != std::sregex_iterator(); ++it)
      options.insert((*it)[1]);
    for (const std::string& option : options) {
      if (option == "help") continue;
      INFO("--" << option);
      CHECK(man.find("--" + option) != std::string::npos);
    }
  }
}

TEST_CASE("cli: the examples in --help run on the shipped samples", "[e2e][cli]") {
  for (std::string command : kCommands) {
    auto help = run_trace(command + " --help");
    std::string examples = help.out.substr(help.out.find("Examples:"));
    std::regex line("\\n  trace ([^\\n|]+)");
    for (auto it = std::sregex_iterator(examples.begin(), examples.end(), line); it != std::sregex_iterator(); ++it) {
      std::string args = (*it)[1];
      bool own_files = args.find("samples/") == std::string::npos && args.find("--show-prices") == std::string::npos;
      // Writing files into the tree is left to the commands' own tests (report, check --junit).
      bool writes = args.find(" -o ") != std::string::npos || args.find("--junit") != std::string::npos ||
                    args.find(" > ") != std::string::npos;
      if (own_files || writes || command == "completions") continue;
      INFO("trace " << args);
      auto run = run_trace(args);
      CHECK(run.exit_code == 0);
      // Tables put their notes on stderr; nothing else may be there.
      std::istringstream err(run.err);
      for (std::string text; std::getline(err, text);) CHECK(text.rfind("note: ", 0) == 0);
    }
  }
}
