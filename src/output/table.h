// The neutral result model between analyzers and renderers: typed columns, rows of
// cells, and metadata about the run. An analyzer's finish() builds a Table; the CLI fills
// in the run's metadata; one renderer per output format writes it. Renderers decide
// presentation from the column kind alone, so a new column needs no renderer change.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace trace::output {

// How a column's cells are read and shown. Machine formats write raw values (integer
// nanoseconds, fractions, dollars); the text and Markdown tables format them (units.h).
enum class ColumnKind : uint8_t {
  kText,
  kCount,        // integer
  kDurationNs,   // integer nanoseconds
  kRatio,        // fraction in [0, 1], shown as a percentage
  kCostUsd,      // dollars, double
  kBytes,        // integer bytes
  kTimestampNs,  // integer ns since the Unix epoch
};

struct Column {
  std::string key;     // machine name: JSON object key and CSV header ("p99_ns")
  std::string header;  // human name: text and Markdown header ("p99")
  ColumnKind kind = ColumnKind::kText;
  // Shown in red in a coloured table when the value is above zero (error rates).
  bool alert_if_positive = false;
};

// A missing value is std::monostate: "-" in tables, null in JSON, empty in CSV.
using Cell = std::variant<std::monostate, std::string, int64_t, double>;
using Row = std::vector<Cell>;

struct TableMeta {
  std::string command;  // "stats"
  int schema_version = 1;
  std::vector<std::string> inputs;
  uint64_t records = 0;
  uint64_t spans = 0;
  uint64_t logs = 0;
  uint64_t skipped = 0;
  // Where the first skips were ("file:line:col: message"), at most kMaxSkipsShown
  // (formats/read_inputs.h) in input order; empty when nothing was skipped.
  std::vector<std::string> skipped_at;
  bool approximate = false;
  std::string percentile_method;   // empty when the table has no percentiles
  std::vector<std::string> notes;  // one sentence each, for people
};

struct Table {
  std::vector<Column> columns;
  std::vector<Row> rows;  // each row has one cell per column
  TableMeta meta;
};

}  // namespace trace::output
