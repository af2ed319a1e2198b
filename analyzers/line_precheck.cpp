#include "analyzers/line_precheck.h"

#include <cstring>

#include "src/severity.h"
#include "src/time.h"

namespace trace {

namespace {

constexpr size_t npos = std::string_view::npos;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '.' || c == '-';
}

bool ends_with_fold(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (lower(text[text.size() - suffix.size() + i]) != suffix[i]) return false;
  return true;
}

size_t skip_space(std::string_view line, size_t at) {
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
  return at;
}

// Where the value of a key begins when `key_end` is just past a key's closing quote,
// or npos when what follows is not ':' (the quoted text was a value, not a key).
size_t value_start(std::string_view line, size_t key_end) {
  size_t at = skip_space(line, key_end);
  if (at >= line.size() || line[at] != ':') return npos;
  return skip_space(line, at + 1);
}

// A stem at `at` starts a key name: after its opening quote, after a '.', '_' or '-'
// (log.level, LOG_LEVEL) or after "log" (loglevel, logLevel).
bool starts_key_word(std::string_view line, size_t at) {
  if (at == 0) return false;
  char before = line[at - 1];
  if (before == '"' || before == '.' || before == '_' || before == '-') return true;
  return at >= 3 && lower(line[at - 3]) == 'l' && lower(line[at - 2]) == 'o' && lower(line[at - 1]) == 'g';
}

// A JSON number's integer part, and whether more follows (fraction or exponent).
struct NumberHead {
  bool ok = false;
  bool negative = false;
  double whole = 0;
  bool has_exponent = false;
};

NumberHead read_number(std::string_view text) {
  NumberHead head;
  size_t at = 0;
  if (at < text.size() && text[at] == '-') {
    head.negative = true;
    ++at;
  }
  if (at >= text.size() || !is_digit(text[at])) return head;
  head.ok = true;
  while (at < text.size() && is_digit(text[at])) head.whole = head.whole * 10 + (text[at++] - '0');
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) head.has_exponent = true;
  return head;
}

// The smallest numeric level that is at least `severity` on some scale a key's numbers
// may be read on.
int64_t numeric_threshold(uint8_t severity, bool otel_scale_too) {
  for (int64_t n = 1; n <= 1000; ++n) {
    if (severity_from_number(n, NumericLevels::kPino) >= severity) return n;
    if (severity_from_number(n, NumericLevels::kPython) >= severity) return n;
    if (otel_scale_too && n >= severity) return n;
  }
  return 1001;
}

// Could the number be `min` or more once read (a fraction may round it up)?
bool number_reaches(const NumberHead& number, double min) {
  if (!number.ok || number.negative) return false;
  return number.has_exponent || number.whole + 1 >= min;
}

// Is there a level of at least `severity` in the line?
bool has_severity(std::string_view line, uint8_t severity) {
  const int64_t by_number = numeric_threshold(severity, false);
  const int64_t by_any_number = numeric_threshold(severity, true);
  for (std::string_view stem : {std::string_view("lev"), std::string_view("lvl"), std::string_view("sev")}) {
    for (size_t hit = find_text(line, stem, true); hit != npos; hit = find_text(line, stem, true, hit + 1)) {
      if (!starts_key_word(line, hit)) continue;
      size_t end = hit + stem.size();
      while (end < line.size() && is_key_char(line[end])) ++end;
      if (end >= line.size() || line[end] != '"') continue;
      size_t value = value_start(line, end + 1);
      if (value == npos || value >= line.size()) continue;
      const double threshold = static_cast<double>(stem == "sev" ? by_any_number : by_number);
      char first = line[value];
      if (first == '"') {
        size_t close = line.find('"', value + 1);
        if (close == npos) return true;
        std::string_view text = line.substr(value + 1, close - value - 1);
        if (severity_from_text(text) >= severity) return true;
        NumberHead number = read_number(text);
        if (number_reaches(number, threshold)) return true;
      } else if (first == '{' || first == '[') {
        return true;  // loguru's {"name": ..., "no": ...} and shapes we cannot rule out
      } else if (number_reaches(read_number(line.substr(value)), threshold)) {
        return true;
      }
    }
  }
  // loguru: record.level.no on Python's scale.
  for (size_t hit = line.find("\"no\""); hit != npos; hit = line.find("\"no\"", hit + 1)) {
    size_t value = value_start(line, hit + 4);
    if (value != npos && number_reaches(read_number(line.substr(value)), static_cast<double>(by_number)))
      return true;
  }
  return false;
}

// The unit a duration key's numbers are in, at the largest the key's name allows.
int64_t duration_unit_of_key(std::string_view key) {
  if (ends_with_fold(key, "responsetime")) return kNsPerMs;
  if (ends_with_fold(key, "ns") || ends_with_fold(key, "nanos")) return 1;
  if (ends_with_fold(key, "us") || ends_with_fold(key, "micros") || ends_with_fold(key, "\xC2\xB5s")) return kNsPerUs;
  if (ends_with_fold(key, "ms") || ends_with_fold(key, "millis")) return kNsPerMs;
  return kNsPerSecond;
}

bool has_duration_at_least(std::string_view line, int64_t min_ns) {
  if (find_text(line, "start", true) != npos) return true;
  static constexpr std::string_view kStems[] = {"dur", "elapsed", "latency", "took", "response_time", "responsetime"};
  for (std::string_view stem : kStems) {
    for (size_t hit = find_text(line, stem, true); hit != npos; hit = find_text(line, stem, true, hit + 1)) {
      if (!starts_key_word(line, hit)) continue;
      size_t end = hit + stem.size();
      while (end < line.size() && is_key_char(line[end])) ++end;
      if (end >= line.size() || line[end] != '"') continue;
      size_t value = value_start(line, end + 1);
      if (value == npos || value >= line.size()) continue;
      size_t open = line.rfind('"', hit - 1);
      std::string_view key = line.substr(open + 1, end - open - 1);
      const double unit = static_cast<double>(duration_unit_of_key(key));
      if (line[value] == '"') {
        size_t close = line.find('"', value + 1);
        if (close == npos) return true;
        std::string_view text = line.substr(value + 1, close - value - 1);
        if (std::optional<int64_t> ns = parse_duration_ns(text)) {
          if (*ns >= min_ns) return true;
          continue;
        }
        NumberHead number = read_number(text);
        if (!number.ok || number.has_exponent || (number.whole + 1) * unit >= static_cast<double>(min_ns)) return true;
        continue;
      }
      NumberHead number = read_number(line.substr(value));
      if (number.ok && !number.negative &&
          (number.has_exponent || (number.whole + 1) * unit >= static_cast<double>(min_ns)))
        return true;
    }
  }
  return false;
}

bool decode_hex(std::string_view hex, std::string& bytes) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]);
    int lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

std::vector<std::string> base64_spellings_of_hex_id(std::string_view hex) {
  std::string bytes;
  if ((hex.size() != 32 && hex.size() != 16) || !decode_hex(hex, bytes)) return {};
  static constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string standard;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    size_t count = std::min<size_t>(3, bytes.size() - i);
    if (count > 1) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (count > 2) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    for (size_t k = 0; k < count + 1; ++k) standard += kStandard[(chunk >> (18 - 6 * k)) & 63];
  }
  std::string url = standard;
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  if (url == standard) return {standard};
  return {standard, url};
}

void LinePrecheck::require_any_text(std::vector<std::string> needles, bool fold_case) {
  if (fold_case)
    for (std::string& needle : needles) needle = ascii_lower(needle);
  Condition condition;
  condition.kind = Kind::kText;
  condition.needles = std::move(needles);
  condition.fold_case = fold_case;
  conditions_.push_back(std::move(condition));
}

void LinePrecheck::require_min_severity(uint8_t severity) {
  Condition condition;
  condition.kind = Kind::kSeverity;
  condition.severity = severity;
  conditions_.push_back(std::move(condition));
}

void LinePrecheck::require_min_duration(int64_t ns) {
  Condition condition;
  condition.kind = Kind::kDuration;
  condition.ns = ns;
  conditions_.push_back(std::move(condition));
}

void LinePrecheck::require_error_evidence() {
  Condition condition;
  condition.kind = Kind::kErrors;
  conditions_.push_back(std::move(condition));
}

bool LinePrecheck::holds(const Condition& condition, std::string_view line) const {
  switch (condition.kind) {
    case Kind::kText:
      for (const std::string& needle : condition.needles)
        if (find_text(line, needle, condition.fold_case) != npos) return true;
      return false;
    case Kind::kSeverity: return has_severity(line, condition.severity);
    case Kind::kDuration: return has_duration_at_least(line, condition.ns);
    case Kind::kErrors:
      return find_text(line, "err", true) != npos || find_text(line, "status", true) != npos ||
             has_severity(line, kSeverityError);
  }
  return true;
}

bool LinePrecheck::operator()(std::string_view line) const {
  for (const Condition& condition : conditions_)
    if (!holds(condition, line)) return std::memchr(line.data(), '\\', line.size()) != nullptr;
  return true;
}

LinePrecheck LinePrecheck::for_filter(const FilterSpec& spec, const TextMatcher* matcher, bool read_every_line) {
  LinePrecheck precheck;
  if (read_every_line) return precheck;
  if (matcher && matcher->is_literal() && spec.field.empty() && !matcher->literal().empty())
    precheck.require_any_text({matcher->literal()}, matcher->ignore_case());
  if (spec.level && spec.level->min > kSeverityTrace) precheck.require_min_severity(spec.level->min);
  if (spec.min_duration_ns && *spec.min_duration_ns > 0) precheck.require_min_duration(*spec.min_duration_ns);
  for (const std::string* id : {&spec.trace_id, &spec.span_id}) {
    if (id->empty()) continue;
    std::vector<std::string> needles{*id};
    for (std::string& spelling : base64_spellings_of_hex_id(*id)) needles.push_back(std::move(spelling));
    precheck.require_any_text(std::move(needles), true);
  }
  if (spec.errors) precheck.require_error_evidence();
  return precheck;
}

}  // namespace trace
