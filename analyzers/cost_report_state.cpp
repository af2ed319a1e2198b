#include "analyzers/cost_report_state.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "analyzers/run_summary_state.h"
#include "src/errors.h"
#include "src/output/json_writer.h"

namespace trace {

namespace {

constexpr uint32_t kNoFile = std::numeric_limits<uint32_t>::max();

std::string int128_text(__int128 n) {
  if (n == 0) return "0";
  bool negative = n < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(n) : static_cast<unsigned __int128>(n);
  std::string digits;
  while (u > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

bool parse_int128(std::string_view text, __int128& out) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 38) return false;
  __int128 n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out = negative ? -n : n;
  return true;
}

void write_tally(const CostReport::Tally& t, std::string& out) {
  append_field("calls", t.calls, out);
  append_field("priced", t.priced, out);
  append_field("carried", t.carried, out);
  append_field("unknown", t.unknown, out);
  append_field("total_only", t.total_only, out);
  append_field("input", t.input, out);
  append_field("output", t.output, out);
  append_field("cached", t.cached, out);
  out += ",\"cost_fusd\":\"";
  out += int128_text(t.cost_fusd);
  out += '"';
}

// Reads one tally field; false for a key that is not one.
bool read_tally(PartialCursor& cursor, CostReport::Tally& t, std::string_view k, od::value v) {
  if (k == "calls") t.calls = cursor.count(v, k);
  else if (k == "priced") t.priced = cursor.count(v, k);
  else if (k == "carried") t.carried = cursor.count(v, k);
  else if (k == "unknown") t.unknown = cursor.count(v, k);
  else if (k == "total_only") t.total_only = cursor.count(v, k);
  else if (k == "input") t.input = cursor.integer(v, k);
  else if (k == "output") t.output = cursor.integer(v, k);
  else if (k == "cached") t.cached = cursor.integer(v, k);
  else if (k == "cost_fusd") {
    const char* at = cursor.location_of(v);
    if (!parse_int128(cursor.string(v, k), t.cost_fusd))
      cursor.fail_at(at, "expected \"cost_fusd\" as a string of decimal digits");
  } else {
    return false;
  }
  return true;
}

template <class V>
std::vector<const std::pair<const std::string, V>*> in_key_order(const CostReport::Map<V>& map) {
  std::vector<const std::pair<const std::string, V>*> items;
  items.reserve(map.size());
  for (const auto& entry : map) items.push_back(&entry);
  std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return items;
}

// FNV-1a over every price of the table: the same digest means the same prices.
std::string digest(const PriceTable& prices) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&h](std::string_view bytes) {
    for (char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;  // a separator no text holds
    h *= 0x100000001b3ULL;
  };
  for (const ModelPrice& p : prices.models()) {
    add(p.name);
    add(p.provider);
    for (const std::string& alias : p.aliases) add(alias);
    for (int64_t n : {p.input_fusd, p.output_fusd, p.cached_input_fusd, p.cache_write_fusd}) add(std::to_string(n));
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

// The merge's index of input `n` of a partial, or false.
bool mapped_file(std::span<const uint32_t> file_index, uint64_t n, uint32_t& out) {
  if (n >= file_index.size()) return false;
  out = file_index[n];
  return true;
}

}  // namespace

std::string CostReportState::prices_option(const PriceTable& prices) {
  std::string out = "{\"as_of\":";
  output::append_json_string(prices.as_of(), out);
  out += ",\"overrides\":";
  out += option_json(prices.overrides());
  out += ",\"digest\":";
  output::append_json_string(digest(prices), out);
  out += '}';
  return out;
}

PriceTable CostReportState::provenance(const PartialHeader& header) {
  simdjson::padded_string json(option_raw(header, "prices"));
  od::parser parser;
  od::document doc;
  od::object object;
  PriceTable table;
  bool ok = parser.iterate(json).get(doc) == simdjson::SUCCESS && doc.get_object().get(object) == simdjson::SUCCESS;
  bool has_as_of = false;
  if (ok) {
    for (auto member : object) {
      od::field f;
      std::string_view key, text;
      if (std::move(member).get(f) != simdjson::SUCCESS || f.unescaped_key().get(key) != simdjson::SUCCESS) {
        ok = false;
        break;
      }
      if (key == "as_of") {
        ok = f.value().get_string().get(text) == simdjson::SUCCESS;
        table.as_of_ = text;
        has_as_of = true;
      } else if (key == "overrides") {
        od::array array;
        ok = f.value().get_array().get(array) == simdjson::SUCCESS;
        if (ok)
          for (auto element : array) {
            if (element.get_string().get(text) != simdjson::SUCCESS) {
              ok = false;
              break;
            }
            table.overrides_.emplace_back(text);
          }
      } else if (key != "digest") {
        ok = false;
      }
      if (!ok) break;
    }
  }
  if (!ok || !has_as_of)
    throw InputError(fmt::format("{}: option \"prices\" is not {{\"as_of\": DATE, \"overrides\": [...], \"digest\": "
                                 "...}}",
                                 header.label));
  table.index();
  return table;
}

std::string CostReportState::partial(const CostReport& cost, const PriceTable& prices,
                                     const formats::ReadReport& read, std::string_view writer) {
  PartialHeader header;
  header.writer = writer;
  header.command = "cost";
  add_record_key_options(cost.options_.group_by, header);
  header.options.emplace_back("prices", prices_option(prices));
  header.inputs = read.files;
  std::string out;
  begin_partial(header, out);
  write(cost, out);
  end_partial(out);
  return out;
}

void CostReportState::write(const CostReport& cost, std::string& out) {
  out += "{\"models\":[";
  bool first = true;
  for (const auto* entry : in_key_order(cost.models_)) {
    const CostReport::ModelStats& m = entry->second;
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    output::append_json_string(entry->first, out);
    out += ",\"priced_as\":";
    if (m.price != nullptr) output::append_json_string(m.price->name, out);
    else out += "null";
    write_tally(m.tally, out);
    out += ",\"first_file\":";
    if (m.first_file == kNoFile) out += "null";
    else append_int(m.first_file, out);
    append_field("first_line", m.first_line, out);
    out += '}';
  }
  out += "],\"groups\":[";
  first = true;
  const size_t parts = cost.options_.group_by.parts.size();
  for (const auto* entry : in_key_order(cost.groups_)) {
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    append_group_key(entry->first, parts, out);
    write_tally(entry->second, out);
    out += '}';
  }
  out += "],\"capped\":{\"models\":";
  out += cost.models_capped_ ? "true" : "false";
  append_field("groups", cost.groups_capped_, out);
  out += '}';
  append_field("without_usage", cost.without_usage_, out);
  append_field("uncounted", cost.uncounted_, out);
  out += ",\"uncounted_file\":";
  if (cost.uncounted_file_ == kNoFile) out += "null";
  else append_int(cost.uncounted_file_, out);
  append_field("uncounted_line", cost.uncounted_line_, out);
  // Sorted: the notes sort them anyway, and equal states then write equal bytes.
  std::vector<std::string> keys(cost.cost_keys_.begin(), cost.cost_keys_.end());
  std::sort(keys.begin(), keys.end());
  out += ",\"cost_keys\":";
  out += option_json(keys);
  out += '}';
}

void CostReportState::read(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index,
                           CostStatePool& pool, CostReport& into) {
  const RecordKeySpec& spec = into.options_.group_by;
  // A file index, null for none; renumbered to the merge's inputs.
  auto file_of = [&](od::value v, std::string_view k) {
    if (cursor.is_null(v)) return kNoFile;
    const char* at = cursor.location_of(v);
    uint32_t mapped = kNoFile;
    if (!mapped_file(file_index, cursor.count(v, k), mapped)) cursor.fail_at(at, "no such input in \"inputs\"");
    return mapped;
  };
  for (auto member : state) {
    od::field f;
    if (auto error = std::move(member).get(f)) cursor.fail("malformed \"state\"", error);
    std::string_view name = cursor.key_of(f);
    od::value value = f.value();
    if (name == "models") {
      for (auto element : cursor.array(value, name)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail("malformed \"models\"", error);
        const char* at = cursor.location_of(item);
        CostReport::ModelStats m;
        std::string key;
        bool has_key = false;
        for (auto mm : cursor.object(item, name)) {
          od::field mf;
          if (auto error = std::move(mm).get(mf)) cursor.fail("malformed model", error);
          std::string_view k = cursor.key_of(mf);
          od::value v = mf.value();
          if (k == "key") {
            key = cursor.string(v, k);
            has_key = true;
          } else if (k == "priced_as") {
            if (!cursor.is_null(v)) {
              std::string_view priced_as = cursor.string(v, k);
              auto it = pool.prices.find(priced_as);
              if (it == pool.prices.end()) {
                it = pool.prices.emplace(std::string(priced_as), ModelPrice{}).first;
                it->second.name = it->first;
              }
              m.price = &it->second;
            }
          } else if (k == "first_file") {
            m.first_file = file_of(v, k);
          } else if (k == "first_line") {
            m.first_line = cursor.count(v, k);
          } else if (!read_tally(cursor, m.tally, k, v)) {
            cursor.unknown_key(k, "a model");
          }
        }
        if (!has_key) cursor.fail_at(at, "expected a \"key\" in each model");
        if (!into.models_.emplace(std::move(key), m).second) cursor.fail_at(at, "this model appears twice");
      }
    } else if (name == "groups") {
      CostReport::Tally t;
      for_each_group(
          cursor, value, spec, file_index, [&](std::string_view k, od::value v) { return read_tally(cursor, t, k, v); },
          [&](const std::string& key) { return into.groups_.emplace(key, std::exchange(t, {})).second; });
    } else if (name == "capped") {
      for (auto cm : cursor.object(value, name)) {
        od::field cf;
        if (auto error = std::move(cm).get(cf)) cursor.fail("malformed \"capped\"", error);
        std::string_view k = cursor.key_of(cf);
        bool capped = cursor.boolean(cf.value(), k);
        if (k == "models") into.models_capped_ = into.models_capped_ || capped;
        else if (k == "groups") into.groups_capped_ = into.groups_capped_ || capped;
        else cursor.unknown_key(k, "\"capped\"");
      }
    } else if (name == "without_usage") {
      into.without_usage_ += cursor.count(value, name);
    } else if (name == "uncounted") {
      into.uncounted_ += cursor.count(value, name);
    } else if (name == "uncounted_file") {
      into.uncounted_file_ = file_of(value, name);
    } else if (name == "uncounted_line") {
      into.uncounted_line_ = cursor.count(value, name);
    } else if (name == "cost_keys") {
      for (auto element : cursor.array(value, name)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail("malformed \"cost_keys\"", error);
        std::string_view text = cursor.string(item, name);
        std::string_view kept = *pool.cost_keys.emplace(text).first;
        if (std::find(into.cost_keys_.begin(), into.cost_keys_.end(), kept) == into.cost_keys_.end())
          into.cost_keys_.push_back(kept);
      }
    } else {
      cursor.unknown_key(name, "\"state\"");
    }
  }
}

CostReportPartials::CostReportPartials(const PartialHeader& first, size_t top)
    : prices_(CostReportState::provenance(first)),
      options_{record_key_spec_of(first), top},
      report_(prices_, options_) {
  check_option_keys(first, {"group_by", "every_ns", "prices"});
}

void CostReportPartials::add(PartialCursor& cursor, od::object state, std::span<const uint32_t> file_index) {
  CostReport part(prices_, options_);
  CostReportState::read(cursor, state, file_index, pool_, part);
  report_.merge(part);
}

}  // namespace trace
