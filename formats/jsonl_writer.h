// `trace convert --to jsonl`: one JSON object per record per line, every line with the
// same keys (output::RecordColumns::kTable, documented in trace-convert(1)), for
// ClickHouse JSONEachRow, DuckDB read_json and Spark. trace reads it back as the
// trace-jsonl format (formats/trace_jsonl.h).
#pragma once

#include <string>

#include "formats/record_writer.h"

namespace trace::formats {

class JsonlWriter final : public RecordWriter {
 public:
  using RecordWriter::RecordWriter;

  // The `file` column of the records that follow.
  void begin_file(std::string_view name) override { file_.assign(name); }

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;

 private:
  std::string file_;
};

}  // namespace trace::formats
