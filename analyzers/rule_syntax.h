// The one tokenizer and the shared terms of the rule languages of `trace check`
// (budget_rules.h: "name=llm.chat p95 < 2s") and `trace diff --fail-on`
// (fail_on_rules.h: "p95>+10%"): metrics, comparison operators, selectors and numbers
// with units. Both grammars read the same tokens, so a selector or a unit is spelled the
// same way in both, and a syntax error is located the same way: a 1-based column (in
// characters) within the rule's own text.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trace {

// A syntax or meaning error in one rule, at `column` (1-based, in characters, within the
// rule's text). Callers add where the rule came from: "rule 2, column 14: ...",
// "--fail-on: rule 1, column 5: ...", "budgets.toml:7:20: ...".
class RuleSyntaxError : public std::runtime_error {
 public:
  RuleSyntaxError(size_t column, const std::string& message) : std::runtime_error(message), column_(column) {}
  size_t column() const { return column_; }

 private:
  size_t column_;
};

enum class TokenKind : uint8_t {
  kWord,    // a run of anything but spaces, quotes, operators, parentheses and commas
  kString,  // '...' or "..." (value() has the quotes removed; no escapes inside)
  kOp,      // < <= > >= = !=
  kLParen,
  kRParen,
  kComma,
  kEnd,  // after the last token; its column is one past the text
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // as written (with quotes for kString)
  size_t column = 1;      // 1-based, in characters

  // The token's meaning: kString without its quotes, others as written.
  std::string_view value() const;
};

// Splits one rule into tokens. Throws RuleSyntaxError for an unterminated quote or a
// lone '!'. The last token is always kEnd.
std::vector<Token> tokenize_rule(std::string_view rule);

// One rule of a comma-separated list ("p95>+10%,errors>+1pp"), with where it starts.
struct RuleText {
  std::string_view text;  // without the separating comma; may have spaces around
  size_t number = 1;      // 1-based position in the list
};

// Splits a rule list at the commas outside quotes and parentheses. Empty items (a
// trailing comma, ",,") are errors: RuleListError names the rule number.
std::vector<RuleText> split_rule_list(std::string_view list);

class RuleListError : public RuleSyntaxError {
 public:
  RuleListError(size_t rule_number, size_t column, const std::string& message)
      : RuleSyntaxError(column, message), rule_number_(rule_number) {}
  size_t rule_number() const { return rule_number_; }

 private:
  size_t rule_number_;
};

// What a rule measures. Every metric is defined on a set of spans with known durations,
// as `trace stats` counts them.
enum class Metric : uint8_t {
  kCount, kErrors, kErrorRate, kMin, kMean, kP50, kP90, kP95, kP99, kMax, kTotal, kCost,
};

// How a metric's values are measured, which decides the units a rule may use.
enum class MetricKind : uint8_t { kCount, kRatio, kDuration, kCost };

MetricKind metric_kind(Metric metric);
std::string_view metric_name(Metric metric);  // "p95", "error_rate", ...
std::optional<Metric> parse_metric(std::string_view word);
inline constexpr std::string_view kMetricNames =
    "count, errors, error_rate, min, mean, p50, p90, p95, p99, max, total or cost";

enum class CompareOp : uint8_t { kLt, kLe, kGt, kGe, kEq, kNe };

std::string_view compare_op_text(CompareOp op);
std::optional<CompareOp> parse_compare_op(std::string_view text);
inline constexpr std::string_view kCompareOps = "<, <=, >, >=, =, !=";

// a OP b for numbers, or for the exact sign of a comparison (cmp < 0: a < b).
bool holds(CompareOp op, int cmp);

// Which spans (or groups) a rule looks at: name=GLOB, service=GLOB, model=GLOB,
// attr:KEY=GLOB (attr.KEY also), or != for those that do not match. GLOB: '*' any run of
// characters, '?' one character, everything else itself; the whole text must match.
enum class SelectorField : uint8_t { kName, kService, kModel, kAttr };

struct Selector {
  SelectorField field = SelectorField::kName;
  std::string attr;  // for kAttr
  std::string glob;
  bool negated = false;
  size_t column = 1;  // where it starts in its rule, for messages

  // "name=llm.*", "attr:stage!=warmup": canonical text, for messages and deduplication.
  std::string text() const;
  // "name", "service", "model", "attr.KEY": the group-by column it reads.
  std::string column_key() const;
  bool matches(std::string_view value) const;
};

// Whether `word` names a selector field ("name", "service", "model", "attr:KEY",
// "attr.KEY"); fills field and attr.
bool parse_selector_field(std::string_view word, Selector& out);

// Reads selectors from tokens[i...]: FIELD ('='|'!=') GLOB, repeated while the next
// token is a selector field followed by '=' or '!='. Advances i past what it read.
void read_selectors(const std::vector<Token>& tokens, size_t& i, std::vector<Selector>& out);

// Whether `text` matches `glob` ('*' and '?', case-sensitive, byte-wise for ASCII and
// code point-wise for '?' over UTF-8).
bool glob_match(std::string_view glob, std::string_view text);

// A number written in a rule, with its unit, kept exact.
enum class ValueUnit : uint8_t {
  kNumber,    // 20, 0.50
  kUsd,       // $0.50
  kDuration,  // 2s, 500ms (any unit parse_duration_ns reads)
  kPercent,   // 1%  (a fraction of 100)
  kPoints,    // 1pp (percentage points: a change of a rate)
};

struct RuleValue {
  std::string text;  // as written: "+10%", "2s"
  ValueUnit unit = ValueUnit::kNumber;
  bool negative = false;
  // The magnitude as an exact decimal: mantissa / 10^scale, in the unit's own terms
  // (10% -> 10/1, 0.5pp -> 5/10, $0.50 -> 50/100). For durations: nanoseconds, scale 0.
  int64_t mantissa = 0;
  int scale = 0;

  // The value as a double in base units: ns, fraction (10% and 10pp -> 0.1), USD, count.
  double as_double() const;
  // The signed value as an exact fraction num/den in base units (den > 0).
  __int128 numerator() const;
  __int128 denominator() const;
};

// Reads a value token: an optional sign (only with `allow_sign`), then a decimal number
// with an optional unit (ns, us, µs, ms, s, m, h, compounds like 1m30s; %, pp), or "$"
// and a decimal number. Throws RuleSyntaxError at the token.
RuleValue parse_rule_value(const Token& token, bool allow_sign);

// "a duration such as 2s or 500ms" and the like, for messages about a metric's units.
std::string_view unit_hint(MetricKind kind);

// a/b OP c/d exactly (b, d > 0).
bool fraction_holds(__int128 a, __int128 b, CompareOp op, __int128 c, __int128 d);

// The grammar pieces both rule languages share, each reading tokens[i...] and advancing
// i past what it read; each throws RuleSyntaxError at the token that does not fit.

// Selectors, a metric, then optional parenthesised selectors: "name=x p95",
// "count(name=tool.*)". Appends every selector to `selectors`.
struct MetricTerm {
  Metric metric = Metric::kCount;
  std::string_view text;  // as written, with its parentheses: for "after 'p95'" messages
};
MetricTerm read_metric_term(const std::vector<Token>& tokens, size_t& i, std::vector<Selector>& selectors);

// "expected an operator (<, <=, >, >=, =, !=) after 'p95'".
CompareOp read_operator(const std::vector<Token>& tokens, size_t& i, const MetricTerm& term);

// The value token after the operator ("expected a value after '<'").
const Token& read_value_token(const std::vector<Token>& tokens, size_t& i);

// "expected the end of the rule after '2s', found 'x'".
void expect_end(const std::vector<Token>& tokens, size_t i);

std::string_view trim_rule(std::string_view text);

// Canonical selector texts joined by spaces; "" for none.
std::string selection_text(const std::vector<Selector>& selectors);

// Two lines that show a column of a rule, for error messages:
//   "  name=llm.chat p95 2s\n                    ^"
// (two spaces of indent; control characters in the rule shown as '?').
std::string point_at(std::string_view rule, size_t column);

}  // namespace trace
