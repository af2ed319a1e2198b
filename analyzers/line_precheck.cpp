#include "analyzers/line_precheck.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "src/cpu_features.h"
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

// A word a scan looks for, lower case, found by a pair of its bytes chosen to be rare in
// JSON logs: text[anchor], text[anchor + 1], both lower-case letters, digits or '"' (see
// scan_stems on folding).
struct Stem {
  std::string_view text;
  size_t anchor = 0;
};

bool stem_at(const char* data, size_t size, size_t pos, std::string_view stem) {
  if (pos + stem.size() > size) return false;
  for (size_t j = 0; j < stem.size(); ++j)
    if (lower(data[pos + j]) != stem[j]) return false;
  return true;
}

// The vector part of scan_stems: blocks of W bytes from `i` on, as long as a whole block
// and its anchor bytes fit; advances `i` past them. Candidates are where a stem's anchor
// pair matches; everything else is skipped a block at a time. OR 0x20 maps 'A'-'Z' onto
// 'a'-'z' and leaves lower-case letters, digits and '"' as they are, so it folds case for
// every anchor byte; the other bytes it maps onto anchor bytes ('@'-'_' onto '`'-DEL,
// control characters onto digits) are either no anchor or cannot stand unescaped in a
// JSON line, and stem_at checks every candidate anyway.
#if defined(__SSE2__)
#define TRACE_SCAN_BLOCKS(NAME, ATTRIBUTE, W, VEC, LOAD, SET1, OR, AND, CMPEQ, MOVEMASK)                     \
  template <size_t N, class Visit>                                                                          \
  ATTRIBUTE bool NAME(const char* data, size_t size, size_t& i, const std::array<Stem, N>& stems,          \
                      Visit& visit) {                                                                       \
    size_t max_anchor = 0;                                                                                  \
    for (const Stem& stem : stems) max_anchor = std::max(max_anchor, stem.anchor);                         \
    VEC first[N], second[N];                                                                                \
    for (size_t k = 0; k < N; ++k) {                                                                        \
      first[k] = SET1(stems[k].text[stems[k].anchor]);                                                      \
      second[k] = SET1(stems[k].text[stems[k].anchor + 1]);                                                 \
    }                                                                                                       \
    const VEC fold = SET1(0x20);                                                                            \
    const VEC backslash = SET1('\\');                                                                       \
    const size_t reach = W + 1 + max_anchor; /* bytes a block reads */                                   \
    if (size < reach) return false;                                                                         \
    /* The last block overlaps the one before it, instead of a long scalar tail: positions */             \
    /* before `i` are masked off. */                                                                        \
    for (bool last = false; !last;) {                                                                       \
      uint32_t keep = ~uint32_t(0);                                                                         \
      if (i + reach > size) {                                                                               \
        size_t j = size - reach;                                                                            \
        if (i >= j + W) break;                                                                              \
        keep <<= (i - j);                                                                                   \
        i = j;                                                                                              \
        last = true;                                                                                        \
      }                                                                                                     \
      if (MOVEMASK(CMPEQ(LOAD(reinterpret_cast<const VEC*>(data + i)), backslash))) return true;           \
      _Pragma("GCC unroll 8") for (size_t k = 0; k < N; ++k) {                                              \
        const char* base = data + i + stems[k].anchor;                                                      \
        VEC a = OR(LOAD(reinterpret_cast<const VEC*>(base)), fold);                                         \
        VEC b = OR(LOAD(reinterpret_cast<const VEC*>(base + 1)), fold);                                     \
        uint32_t mask = keep & static_cast<uint32_t>(MOVEMASK(AND(CMPEQ(a, first[k]), CMPEQ(b, second[k])))); \
        while (mask != 0) {                                                                                 \
          size_t pos = i + static_cast<size_t>(__builtin_ctz(mask));                                        \
          if (stem_at(data, size, pos, stems[k].text) && visit(k, pos)) return true;                        \
          mask &= mask - 1;                                                                                 \
        }                                                                                                   \
      }                                                                                                     \
      i += W;                                                                                               \
    }                                                                                                       \
    return false;                                                                                           \
  }

TRACE_SCAN_BLOCKS(scan_blocks_sse2, , 16, __m128i, _mm_loadu_si128, _mm_set1_epi8, _mm_or_si128, _mm_and_si128,
                  _mm_cmpeq_epi8, _mm_movemask_epi8)
#if defined(__x86_64__)
TRACE_SCAN_BLOCKS(scan_blocks_avx2, __attribute__((target("avx2"))), 32, __m256i, _mm256_loadu_si256,
                  _mm256_set1_epi8, _mm256_or_si256, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_movemask_epi8)
const bool kHasAvx2 = cpu_has_avx2();
#endif
#undef TRACE_SCAN_BLOCKS
#endif

// Calls visit(stem_index, position) for every place a stem starts (ASCII case folded),
// in one pass over the line, and stops with true when visit returns true or at the
// first backslash (a line with JSON escapes always passes, see the header).
template <size_t N, class Visit>
bool scan_stems(std::string_view line, const std::array<Stem, N>& stems, Visit visit) {
  const char* data = line.data();
  const size_t size = line.size();
  size_t i = 0;
#if defined(__SSE2__)
#if defined(__x86_64__)
  if (kHasAvx2 && scan_blocks_avx2(data, size, i, stems, visit)) return true;
#endif
  if (scan_blocks_sse2(data, size, i, stems, visit)) return true;
#endif
  for (; i < size; ++i) {
    if (data[i] == '\\') return true;
    for (size_t k = 0; k < N; ++k)
      if (stem_at(data, size, i, stems[k].text) && visit(k, i)) return true;
  }
  return false;
}

// The key that starts with a stem at `stem_at`: where its value starts, or npos when
// the stem does not start a key word or what it starts is not a key.
size_t key_value_at(std::string_view line, size_t stem_at, size_t stem_size) {
  if (!starts_key_word(line, stem_at)) return npos;
  size_t end = stem_at + stem_size;
  while (end < line.size() && is_key_char(line[end])) ++end;
  if (end >= line.size() || line[end] != '"') return npos;
  size_t value = value_start(line, end + 1);
  return value < line.size() ? value : npos;
}

// A level value at `value`: at least `severity` by name, or by number from `threshold`?
bool level_value_reaches(std::string_view line, size_t value, uint8_t severity, double threshold) {
  char first = line[value];
  if (first == '"') {
    size_t close = line.find('"', value + 1);
    if (close == npos) return true;
    std::string_view text = line.substr(value + 1, close - value - 1);
    return severity_from_text(text) >= severity || number_reaches(read_number(text), threshold);
  }
  if (first == '{' || first == '[') return true;  // loguru's {"name", "no"}, shapes we cannot rule out
  return number_reaches(read_number(line.substr(value)), threshold);
}

bool has_severity(std::string_view line, uint8_t severity, int64_t by_number, int64_t by_any_number) {
  static constexpr std::array<Stem, 4> kStems{{{"lev", 1}, {"lvl", 0}, {"sev", 1}, {"\"no\"", 2}}};
  return scan_stems(line, kStems, [&](size_t stem, size_t at) {
    if (stem == 3) {  // loguru: record.level.no, on Python's scale
      size_t value = value_start(line, at + 4);
      return value != npos && value < line.size() &&
             number_reaches(read_number(line.substr(value)), static_cast<double>(by_number));
    }
    size_t value = key_value_at(line, at, 3);
    if (value == npos) return false;
    // severityNumber may hold OpenTelemetry's own scale.
    double threshold = static_cast<double>(stem == 2 ? by_any_number : by_number);
    return level_value_reaches(line, value, severity, threshold);
  });
}

// The unit a duration key's numbers are in, at the largest the key's name allows.
int64_t duration_unit_of_key(std::string_view key) {
  if (ends_with_fold(key, "responsetime")) return kNsPerMs;
  if (ends_with_fold(key, "ns") || ends_with_fold(key, "nanos")) return 1;
  if (ends_with_fold(key, "us") || ends_with_fold(key, "micros") || ends_with_fold(key, "\xC2\xB5s")) return kNsPerUs;
  if (ends_with_fold(key, "ms") || ends_with_fold(key, "millis")) return kNsPerMs;
  return kNsPerSecond;
}

bool duration_value_reaches(std::string_view line, size_t value, double unit, int64_t min_ns) {
  const double min = static_cast<double>(min_ns);
  if (line[value] == '"') {
    size_t close = line.find('"', value + 1);
    if (close == npos) return true;
    std::string_view text = line.substr(value + 1, close - value - 1);
    if (std::optional<int64_t> ns = parse_duration_ns(text)) return *ns >= min_ns;
    NumberHead number = read_number(text);
    return !number.ok || number.has_exponent || (number.whole + 1) * unit >= min;
  }
  NumberHead number = read_number(line.substr(value));
  return number.ok && !number.negative && (number.has_exponent || (number.whole + 1) * unit >= min);
}

bool has_duration_at_least(std::string_view line, int64_t min_ns) {
  // response_time and responseTime (pino-http) share one stem, checked whole below.
  static constexpr std::array<Stem, 6> kStems{
      {{"start", 3}, {"dur", 0}, {"elapsed", 3}, {"latency", 4}, {"took", 1}, {"respons", 5}}};
  return scan_stems(line, kStems, [&](size_t stem, size_t at) {
    if (stem == 0) return true;  // span timestamps of trace formats
    if (stem == 5 && !stem_at(line.data(), line.size(), at + 7, "e_time") &&
        !stem_at(line.data(), line.size(), at + 7, "etime"))
      return false;
    size_t value = key_value_at(line, at, kStems[stem].text.size());
    if (value == npos) return false;
    size_t open = line.rfind('"', at);  // npos + 1 = 0: a key at the very start
    std::string_view key = line.substr(open + 1);
    key = key.substr(0, key.find('"'));
    return duration_value_reaches(line, value, static_cast<double>(duration_unit_of_key(key)), min_ns);
  });
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
  condition.by_number = numeric_threshold(severity, false);
  condition.by_any_number = numeric_threshold(severity, true);
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
  condition.by_number = numeric_threshold(kSeverityError, false);
  condition.by_any_number = numeric_threshold(kSeverityError, true);
  conditions_.push_back(std::move(condition));
}

bool LinePrecheck::holds(const Condition& condition, std::string_view line) const {
  switch (condition.kind) {
    case Kind::kText:
      for (const std::string& needle : condition.needles)
        if (find_text(line, needle, condition.fold_case) != npos) return true;
      return false;
    case Kind::kSeverity:
      return has_severity(line, condition.severity, condition.by_number, condition.by_any_number);
    case Kind::kDuration: return has_duration_at_least(line, condition.ns);
    case Kind::kErrors:
      return find_text(line, "err", true) != npos || find_text(line, "status", true) != npos ||
             has_severity(line, kSeverityError, condition.by_number, condition.by_any_number);
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
