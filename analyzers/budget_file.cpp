#include "analyzers/budget_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "src/errors.h"

namespace trace {

namespace {

namespace od = simdjson::ondemand;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

struct Position {
  uint64_t line = 1;
  uint64_t column = 1;  // characters
};

Position position_at(std::string_view text, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if (!is_continuation(text[i])) {
      ++p.column;
    }
  }
  return p;
}

[[noreturn]] void fail(std::string_view text, const std::string& name, size_t offset, const std::string& message) {
  Position p = position_at(text, offset);
  throw InputError(fmt::format("{}:{}:{}: {}", name, p.line, p.column, message));
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ---- JSON ------------------------------------------------------------------------

class JsonBudget {
 public:
  JsonBudget(std::string_view text, const std::string& name) : text_(text), name_(name), padded_(text) {}

  std::vector<BudgetEntry> parse() {
    od::document doc;
    check(parser_.iterate(padded_).get(doc), doc, "expected a JSON object {\"rules\": [...]}");
    od::object root;
    check(doc.get_object().get(root), doc, "expected a JSON object {\"rules\": [...]}");
    bool seen_rules = false;
    for (auto field_result : root) {
      od::field field;
      check(std::move(field_result).get(field), doc, "expected a key");
      size_t at = key_offset(field);  // before unescaped_key(), which consumes the raw key
      std::string_view key;
      check(field.unescaped_key().get(key), doc, "expected a key");
      if (key != "rules") fail(text_, name_, at, fmt::format("unknown key '{}' (expected rules)", key));
      seen_rules = true;
      od::array rules;
      check(field.value().get_array().get(rules), doc, "expected an array of rules after \"rules\"");
      for (auto item_result : rules) {
        od::value item;
        check(std::move(item_result).get(item), doc, "expected a rule");
        read_item(doc, item);
      }
    }
    // In bounds after the root object means something follows it.
    const char* after = nullptr;
    if (doc.current_location().get(after) == simdjson::SUCCESS)
      fail_at(doc, "expected the end of the document after the object");
    if (!seen_rules) fail(text_, name_, 0, "no \"rules\" array");
    return std::move(entries_);
  }

 private:
  void read_item(od::document& doc, od::value item) {
    od::json_type type;
    check(item.type().get(type), doc, "expected a rule");
    if (type == od::json_type::string) {
      entries_.push_back(read_string(item, "a rule"));
      return;
    }
    if (type != od::json_type::object)
      fail_at(doc, "expected a rule: a string, or an object {\"check\": \"...\", \"name\": \"...\"}");
    size_t object_offset = offset(doc);
    od::object object;
    check(item.get_object().get(object), doc, "expected an object");
    std::optional<BudgetEntry> entry;
    std::string label;
    for (auto field_result : object) {
      od::field field;
      check(std::move(field_result).get(field), doc, "expected a key");
      size_t at = key_offset(field);
      std::string_view key;
      check(field.unescaped_key().get(key), doc, "expected a key");
      if (key == "check") {
        entry = read_string(field.value(), "the rule of \"check\"");
      } else if (key == "name") {
        label = std::string(read_string(field.value(), "the label of \"name\"").rule);
      } else {
        fail(text_, name_, at, fmt::format("unknown key '{}' in a rule (expected check and name)", key));
      }
    }
    if (!entry) fail(text_, name_, object_offset, "a rule object without \"check\"");
    entry->label = std::move(label);
    entries_.push_back(std::move(*entry));
  }

  BudgetEntry read_string(od::value value, std::string_view what) {
    std::string_view raw = value.raw_json_token();
    size_t start = static_cast<size_t>(raw.data() - padded_.data());
    std::string_view decoded;
    if (value.get_string().get(decoded) != simdjson::SUCCESS)
      fail(text_, name_, start, fmt::format("expected {} as a string", what));
    BudgetEntry entry;
    entry.rule = std::string(decoded);
    entry.file = name_;
    Position p = position_at(text_, start + 1);
    entry.line = p.line;
    entry.column = p.column;
    entry.columns_exact = raw.size() > decoded.size() && raw.substr(1, decoded.size()) == decoded &&
                          raw[decoded.size() + 1] == '"';
    return entry;
  }

  // Where a field's key starts: its opening quote.
  size_t key_offset(od::field& field) {
    return static_cast<size_t>(field.key().raw() - 1 - padded_.data());
  }

  size_t offset(od::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) != simdjson::SUCCESS || location == nullptr) return text_.size();
    return static_cast<size_t>(location - padded_.data());
  }

  [[noreturn]] void fail_at(od::document& doc, const std::string& message) { fail(text_, name_, offset(doc), message); }

  void check(simdjson::error_code error, od::document& doc, std::string_view expected) {
    if (error == simdjson::SUCCESS) return;
    fail_at(doc, fmt::format("{} ({})", expected, simdjson::error_message(error)));
  }

  std::string_view text_;
  const std::string& name_;
  simdjson::padded_string padded_;
  od::parser parser_;
  std::vector<BudgetEntry> entries_;
};

// ---- TOML subset -----------------------------------------------------------------

class TomlBudget {
 public:
  TomlBudget(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  std::vector<BudgetEntry> parse() {
    bool seen_rules = false;
    size_t table_offset = 0;
    bool in_rule = false;
    for (;;) {
      skip_blanks();
      if (pos_ >= text_.size()) break;
      char c = text_[pos_];
      if (c == '#') {
        skip_comment();
        continue;
      }
      if (c == '\n' || c == '\r') {
        skip_newline();
        continue;
      }
      if (c == '[') {
        if (in_rule) finish_rule(table_offset);
        table_offset = pos_;
        read_table_header();
        in_rule = true;
        current_ = BudgetEntry{};
        have_check_ = have_name_ = false;
        end_of_line();
        continue;
      }
      size_t key_offset = pos_;
      std::string_view key = read_key();
      skip_blanks();
      if (peek() != '=') fail_here(fmt::format("expected '=' after the key '{}'", key));
      ++pos_;
      skip_blanks();
      if (!in_rule) {
        if (key != "rules")
          fail(text_, name_, key_offset,
               fmt::format("unknown key '{}' (expected rules = [...], or [[rule]] tables)", key));
        if (seen_rules) fail(text_, name_, key_offset, "duplicate key 'rules'");
        seen_rules = true;
        read_rules_array();
      } else if (key == "check") {
        if (have_check_) fail(text_, name_, key_offset, "duplicate key 'check' in this [[rule]]");
        std::string label = std::move(current_.label);
        current_ = read_string("the rule");
        current_.label = std::move(label);
        have_check_ = true;
      } else if (key == "name") {
        if (have_name_) fail(text_, name_, key_offset, "duplicate key 'name' in this [[rule]]");
        current_.label = read_string("the rule's name").rule;
        have_name_ = true;
      } else {
        fail(text_, name_, key_offset, fmt::format("unknown key '{}' in [[rule]] (expected check and name)", key));
      }
      end_of_line();
    }
    if (in_rule) finish_rule(table_offset);
    if (entries_.empty()) fail(text_, name_, text_.size(), "no rules (expected rules = [...] or [[rule]] tables)");
    return std::move(entries_);
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  [[noreturn]] void fail_here(const std::string& message) { fail(text_, name_, pos_, message); }

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  void skip_comment() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

  void skip_newline() {
    if (peek() == '\r') {
      ++pos_;
      if (peek() != '\n') fail(text_, name_, pos_ - 1, "a carriage return not followed by a line feed");
    }
    ++pos_;
  }

  // Blanks, comments and newlines, as arrays allow between their items.
  void skip_space() {
    for (;;) {
      skip_blanks();
      char c = peek();
      if (c == '#')
        skip_comment();
      else if (c == '\n' || c == '\r')
        skip_newline();
      else
        return;
    }
  }

  void end_of_line() {
    skip_blanks();
    char c = peek();
    if (c == '#') skip_comment();
    c = peek();
    if (c == '\0' && pos_ >= text_.size()) return;
    if (c == '\n' || c == '\r') {
      skip_newline();
      return;
    }
    fail_here(fmt::format("expected the end of the line, found '{}'", c));
  }

  static bool is_bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  std::string_view read_key() {
    char c = peek();
    if (c == '"' || c == '\'') fail_here("quoted keys are not read here (the keys are rules, check and name)");
    size_t start = pos_;
    while (pos_ < text_.size() && is_bare_key_char(text_[pos_])) ++pos_;
    if (pos_ == start) fail_here(fmt::format("expected a key, found '{}'", c));
    if (peek() == '.') fail_here("dotted keys are not read here (the keys are rules, check and name)");
    return text_.substr(start, pos_ - start);
  }

  void read_table_header() {
    size_t start = pos_;
    bool array = text_.substr(pos_, 2) == "[[";
    pos_ += array ? 2 : 1;
    skip_blanks();
    size_t name_start = pos_;
    while (pos_ < text_.size() && is_bare_key_char(text_[pos_])) ++pos_;
    std::string_view table = text_.substr(name_start, pos_ - name_start);
    skip_blanks();
    std::string_view close = array ? "]]" : "]";
    if (text_.substr(pos_, close.size()) != close || table.empty())
      fail(text_, name_, start, "expected a table header [[rule]]");
    pos_ += close.size();
    if (!array || table != "rule")
      fail(text_, name_, start,
           fmt::format("unsupported table {}{}{}: budgets are rules = [...] or [[rule]] tables", array ? "[[" : "[",
                       table, close));
  }

  void finish_rule(size_t table_offset) {
    if (!have_check_) fail(text_, name_, table_offset, "this [[rule]] has no check = \"...\"");
    entries_.push_back(std::move(current_));
  }

  void read_rules_array() {
    if (peek() != '[') fail_here("expected an array of rules: rules = [\"...\", ...]");
    ++pos_;
    for (;;) {
      skip_space();
      if (peek() == ']') {
        ++pos_;
        return;
      }
      entries_.push_back(read_string("a rule"));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return;
      }
      if (pos_ >= text_.size()) fail_here("expected ']' to close the array");
      fail_here(fmt::format("expected ',' or ']' in the array, found '{}'", peek()));
    }
  }

  BudgetEntry read_string(std::string_view what) {
    char quote = peek();
    if (quote != '"' && quote != '\'')
      fail_here(fmt::format("expected {} as a string (\"...\" or '...')", what));
    if (text_.substr(pos_, 3) == std::string(3, quote)) fail_here("multi-line strings are not read here");
    size_t open = pos_++;
    BudgetEntry entry;
    entry.file = name_;
    Position p = position_at(text_, pos_);
    entry.line = p.line;
    entry.column = p.column;
    for (;;) {
      if (pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r')
        fail(text_, name_, open, fmt::format("unterminated string: no closing {} on this line", quote));
      char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        return entry;
      }
      if (c == '\\' && quote == '"') {
        entry.columns_exact = false;
        read_escape(entry.rule);
        continue;
      }
      entry.rule += c;
      ++pos_;
    }
  }

  void read_escape(std::string& out) {
    size_t start = pos_++;
    char e = peek();
    ++pos_;
    switch (e) {
      case 'b': out += '\b'; return;
      case 't': out += '\t'; return;
      case 'n': out += '\n'; return;
      case 'f': out += '\f'; return;
      case 'r': out += '\r'; return;
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case 'u':
      case 'U': {
        size_t digits = e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (size_t i = 0; i < digits; ++i, ++pos_) {
          char h = peek();
          int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
          if (v < 0) fail(text_, name_, start, fmt::format("expected {} hex digits after \\{}", digits, e));
          cp = cp * 16 + static_cast<uint32_t>(v);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          fail(text_, name_, start, "not a Unicode scalar value");
        append_utf8(cp, out);
        return;
      }
      default: fail(text_, name_, start, fmt::format("unknown escape sequence '\\{}'", e));
    }
  }

  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
  std::vector<BudgetEntry> entries_;
  BudgetEntry current_;
  bool have_check_ = false, have_name_ = false;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string BudgetEntry::location(size_t rule_column) const {
  if (!columns_exact) return fmt::format("{}:{}:{}", file, line, column);
  return fmt::format("{}:{}:{}", file, line, column + rule_column - 1);
}

std::vector<BudgetEntry> parse_budget_json(std::string_view text, const std::string& name) {
  return JsonBudget(text, name).parse();
}

std::vector<BudgetEntry> parse_budget_toml(std::string_view text, const std::string& name) {
  return TomlBudget(text, name).parse();
}

std::vector<BudgetEntry> read_budget_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw InputError(fmt::format("{}: cannot read the budget file: {}", path, std::strerror(errno)));
  std::string text;
  char buffer[1 << 14];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) throw InputError(fmt::format("{}: cannot read the budget file", path));
  size_t first = text.find_first_not_of(" \t\r\n");
  bool json = ends_with(path, ".json") || (!ends_with(path, ".toml") && first != std::string::npos && text[first] == '{');
  return json ? parse_budget_json(text, path) : parse_budget_toml(text, path);
}

}  // namespace trace
