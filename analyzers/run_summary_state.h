// The mergeable state of `trace summary` (RunSummary) as a partial result, and back:
// what `trace summary --partial` writes and `trace merge` reads (partial_document.h has
// the envelope; trace-merge(1) documents every key).
//
//   "options": {"group_by": ["service", "attr.KEY"], "every_ns": 0}
//   "state": {"files": [FILE...], "services": [...], "loggers": [...],
//             "span_names": [...], "errors": [...], "groups": [...],
//             "capped": {"services": false, "loggers": false, "span_names": false,
//                        "errors": false, "groups": false}}
//
// "files" has one object per input, by the index of "inputs" (shorter when the last
// inputs held no record); every other list holds one object per key, in key order, with
// the counters of RunSummary's maps. Group keys whose part is a file hold the input's
// index, renumbered on reading to the merge's joined inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "analyzers/partial_document.h"
#include "analyzers/run_summary.h"

namespace trace {

class RunSummaryState {
 public:
  // The whole partial document of a summary run.
  static std::string partial(const RunSummary& summary, const formats::ReadReport& read, std::string_view writer);

  static void write(const RunSummary& summary, std::string& out);
  // Reads a "state" object into `into` (empty, grouping as the partial's options say);
  // `file_index` gives the index of each of the partial's inputs among the merge's.
  static void read(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index, RunSummary& into);
};

// The summary partials of one merge, added one by one (after PartialMerge checked them).
class RunSummaryPartials {
 public:
  // `top`: rows of each top-N section (--top of trace merge).
  RunSummaryPartials(const PartialHeader& first, size_t top);

  void add(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index);
  RunSummary& summary() { return summary_; }

 private:
  SummaryOptions options_;
  RunSummary summary_;
};

// The group-by of a summary or cost partial's options: the time bucket of "every_ns"
// first when there is one, then the keys of "group_by" (as both commands build it).
RecordKeySpec record_key_spec_of(const PartialHeader& header);
// And the options that record it.
void add_record_key_options(const RecordKeySpec& spec, PartialHeader& header);

}  // namespace trace
