// A result of several tables (`trace summary`, `trace cost`): named sections that share
// one run's metadata, and their renderers. Each section is an ordinary Table, drawn by
// the single-table renderers of write_table.h; this file only arranges them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/output/table.h"
#include "src/output/write_table.h"

namespace trace::output {

struct Section {
  std::string name;   // machine name: JSON key, --section value ("files")
  std::string title;  // for people: the heading above the table ("Per file")
  Table table;        // its meta is unused; the report's meta applies
  std::vector<std::string> notes;  // about this section only ("showing the top 10 of 16")
};

struct Report {
  TableMeta meta;
  // Top-level JSON fields after the metadata, in order ("total_cost_usd": 1.25).
  std::vector<std::pair<std::string, Cell>> fields;
  std::vector<Section> sections;
  std::string main_section;  // what CSV prints when no section is chosen

  const Section* find(std::string_view name) const;
};

// The notes that go with what is printed: the report's own, then those of the sections
// shown (all of them, or only `only`).
std::vector<std::string> report_notes(const Report& report, std::string_view only);

// Renders `report`, or only section `only` when it is not empty (UsageError when no
// section has that name, listing the names):
//  - table: each section with rows under its title, a blank line between sections;
//  - md: "### Title" above each section's Markdown table;
//  - csv: one section only (`only`, else main_section), as write_csv;
//  - jsonl: every row of every section, each object starting with "section": NAME;
//  - json: one document: schema_version, command, inputs, records, spans, logs,
//    skipped, approximate, notes (report_notes), then `fields`, then
//    "sections": {NAME: [row...]}.
// Sections without rows are left out of table and md output, never out of JSON.
void write_report(const Report& report, OutputFormat format, const RenderStyle& style, std::string_view only,
                  std::string& out);

}  // namespace trace::output
