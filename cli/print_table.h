// The last step of every aggregate subcommand: run metadata into the table, then one
// renderer, then one write to stdout.
#pragma once

#include "cli/common_options.h"
#include "src/output/table.h"

namespace trace::cli {

// Inputs, record and skip counts from the read report.
void fill_meta(output::TableMeta& meta, const formats::ReadReport& report);

void print_table(const output::Table& table, const OutputOptions& options);

}  // namespace trace::cli
