#include "analyzers/rule_syntax.h"

#include <cmath>

#include <fmt/format.h>

#include "src/time.h"

namespace trace {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ends_word(char c) {
  return is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '=' || c == '!' || c == '(' ||
         c == ')' || c == ',';
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// 1-based column, in characters, of byte `offset` of `text`.
size_t column_at(std::string_view text, size_t offset) {
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (!is_continuation(text[i])) ++column;
  return column;
}

struct MetricName {
  std::string_view text;
  Metric metric;
};

constexpr MetricName kMetrics[] = {
    {"count", Metric::kCount}, {"errors", Metric::kErrors}, {"error_rate", Metric::kErrorRate},
    {"min", Metric::kMin},     {"mean", Metric::kMean},     {"p50", Metric::kP50},
    {"p90", Metric::kP90},     {"p95", Metric::kP95},       {"p99", Metric::kP99},
    {"max", Metric::kMax},     {"total", Metric::kTotal},   {"cost", Metric::kCost},
};

// Reads "123" or "12.345" into mantissa and scale; false when it is not that.
bool parse_decimal(std::string_view text, int64_t& mantissa, int& scale) {
  if (text.empty()) return false;
  mantissa = 0;
  scale = 0;
  bool seen_point = false, seen_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_point) return false;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    seen_digit = true;
    // Fifteen digits and nine decimals keep every exact comparison inside 128 bits.
    if (mantissa > 99'999'999'999'999 || (seen_point && scale == 9)) return false;
    mantissa = mantissa * 10 + (c - '0');
    if (seen_point) ++scale;
  }
  return seen_digit && text.front() != '.' && text.back() != '.';
}

__int128 pow10(int n) {
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

[[noreturn]] void bad_value(const Token& token) {
  throw RuleSyntaxError(
      token.column,
      fmt::format("expected a number with an optional unit (2s, 500ms, 1%, 1pp, $0.50, 20), found '{}'",
                  token.value()));
}

}  // namespace

std::string_view Token::value() const {
  if (kind == TokenKind::kString && text.size() >= 2) return text.substr(1, text.size() - 2);
  return text;
}

std::vector<Token> tokenize_rule(std::string_view rule) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < rule.size()) {
    char c = rule[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    Token token;
    token.column = column_at(rule, i);
    size_t start = i;
    if (c == '"' || c == '\'') {
      size_t close = rule.find(c, i + 1);
      if (close == std::string_view::npos)
        throw RuleSyntaxError(token.column, fmt::format("unterminated quote: no closing {} for this one", c));
      token.kind = TokenKind::kString;
      i = close + 1;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      token.kind = TokenKind::kOp;
      bool two = i + 1 < rule.size() && rule[i + 1] == '=' && c != '=';
      if (c == '!' && !two) throw RuleSyntaxError(token.column, "'!' must be followed by '=' (the operator !=)");
      i += two ? 2 : 1;
    } else if (c == '(' || c == ')' || c == ',') {
      token.kind = c == '(' ? TokenKind::kLParen : c == ')' ? TokenKind::kRParen : TokenKind::kComma;
      ++i;
    } else {
      token.kind = TokenKind::kWord;
      while (i < rule.size() && !ends_word(rule[i])) ++i;
    }
    token.text = rule.substr(start, i - start);
    tokens.push_back(token);
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.column = column_at(rule, rule.size());
  tokens.push_back(end);
  return tokens;
}

std::vector<RuleText> split_rule_list(std::string_view list) {
  std::vector<RuleText> rules;
  size_t start = 0, depth = 0;
  char quote = 0;
  auto add = [&](size_t end) {
    std::string_view text = list.substr(start, end - start);
    size_t number = rules.size() + 1;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      throw RuleListError(number, 1, "empty rule (a stray comma?)");
    rules.push_back({text, number});
  };
  for (size_t i = 0; i < list.size(); ++i) {
    char c = list[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (c == ',' && depth == 0) {
      add(i);
      start = i + 1;
    }
  }
  add(list.size());
  return rules;
}

MetricKind metric_kind(Metric metric) {
  switch (metric) {
    case Metric::kCount:
    case Metric::kErrors: return MetricKind::kCount;
    case Metric::kErrorRate: return MetricKind::kRatio;
    case Metric::kCost: return MetricKind::kCost;
    default: return MetricKind::kDuration;
  }
}

std::string_view metric_name(Metric metric) {
  for (const MetricName& m : kMetrics)
    if (m.metric == metric) return m.text;
  return "?";
}

std::optional<Metric> parse_metric(std::string_view word) {
  for (const MetricName& m : kMetrics)
    if (m.text == word) return m.metric;
  return std::nullopt;
}

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
  }
  return "?";
}

std::optional<CompareOp> parse_compare_op(std::string_view text) {
  if (text == "<") return CompareOp::kLt;
  if (text == "<=") return CompareOp::kLe;
  if (text == ">") return CompareOp::kGt;
  if (text == ">=") return CompareOp::kGe;
  if (text == "=") return CompareOp::kEq;
  if (text == "!=") return CompareOp::kNe;
  return std::nullopt;
}

bool holds(CompareOp op, int cmp) {
  switch (op) {
    case CompareOp::kLt: return cmp < 0;
    case CompareOp::kLe: return cmp <= 0;
    case CompareOp::kGt: return cmp > 0;
    case CompareOp::kGe: return cmp >= 0;
    case CompareOp::kEq: return cmp == 0;
    case CompareOp::kNe: return cmp != 0;
  }
  return false;
}

std::string Selector::text() const {
  std::string out;
  switch (field) {
    case SelectorField::kName: out = "name"; break;
    case SelectorField::kService: out = "service"; break;
    case SelectorField::kModel: out = "model"; break;
    case SelectorField::kAttr: out = "attr:" + attr; break;
  }
  out += negated ? "!=" : "=";
  out += glob;
  return out;
}

std::string Selector::column_key() const {
  switch (field) {
    case SelectorField::kName: return "name";
    case SelectorField::kService: return "service";
    case SelectorField::kModel: return "model";
    case SelectorField::kAttr: break;
  }
  return "attr." + attr;
}

bool Selector::matches(std::string_view value) const { return glob_match(glob, value) != negated; }

bool parse_selector_field(std::string_view word, Selector& out) {
  if (word == "name") {
    out.field = SelectorField::kName;
  } else if (word == "service") {
    out.field = SelectorField::kService;
  } else if (word == "model") {
    out.field = SelectorField::kModel;
  } else if (word.size() > 5 && (word.substr(0, 5) == "attr:" || word.substr(0, 5) == "attr.")) {
    out.field = SelectorField::kAttr;
    out.attr = std::string(word.substr(5));
  } else {
    return false;
  }
  return true;
}

void read_selectors(const std::vector<Token>& tokens, size_t& i, std::vector<Selector>& out) {
  while (tokens[i].kind == TokenKind::kWord) {
    Selector selector;
    if (!parse_selector_field(tokens[i].text, selector)) return;
    const Token& op = tokens[i + 1];
    if (op.kind != TokenKind::kOp || (op.text != "=" && op.text != "!=")) {
      std::string found = op.kind == TokenKind::kEnd ? "the end of the rule" : fmt::format("'{}'", op.text);
      throw RuleSyntaxError(op.column, fmt::format("expected '=' or '!=' after the selector '{}' ({}=PATTERN), found {}",
                                                   tokens[i].text, tokens[i].text, found));
    }
    const Token& glob = tokens[i + 2];
    if (glob.kind != TokenKind::kWord && glob.kind != TokenKind::kString)
      throw RuleSyntaxError(glob.column,
                            fmt::format("expected a pattern after '{}{}' (quote it if it has spaces or operators)",
                                        tokens[i].text, op.text));
    selector.negated = op.text == "!=";
    selector.column = tokens[i].column;
    selector.glob = std::string(glob.value());
    out.push_back(std::move(selector));
    i += 3;
  }
}

bool glob_match(std::string_view glob, std::string_view text) {
  size_t g = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = t;
    } else if (g < glob.size() && glob[g] == '?') {
      ++g;
      ++t;
      while (t < text.size() && is_continuation(text[t])) ++t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
    } else if (star != std::string_view::npos) {
      // Let the last '*' swallow one more character and try again from there.
      g = star + 1;
      t = ++resume;
      while (t < text.size() && is_continuation(text[t])) t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

double RuleValue::as_double() const {
  double magnitude = static_cast<double>(mantissa) / std::pow(10.0, scale);
  if (unit == ValueUnit::kPercent || unit == ValueUnit::kPoints) magnitude /= 100;
  return negative ? -magnitude : magnitude;
}

__int128 RuleValue::numerator() const { return negative ? -__int128(mantissa) : __int128(mantissa); }

__int128 RuleValue::denominator() const {
  __int128 den = pow10(scale);
  if (unit == ValueUnit::kPercent || unit == ValueUnit::kPoints) den *= 100;
  return den;
}

RuleValue parse_rule_value(const Token& token, bool allow_sign) {
  if (token.kind != TokenKind::kWord) bad_value(token);
  RuleValue value;
  value.text = std::string(token.text);
  std::string_view text = token.text;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    if (!allow_sign)
      throw RuleSyntaxError(token.column, fmt::format("a limit has no sign, found '{}'", token.text));
    value.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  auto decimal = [&](std::string_view digits, ValueUnit unit) {
    if (!parse_decimal(digits, value.mantissa, value.scale)) bad_value(token);
    value.unit = unit;
    return value;
  };
  if (!text.empty() && text.front() == '$') return decimal(text.substr(1), ValueUnit::kUsd);
  if (text.size() > 2 && text.substr(text.size() - 2) == "pp")
    return decimal(text.substr(0, text.size() - 2), ValueUnit::kPoints);
  if (!text.empty() && text.back() == '%') return decimal(text.substr(0, text.size() - 1), ValueUnit::kPercent);
  if (!text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos)
    return decimal(text, ValueUnit::kNumber);
  if (std::optional<int64_t> ns = parse_duration_ns(text)) {
    value.unit = ValueUnit::kDuration;
    value.mantissa = *ns;
    value.scale = 0;
    return value;
  }
  bad_value(token);
}

std::string_view unit_hint(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCount: return "a plain number such as 20";
    case MetricKind::kRatio: return "a percentage such as 1%";
    case MetricKind::kDuration: return "a duration such as 2s or 500ms";
    case MetricKind::kCost: return "US dollars such as 0.50 or $0.50";
  }
  return "";
}

bool fraction_holds(__int128 a, __int128 b, CompareOp op, __int128 c, __int128 d) {
  __int128 lhs, rhs;
  if (__builtin_mul_overflow(a, d, &lhs) || __builtin_mul_overflow(c, b, &rhs)) {
    // Beyond 128 bits (counts in the trillions): the nearest long doubles are as close
    // as such numbers can be told apart anyway.
    long double x = static_cast<long double>(a) / static_cast<long double>(b);
    long double y = static_cast<long double>(c) / static_cast<long double>(d);
    return holds(op, x < y ? -1 : x > y ? 1 : 0);
  }
  return holds(op, lhs < rhs ? -1 : lhs > rhs ? 1 : 0);
}

namespace {

std::string describe(const Token& token) {
  return token.kind == TokenKind::kEnd ? std::string("the end of the rule") : fmt::format("'{}'", token.text);
}

}  // namespace

MetricTerm read_metric_term(const std::vector<Token>& tokens, size_t& i, std::vector<Selector>& selectors) {
  read_selectors(tokens, i, selectors);
  const Token& word = tokens[i];
  if (word.kind == TokenKind::kEnd && i == 0) throw RuleSyntaxError(word.column, "empty rule");
  if (word.kind != TokenKind::kWord)
    throw RuleSyntaxError(word.column, fmt::format("expected a metric ({}), found {}", kMetricNames, describe(word)));
  std::optional<Metric> metric = parse_metric(word.text);
  if (!metric)
    throw RuleSyntaxError(word.column,
                          fmt::format("unknown metric '{}' (expected {}; or a selector: name=, service=, model=, "
                                      "attr:KEY=)",
                                      word.text, kMetricNames));
  MetricTerm term{*metric, word.text};
  ++i;
  if (tokens[i].kind != TokenKind::kLParen) return term;
  const Token& open = tokens[i++];
  for (;;) {
    read_selectors(tokens, i, selectors);
    const Token& next = tokens[i];
    if (next.kind == TokenKind::kComma) {
      ++i;
      continue;
    }
    if (next.kind == TokenKind::kRParen) {
      term.text = std::string_view(word.text.data(), next.text.data() + 1 - word.text.data());
      ++i;
      return term;
    }
    if (next.kind == TokenKind::kEnd)
      throw RuleSyntaxError(next.column, fmt::format("expected ')' to close the '(' at column {}", open.column));
    throw RuleSyntaxError(next.column,
                          fmt::format("expected a selector (name=, service=, model=, attr:KEY=) or ')', found {}",
                                      describe(next)));
  }
}

CompareOp read_operator(const std::vector<Token>& tokens, size_t& i, const MetricTerm& term) {
  const Token& token = tokens[i];
  if (token.kind != TokenKind::kOp)
    throw RuleSyntaxError(token.column, fmt::format("expected an operator ({}) after '{}'", kCompareOps, term.text));
  ++i;
  return *parse_compare_op(token.text);
}

const Token& read_value_token(const std::vector<Token>& tokens, size_t& i) {
  const Token& token = tokens[i];
  if (token.kind == TokenKind::kEnd)
    throw RuleSyntaxError(token.column, fmt::format("expected a value after '{}'", tokens[i - 1].text));
  ++i;
  return token;
}

void expect_end(const std::vector<Token>& tokens, size_t i) {
  const Token& token = tokens[i];
  if (token.kind != TokenKind::kEnd)
    throw RuleSyntaxError(token.column, fmt::format("expected the end of the rule after '{}', found {}",
                                                    tokens[i - 1].text, describe(token)));
}

std::string_view trim_rule(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end + 1 - begin);
}

std::string selection_text(const std::vector<Selector>& selectors) {
  std::string out;
  for (const Selector& s : selectors) {
    if (!out.empty()) out += ' ';
    out += s.text();
  }
  return out;
}

std::string point_at(std::string_view rule, size_t column) {
  std::string out = "  ";
  for (char c : rule) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  out += "\n  ";
  out.append(column > 0 ? column - 1 : 0, ' ');
  out += '^';
  return out;
}

}  // namespace trace
