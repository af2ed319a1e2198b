#include "analyzers/run_summary.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "analyzers/message_template.h"

namespace trace {

namespace {

using output::ColumnKind;
constexpr int64_t kMaxNs = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinNs = std::numeric_limits<int64_t>::min();

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return kMaxNs;
  return sum;
}

size_t level_band(uint8_t severity) {
  if (severity == 0) return 0;
  size_t band = (static_cast<size_t>(severity) - 1) / 4 + 1;
  return std::min<size_t>(band, 6);
}

// The entry of `key`, inserting it (one copy of the key) when new; past `limit`
// distinct keys, new ones share the "(other)" entry.
template <class V>
typename RunSummary::Map<V>::value_type& bounded_entry(RunSummary::Map<V>& map, std::string_view key, size_t limit,
                                                       bool& capped) {
  auto it = map.find(key);
  if (it != map.end()) return *it;
  if (map.size() >= limit) {
    capped = true;
    key = kOtherValue;
    it = map.find(key);
    if (it != map.end()) return *it;
  }
  return *map.emplace(std::string(key), V{}).first;
}

template <class V>
V& bounded_slot(RunSummary::Map<V>& map, std::string_view key, size_t limit, bool& capped) {
  return bounded_entry(map, key, limit, capped).second;
}

double rate(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

output::Cell ratio_cell(uint64_t part, uint64_t whole) {
  if (whole == 0) return std::monostate{};
  return rate(part, whole);
}

std::string_view or_none(std::string_view s) { return s.empty() ? kNoKeyValue : s; }

// Keeps the first `top` (0 = all) of `items` after sorting; returns how many there were.
template <class T, class Less>
size_t sort_and_cut(std::vector<T>& items, size_t top, Less less) {
  size_t all = items.size();
  std::sort(items.begin(), items.end(), less);
  if (top > 0 && items.size() > top) items.resize(top);
  return all;
}

void note_cut(output::Section& section, std::string_view what, size_t shown, size_t all) {
  if (shown < all) section.notes.push_back(fmt::format("{}: showing the top {} of {}", what, shown, all));
}

template <class V>
void merge_map(RunSummary::Map<V>& into, RunSummary::Map<V>& from, size_t limit, bool& capped,
               void (*add)(V&, const V&)) {
  for (auto it = from.begin(); it != from.end();) {
    auto found = into.find(std::string_view(it->first));
    if (found != into.end()) {
      add(found->second, it->second);
      ++it;
    } else if (into.size() < limit) {
      into.insert(from.extract(it++));
    } else {
      capped = true;
      add(bounded_slot(into, it->first, limit, capped), it->second);
      ++it;
    }
  }
  from.clear();
}

void add_counts(RunSummary::Counts& a, const RunSummary::Counts& b) { a.add(b); }
void add_logger(RunSummary::LoggerStats& a, const RunSummary::LoggerStats& b) {
  a.logs += b.logs;
  a.warnings += b.warnings;
  a.errors += b.errors;
}
void add_name(RunSummary::NameStats& a, const RunSummary::NameStats& b) {
  a.spans += b.spans;
  a.errors += b.errors;
  a.timed += b.timed;
  a.total_ns = saturating_add(a.total_ns, b.total_ns);
  a.max_ns = std::max(a.max_ns, b.max_ns);
}
void add_error_stats(RunSummary::ErrorStats& a, const RunSummary::ErrorStats& b) {
  a.count += b.count;
  a.first_ns = std::min(a.first_ns, b.first_ns);
  a.last_ns = std::max(a.last_ns, b.last_ns);
  if (b.count > 0 && (a.example.empty() || b.example_ns < a.example_ns ||
                      (b.example_ns == a.example_ns && b.example < a.example))) {
    a.example_ns = b.example_ns;
    a.example = b.example;
  }
}
void add_group(RunSummary::GroupStats& a, const RunSummary::GroupStats& b) {
  a.counts.add(b.counts);
  a.span_time_ns = saturating_add(a.span_time_ns, b.span_time_ns);
}

// Three significant digits (whole numbers from 100 on): 0.0110, 1.54, 12.3, 2780.
double three_digits(double x) {
  if (!(x > 0)) return 0;
  if (x >= 100) return std::round(x);
  double scale = std::pow(10.0, 2 - std::floor(std::log10(x)));
  return std::round(x * scale) / scale;
}

output::Cell time_cell(int64_t ns) { return ns == kMaxNs || ns == kMinNs ? output::Cell{} : output::Cell{ns}; }

}  // namespace

void RunSummary::Counts::add(const Counts& o) {
  records += o.records;
  spans += o.spans;
  logs += o.logs;
  errors += o.errors;
}

void RunSummary::FileStats::add(const FileStats& o) {
  counts.add(o.counts);
  for (size_t i = 0; i < levels.size(); ++i) levels[i] += o.levels[i];
  first_ns = std::min(first_ns, o.first_ns);
  last_ns = std::max(last_ns, o.last_ns);
  relative = relative || o.relative;
  log_line_spans += o.log_line_spans;
}

RunSummary::RunSummary(SummaryOptions options)
    : options_(std::move(options)), key_builder_(options_.group_by) {}

RunSummary::FileStats& RunSummary::file(uint32_t index) {
  if (index >= files_.size()) files_.resize(index + 1);
  return files_[index];
}

RunSummary::Counts& RunSummary::service(std::string_view name) {
  name = or_none(name);
  if (cached_service_ != nullptr && name == cached_service_key_) return *cached_service_;
  auto& entry = bounded_entry(services_, name, kMaxSummaryNames, services_capped_);
  // The key stored in the map outlives the record: the cache points at it.
  cached_service_key_ = entry.first;
  Counts& slot = entry.second;
  cached_service_ = &slot;
  return slot;
}

RunSummary::GroupStats* RunSummary::group_of(std::string_view key) {
  return &bounded_slot(groups_, key, kMaxSummaryGroups, groups_capped_);
}

void RunSummary::add_error(std::string_view text, int64_t time_ns, bool has_time) {
  message_template(text, template_);
  ErrorStats& e = bounded_slot(errors_, template_, kMaxErrorTemplates, errors_capped_);
  ++e.count;
  int64_t at = has_time ? time_ns : kMaxNs;
  if (has_time) {
    e.first_ns = std::min(e.first_ns, time_ns);
    e.last_ns = std::max(e.last_ns, time_ns);
  }
  if (e.count == 1 || at <= e.example_ns) {
    first_line_cut(text, scratch_);
    if (e.count == 1 || at < e.example_ns || scratch_ < e.example) {
      e.example.assign(scratch_);
      e.example_ns = at;
    }
  }
}

std::string_view RunSummary::span_error_text(const Span& span) {
  if (!span.status_message.empty()) return span.status_message;
  for (const SpanEvent& event : span.events) {
    if (event.name != "exception") continue;
    for (std::string_view key : {"exception.message", "exception.type"})
      if (const Attr* a = find_attr(event.attrs, key); a && a->value.kind == ValueKind::kString && !a->value.text.empty())
        return a->value.text;
  }
  return span.name;
}

Flow RunSummary::on_span(const Span& span) {
  FileStats& f = file(span.src.file_index);
  ++f.counts.spans;
  if (!(span.flags & kSpanStartUnknown)) {
    f.first_ns = std::min(f.first_ns, span.start_ns);
    f.last_ns = std::max(f.last_ns, span.end_ns());
  }
  if (span.flags & kSpanClockRelative) f.relative = true;

  NameStats& n = bounded_slot(names_, span.name, kMaxSummaryNames, names_capped_);
  ++n.spans;
  if (span.is_error()) ++n.errors;
  bool timed = span.has_duration() && !(span.flags & (kSpanInstant | kSpanIncomplete));
  if (timed) {
    ++n.timed;
    n.total_ns = saturating_add(n.total_ns, span.duration_ns);
    n.max_ns = std::max(n.max_ns, span.duration_ns);
  }

  const bool log_line = last_log_.valid && last_log_.file_index == span.src.file_index &&
                        last_log_.offset == span.src.offset && last_log_.fields == span.attrs.data() &&
                        last_log_.field_count == span.attrs.size();
  last_log_.valid = false;
  bool has_time = !(span.flags & kSpanStartUnknown);
  if (log_line) {
    ++f.log_line_spans;
    if (last_log_.service != nullptr) ++last_log_.service->spans;
    if (last_log_.group != nullptr) {
      ++last_log_.group->counts.spans;
      if (timed) last_log_.group->span_time_ns = saturating_add(last_log_.group->span_time_ns, span.duration_ns);
    }
    // The line's error counts once: here only when its log record was not one already.
    if (span.is_error() && !last_log_.error) {
      ++f.counts.errors;
      if (last_log_.service != nullptr) ++last_log_.service->errors;
      if (last_log_.group != nullptr) ++last_log_.group->counts.errors;
      add_error(span_error_text(span), span.end_ns(), has_time);
    }
    return Flow::kContinue;
  }

  ++f.counts.records;
  Counts& s = service(span.service);
  ++s.records;
  ++s.spans;
  GroupStats* g = options_.group_by.empty() ? nullptr : group_of(key_builder_.key(span));
  if (g != nullptr) {
    ++g->counts.records;
    ++g->counts.spans;
    if (timed) g->span_time_ns = saturating_add(g->span_time_ns, span.duration_ns);
  }
  if (span.is_error()) {
    ++f.counts.errors;
    ++s.errors;
    if (g != nullptr) ++g->counts.errors;
    add_error(span_error_text(span), span.start_ns, has_time);
  }
  return Flow::kContinue;
}

Flow RunSummary::on_log(const LogRecord& log) {
  FileStats& f = file(log.src.file_index);
  ++f.counts.records;
  ++f.counts.logs;
  ++f.levels[level_band(log.severity)];
  if (log.time_ns != 0) {
    f.first_ns = std::min(f.first_ns, log.time_ns);
    f.last_ns = std::max(f.last_ns, log.time_ns);
  }
  const bool error = log.is_error();

  Counts& s = service(log.service);
  ++s.records;
  ++s.logs;

  std::string_view logger = or_none(log.logger);
  if (cached_logger_ == nullptr || logger != cached_logger_key_) {
    auto& entry = bounded_entry(loggers_, logger, kMaxSummaryNames, loggers_capped_);
    cached_logger_key_ = entry.first;
    LoggerStats& slot = entry.second;
    cached_logger_ = &slot;
  }
  LoggerStats& l = *cached_logger_;
  ++l.logs;
  if (log.severity >= 13 && log.severity <= 16) ++l.warnings;

  GroupStats* g = options_.group_by.empty() ? nullptr : group_of(key_builder_.key(log));
  if (g != nullptr) {
    ++g->counts.records;
    ++g->counts.logs;
  }
  if (error) {
    ++f.counts.errors;
    ++s.errors;
    ++l.errors;
    if (g != nullptr) ++g->counts.errors;
    add_error(log.message.empty() ? std::string_view("(no message)") : log.message, log.time_ns, log.time_ns != 0);
  }
  last_log_ = {true, log.src.file_index, log.src.offset, log.fields.data(), log.fields.size(), error, &s, g};
  return Flow::kContinue;
}

void RunSummary::merge(RunSummary& other) {
  if (this == &other) return;
  if (files_.size() < other.files_.size()) files_.resize(other.files_.size());
  for (size_t i = 0; i < other.files_.size(); ++i) files_[i].add(other.files_[i]);
  other.files_.clear();
  merge_map<Counts>(services_, other.services_, kMaxSummaryNames, services_capped_, add_counts);
  merge_map<LoggerStats>(loggers_, other.loggers_, kMaxSummaryNames, loggers_capped_, add_logger);
  merge_map<NameStats>(names_, other.names_, kMaxSummaryNames, names_capped_, add_name);
  merge_map<ErrorStats>(errors_, other.errors_, kMaxErrorTemplates, errors_capped_, add_error_stats);
  merge_map<GroupStats>(groups_, other.groups_, kMaxSummaryGroups, groups_capped_, add_group);
  services_capped_ |= other.services_capped_;
  loggers_capped_ |= other.loggers_capped_;
  names_capped_ |= other.names_capped_;
  errors_capped_ |= other.errors_capped_;
  groups_capped_ |= other.groups_capped_;
  other.last_log_ = {};
  other.cached_service_ = nullptr;
  other.cached_logger_ = nullptr;
  last_log_ = {};
}

output::Report RunSummary::finish(std::span<const InputFacts> inputs) {
  output::Report report;
  output::TableMeta& meta = report.meta;
  report.main_section = "files";
  std::vector<std::string> file_names;
  for (const InputFacts& in : inputs) file_names.push_back(in.name);

  // Per file, then the total.
  FileStats total;
  FileStats total_epoch;  // epoch clocks only: relative times cannot share a range
  bool any_epoch = false;
  std::vector<std::string> formats;
  output::Section files{"files", "Per file", {}, {}};
  files.table.columns = {
      {"file", "file", ColumnKind::kText},           {"format", "format", ColumnKind::kText},
      {"bytes", "bytes", ColumnKind::kBytes},        {"records", "records", ColumnKind::kCount},
      {"spans", "spans", ColumnKind::kCount},        {"logs", "logs", ColumnKind::kCount},
      {"errors", "errors", ColumnKind::kCount, true}, {"error_rate", "err%", ColumnKind::kRatio, true},
      {"first_ns", "first", ColumnKind::kTimestampNs}, {"last_ns", "last", ColumnKind::kTimestampNs},
      {"wall_ns", "wall", ColumnKind::kDurationNs},  {"records_per_s", "records/s", ColumnKind::kCount},
  };
  static const FileStats kNothing;
  uint64_t total_bytes = 0;
  auto file_row = [](std::string name, std::string format, uint64_t bytes, const FileStats& f, bool relative) {
    output::Row row{std::move(name), std::move(format), static_cast<int64_t>(bytes),
                    static_cast<int64_t>(f.counts.records), static_cast<int64_t>(f.counts.spans),
                    static_cast<int64_t>(f.counts.logs), static_cast<int64_t>(f.counts.errors),
                    ratio_cell(f.counts.errors, f.counts.records)};
    bool has_time = f.first_ns <= f.last_ns;
    if (has_time && !relative) {
      row.insert(row.end(), {f.first_ns, f.last_ns});
    } else {
      row.insert(row.end(), {std::monostate{}, std::monostate{}});
    }
    if (has_time) {
      int64_t wall = f.last_ns - f.first_ns;
      row.emplace_back(wall);
      if (wall > 0)
        row.emplace_back(three_digits(static_cast<double>(f.counts.records) * 1e9 / static_cast<double>(wall)));
      else
        row.emplace_back(std::monostate{});
    } else {
      row.insert(row.end(), {std::monostate{}, std::monostate{}});
    }
    return row;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FileStats& f = i < files_.size() ? files_[i] : kNothing;
    files.table.rows.push_back(file_row(inputs[i].name, inputs[i].format, inputs[i].bytes, f, f.relative));
    total.add(f);
    total_bytes += inputs[i].bytes;
    if (!f.relative && f.first_ns <= f.last_ns) {
      total_epoch.first_ns = std::min(total_epoch.first_ns, f.first_ns);
      total_epoch.last_ns = std::max(total_epoch.last_ns, f.last_ns);
      any_epoch = true;
    }
    if (std::find(formats.begin(), formats.end(), inputs[i].format) == formats.end())
      formats.push_back(inputs[i].format);
    if (f.relative)
      meta.notes.push_back(fmt::format("{}: times are relative to an unknown origin (no epoch clock in the file)",
                                       inputs[i].name));
    if (f.log_line_spans > 0)
      meta.notes.push_back(fmt::format("{}: {} of its spans are log lines with a duration, counted once as records",
                                       inputs[i].name, f.log_line_spans));
    if (inputs[i].skipped > 0)
      meta.notes.push_back(fmt::format("{}: partial: {} malformed record{} skipped (--lenient)", inputs[i].name,
                                       inputs[i].skipped, inputs[i].skipped == 1 ? "" : "s"));
  }
  if (inputs.size() > 1) {
    FileStats shown = total;
    shown.first_ns = any_epoch ? total_epoch.first_ns : kMaxNs;
    shown.last_ns = any_epoch ? total_epoch.last_ns : kMinNs;
    files.table.rows.push_back(
        file_row("(total)", formats.size() == 1 ? formats[0] : "mixed", total_bytes, shown, false));
  }
  meta.records = total.counts.records;

  // Levels of log records, per file and in total.
  output::Section levels{"levels", "Log levels", {}, {}};
  levels.table.columns.push_back({"file", "file", ColumnKind::kText});
  for (std::string_view name : {"trace", "debug", "info", "warn", "error", "fatal", "unknown"})
    levels.table.columns.push_back({std::string(name), std::string(name), ColumnKind::kCount,
                                    name == "error" || name == "fatal"});
  auto level_row = [](std::string name, const FileStats& f) {
    output::Row row{std::move(name)};
    for (size_t band = 1; band <= 6; ++band) row.emplace_back(static_cast<int64_t>(f.levels[band]));
    row.emplace_back(static_cast<int64_t>(f.levels[0]));
    return row;
  };
  if (total.counts.logs > 0) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const FileStats& f = i < files_.size() ? files_[i] : kNothing;
      if (f.counts.logs > 0) levels.table.rows.push_back(level_row(inputs[i].name, f));
    }
    if (inputs.size() > 1) levels.table.rows.push_back(level_row("(total)", total));
  }

  // Services.
  output::Section services{"services", "Services", {}, {}};
  services.table.columns = {
      {"service", "service", ColumnKind::kText},   {"records", "records", ColumnKind::kCount},
      {"spans", "spans", ColumnKind::kCount},      {"logs", "logs", ColumnKind::kCount},
      {"errors", "errors", ColumnKind::kCount, true}, {"error_rate", "err%", ColumnKind::kRatio, true},
  };
  {
    std::vector<std::pair<std::string_view, const Counts*>> items;
    for (const auto& [k, v] : services_) items.emplace_back(k, &v);
    size_t all = sort_and_cut(items, options_.top, [](const auto& a, const auto& b) {
      if (a.second->records != b.second->records) return a.second->records > b.second->records;
      return a.first < b.first;
    });
    for (const auto& [k, c] : items)
      services.table.rows.push_back({std::string(k), static_cast<int64_t>(c->records), static_cast<int64_t>(c->spans),
                                     static_cast<int64_t>(c->logs), static_cast<int64_t>(c->errors),
                                     ratio_cell(c->errors, c->records)});
    note_cut(services, "services", items.size(), all);
  }

  // Loggers.
  output::Section loggers{"loggers", "Loggers", {}, {}};
  loggers.table.columns = {
      {"logger", "logger", ColumnKind::kText},         {"logs", "logs", ColumnKind::kCount},
      {"warnings", "warnings", ColumnKind::kCount},    {"errors", "errors", ColumnKind::kCount, true},
      {"error_rate", "err%", ColumnKind::kRatio, true},
  };
  {
    std::vector<std::pair<std::string_view, const LoggerStats*>> items;
    for (const auto& [k, v] : loggers_) items.emplace_back(k, &v);
    size_t all = sort_and_cut(items, options_.top, [](const auto& a, const auto& b) {
      if (a.second->logs != b.second->logs) return a.second->logs > b.second->logs;
      return a.first < b.first;
    });
    for (const auto& [k, l] : items)
      loggers.table.rows.push_back({std::string(k), static_cast<int64_t>(l->logs), static_cast<int64_t>(l->warnings),
                                    static_cast<int64_t>(l->errors), ratio_cell(l->errors, l->logs)});
    note_cut(loggers, "loggers", items.size(), all);
  }

  // Span names by total time.
  output::Section names{"span_names", "Span names by total time", {}, {}};
  names.table.columns = {
      {"name", "name", ColumnKind::kText},            {"spans", "spans", ColumnKind::kCount},
      {"errors", "errors", ColumnKind::kCount, true}, {"error_rate", "err%", ColumnKind::kRatio, true},
      {"total_ns", "total", ColumnKind::kDurationNs}, {"mean_ns", "mean", ColumnKind::kDurationNs},
      {"max_ns", "max", ColumnKind::kDurationNs},
  };
  {
    std::vector<std::pair<std::string_view, const NameStats*>> items;
    for (const auto& [k, v] : names_) items.emplace_back(k, &v);
    size_t all = sort_and_cut(items, options_.top, [](const auto& a, const auto& b) {
      if (a.second->total_ns != b.second->total_ns) return a.second->total_ns > b.second->total_ns;
      if (a.second->spans != b.second->spans) return a.second->spans > b.second->spans;
      return a.first < b.first;
    });
    for (const auto& [k, n] : items) {
      output::Row row{std::string(k), static_cast<int64_t>(n->spans), static_cast<int64_t>(n->errors),
                      ratio_cell(n->errors, n->spans)};
      if (n->timed > 0) {
        auto timed = static_cast<int64_t>(n->timed);
        int64_t mean = n->total_ns / timed + ((n->total_ns % timed) * 2 >= timed ? 1 : 0);
        row.insert(row.end(), {n->total_ns, mean, n->max_ns});
      } else {
        row.insert(row.end(), {std::monostate{}, std::monostate{}, std::monostate{}});
      }
      names.table.rows.push_back(std::move(row));
    }
    note_cut(names, "span names", items.size(), all);
  }

  // Error messages, grouped by template.
  output::Section errors{"errors", "Top errors", {}, {}};
  errors.table.columns = {
      {"template", "error", ColumnKind::kText},             {"count", "count", ColumnKind::kCount},
      {"first_ns", "first seen", ColumnKind::kTimestampNs}, {"last_ns", "last seen", ColumnKind::kTimestampNs},
      {"example", "example", ColumnKind::kText},
  };
  {
    std::vector<std::pair<std::string_view, const ErrorStats*>> items;
    for (const auto& [k, v] : errors_) items.emplace_back(k, &v);
    size_t all = sort_and_cut(items, options_.top, [](const auto& a, const auto& b) {
      if (a.second->count != b.second->count) return a.second->count > b.second->count;
      return a.first < b.first;
    });
    for (const auto& [k, e] : items)
      errors.table.rows.push_back({std::string(k), static_cast<int64_t>(e->count), time_cell(e->first_ns),
                                   time_cell(e->last_ns), e->example});
    note_cut(errors, "errors", items.size(), all);
  }

  report.sections.push_back(std::move(files));
  report.sections.push_back(std::move(levels));
  report.sections.push_back(std::move(services));
  report.sections.push_back(std::move(loggers));
  report.sections.push_back(std::move(names));
  report.sections.push_back(std::move(errors));

  // Groups and time buckets.
  if (!options_.group_by.empty()) {
    const RecordKeySpec& spec = options_.group_by;
    output::Section groups{"groups", spec.has_time() ? "Over time" : "Groups", {}, {}};
    for (const RecordKeyPart& part : spec.parts)
      groups.table.columns.push_back({part.column_key(), part.column_header(), part.column_kind()});
    groups.table.columns.insert(groups.table.columns.end(), {
        {"records", "records", ColumnKind::kCount},     {"spans", "spans", ColumnKind::kCount},
        {"logs", "logs", ColumnKind::kCount},           {"errors", "errors", ColumnKind::kCount, true},
        {"error_rate", "err%", ColumnKind::kRatio, true}, {"span_time_ns", "span time", ColumnKind::kDurationNs},
    });
    struct Item {
      output::Row key;
      const GroupStats* stats;
    };
    std::vector<Item> items;
    for (const auto& [k, v] : groups_) items.push_back({key_cells(k, spec, file_names), &v});
    // A histogram with nothing else in the key shows its empty buckets too.
    static const GroupStats kEmpty;
    if (spec.parts.size() == 1 && spec.has_time() && !items.empty()) {
      int64_t lo = kMaxNs, hi = kMinNs;
      for (const Item& item : items)
        if (const auto* t = std::get_if<int64_t>(&item.key[0])) {
          lo = std::min(lo, *t);
          hi = std::max(hi, *t);
        }
      int64_t every = spec.parts[0].every_ns;
      if (lo <= hi && (hi - lo) / every < static_cast<int64_t>(kMaxSummaryGroups)) {
        std::vector<int64_t> present;
        for (const Item& item : items)
          if (const auto* t = std::get_if<int64_t>(&item.key[0])) present.push_back(*t);
        std::sort(present.begin(), present.end());
        for (int64_t t = lo; t <= hi; t += every)
          if (!std::binary_search(present.begin(), present.end(), t)) items.push_back({{t}, &kEmpty});
      }
    }
    if (spec.has_time()) {
      std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return key_cells_less(a.key, b.key); });
    } else {
      std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        if (a.stats->counts.records != b.stats->counts.records) return a.stats->counts.records > b.stats->counts.records;
        return key_cells_less(a.key, b.key);
      });
    }
    for (Item& item : items) {
      output::Row row = std::move(item.key);
      const GroupStats& g = *item.stats;
      row.insert(row.end(), {static_cast<int64_t>(g.counts.records), static_cast<int64_t>(g.counts.spans),
                             static_cast<int64_t>(g.counts.logs), static_cast<int64_t>(g.counts.errors),
                             ratio_cell(g.counts.errors, g.counts.records)});
      if (g.counts.spans > 0) row.emplace_back(g.span_time_ns); else row.emplace_back(std::monostate{});
      groups.table.rows.push_back(std::move(row));
    }
    report.sections.push_back(std::move(groups));
  }

  auto capped_note = [&](bool capped, std::string_view what, size_t limit) {
    if (capped)
      meta.notes.push_back(fmt::format("more than {} distinct {}: the rest are counted as \"(other)\"", limit, what));
  };
  capped_note(services_capped_, "services", kMaxSummaryNames);
  capped_note(loggers_capped_, "loggers", kMaxSummaryNames);
  capped_note(names_capped_, "span names", kMaxSummaryNames);
  capped_note(errors_capped_, "error templates", kMaxErrorTemplates);
  capped_note(groups_capped_, "groups", kMaxSummaryGroups);
  return report;
}

}  // namespace trace
