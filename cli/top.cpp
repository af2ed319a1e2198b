// trace top: the slowest spans (placeholder while the analyzer is written).
#include "cli/command.h"
#include "src/exit_codes.h"

namespace trace::cli {

Command register_top(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("top", "The N slowest spans, with trace id, parent chain and key attributes");
  app->footer("Examples:\n");
  return {app, [] { return kExitOk; }};
}

}  // namespace trace::cli
