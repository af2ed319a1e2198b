// Budget files of `trace check --budget`: where rules come from when they live in the
// repository next to the CI job. Two spellings of the same thing:
//
// JSON:  {"rules": ["name=llm.chat p95 < 2s",
//                   {"name": "tool calls", "check": "count(name=tool.*) <= 20"}]}
//
// TOML, this subset only (anything else is an error naming the line and column):
//   rules = ["name=llm.chat p95 < 2s", "error_rate < 1%"]   # an array of strings,
//                                                           # across lines, trailing comma
//   [[rule]]                       # an array of tables, each with
//   name = "tool calls"            #   name (optional): the rule's label
//   check = 'count(name=tool.*) <= 20'   # check (required): the rule
// with "basic" strings (escapes \" \\ \b \t \n \f \r \uXXXX \UXXXXXXXX) or 'literal'
// strings, # comments, blank lines, bare keys. Not read: other keys and tables, dotted or
// quoted keys, multi-line strings, numbers, booleans, dates, inline tables.
//
// Rules keep their position in the file, so an error in a rule points into the file:
// "budgets.toml:7:20: expected an operator (<, <=, >, >=, =, !=) after 'p95'".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trace {

struct BudgetEntry {
  std::string rule;   // the rule's text
  std::string label;  // "name", when given
  std::string file;   // the file's name as given
  uint64_t line = 0;
  uint64_t column = 0;  // 1-based, in characters, of the rule text's first character
  // False when the string had escape sequences, so rule columns do not map one to one
  // onto file columns.
  bool columns_exact = true;

  // "budgets.toml:7:20" for column `rule_column` of the rule.
  std::string location(size_t rule_column) const;
};

// Reads a budget file: JSON when the name ends in .json or the text starts with '{',
// otherwise TOML. Throws InputError ("budgets.toml:3:9: expected '=' after the key 'check'").
std::vector<BudgetEntry> read_budget_file(const std::string& path);

std::vector<BudgetEntry> parse_budget_json(std::string_view text, const std::string& name);
std::vector<BudgetEntry> parse_budget_toml(std::string_view text, const std::string& name);

}  // namespace trace
