#include <string>

#include <catch2/catch.hpp>

#include "output_sample_table.h"
#include "src/errors.h"
#include "src/output/write_table.h"

using namespace trace::output;

TEST_CASE("write_table: format names parse to formats", "[output]") {
  CHECK(parse_output_format("table") == OutputFormat::kTable);
  CHECK(parse_output_format("json") == OutputFormat::kJson);
  CHECK(parse_output_format("jsonl") == OutputFormat::kJsonl);
  CHECK(parse_output_format("csv") == OutputFormat::kCsv);
  CHECK(parse_output_format("markdown") == OutputFormat::kMarkdown);
  CHECK(parse_output_format("md") == OutputFormat::kMarkdown);
}

TEST_CASE("write_table: an unknown format is a usage error", "[output]") {
  try {
    parse_output_format("yaml");
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) ==
          "--format: unknown format 'yaml' (expected table, json, jsonl, csv or markdown)");
  }
}

TEST_CASE("write_table: dispatches to each format's renderer", "[output]") {
  const Table table = trace::testing::sample_table();
  const RenderStyle style{.color = true};
  auto via_dispatch = [&](OutputFormat f) {
    std::string out;
    write_table(table, f, style, out);
    return out;
  };
  std::string text, json, jsonl, csv, md;
  write_text_table(table, style, text);
  write_json(table, style, json);
  write_jsonl(table, style, jsonl);
  write_csv(table, style, csv);
  write_markdown(table, style, md);
  CHECK(via_dispatch(OutputFormat::kTable) == text);
  CHECK(via_dispatch(OutputFormat::kJson) == json);
  CHECK(via_dispatch(OutputFormat::kJsonl) == jsonl);
  CHECK(via_dispatch(OutputFormat::kCsv) == csv);
  CHECK(via_dispatch(OutputFormat::kMarkdown) == md);
}
