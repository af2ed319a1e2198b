// A subcommand as main() sees it: the CLI11 app it registered, and how to run it once
// the command line has been parsed. One register_<name> per cli/<name>.cpp.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace trace::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the exit code; throws UsageError / InputError
};

Command register_stats(CLI::App& parent);
Command register_info(CLI::App& parent);
Command register_grep(CLI::App& parent);
Command register_top(CLI::App& parent);
Command register_summary(CLI::App& parent);
Command register_cost(CLI::App& parent);
Command register_merge(CLI::App& parent);
Command register_convert(CLI::App& parent);
Command register_tree(CLI::App& parent);
Command register_replay(CLI::App& parent);
Command register_diff(CLI::App& parent);
Command register_check(CLI::App& parent);
Command register_report(CLI::App& parent);
Command register_completions(CLI::App& parent);  // last: it walks the commands before it

}  // namespace trace::cli
