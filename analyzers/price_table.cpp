#include "analyzers/price_table.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/json_util.h"
#include "src/errors.h"
#include "src/source.h"

namespace trace {

// Generated at build time from data/prices.json (cmake/embed_file.cmake).
extern const char kBuiltinPricesJson[];
extern const size_t kBuiltinPricesJsonSize;

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_separator(char c) { return c == '-' || c == '@' || c == ':' || c == '_'; }

bool is_version_part(std::string_view part) {
  if (part.empty()) return false;
  if (part == "latest" || part == "preview" || part == "exp") return true;
  size_t i = part[0] == 'v' ? 1 : 0;
  if (i == part.size()) return false;
  for (; i < part.size(); ++i)
    if (part[i] < '0' || part[i] > '9') return false;
  return true;
}

// A suffix made only of version parts: "2024-08-06", "20241022-v2:0", "v2@20241022".
bool is_version_suffix(std::string_view rest) {
  if (rest.empty()) return false;
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || is_separator(rest[i]) || rest[i] == '.') {
      if (!is_version_part(rest.substr(start, i - start))) return false;
      start = i + 1;
    }
  }
  return true;
}

int64_t to_fusd_per_token(double usd_per_million) {
  // USD per 1M tokens -> 1e-15 USD per token: times 1e9.
  return static_cast<int64_t>(std::llround(usd_per_million * 1e9));
}

class PriceParser {
 public:
  PriceParser(std::string_view json, const std::string& name)
      : padded_(json), text_(padded_.data(), padded_.size()), name_(name) {}

  void parse(std::vector<ModelPrice>& models, std::string& as_of, std::string& source) {
    check(parser_.iterate(padded_).get(doc_), "expected a JSON object");
    od::object root;
    check(doc_.get_object().get(root), "expected a JSON object at the top");
    bool saw_models = false;
    for (auto result : root) {
      od::field field;
      check(std::move(result).get(field), "malformed object");
      const char* key_at = field.key().raw() - 1;  // the key's opening quote
      std::string_view key;
      check(field.unescaped_key().get(key), "malformed object key");
      od::value value = field.value();
      if (key == "models") {
        saw_models = true;
        od::object entries;
        check(value.get_object().get(entries), "expected an object of models for \"models\"");
        for (auto entry : entries) {
          std::string_view model;
          check(entry.unescaped_key().get(model), "malformed model name");
          od::value body;
          check(entry.value().get(body), "malformed value");
          models.push_back(parse_entry(std::string(model), body));
        }
      } else if (key == "as_of" || key == "date") {
        as_of = read_string(value, key);
      } else if (key == "source") {
        source = read_string(value, key);
      } else if (key == "currency") {
        const char* at = value_start();
        if (read_string(value, key) != "USD") fail_at(at, "only \"currency\": \"USD\" is supported");
      } else if (key == "schema_version") {
        int64_t version = 0;
        check(value.get_int64().get(version), "expected an integer for \"schema_version\"");
        if (version != 1) fail(fmt::format("unsupported schema_version {} (expected 1)", version));
      } else if (key == "unit" || key == "notes" || key == "$comment") {
        // For people.
      } else {
        fail_at(key_at, fmt::format("unknown key \"{}\" (expected schema_version, as_of, currency, unit, source, "
                                    "notes or models)",
                                    key));
      }
    }
    if (!saw_models) fail_at(uint64_t{0}, "no \"models\" object");
  }

 private:
  ModelPrice parse_entry(std::string name, od::value body) {
    ModelPrice price;
    price.name = std::move(name);
    od::object fields;
    check(body.get_object().get(fields), fmt::format("expected an object for model \"{}\"", price.name));
    bool has_input = false, has_output = false;
    for (auto result : fields) {
      od::field field;
      check(std::move(result).get(field), "malformed object");
      const char* key_at = field.key().raw() - 1;
      std::string_view key;
      check(field.unescaped_key().get(key), "malformed object key");
      od::value value = field.value();
      if (key == "input") {
        price.input = read_price(value, key);
        has_input = true;
      } else if (key == "output") {
        price.output = read_price(value, key);
        has_output = true;
      } else if (key == "cached_input") {
        price.cached_input = read_price(value, key);
        price.has_cached_input = true;
      } else if (key == "cache_write") {
        price.cache_write = read_price(value, key);
        price.has_cache_write = true;
      } else if (key == "provider") {
        price.provider = read_string(value, key);
      } else if (key == "aliases") {
        od::array aliases;
        check(value.get_array().get(aliases), "expected an array of strings for \"aliases\"");
        for (auto alias : aliases) {
          std::string_view text;
          check(alias.get_string().get(text), "expected an array of strings for \"aliases\"");
          price.aliases.emplace_back(text);
        }
      } else if (key == "notes") {
        std::string_view ignored;
        check(value.get_string().get(ignored), "expected a string for \"notes\"");
      } else {
        fail_at(key_at, fmt::format("model \"{}\": unknown key \"{}\" (expected input, output, cached_input, "
                                    "cache_write, provider, aliases or notes)",
                                    price.name, key));
      }
    }
    if (!has_input || !has_output)
      fail(fmt::format("model \"{}\": \"input\" and \"output\" prices are required", price.name));
    if (!price.has_cached_input) price.cached_input = price.input;
    if (!price.has_cache_write) price.cache_write = price.input;
    price.input_fusd = to_fusd_per_token(price.input);
    price.output_fusd = to_fusd_per_token(price.output);
    price.cached_input_fusd = to_fusd_per_token(price.cached_input);
    price.cache_write_fusd = to_fusd_per_token(price.cache_write);
    return price;
  }

  double read_price(od::value value, std::string_view key) {
    const char* at = value_start();
    double d = 0;
    check(value.get_double().get(d), fmt::format("expected a number for \"{}\"", key));
    if (!std::isfinite(d) || d < 0 || d > 1e6)
      fail_at(at, fmt::format("\"{}\": {} is not a price in USD per 1M tokens (0 to 1000000)", key, d));
    return d;
  }

  std::string read_string(od::value value, std::string_view key) {
    const char* at = value_start();
    std::string_view s;
    if (value.get_string().get(s) != SUCCESS) fail_at(at, fmt::format("expected a string for \"{}\"", key));
    return std::string(s);
  }

  // Where the value about to be read starts (the parser stands on it).
  const char* value_start() {
    const char* at = nullptr;
    if (doc_.current_location().get(at) != SUCCESS || at == nullptr) return text_.data();
    return at;
  }

  void check(error_code error, std::string_view what) {
    if (error == SUCCESS) return;
    fail(fmt::format("{} ({})", what, simdjson::error_message(error)));
  }

  [[noreturn]] void fail(std::string_view what) { fail_at(formats::current_offset(doc_, text_), what); }

  [[noreturn]] void fail_at(const char* at, std::string_view what) {
    fail_at(static_cast<uint64_t>(at - text_.data()), what);
  }

  [[noreturn]] void fail_at(uint64_t offset, std::string_view what) {
    LineCol at = line_col_at(text_.data(), text_.size(), offset);
    throw InputError(fmt::format("{}:{}:{}: {}", name_, at.line, at.column, what));
  }

  simdjson::padded_string padded_;
  std::string_view text_;  // padded_'s text: locations are offsets into it
  const std::string& name_;
  od::parser parser_;
  od::document doc_;
};

}  // namespace

int64_t token_cost_fusd(int64_t tokens, int64_t fusd_per_token) {
  int64_t cost;
  if (__builtin_mul_overflow(tokens, fusd_per_token, &cost)) return std::numeric_limits<int64_t>::max();
  return cost;
}

__int128 call_cost_fusd(const ModelPrice& price, int64_t input, int64_t cache_read, int64_t cache_write,
                        int64_t output) {
  int64_t plain = input - cache_read - cache_write;
  if (plain < 0) plain = 0;
  return static_cast<__int128>(token_cost_fusd(plain, price.input_fusd)) +
         token_cost_fusd(cache_read, price.cached_input_fusd) + token_cost_fusd(cache_write, price.cache_write_fusd) +
         token_cost_fusd(output, price.output_fusd);
}

PriceTable PriceTable::builtin() {
  return parse(std::string_view(kBuiltinPricesJson, kBuiltinPricesJsonSize), "<built-in prices.json>");
}

PriceTable PriceTable::parse(std::string_view json, const std::string& name) {
  PriceTable table;
  PriceParser(json, name).parse(table.models_, table.as_of_, table.source_);
  table.index();
  return table;
}

PriceTable PriceTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the price file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

void PriceTable::overlay(const PriceTable& other, const std::string& name) {
  for (const ModelPrice& price : other.models_) {
    bool replaced = false;
    for (ModelPrice& mine : models_)
      if (lower_ascii(mine.name) == lower_ascii(price.name)) {
        mine = price;
        replaced = true;
      }
    if (!replaced) models_.push_back(price);
  }
  overrides_.push_back(other.as_of_.empty() ? name : fmt::format("{} (as of {})", name, other.as_of_));
  index();
}

void PriceTable::index() {
  by_name_.clear();
  // Aliases first, then names, so that a model's own name beats another's alias.
  for (size_t i = 0; i < models_.size(); ++i)
    for (const std::string& alias : models_[i].aliases) by_name_[lower_ascii(alias)] = i;
  for (size_t i = 0; i < models_.size(); ++i) by_name_[lower_ascii(models_[i].name)] = i;
}

const ModelPrice* PriceTable::find_exact(std::string_view lower) const {
  auto it = by_name_.find(std::string(lower));
  return it != by_name_.end() ? &models_[it->second] : nullptr;
}

const ModelPrice* PriceTable::find_versioned(std::string_view lower) const {
  if (const ModelPrice* exact = find_exact(lower)) return exact;
  // Longest base first: the separator nearest the end that leaves a version suffix.
  for (size_t i = lower.size(); i-- > 1;) {
    if (!is_separator(lower[i])) continue;
    if (!is_version_suffix(lower.substr(i + 1))) continue;
    if (const ModelPrice* base = find_exact(lower.substr(0, i))) return base;
  }
  return nullptr;
}

const ModelPrice* PriceTable::find(std::string_view model) const {
  std::string lower = lower_ascii(model);
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  size_t slash = lower.rfind('/');
  std::string_view name = lower;
  if (slash != std::string::npos) name.remove_prefix(slash + 1);
  while (!name.empty()) {
    if (const ModelPrice* price = find_versioned(name)) return price;
    // Drop one leading "word." (letters only): "us.anthropic.claude-..." -> "anthropic.claude-...".
    size_t dot = name.find('.');
    if (dot == std::string_view::npos || dot == 0) break;
    bool word = true;
    for (size_t i = 0; i < dot; ++i)
      if (name[i] < 'a' || name[i] > 'z') word = false;
    if (!word) break;
    name.remove_prefix(dot + 1);
  }
  return nullptr;
}

}  // namespace trace
