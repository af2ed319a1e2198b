#include "analyzers/input_info.h"

#include <algorithm>

namespace trace {

namespace {

void add_distinct(std::set<std::string, std::less<>>& values, bool& capped, std::string_view value) {
  if (value.empty() || values.find(value) != values.end()) return;
  if (values.size() >= kMaxDistinctTracked) {
    capped = true;
    return;
  }
  values.emplace(value);
}

void merge_distinct(std::set<std::string, std::less<>>& into, bool& capped, const std::set<std::string, std::less<>>& from,
                    bool from_capped) {
  for (const std::string& value : from) add_distinct(into, capped, value);
  capped = capped || from_capped;
}

}  // namespace

void FileInfo::merge(const FileInfo& other) {
  spans += other.spans;
  logs += other.logs;
  error_spans += other.error_spans;
  error_logs += other.error_logs;
  first_ns = std::min(first_ns, other.first_ns);
  last_ns = std::max(last_ns, other.last_ns);
  relative_clock = relative_clock || other.relative_clock;
  merge_distinct(services, services_capped, other.services, other.services_capped);
  merge_distinct(names, names_capped, other.names, other.names_capped);
  merge_distinct(traces, traces_capped, other.traces, other.traces_capped);
}

Flow InputInfo::on_span(const Span& span) {
  FileInfo& info = files_[span.src.file_index];
  ++info.spans;
  if (span.is_error()) ++info.error_spans;
  if (!(span.flags & kSpanStartUnknown)) {
    info.first_ns = std::min(info.first_ns, span.start_ns);
    info.last_ns = std::max(info.last_ns, span.end_ns());
  }
  if (span.flags & kSpanClockRelative) info.relative_clock = true;
  add_distinct(info.services, info.services_capped, span.service);
  add_distinct(info.names, info.names_capped, span.name);
  add_distinct(info.traces, info.traces_capped, span.trace_id);
  return Flow::kContinue;
}

Flow InputInfo::on_log(const LogRecord& log) {
  FileInfo& info = files_[log.src.file_index];
  ++info.logs;
  if (log.is_error()) ++info.error_logs;
  if (log.time_ns != 0) {
    info.first_ns = std::min(info.first_ns, log.time_ns);
    info.last_ns = std::max(info.last_ns, log.time_ns);
  }
  add_distinct(info.services, info.services_capped, log.service);
  return Flow::kContinue;
}

void InputInfo::merge(InputInfo& other) {
  for (auto& [index, info] : other.files_) files_[index].merge(info);
}

}  // namespace trace
