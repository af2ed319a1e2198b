#include "analyzers/cost_report.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace trace {

namespace {

using output::ColumnKind;
constexpr std::string_view kOther = kOtherKeyValue;
constexpr uint32_t kNoFile = std::numeric_limits<uint32_t>::max();

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<int64_t>::max();
  return sum;
}

template <class V>
typename CostReport::Map<V>::value_type& bounded_entry(CostReport::Map<V>& map, std::string_view key, size_t limit,
                                                       bool& capped) {
  auto it = map.find(key);
  if (it != map.end()) return *it;
  if (map.size() >= limit) {
    capped = true;
    key = kOther;
    it = map.find(key);
    if (it != map.end()) return *it;
  }
  return *map.emplace(std::string(key), V{}).first;
}

// Where a location comes first: by file, then line.
bool earlier(uint32_t file_a, uint64_t line_a, uint32_t file_b, uint64_t line_b) {
  return file_a != file_b ? file_a < file_b : line_a < line_b;
}

std::string location(std::span<const std::string> names, uint32_t file, uint64_t line) {
  if (file == kNoFile) return {};
  std::string name = file < names.size() ? names[file] : fmt::format("#{}", file);
  return line > 0 ? fmt::format("{}:{}", name, line) : name;
}

output::Cell cost_cell(const CostReport::Tally& t) {
  if (t.priced + t.carried == 0) return std::monostate{};
  return fusd_to_usd(t.cost_fusd);
}

output::Cell cost_per_call_cell(const CostReport::Tally& t) {
  uint64_t known = t.priced + t.carried;
  if (known == 0) return std::monostate{};
  return fusd_to_usd(t.cost_fusd / static_cast<__int128>(known));
}

std::string cost_source(const CostReport::Tally& t) {
  std::string s;
  for (auto [n, name] : {std::pair{t.priced, "table"}, std::pair{t.carried, "trace"}, std::pair{t.unknown, "unknown"}})
    if (n > 0) {
      if (!s.empty()) s += '+';
      s += name;
    }
  return s;
}

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

double fusd_to_usd(__int128 fusd) {
  // Whole nano-dollars first, so the double is the same whatever the magnitude's history.
  auto nano = static_cast<double>(fusd / 1'000'000);
  return nano / 1e9;
}

void CostReport::Tally::add(const Tally& o) {
  calls += o.calls;
  priced += o.priced;
  carried += o.carried;
  unknown += o.unknown;
  total_only += o.total_only;
  input = saturating_add(input, o.input);
  output = saturating_add(output, o.output);
  cached = saturating_add(cached, o.cached);
  cost_fusd += o.cost_fusd;
}

CostReport::CostReport(const PriceTable& prices, CostOptions options)
    : prices_(&prices), options_(std::move(options)), key_builder_(options_.group_by) {}

CostReport::ModelStats& CostReport::model(std::string_view name) {
  if (name.empty()) name = kNoKeyValue;
  if (cached_model_ != nullptr && name == cached_model_key_) return *cached_model_;
  auto& entry = bounded_entry(models_, name, kMaxCostModels, models_capped_);
  if (entry.second.tally.calls == 0 && entry.second.price == nullptr && entry.first != kNoKeyValue &&
      entry.first != kOther)
    entry.second.price = prices_->find(entry.first);
  cached_model_key_ = entry.first;
  cached_model_ = &entry.second;
  return entry.second;
}

template <class R>
void CostReport::add_record(const R& record, Attrs attrs, Attrs resource, bool is_span) {
  TokenUsage u = extract_token_usage(attrs, resource);
  if (!u.is_call()) {
    if (u.is_uncounted_usage()) {
      ++uncounted_;
      if (earlier(record.src.file_index, record.src.line, uncounted_file_, uncounted_line_)) {
        uncounted_file_ = record.src.file_index;
        uncounted_line_ = record.src.line;
      }
    } else if (is_span && u.looks_like_llm_call()) {
      ++without_usage_;
    }
    return;
  }

  CallTokens t = call_tokens(u);
  Tally call;
  call.calls = 1;
  call.input = t.input;
  call.output = t.output;
  call.cached = t.cache_read;
  ModelStats& m = model(u.model);
  if (u.has_cost) {
    call.carried = 1;
    call.cost_fusd = static_cast<__int128>(std::llround(u.cost_usd * kFemtoUsdPerUsd));
    if (std::find(cost_keys_.begin(), cost_keys_.end(), u.cost_key) == cost_keys_.end())
      cost_keys_.push_back(u.cost_key);
  } else if (m.price != nullptr) {
    const ModelPrice& p = *m.price;
    call.priced = 1;
    call.total_only = t.total_only ? 1 : 0;
    call.cost_fusd = call_cost_fusd(p, t.input, t.cache_read, t.cache_write, t.output);
  } else {
    call.unknown = 1;
  }
  m.tally.add(call);
  if (call.unknown > 0 && earlier(record.src.file_index, record.src.line, m.first_file, m.first_line)) {
    m.first_file = record.src.file_index;
    m.first_line = record.src.line;
  }
  if (!options_.group_by.empty())
    bounded_entry(groups_, key_builder_.key(record), kMaxCostGroups, groups_capped_).second.add(call);
}

Flow CostReport::on_span(const Span& span) {
  const bool log_line = last_log_valid_ && last_log_file_ == span.src.file_index &&
                        last_log_offset_ == span.src.offset && last_log_fields_ == span.attrs.data() &&
                        last_log_field_count_ == span.attrs.size();
  last_log_valid_ = false;
  if (!log_line) add_record(span, span.attrs, span.resource_attrs, true);
  return Flow::kContinue;
}

Flow CostReport::on_log(const LogRecord& log) {
  add_record(log, log.fields, log.resource_attrs, false);
  last_log_valid_ = true;
  last_log_file_ = log.src.file_index;
  last_log_offset_ = log.src.offset;
  last_log_fields_ = log.fields.data();
  last_log_field_count_ = log.fields.size();
  return Flow::kContinue;
}

void CostReport::merge(CostReport& other) {
  if (this == &other) return;
  for (auto it = other.models_.begin(); it != other.models_.end();) {
    auto found = models_.find(std::string_view(it->first));
    if (found == models_.end() && models_.size() < kMaxCostModels) {
      models_.insert(other.models_.extract(it++));
      continue;
    }
    ModelStats& into = found != models_.end() ? found->second : model(it->first);
    if (found == models_.end()) models_capped_ = true;
    into.tally.add(it->second.tally);
    if (earlier(it->second.first_file, it->second.first_line, into.first_file, into.first_line)) {
      into.first_file = it->second.first_file;
      into.first_line = it->second.first_line;
    }
    ++it;
  }
  other.models_.clear();
  for (auto it = other.groups_.begin(); it != other.groups_.end();) {
    auto found = groups_.find(std::string_view(it->first));
    if (found == groups_.end() && groups_.size() < kMaxCostGroups) {
      groups_.insert(other.groups_.extract(it++));
      continue;
    }
    bounded_entry(groups_, it->first, kMaxCostGroups, groups_capped_).second.add(it->second);
    ++it;
  }
  other.groups_.clear();
  models_capped_ |= other.models_capped_;
  groups_capped_ |= other.groups_capped_;
  without_usage_ += std::exchange(other.without_usage_, 0);
  uncounted_ += std::exchange(other.uncounted_, 0);
  if (earlier(other.uncounted_file_, other.uncounted_line_, uncounted_file_, uncounted_line_)) {
    uncounted_file_ = other.uncounted_file_;
    uncounted_line_ = other.uncounted_line_;
  }
  for (std::string_view key : other.cost_keys_)
    if (std::find(cost_keys_.begin(), cost_keys_.end(), key) == cost_keys_.end()) cost_keys_.push_back(key);
  other.cost_keys_.clear();
  other.cached_model_ = nullptr;
  other.last_log_valid_ = false;
  last_log_valid_ = false;
}

double CostReport::total_cost_usd() const {
  __int128 total = 0;
  for (const auto& [name, m] : models_) total += m.tally.cost_fusd;
  return fusd_to_usd(total);
}

uint64_t CostReport::unknown_calls() const {
  uint64_t n = 0;
  for (const auto& [name, m] : models_) n += m.tally.unknown;
  return n;
}

output::Report CostReport::finish(std::span<const std::string> file_names) const {
  output::Report report;
  output::TableMeta& meta = report.meta;
  report.main_section = "models";

  Tally total;
  for (const auto& [name, m] : models_) total.add(m.tally);

  output::Section total_section{"total", "Total", {}, {}};
  total_section.table.columns = {
      {"calls", "calls", ColumnKind::kCount},
      {"priced_calls", "priced", ColumnKind::kCount},
      {"carried_calls", "carried", ColumnKind::kCount},
      {"unknown_calls", "unknown", ColumnKind::kCount, true},
      {"input_tokens", "input", ColumnKind::kCount},
      {"output_tokens", "output", ColumnKind::kCount},
      {"cached_input_tokens", "cached", ColumnKind::kCount},
      {"cost_usd", "cost", ColumnKind::kCostUsd},
      {"cost_per_call_usd", "per call", ColumnKind::kCostUsd},
  };
  total_section.table.rows.push_back(
      {static_cast<int64_t>(total.calls), static_cast<int64_t>(total.priced), static_cast<int64_t>(total.carried),
       static_cast<int64_t>(total.unknown), total.input, total.output, total.cached, fusd_to_usd(total.cost_fusd),
       cost_per_call_cell(total)});

  // Per model: by cost (unknown last), then calls, then name.
  output::Section models{"models", "Per model", {}, {}};
  models.table.columns = {
      {"model", "model", ColumnKind::kText},
      {"priced_as", "priced as", ColumnKind::kText},
      {"calls", "calls", ColumnKind::kCount},
      {"input_tokens", "input", ColumnKind::kCount},
      {"output_tokens", "output", ColumnKind::kCount},
      {"cached_input_tokens", "cached", ColumnKind::kCount},
      {"cost_usd", "cost", ColumnKind::kCostUsd},
      {"cost_per_call_usd", "per call", ColumnKind::kCostUsd},
      {"cost_source", "source", ColumnKind::kText},
  };
  std::vector<std::pair<std::string_view, const ModelStats*>> items;
  for (const auto& [name, m] : models_) items.emplace_back(name, &m);
  auto known = [](const ModelStats* m) { return m->tally.priced + m->tally.carried > 0; };
  std::sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
    if (known(a.second) != known(b.second)) return known(a.second);
    if (a.second->tally.cost_fusd != b.second->tally.cost_fusd) return a.second->tally.cost_fusd > b.second->tally.cost_fusd;
    if (a.second->tally.calls != b.second->tally.calls) return a.second->tally.calls > b.second->tally.calls;
    return a.first < b.first;
  });
  for (const auto& [name, m] : items) {
    const Tally& t = m->tally;
    models.table.rows.push_back({std::string(name), m->price ? output::Cell{m->price->name} : output::Cell{},
                                 static_cast<int64_t>(t.calls), t.input, t.output, t.cached, cost_cell(t),
                                 cost_per_call_cell(t), cost_source(t)});
  }

  report.sections.push_back(std::move(total_section));
  report.sections.push_back(std::move(models));

  if (!options_.group_by.empty()) {
    const RecordKeySpec& spec = options_.group_by;
    output::Section groups{"groups", "Per group", {}, {}};
    for (const RecordKeyPart& part : spec.parts)
      groups.table.columns.push_back({part.column_key(), part.column_header(), part.column_kind()});
    groups.table.columns.insert(groups.table.columns.end(), {
        {"calls", "calls", ColumnKind::kCount},
        {"input_tokens", "input", ColumnKind::kCount},
        {"output_tokens", "output", ColumnKind::kCount},
        {"cost_usd", "cost", ColumnKind::kCostUsd},
        {"cost_per_call_usd", "per call", ColumnKind::kCostUsd},
        {"unknown_calls", "unknown", ColumnKind::kCount, true},
    });
    struct Item {
      output::Row key;
      const Tally* tally;
    };
    std::vector<Item> rows;
    for (const auto& [key, t] : groups_) rows.push_back({key_cells(key, spec, file_names), &t});
    if (spec.has_time()) {
      std::sort(rows.begin(), rows.end(), [](const Item& a, const Item& b) { return key_cells_less(a.key, b.key); });
    } else {
      std::sort(rows.begin(), rows.end(), [](const Item& a, const Item& b) {
        if (a.tally->cost_fusd != b.tally->cost_fusd) return a.tally->cost_fusd > b.tally->cost_fusd;
        if (a.tally->calls != b.tally->calls) return a.tally->calls > b.tally->calls;
        return key_cells_less(a.key, b.key);
      });
    }
    size_t all = rows.size();
    if (options_.top > 0 && rows.size() > options_.top) rows.resize(options_.top);
    if (rows.size() < all) groups.notes.push_back(fmt::format("groups: showing the top {} of {}", rows.size(), all));
    for (Item& item : rows) {
      output::Row row = std::move(item.key);
      const Tally& t = *item.tally;
      row.insert(row.end(), {static_cast<int64_t>(t.calls), t.input, t.output, cost_cell(t), cost_per_call_cell(t),
                             static_cast<int64_t>(t.unknown)});
      groups.table.rows.push_back(std::move(row));
    }
    report.sections.push_back(std::move(groups));
  }

  output::Section unknown{"unknown_models", "Calls not priced: model not in the price table", {}, {}};
  unknown.table.columns = {
      {"model", "model", ColumnKind::kText},
      {"calls", "calls", ColumnKind::kCount},
      {"input_tokens", "input", ColumnKind::kCount},
      {"output_tokens", "output", ColumnKind::kCount},
      {"first_seen", "first seen", ColumnKind::kText},
  };
  std::vector<std::pair<std::string_view, const ModelStats*>> unknowns;
  for (const auto& [name, m] : models_)
    if (m.tally.unknown > 0) unknowns.emplace_back(name, &m);
  std::sort(unknowns.begin(), unknowns.end(), [](const auto& a, const auto& b) {
    if (a.second->tally.unknown != b.second->tally.unknown) return a.second->tally.unknown > b.second->tally.unknown;
    return a.first < b.first;
  });
  for (const auto& [name, m] : unknowns)
    unknown.table.rows.push_back({std::string(name), static_cast<int64_t>(m->tally.unknown), m->tally.input,
                                  m->tally.output, location(file_names, m->first_file, m->first_line)});
  report.sections.push_back(std::move(unknown));

  // Notes: everything that is not a plain table-priced call is said.
  if (total.unknown > 0)
    meta.notes.push_back(fmt::format("{} with a model not in the price table: not in the cost (see unknown_models; "
                                     "add prices with --prices FILE)",
                                     plural(total.unknown, "call", "calls")));
  if (total.carried > 0) {
    std::vector<std::string_view> keys = cost_keys_;
    std::sort(keys.begin(), keys.end());
    std::string list;
    for (std::string_view k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
    meta.notes.push_back(fmt::format("{} the producer's own cost ({}), used as is",
                                     plural(total.carried, "call carries", "calls carry"), list));
  }
  if (total.total_only > 0)
    meta.notes.push_back(fmt::format("{} only a total token count: priced at the input rate, a lower bound",
                                     plural(total.total_only, "call gives", "calls give")));
  if (without_usage_ > 0)
    meta.notes.push_back(fmt::format("{} no token counts (failed or not instrumented): not priced",
                                     plural(without_usage_, "LLM span carries", "LLM spans carry")));
  if (uncounted_ > 0)
    meta.notes.push_back(fmt::format("{} token counts or a cost but no model and no input/output split "
                                     "(first: {}): not counted as calls (a run's totals?)",
                                     plural(uncounted_, "record carries", "records carry"),
                                     location(file_names, uncounted_file_, uncounted_line_)));
  if (models_capped_)
    meta.notes.push_back(fmt::format("more than {} distinct models: the rest are counted as \"(other)\"", kMaxCostModels));
  if (groups_capped_)
    meta.notes.push_back(fmt::format("more than {} distinct groups: the rest are counted as \"(other)\"", kMaxCostGroups));
  return report;
}

}  // namespace trace
