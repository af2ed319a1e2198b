// Flags every subcommand that reads input or prints a result shares.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "formats/read_inputs.h"

namespace trace::cli {

struct InputOptions {
  std::vector<std::string> paths;
  std::string input_format;
  unsigned jobs = 0;  // 0 = one per core
  bool lenient = false;
  size_t chunk_bytes = size_t(4) << 20;

  formats::ReadOptions read_options() const;
  // The inputs to read: the paths, or stdin when none were given and stdin is not a
  // terminal. Throws UsageError when there is nothing to read.
  std::vector<formats::Input> inputs() const;
};

struct OutputOptions {
  std::string format = "table";
  std::string color = "auto";
  std::string path;  // -o; "" = standard output

  // --color decided for where the result goes: auto is never colour in a file.
  bool use_color() const;
};

void add_input_options(CLI::App& app, InputOptions& options);
void add_output_options(CLI::App& app, OutputOptions& options);

// Tells stderr what --lenient skipped; silent when nothing was.
void report_skips(const formats::ReadReport& report);

}  // namespace trace::cli
