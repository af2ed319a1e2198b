#include "formats/jsonl_writer.h"

#include "src/output/record_printer.h"

namespace trace::formats {

Flow JsonlWriter::on_span(const Span& span) {
  output::append_record_json(span, file_, out_, output::RecordColumns::kTable);
  out_ += '\n';
  maybe_flush();
  return Flow::kContinue;
}

Flow JsonlWriter::on_log(const LogRecord& log) {
  output::append_record_json(log, file_, out_, output::RecordColumns::kTable);
  out_ += '\n';
  maybe_flush();
  return Flow::kContinue;
}

}  // namespace trace::formats
