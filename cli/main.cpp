// trace: one binary, one subcommand per cli/<name>.cpp. main() parses, then runs the
// chosen command outside the parse try-block so parse errors and input errors never mix.
#include <csignal>
#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/stdout_writer.h"

namespace {

int run_guarded(const trace::cli::Command& command) {
  std::string name = command.app->get_name();
  try {
    return command.run();
  } catch (const trace::output::BrokenPipe&) {
    return trace::kExitOk;
  } catch (const trace::UsageError& e) {
    fmt::print(stderr, "trace {}: error: {}\nTry 'trace {} --help'.\n", name, e.what(), name);
  } catch (const trace::InputError& e) {
    fmt::print(stderr, "trace: error: {}\n", e.what());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "trace: error: out of memory\n");
  } catch (const std::exception& e) {
    fmt::print(stderr, "trace: error: {}\n", e.what());
  }
  return trace::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout must surface as EPIPE on write, not kill the process mid-output.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"trace: fast analysis of trace exports and JSON-lines logs\n"
               "(OTLP JSON, Chrome Trace Event, Jaeger, Zipkin, JSON-lines loggers, agent pipelines),\n"
               "format detected per file."};
  app.name("trace");
  app.set_version_flag("-V,--version", fmt::format("trace {}", TRACE_VERSION));
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  trace stats samples/otlp_traces.json\n"
      "  trace stats --group-by model --format csv samples/otlp_traces.json\n"
      "  trace info samples/*.json\n"
      "  trace grep --level error samples/app_logs.jsonl\n"
      "  trace summary samples/\n"
      "  trace cost samples/otlp_traces.json\n"
      "  trace convert --to chrome samples/otlp_traces.json -o trace.json\n"
      "  trace tree --trace 8e1d samples/jaeger.json\n"
      "  trace report samples/otlp_traces.json -o report.html\n"
      "  trace check --budget samples/ci/budgets.toml samples/ci/regressed.jsonl\n"
      "\nRun 'trace COMMAND --help' for a command's options; 'man trace' for the full manual.");

  std::vector<trace::cli::Command> commands{
      trace::cli::register_stats(app),
      trace::cli::register_info(app),
      trace::cli::register_grep(app),
      trace::cli::register_top(app),
      trace::cli::register_summary(app),
      trace::cli::register_cost(app),
      trace::cli::register_merge(app),
      trace::cli::register_convert(app),
      trace::cli::register_tree(app),
      trace::cli::register_replay(app),
      trace::cli::register_diff(app),
      trace::cli::register_check(app),
      trace::cli::register_report(app),
      trace::cli::register_completions(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? trace::kExitOk : trace::kExitError;
  }
  for (const trace::cli::Command& command : commands)
    if (command.app->parsed()) return run_guarded(command);
  return trace::kExitError;
}
