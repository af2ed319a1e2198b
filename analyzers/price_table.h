// LLM list prices per model, read from a JSON price file (data/prices.json is compiled
// in; `--prices FILE` overrides or extends it), and the rule that finds a model's price.
//
// File format (schema_version 1):
//   {"schema_version": 1, "as_of": "YYYY-MM-DD", "currency": "USD",
//    "unit": "USD per 1M tokens", "source": "...",
//    "models": {"gpt-4o": {"provider": "openai", "input": 2.5, "cached_input": 1.25,
//                          "output": 10, "aliases": ["gpt-4o-latest"]}, ...}}
// Per model, "input" and "output" are required; "cached_input" (price of input tokens
// read from a prompt cache) and "cache_write" (input tokens written to one) are optional
// and default to "input"; "provider", "aliases" and "notes" are optional. Unknown keys
// are errors, so a typo cannot silently price at zero.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace trace {

// Prices are kept as integer femto-dollars (1e-15 USD) per token, so that costs are sums
// of integers: exact, and the same in any order of merging. $2.50 per 1M tokens is
// 2.5e9 fUSD per token.
inline constexpr double kFemtoUsdPerUsd = 1e15;

struct ModelPrice {
  std::string name;  // the table's key, as written
  std::string provider;
  std::vector<std::string> aliases;
  double input = 0, output = 0, cached_input = 0, cache_write = 0;  // USD per 1M tokens
  bool has_cached_input = false, has_cache_write = false;
  int64_t input_fusd = 0, output_fusd = 0, cached_input_fusd = 0, cache_write_fusd = 0;  // per token
};

class PriceTable {
 public:
  // The table compiled into the binary from data/prices.json.
  static PriceTable builtin();
  // Parses a price file. `name` is used in messages. Throws InputError
  // "NAME:LINE:COL: message" for malformed JSON or a bad entry.
  static PriceTable parse(std::string_view json, const std::string& name);
  // Reads and parses a file (InputError when it cannot be read).
  static PriceTable load(const std::string& path);

  // Entries of `other` replace same-named entries of this table or are added to it;
  // its as_of and source, when given, are kept beside this one's (see overrides()).
  void overlay(const PriceTable& other, const std::string& name);

  // The entry pricing `model`, or null. Matching is case-insensitive:
  //  1. the model is cut after its last '/' ("openai/gpt-4o", "models/gemini-1.5-pro");
  //  2. an exact name or alias wins;
  //  3. else the longest name or alias K such that the model is K, a separator
  //     ('-', '@', ':' or '_') and a version suffix: parts split by those separators and
  //     '.' that are all digits, "latest", "preview", "exp" or v<digits>
  //     ("gpt-4o-2024-08-06" -> gpt-4o, "claude-3-5-sonnet-20241022" ->
  //     claude-3-5-sonnet, "claude-3-5-sonnet-v2@20241022" -> claude-3-5-sonnet,
  //     "gemini-1.5-pro-002" -> gemini-1.5-pro); "gpt-4o-mini" is never gpt-4o;
  //  4. else the same after dropping leading "word." prefixes (Bedrock's
  //     "us.anthropic.claude-3-5-sonnet-20241022-v2:0").
  const ModelPrice* find(std::string_view model) const;

  const std::vector<ModelPrice>& models() const { return models_; }
  const std::string& as_of() const { return as_of_; }
  const std::string& source() const { return source_; }
  // "FILE (as of DATE)" for each overlaid file.
  const std::vector<std::string>& overrides() const { return overrides_; }

 private:
  friend class CostReportState;  // a merge of partial results restores where prices came from

  void index();
  const ModelPrice* find_exact(std::string_view lower) const;
  const ModelPrice* find_versioned(std::string_view lower) const;

  std::vector<ModelPrice> models_;
  std::string as_of_;
  std::string source_;
  std::vector<std::string> overrides_;
  std::unordered_map<std::string, size_t> by_name_;  // lower-case names and aliases -> models_ index
};

// Cost of `tokens` at `fusd_per_token`, in fUSD (saturating).
int64_t token_cost_fusd(int64_t tokens, int64_t fusd_per_token);

// The one pricing formula, in fUSD: (input - cache_read - cache_write) x input price +
// cache_read x cached_input price + cache_write x cache_write price + output x output
// price. cache_read and cache_write are parts of input (token_usage.h's CallTokens).
__int128 call_cost_fusd(const ModelPrice& price, int64_t input, int64_t cache_read, int64_t cache_write,
                        int64_t output);

}  // namespace trace
