// Loader for trace's own JSON-lines records: what `trace convert --to jsonl` writes
// (output::RecordColumns::kTable) and `trace grep --format jsonl` prints (its first
// columns), read back as the spans and log records they describe. Columns:
// trace-convert(1).
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

// The first value is an object whose kind is "span" or "log", with time_ns, duration_ns,
// trace_id, span_id, parent_id, status and attrs.
bool sniff_trace_jsonl(const InputHead& head);
std::unique_ptr<Loader> make_trace_jsonl_loader(const InputHead& head);

}  // namespace trace::formats
