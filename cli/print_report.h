// The last step of the commands whose result has several sections (summary, cost):
// run metadata, one renderer, one write to stdout, notes to stderr for people.
#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"
#include "src/output/report.h"

namespace trace::cli {

// Inputs, spans, logs and skips from the read report; `records` as the analyzer counted
// them (each record once).
void fill_report_meta(output::TableMeta& meta, const formats::ReadReport& report, uint64_t records);

// Renders the report (only `section` when not empty) and writes it to stdout. Notes go
// to stderr for table and Markdown output; machine formats carry them inside.
void print_report(const output::Report& report, const OutputOptions& options, const std::string& section);

}  // namespace trace::cli
