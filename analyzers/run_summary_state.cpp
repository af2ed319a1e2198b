#include "analyzers/run_summary_state.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/errors.h"
#include "src/output/json_writer.h"

namespace trace {

namespace {

constexpr RecordKeyKind kAllKeys[] = {
    RecordKeyKind::kName,    RecordKeyKind::kService, RecordKeyKind::kLogger,  RecordKeyKind::kFile,
    RecordKeyKind::kModel,   RecordKeyKind::kProvider, RecordKeyKind::kLevel,  RecordKeyKind::kTrace,
    RecordKeyKind::kSession, RecordKeyKind::kUser,    RecordKeyKind::kAttr,
};

template <class V>
std::vector<const std::pair<const std::string, V>*> in_key_order(const RunSummary::Map<V>& map) {
  std::vector<const std::pair<const std::string, V>*> items;
  items.reserve(map.size());
  for (const auto& entry : map) items.push_back(&entry);
  std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return items;
}

// "name":[{"key":...,<fields>}...]
template <class V, class Fields>
void write_map(std::string_view name, const RunSummary::Map<V>& map, std::string& out, Fields fields) {
  out += ",\"";
  out += name;
  out += "\":[";
  bool first = true;
  for (const auto* entry : in_key_order(map)) {
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    output::append_json_string(entry->first, out);
    fields(entry->second, out);
    out += '}';
  }
  out += ']';
}

// Reads "name":[{"key":S,...}] into `map`, calling read(value, field_key, field_value)
// for each other field.
template <class V, class Read>
void read_map(PartialCursor& cursor, od::value list, std::string_view name, RunSummary::Map<V>& map, Read read) {
  for (auto element : cursor.array(list, name)) {
    od::value item;
    if (auto error = element.get(item)) cursor.fail("malformed list", error);
    const char* at = cursor.location_of(item);
    V value{};
    std::string key;
    bool has_key = false;
    for (auto member : cursor.object(item, name)) {
      od::field f;
      if (auto error = std::move(member).get(f)) cursor.fail("malformed entry", error);
      std::string_view k = cursor.key_of(f);
      if (k == "key") {
        key = cursor.string(f.value(), k);
        has_key = true;
      } else if (!read(value, k, f.value())) {
        cursor.unknown_key(k, fmt::format("\"{}\"", name));
      }
    }
    if (!has_key) cursor.fail_at(at, fmt::format("expected a \"key\" in each of \"{}\"", name));
    if (!map.emplace(std::move(key), std::move(value)).second)
      cursor.fail_at(at, fmt::format("this key appears twice in \"{}\"", name));
  }
}

}  // namespace

RecordKeySpec record_key_spec_of(const PartialHeader& header) {
  RecordKeySpec spec;
  int64_t every_ns = option_int(header, "every_ns");
  if (every_ns < 0) throw InputError(fmt::format("{}: option \"every_ns\" is below zero", header.label));
  if (every_ns > 0) spec.parts.push_back({RecordKeyKind::kTime, {}, every_ns});
  for (const std::string& text : option_strings(header, "group_by")) {
    try {
      RecordKeySpec one = parse_record_key_spec({text}, kAllKeys);
      if (one.parts.size() != 1) throw UsageError("not one key");
      spec.parts.push_back(one.parts[0]);
    } catch (const UsageError&) {
      throw InputError(fmt::format("{}: option \"group_by\": unknown key '{}'", header.label, text));
    }
  }
  return spec;
}

void add_record_key_options(const RecordKeySpec& spec, PartialHeader& header) {
  std::vector<std::string> texts;
  int64_t every_ns = 0;
  for (const RecordKeyPart& part : spec.parts) {
    if (part.kind == RecordKeyKind::kTime) every_ns = part.every_ns;
    else texts.push_back(part.column_key());
  }
  header.options.emplace_back("group_by", option_json(texts));
  header.options.emplace_back("every_ns", option_json(every_ns));
}

std::string RunSummaryState::partial(const RunSummary& summary, const formats::ReadReport& read,
                                     std::string_view writer) {
  PartialHeader header;
  header.writer = writer;
  header.command = "summary";
  add_record_key_options(summary.options_.group_by, header);
  header.inputs = read.files;
  std::string out;
  begin_partial(header, out);
  write(summary, out);
  end_partial(out);
  return out;
}

void RunSummaryState::write(const RunSummary& s, std::string& out) {
  out += "{\"files\":[";
  for (size_t i = 0; i < s.files_.size(); ++i) {
    const RunSummary::FileStats& f = s.files_[i];
    out += i > 0 ? ",{\"records\":" : "{\"records\":";
    append_int(static_cast<int64_t>(f.counts.records), out);
    append_field("spans", f.counts.spans, out);
    append_field("logs", f.counts.logs, out);
    append_field("errors", f.counts.errors, out);
    out += ",\"levels\":[";
    for (size_t k = 0; k < f.levels.size(); ++k) {
      if (k > 0) out += ',';
      append_int(static_cast<int64_t>(f.levels[k]), out);
    }
    out += ']';
    append_field("first_ns", f.first_ns, out);
    append_field("last_ns", f.last_ns, out);
    append_field("relative", f.relative, out);
    append_field("log_line_spans", f.log_line_spans, out);
    out += '}';
  }
  out += ']';
  write_map<RunSummary::Counts>("services", s.services_, out, [](const RunSummary::Counts& c, std::string& o) {
    append_field("records", c.records, o);
    append_field("spans", c.spans, o);
    append_field("logs", c.logs, o);
    append_field("errors", c.errors, o);
  });
  write_map<RunSummary::LoggerStats>("loggers", s.loggers_, out, [](const RunSummary::LoggerStats& l, std::string& o) {
    append_field("logs", l.logs, o);
    append_field("warnings", l.warnings, o);
    append_field("errors", l.errors, o);
  });
  write_map<RunSummary::NameStats>("span_names", s.names_, out, [](const RunSummary::NameStats& n, std::string& o) {
    append_field("spans", n.spans, o);
    append_field("errors", n.errors, o);
    append_field("timed", n.timed, o);
    append_field("total_ns", n.total_ns, o);
    append_field("max_ns", n.max_ns, o);
  });
  write_map<RunSummary::ErrorStats>("errors", s.errors_, out, [](const RunSummary::ErrorStats& e, std::string& o) {
    append_field("count", e.count, o);
    append_field("first_ns", e.first_ns, o);
    append_field("last_ns", e.last_ns, o);
    append_field("example_ns", e.example_ns, o);
    o += ",\"example\":";
    output::append_json_string(e.example, o);
  });
  out += ",\"groups\":[";
  {
    const size_t parts = s.options_.group_by.parts.size();
    bool first = true;
    for (const auto* entry : in_key_order(s.groups_)) {
      out += first ? "{\"key\":" : ",{\"key\":";
      first = false;
      append_group_key(entry->first, parts, out);
      const RunSummary::GroupStats& g = entry->second;
      append_field("records", g.counts.records, out);
      append_field("spans", g.counts.spans, out);
      append_field("logs", g.counts.logs, out);
      append_field("errors", g.counts.errors, out);
      append_field("span_time_ns", g.span_time_ns, out);
      out += '}';
    }
  }
  out += "],\"capped\":{\"services\":";
  out += s.services_capped_ ? "true" : "false";
  append_field("loggers", s.loggers_capped_, out);
  append_field("span_names", s.names_capped_, out);
  append_field("errors", s.errors_capped_, out);
  append_field("groups", s.groups_capped_, out);
  out += "}}";
}

void RunSummaryState::read(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index,
                           RunSummary& into) {
  const RecordKeySpec& spec = into.options_.group_by;
  auto count = [&cursor](od::value v, std::string_view k) { return cursor.count(v, k); };
  auto integer = [&cursor](od::value v, std::string_view k) { return cursor.integer(v, k); };
  for (auto member : state) {
    od::field f;
    if (auto error = std::move(member).get(f)) cursor.fail("malformed \"state\"", error);
    std::string_view name = cursor.key_of(f);
    od::value value = f.value();
    if (name == "files") {
      size_t i = 0;
      for (auto element : cursor.array(value, name)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail("malformed \"files\"", error);
        const char* at = cursor.location_of(item);
        RunSummary::FileStats file;
        for (auto fm : cursor.object(item, name)) {
          od::field ff;
          if (auto error = std::move(fm).get(ff)) cursor.fail("malformed file", error);
          std::string_view k = cursor.key_of(ff);
          od::value v = ff.value();
          if (k == "records") file.counts.records = count(v, k);
          else if (k == "spans") file.counts.spans = count(v, k);
          else if (k == "logs") file.counts.logs = count(v, k);
          else if (k == "errors") file.counts.errors = count(v, k);
          else if (k == "first_ns") file.first_ns = integer(v, k);
          else if (k == "last_ns") file.last_ns = integer(v, k);
          else if (k == "relative") file.relative = cursor.boolean(v, k);
          else if (k == "log_line_spans") file.log_line_spans = count(v, k);
          else if (k == "levels") {
            size_t band = 0;
            for (auto level : cursor.array(v, k)) {
              od::value lv;
              if (auto error = level.get(lv)) cursor.fail("malformed \"levels\"", error);
              uint64_t n = count(lv, k);
              if (band < file.levels.size()) file.levels[band] = n;
              ++band;
            }
            if (band != file.levels.size())
              cursor.fail_at(at, fmt::format("expected {} counts in \"levels\"", file.levels.size()));
          } else {
            cursor.unknown_key(k, "a file");
          }
        }
        if (i >= file_index.size()) cursor.fail_at(at, "more \"files\" than \"inputs\"");
        into.file(file_index[i]).add(file);
        ++i;
      }
    } else if (name == "services") {
      read_map(cursor, value, name, into.services_, [&](RunSummary::Counts& c, std::string_view k, od::value v) {
        if (k == "records") c.records = count(v, k);
        else if (k == "spans") c.spans = count(v, k);
        else if (k == "logs") c.logs = count(v, k);
        else if (k == "errors") c.errors = count(v, k);
        else return false;
        return true;
      });
    } else if (name == "loggers") {
      read_map(cursor, value, name, into.loggers_, [&](RunSummary::LoggerStats& l, std::string_view k, od::value v) {
        if (k == "logs") l.logs = count(v, k);
        else if (k == "warnings") l.warnings = count(v, k);
        else if (k == "errors") l.errors = count(v, k);
        else return false;
        return true;
      });
    } else if (name == "span_names") {
      read_map(cursor, value, name, into.names_, [&](RunSummary::NameStats& n, std::string_view k, od::value v) {
        if (k == "spans") n.spans = count(v, k);
        else if (k == "errors") n.errors = count(v, k);
        else if (k == "timed") n.timed = count(v, k);
        else if (k == "total_ns") n.total_ns = integer(v, k);
        else if (k == "max_ns") n.max_ns = integer(v, k);
        else return false;
        return true;
      });
    } else if (name == "errors") {
      read_map(cursor, value, name, into.errors_, [&](RunSummary::ErrorStats& e, std::string_view k, od::value v) {
        if (k == "count") e.count = count(v, k);
        else if (k == "first_ns") e.first_ns = integer(v, k);
        else if (k == "last_ns") e.last_ns = integer(v, k);
        else if (k == "example_ns") e.example_ns = integer(v, k);
        else if (k == "example") e.example = cursor.string(v, k);
        else return false;
        return true;
      });
    } else if (name == "groups") {
      RunSummary::GroupStats g;
      for_each_group(
          cursor, value, spec, file_index,
          [&](std::string_view k, od::value v) {
            if (k == "records") g.counts.records = count(v, k);
            else if (k == "spans") g.counts.spans = count(v, k);
            else if (k == "logs") g.counts.logs = count(v, k);
            else if (k == "errors") g.counts.errors = count(v, k);
            else if (k == "span_time_ns") g.span_time_ns = integer(v, k);
            else return false;
            return true;
          },
          [&](const std::string& key) { return into.groups_.emplace(key, std::exchange(g, {})).second; });
    } else if (name == "capped") {
      for (auto cm : cursor.object(value, name)) {
        od::field cf;
        if (auto error = std::move(cm).get(cf)) cursor.fail("malformed \"capped\"", error);
        std::string_view k = cursor.key_of(cf);
        bool capped = cursor.boolean(cf.value(), k);
        if (k == "services") into.services_capped_ |= capped;
        else if (k == "loggers") into.loggers_capped_ |= capped;
        else if (k == "span_names") into.names_capped_ |= capped;
        else if (k == "errors") into.errors_capped_ |= capped;
        else if (k == "groups") into.groups_capped_ |= capped;
        else cursor.unknown_key(k, "\"capped\"");
      }
    } else {
      cursor.unknown_key(name, "\"state\"");
    }
  }
}

RunSummaryPartials::RunSummaryPartials(const PartialHeader& first, size_t top)
    : options_{record_key_spec_of(first), top}, summary_(options_) {
  check_option_keys(first, {"group_by", "every_ns"});
}

void RunSummaryPartials::add(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index) {
  RunSummary part(options_);
  RunSummaryState::read(cursor, state, file_index, part);
  summary_.merge(part);
}

}  // namespace trace
