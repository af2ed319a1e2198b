#include "cli/common_options.h"

#include <cstdio>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "formats/registry.h"
#include "src/errors.h"
#include "src/output/terminal.h"

namespace trace::cli {

formats::ReadOptions InputOptions::read_options() const {
  formats::ReadOptions options;
  options.input_format = input_format;
  options.jobs = jobs != 0 ? jobs : std::max(1u, std::thread::hardware_concurrency());
  options.lenient = lenient;
  options.chunk_bytes = chunk_bytes;
  return options;
}

std::vector<formats::Input> InputOptions::inputs() const {
  if (!paths.empty()) return formats::inputs_from_paths(paths);
  if (::isatty(STDIN_FILENO)) throw UsageError("no input files (give FILE arguments, or '-' to read standard input)");
  return {{"-", {}}};
}

void add_input_options(CLI::App& app, InputOptions& options) {
  app.add_option("files", options.paths, "Trace or log files to read ('-' for standard input, a directory for the trace files in it; .gz and .zst are decompressed)");
  std::vector<std::string> names;
  for (const formats::FormatSpec& spec : formats::all_formats()) names.emplace_back(spec.name);
  app.add_option("--input-format", options.input_format,
                 "Read every input as this format instead of detecting it (" + formats::format_names() + ")")
      ->check(CLI::IsMember(names));
  app.add_option("-j,--jobs", options.jobs, "Worker threads for JSON-lines input and big documents (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  app.add_flag("--lenient", options.lenient,
               "Skip malformed records, count them and report where (default: stop at the first, exit 2)");
  // For tests: results must not depend on how the input is cut into chunks.
  app.add_option("--chunk-bytes", options.chunk_bytes, "Bytes read per chunk of JSON-lines input, and per batch of a big document's elements")
      ->check(CLI::Range(size_t(1) << 10, size_t(1) << 30))
      ->group("");
}

bool OutputOptions::use_color() const {
  output::ColorMode mode = output::parse_color_mode(color);
  if (!path.empty() && path != "-") return mode == output::ColorMode::kAlways;
  return output::color_enabled(mode);
}

void add_output_options(CLI::App& app, OutputOptions& options) {
  app.add_option("-f,--format", options.format, "Output format: table, json, jsonl, csv or md")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv", "md"}));
  app.add_flag_callback("--json", [&options] { options.format = "json"; }, "Same as --format json");
  app.add_flag_callback("--csv", [&options] { options.format = "csv"; }, "Same as --format csv");
  app.add_option("--color", options.color, "Colour in tables: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("-o,--output", options.path,
                 "Write the result to FILE (through FILE.tmp, renamed when complete) instead of standard output");
}

void report_skips(const formats::ReadReport& report) {
  for (const formats::FileReport& file : report.files) {
    if (file.skipped == 0) continue;
    fmt::print(stderr, "trace: warning: {}: skipped {} malformed record{} (--lenient)\n", file.name, file.skipped,
               file.skipped == 1 ? "" : "s");
    for (const std::string& where : file.first_skips) fmt::print(stderr, "  {}\n", where);
  }
}

}  // namespace trace::cli
