#include <fmt/format.h>

#include "src/errors.h"
#include "src/output/json_writer.h"
#include "src/output/report.h"
#include "src/output/write_table.h"

namespace trace::output {

namespace {

void write_json_report(const Report& report, const std::vector<const Section*>& sections, std::string_view only,
                       std::string& out) {
  const TableMeta& meta = report.meta;
  out += "{\n";
  fmt::format_to(std::back_inserter(out), "  \"schema_version\": {},\n  \"command\": ", meta.schema_version);
  append_json_string(meta.command, out);
  out += ",\n  \"inputs\": ";
  append_json_string_array(meta.inputs, out);
  fmt::format_to(std::back_inserter(out), ",\n  \"records\": {},\n  \"spans\": {},\n  \"logs\": {},\n  \"skipped\": {},\n",
                 meta.records, meta.spans, meta.logs, meta.skipped);
  out += "  \"skipped_at\": ";
  append_json_string_array(meta.skipped_at, out);
  fmt::format_to(std::back_inserter(out), ",\n  \"approximate\": {},\n", meta.approximate ? "true" : "false");
  out += "  \"notes\": ";
  append_json_string_array(report_notes(report, only), out);
  out += ",\n";
  for (const auto& [key, value] : report.fields) {
    out += "  ";
    append_json_string(key, out);
    out += ": ";
    append_json_cell(value, out);
    out += ",\n";
  }
  out += "  \"sections\": {";
  for (size_t s = 0; s < sections.size(); ++s) {
    const Section& section = *sections[s];
    out += s > 0 ? ",\n    " : "\n    ";
    append_json_string(section.name, out);
    out += ": [";
    for (size_t r = 0; r < section.table.rows.size(); ++r) {
      out += r > 0 ? ",\n      {" : "\n      {";
      append_json_row_fields(section.table, section.table.rows[r], out);
      out += '}';
    }
    out += section.table.rows.empty() ? "]" : "\n    ]";
  }
  out += sections.empty() ? "}\n}\n" : "\n  }\n}\n";
}

std::string section_names(const Report& report) {
  std::string names;
  for (size_t i = 0; i < report.sections.size(); ++i) {
    if (i > 0) names += i + 1 == report.sections.size() ? " or " : ", ";
    names += report.sections[i].name;
  }
  return names;
}

}  // namespace

std::vector<std::string> report_notes(const Report& report, std::string_view only) {
  std::vector<std::string> notes = report.meta.notes;
  for (const Section& section : report.sections)
    if (only.empty() || section.name == only) notes.insert(notes.end(), section.notes.begin(), section.notes.end());
  return notes;
}

const Section* Report::find(std::string_view name) const {
  for (const Section& section : sections)
    if (section.name == name) return &section;
  return nullptr;
}

void write_report(const Report& report, OutputFormat format, const RenderStyle& style, std::string_view only,
                  std::string& out) {
  std::vector<const Section*> sections;
  if (!only.empty()) {
    const Section* chosen = report.find(only);
    if (chosen == nullptr)
      throw UsageError(fmt::format("--section: unknown section '{}' (expected {})", only, section_names(report)));
    sections.push_back(chosen);
  } else if (format == OutputFormat::kCsv) {
    if (const Section* main = report.find(report.main_section)) sections.push_back(main);
  } else {
    for (const Section& section : report.sections) sections.push_back(&section);
  }

  switch (format) {
    case OutputFormat::kJson: write_json_report(report, sections, only, out); return;
    case OutputFormat::kCsv:
      for (const Section* section : sections) write_csv(section->table, style, out);
      return;
    case OutputFormat::kJsonl:
      for (const Section* section : sections)
        for (const Row& row : section->table.rows) {
          out += "{\"section\":";
          append_json_string(section->name, out);
          if (!section->table.columns.empty()) out += ',';
          append_json_row_fields(section->table, row, out);
          out += "}\n";
        }
      return;
    case OutputFormat::kTable:
    case OutputFormat::kMarkdown: {
      bool first = true;
      for (const Section* section : sections) {
        if (section->table.rows.empty() && only.empty()) continue;
        if (!first) out += '\n';
        first = false;
        if (format == OutputFormat::kMarkdown) {
          fmt::format_to(std::back_inserter(out), "### {}\n\n", section->title);
          write_markdown(section->table, style, out);
        } else {
          if (style.color)
            fmt::format_to(std::back_inserter(out), "\x1b[1m{}\x1b[0m\n", section->title);
          else
            fmt::format_to(std::back_inserter(out), "{}\n", section->title);
          write_text_table(section->table, style, out);
        }
      }
      return;
    }
  }
}

}  // namespace trace::output
