#include <string>

#include <catch2/catch.hpp>

#include "analyzers/price_table.h"
#include "src/errors.h"

using trace::PriceTable;

namespace {

const PriceTable& builtin() {
  static const PriceTable table = PriceTable::builtin();
  return table;
}

std::string priced_as(const std::string& model) {
  const trace::ModelPrice* p = builtin().find(model);
  return p ? p->name : "<unknown>";
}

std::string parse_error(const std::string& json) {
  try {
    PriceTable::parse(json, "p.json");
  } catch (const trace::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("price-table: the built-in table is dated and prices gpt-4o at $2.50/$10 per 1M", "[cost][price-table]") {
  CHECK(builtin().as_of() == "2025-08-15");
  CHECK_FALSE(builtin().source().empty());
  const trace::ModelPrice* p = builtin().find("gpt-4o");
  REQUIRE(p != nullptr);
  CHECK(p->input == 2.5);
  CHECK(p->output == 10);
  CHECK(p->cached_input == 1.25);
  CHECK(p->input_fusd == 2'500'000'000);
  CHECK(p->output_fusd == 10'000'000'000);
}

TEST_CASE("price-table: dated snapshots and version suffixes match their base model", "[cost][price-table]") {
  CHECK(priced_as("gpt-4o-2024-08-06") == "gpt-4o");
  CHECK(priced_as("gpt-4o-mini-2024-07-18") == "gpt-4o-mini");
  CHECK(priced_as("claude-3-5-sonnet-20241022") == "claude-3-5-sonnet");
  CHECK(priced_as("claude-3-5-sonnet-latest") == "claude-3-5-sonnet");
  CHECK(priced_as("claude-3-5-sonnet-v2@20241022") == "claude-3-5-sonnet");
  CHECK(priced_as("gemini-1.5-pro-002") == "gemini-1.5-pro");
  CHECK(priced_as("gemini-2.5-pro-preview-05-06") == "gemini-2.5-pro");
  CHECK(priced_as("gpt-4-0613") == "gpt-4");
  CHECK(priced_as("gpt-4-turbo-2024-04-09") == "gpt-4-turbo");
  CHECK(priced_as("mistral-large-2411") == "mistral-large");
  CHECK(priced_as("o1-preview") == "o1");
}

TEST_CASE("price-table: an exact entry beats the base model of a snapshot", "[cost][price-table]") {
  CHECK(priced_as("gpt-4o-2024-05-13") == "gpt-4o-2024-05-13");
  CHECK(builtin().find("gpt-4o-2024-05-13")->input == 5);
}

TEST_CASE("price-table: aliases, case, provider paths and Bedrock prefixes", "[cost][price-table]") {
  CHECK(priced_as("claude-3.5-sonnet") == "claude-3-5-sonnet");
  CHECK(priced_as("anthropic/claude-3.5-sonnet") == "claude-3-5-sonnet");
  CHECK(priced_as("GPT-4o") == "gpt-4o");
  CHECK(priced_as("models/gemini-1.5-flash-002") == "gemini-1.5-flash");
  CHECK(priced_as("us.anthropic.claude-3-5-haiku-20241022-v1:0") == "claude-3-5-haiku");
  CHECK(priced_as("anthropic.claude-3-5-sonnet-20241022-v2:0") == "claude-3-5-sonnet");
}

TEST_CASE("price-table: other models are unknown, never a near miss", "[cost][price-table]") {
  CHECK(priced_as("gpt-4o-audio-preview") == "<unknown>");
  CHECK(priced_as("gpt-4-32k") == "<unknown>");
  CHECK(priced_as("acme-llm-7b") == "<unknown>");
  CHECK(priced_as("") == "<unknown>");
  CHECK(priced_as("rerank-english-v3.0") == "<unknown>");
}

TEST_CASE("price-table: --prices entries replace and extend, cached defaults to input", "[cost][price-table]") {
  PriceTable table = PriceTable::builtin();
  PriceTable extra = PriceTable::parse(R"({"as_of": "2025-09-01", "models": {
      "gpt-4o": {"input": 2, "output": 8},
      "acme-llm-7b": {"provider": "acme", "input": 0.2, "output": 0.4, "aliases": ["acme-7b"]}}})",
                                       "extra.json");
  table.overlay(extra, "extra.json");
  CHECK(table.find("gpt-4o-2024-08-06")->input == 2);
  CHECK(table.find("gpt-4o")->cached_input == 2);
  CHECK(table.find("acme-7b")->name == "acme-llm-7b");
  CHECK(table.find("acme-llm-7b-20250101")->output == 0.4);
  CHECK(table.as_of() == "2025-08-15");
  REQUIRE(table.overrides().size() == 1);
  CHECK(table.overrides()[0] == "extra.json (as of 2025-09-01)");
}

TEST_CASE("price-table: malformed files are located errors", "[cost][price-table]") {
  CHECK(parse_error(R"({"models": {"x": {"input": 1}}})") ==
        "p.json:1:30: model \"x\": \"input\" and \"output\" prices are required");
  CHECK(parse_error("{\"models\": {\"x\": {\"input\": 1, \"outptu\": 2}}}") ==
        "p.json:1:31: model \"x\": unknown key \"outptu\" (expected input, output, cached_input, cache_write, "
        "provider, aliases or notes)");
  CHECK(parse_error("{\n  \"models\": {\"x\": {\"input\": \"cheap\", \"output\": 2}}}") ==
        "p.json:2:29: expected a number for \"input\" (The JSON element does not have the requested type.)");
  CHECK(parse_error(R"({"as_of": "2025-01-01"})") == "p.json:1:1: no \"models\" object");
  CHECK(parse_error(R"({"models": {"x": {"input": -1, "output": 2}}})") ==
        "p.json:1:28: \"input\": -1 is not a price in USD per 1M tokens (0 to 1000000)");
  CHECK(parse_error(R"({"currency": "EUR", "models": {}})") == "p.json:1:14: only \"currency\": \"USD\" is supported");
}

TEST_CASE("price-table: token costs are integer femto-dollars and saturate", "[cost][price-table]") {
  CHECK(trace::token_cost_fusd(1000, 2'500'000'000) == 2'500'000'000'000);
  CHECK(trace::token_cost_fusd(INT64_MAX / 2, 3) == INT64_MAX);
}

TEST_CASE("price-table: a call's cost prices cache reads and writes apart from plain input", "[cost][price-table]") {
  const trace::ModelPrice* sonnet = builtin().find("claude-3-5-sonnet");
  REQUIRE(sonnet != nullptr);
  // 1000 plain x $3 + 1500 read x $0.30 + 500 written x $3.75 + 400 out x $15, per 1M.
  CHECK(trace::call_cost_fusd(*sonnet, 3000, 1500, 500, 400) == static_cast<__int128>(11'325'000'000'000));
}
