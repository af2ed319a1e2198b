// Budget files of `trace check --budget` (budget_file.h): the JSON form and the TOML
// subset, with located errors.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/budget_file.h"
#include "src/errors.h"

using trace::BudgetEntry;
using trace::parse_budget_json;
using trace::parse_budget_toml;

namespace {

std::string toml_error(const std::string& text) {
  try {
    parse_budget_toml(text, "b.toml");
  } catch (const trace::InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string json_error(const std::string& text) {
  try {
    parse_budget_json(text, "b.json");
  } catch (const trace::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("budget file: TOML rules array and [[rule]] tables, in file order", "[budget_file]") {
  std::vector<BudgetEntry> entries = parse_budget_toml(
      "# budgets\n"
      "rules = [\n"
      "  \"p95 < 2s\",   # all spans\n"
      "  'error_rate < 1%',\n"
      "]\n"
      "\n"
      "[[rule]]\n"
      "name = \"tool calls\"\n"
      "check = 'count(name=tool.*) <= 20'  # loops\n"
      "[[ rule ]]\n"
      "check = \"cost < 0.50\"\n",
      "b.toml");
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].rule == "p95 < 2s");
  CHECK(entries[0].line == 3);
  CHECK(entries[0].column == 4);
  CHECK(entries[1].rule == "error_rate < 1%");
  CHECK(entries[2].rule == "count(name=tool.*) <= 20");
  CHECK(entries[2].label == "tool calls");
  CHECK(entries[2].line == 9);
  CHECK(entries[2].column == 10);
  CHECK(entries[3].label.empty());
  CHECK(entries[3].location(5) == "b.toml:11:14");
}

TEST_CASE("budget file: TOML basic strings unescape, and then columns point at the string", "[budget_file]") {
  std::vector<BudgetEntry> entries = parse_budget_toml("rules = [\"name=\\\"a b\\\" p95 < 1s\", \"\\u00e9\"]\n", "b.toml");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].rule == "name=\"a b\" p95 < 1s");
  CHECK_FALSE(entries[0].columns_exact);
  CHECK(entries[0].location(12) == "b.toml:1:11");
  CHECK(entries[1].rule == "é");
}

TEST_CASE("budget file: TOML outside the subset is a located error", "[budget_file]") {
  CHECK(toml_error("rules = [\"a\"]\nthreshold = 3\n") ==
        "b.toml:2:1: unknown key 'threshold' (expected rules = [...], or [[rule]] tables)");
  CHECK(toml_error("[budgets]\n") == "b.toml:1:1: unsupported table [budgets]: budgets are rules = [...] or [[rule]] tables");
  CHECK(toml_error("[[rule]]\nname = \"x\"\n") == "b.toml:1:1: this [[rule]] has no check = \"...\"");
  CHECK(toml_error("[[rule]]\ncheck = \"a\"\nlimit = 3\n") ==
        "b.toml:3:1: unknown key 'limit' in [[rule]] (expected check and name)");
  CHECK(toml_error("[[rule]]\ncheck = 3\n") == "b.toml:2:9: expected the rule as a string (\"...\" or '...')");
  CHECK(toml_error("rules = [\"a\" \"b\"]\n") == "b.toml:1:14: expected ',' or ']' in the array, found '\"'");
  CHECK(toml_error("rules = [\"a\",\n") == "b.toml:2:1: expected a rule as a string (\"...\" or '...')");
  CHECK(toml_error("rules = [\"a]\n") == "b.toml:1:10: unterminated string: no closing \" on this line");
  CHECK(toml_error("rules = \"a\"\n") == "b.toml:1:9: expected an array of rules: rules = [\"...\", ...]");
  CHECK(toml_error("rules = [\"a\"] x\n") == "b.toml:1:15: expected the end of the line, found 'x'");
  CHECK(toml_error("rules = [\"\\q\"]\n") == "b.toml:1:11: unknown escape sequence '\\q'");
  CHECK(toml_error("rules = [\"\"\"a\"\"\"]\n") == "b.toml:1:10: multi-line strings are not read here");
  CHECK(toml_error("rules.x = [\"a\"]\n") == "b.toml:1:6: dotted keys are not read here (the keys are rules, check and name)");
  CHECK(toml_error("rules [\"a\"]\n") == "b.toml:1:7: expected '=' after the key 'rules'");
  CHECK(toml_error("[[rule]]\ncheck = \"a\"\ncheck = \"b\"\n") == "b.toml:3:1: duplicate key 'check' in this [[rule]]");
  CHECK(toml_error("# nothing\n") == "b.toml:2:1: no rules (expected rules = [...] or [[rule]] tables)");
}

TEST_CASE("budget file: TOML with CRLF line ends", "[budget_file]") {
  std::vector<BudgetEntry> entries = parse_budget_toml("rules = [\r\n  \"p95 < 2s\",\r\n]\r\n", "b.toml");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].line == 2);
}

TEST_CASE("budget file: JSON strings and objects with check and name", "[budget_file]") {
  std::vector<BudgetEntry> entries = parse_budget_json(
      "{\n"
      "  \"rules\": [\n"
      "    \"p95 < 2s\",\n"
      "    {\"name\": \"tools\", \"check\": \"count(name=tool.*) <= 20\"}\n"
      "  ]\n"
      "}\n",
      "b.json");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].rule == "p95 < 2s");
  CHECK(entries[0].location(5) == "b.json:3:10");
  CHECK(entries[1].label == "tools");
  CHECK(entries[1].location(1) == "b.json:4:33");
}

TEST_CASE("budget file: JSON errors are located", "[budget_file]") {
  CHECK(json_error("{\"rules\": [\"a\"], \"x\": 1}") == "b.json:1:18: unknown key 'x' (expected rules)");
  CHECK(json_error("{\"rules\": [3]}") ==
        "b.json:1:12: expected a rule: a string, or an object {\"check\": \"...\", \"name\": \"...\"}");
  CHECK(json_error("{\"rules\": [{\"name\": \"a\"}]}") == "b.json:1:12: a rule object without \"check\"");
  CHECK(json_error("{\"rules\": [{\"check\": \"a\", \"limit\": 2}]}") ==
        "b.json:1:27: unknown key 'limit' in a rule (expected check and name)");
  CHECK(json_error("{}") == "b.json:1:1: no \"rules\" array");
  CHECK(json_error("[\"a\"]").rfind("b.json:1:1: expected a JSON object {\"rules\": [...]}", 0) == 0);
}

TEST_CASE("budget file: a missing file is an input error", "[budget_file]") {
  try {
    trace::read_budget_file("/nonexistent/budgets.toml");
    FAIL("no error");
  } catch (const trace::InputError& e) {
    CHECK(std::string(e.what()) == "/nonexistent/budgets.toml: cannot read the budget file: No such file or directory");
  }
}
