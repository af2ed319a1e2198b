#include "formats/jsonl_logs.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/flat_json_line.h"
#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "formats/jsonl_keys.h"
#include "src/errors.h"
#include "src/severity.h"
#include "src/time.h"

namespace trace::formats {

namespace {

using simdjson::error_code;
using simdjson::SUCCESS;

// What a top-level key means to the loader. Keys with roles up to kLoguruText are consumed
// into the record; the rest are read for a purpose and also kept as fields.
enum class Role : uint8_t {
  kTime,
  kLevel,
  kMessage,
  kLogger,
  kService,
  kTraceId,
  kSpanId,
  kLoguruRecord,
  kLoguruText,
  kDuration,  // aux: the unit in ns
  kParentId,
  kSpanName,  // aux: rank, the lowest present names the span
  kError,
};

struct KeyRule {
  std::string key;
  Role role;
  int64_t aux = 0;
  bool wanted = true;  // else left out of the table, its key then being no rule's
};

// A text of 1 to 16 bytes as two little-endian words, the bytes past its end zeroed: two
// word compares tell texts apart, where memcmp would be a call. The text must be followed
// by 16 readable bytes: keys and values lie in the padded line or in simdjson's string
// buffer, itself padded.
struct ShortText {
  static constexpr size_t kMaxSize = 16;

  uint64_t lo = 0, hi = 0;
  size_t size = 0;  // 0 for no text: none looked up has it

  static bool fits(std::string_view text) { return text.size() - 1 < kMaxSize; }  // 1 to 16 bytes

  // `text` fits.
  static ShortText of(std::string_view text) {
    const size_t size = text.size();
    return {load8(text.data()) & kLowMask[size], load8(text.data() + 8) & kHighMask[size], size};
  }

  bool operator==(const ShortText& other) const = default;  // member by member, stopping at a difference
  // The same without a branch, for a single compare whose result picks a value.
  bool same(const ShortText& other) const { return (lo == other.lo) & (hi == other.hi) & (size == other.size); }

 private:
  // kLowMask[n] keeps the first min(n, 8) bytes of a word, kHighMask[n] the next n - 8.
  static constexpr std::array<uint64_t, kMaxSize + 1> kLowMask = [] {
    std::array<uint64_t, kMaxSize + 1> masks{};
    for (size_t n = 0; n <= kMaxSize; ++n) masks[n] = n >= 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * n)) - 1;
    return masks;
  }();
  static constexpr std::array<uint64_t, kMaxSize + 1> kHighMask = [] {
    std::array<uint64_t, kMaxSize + 1> masks{};
    for (size_t n = 0; n <= kMaxSize; ++n)
      masks[n] = n <= 8 ? 0 : n >= 16 ? ~uint64_t(0) : (uint64_t(1) << (8 * (n - 8))) - 1;
    return masks;
  }();

  static uint64_t load8(const char* p) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
  }
};

// Key -> rule, built once per loader from the file's profile. Most keys are no rule's
// and are turned away by one bit per (length, first and last byte); the rest, if of up to
// 16 bytes (nearly all), cost two masked 8-byte loads, two multiplies and one compare:
// the table is a perfect hash of the rules' keys (multipliers are drawn until no two
// collide), so a key either is the one in its slot or is no rule's.
class KeyTable {
 public:
  KeyTable() = default;
  KeyTable(const KeyTable&) = delete;  // slots point at rules_
  KeyTable& operator=(const KeyTable&) = delete;

  // The first rule given for a key wins: the profile's keys go in before generic ones.
  // An unwanted rule still wins over later ones: what a key means never depends on what
  // the sinks read.
  void add(std::string_view key, Role role, int64_t aux = 0, bool wanted = true) {
    if (key.empty()) return;
    for (const KeyRule& rule : rules_)
      if (rule.key == key) return;
    rules_.push_back(KeyRule{std::string(key), role, aux, wanted});
  }

  // After the last add(), before the first find().
  void build();

  // Back to no rules, for another set of add() calls.
  void clear() {
    rules_.clear();
    slots_.clear();
    long_keys_.clear();
    first_last_ = {};
  }

  // `key` must be followed by 16 readable bytes (see ShortText).
  const KeyRule* find(std::string_view key) const {
    if (!ShortText::fits(key)) return find_long(key);
    // Most keys are no rule's: a bit per length and first and last byte turns nearly all
    // of them away before the hash, whose chain of loads and multiplies was a fifth of
    // reading a log line.
    if (((first_last_[key.size()] >> first_last_bit(key)) & 1) == 0) return nullptr;
    ShortText text = ShortText::of(key);
    const Slot& slot = slots_[slot_of(text)];
    return slot.text.same(text) ? slot.rule : nullptr;  // an empty slot is no text's
  }

 private:
  struct Slot {
    ShortText text;
    const KeyRule* rule = nullptr;
  };

  static unsigned first_last_bit(std::string_view key) {
    return (static_cast<uint8_t>(key.front()) + 3u * static_cast<uint8_t>(key.back())) & 63;
  }

  // Two independent products: neither waits for the other.
  size_t slot_of(const ShortText& text) const {
    return static_cast<size_t>((((text.lo ^ text.size) * low_multiplier_) ^ (text.hi * high_multiplier_)) >> shift_);
  }

  const KeyRule* find_long(std::string_view key) const {
    for (const KeyRule* rule : long_keys_)
      if (rule->key == key) return rule;
    return nullptr;
  }

  std::vector<KeyRule> rules_;
  std::vector<Slot> slots_;  // a power of two of them, the rules' keys each in its own
  std::vector<const KeyRule*> long_keys_;
  std::array<uint64_t, ShortText::kMaxSize + 1> first_last_{};  // by length: first_last_bit()s of rules' keys
  uint64_t low_multiplier_ = 0;
  uint64_t high_multiplier_ = 0;
  int shift_ = 64;
};

// Slots for the keys of up to 16 bytes, as few as a perfect hash allows: the smallest
// table (256 slots of 32 bytes, for a few dozen keys) that some drawn pair of multipliers
// leaves without a collision. The draws are a fixed sequence: the same table every run.
void KeyTable::build() {
  std::vector<Slot> keys;
  long_keys_.clear();
  for (const KeyRule& rule : rules_) {
    if (!rule.wanted) continue;
    if (!ShortText::fits(rule.key)) {
      long_keys_.push_back(&rule);
      continue;
    }
    char bytes[2 * ShortText::kMaxSize] = {};  // the 16 readable bytes after the key
    std::memcpy(bytes, rule.key.data(), rule.key.size());
    keys.push_back({ShortText::of(std::string_view(bytes, rule.key.size())), &rule});
    first_last_[rule.key.size()] |= uint64_t(1) << first_last_bit(rule.key);
  }
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto draw = [&state] {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) | 1;
  };
  for (int bits = 8;; ++bits) {
    shift_ = 64 - bits;
    for (int attempt = 0; attempt < 4096; ++attempt) {
      low_multiplier_ = draw();
      high_multiplier_ = draw();
      slots_.assign(size_t(1) << bits, Slot{});
      bool collided = false;
      for (size_t i = 0; i < keys.size() && !collided; ++i) {
        Slot& slot = slots_[slot_of(keys[i].text)];
        collided = slot.rule != nullptr;
        slot = keys[i];
      }
      if (!collided) return;
    }
  }
}

// A file writes the same few level names line after line: the last four of up to 16
// bytes are kept with their severities, as ShortTexts (copies: the line they came from
// goes away). `level` must be followed by 16 readable bytes, as ShortText says.
class LevelMemo {
 public:
  uint8_t severity(std::string_view level) {
    if (!ShortText::fits(level)) return severity_from_text(level);
    ShortText text = ShortText::of(level);
    for (const Entry& entry : entries_)
      if (entry.text == text) return entry.severity;
    uint8_t severity = severity_from_text(level);
    entries_[next_] = Entry{text, severity};
    next_ = (next_ + 1) % entries_.size();
    return severity;
  }

 private:
  struct Entry {
    ShortText text;  // empty: matches no level
    uint8_t severity = kSeverityUnknown;
  };
  std::array<Entry, 4> entries_{};
  size_t next_ = 0;
};

// Keys every producer may write, whatever the profile (FORMATS.md §5 "Correlation").
constexpr std::string_view kServiceKeys[] = {"service", "service.name", "service_name"};
constexpr std::string_view kTraceIdKeys[] = {"trace_id", "traceId", "trace.id", "otelTraceID", "traceID"};
constexpr std::string_view kSpanIdKeys[] = {"span_id", "spanId", "span.id", "otelSpanID"};
constexpr std::string_view kParentIdKeys[] = {"parent_span_id", "parentSpanId", "parent_id", "parentId", "parent.id"};

struct DurationKey {
  std::string_view key;
  int64_t unit_ns;
};
// `duration` itself is seconds (the seeds' Python loggers, zap) unless the profile says
// the producer is a Go logger writing time.Duration as integer ns.
constexpr DurationKey kDurationKeys[] = {
    {"duration_ms", kNsPerMs},      {"elapsed_ms", kNsPerMs}, {"latency_ms", kNsPerMs},
    {"took_ms", kNsPerMs},          {"response_time_ms", kNsPerMs},
    {"responseTime", kNsPerMs},  // pino-http
    {"duration_s", kNsPerSecond},   {"duration_us", kNsPerUs}, {"duration_ns", 1},
};

// Fields that name the operation a duration line measured, best first.
constexpr std::string_view kSpanNameKeys[] = {"span", "stage", "operation", "op", "step", "tool", "event"};

constexpr std::string_view kErrorKeys[] = {"error", "err"};

bool looks_numeric(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) return false;
  return true;
}

// Spans from log lines. A line that says how long something took is a finished
// operation, so it is pushed twice: first as the LogRecord it is, then as a Span:
//   duration = the first duration key on the line (kDurationKeys, or `duration`: seconds,
//              ns for slog/logrus; strings like "250ms" are parsed as durations);
//   end      = the line's time, so start = time - duration (time unknown: start 0 and
//              kSpanStartUnknown);
//   name     = the best of span/stage/operation/op/step/tool/event present as a string,
//              else the message;
//   service, trace_id, span_id = the log record's; parent = the first of parent_span_id,
//              parentSpanId, parent_id, parentId, parent.id (also kept as a field);
//              attrs = the log record's fields;
//   status   = error when severity >= ERROR or an `error`/`err` field is present and not
//              null, false or ""; status_message = that error (its JSON text when it is
//              an object), else the message. Otherwise unset: a log line cannot say "ok".
class JsonlLogsLoader final : public Loader {
 public:
  explicit JsonlLogsLoader(JsonlKeyProfile profile) : profile_(std::move(profile)) { add_keys(RecordNeeds{}); }

  // A time that cannot be read stays a field, and so does any key without a role: with
  // fields wanted, every role stays to keep its key out of them, and times are read to
  // know which ones can be. Without, the keys of roles not needed are left out: fewer
  // lookups find a rule to apply.
  void set_needs(const RecordNeeds& needs) override {
    keep_fields_ = needs.attrs;
    read_times_ = needs.times || needs.attrs;
    if (!needs.attrs) {
      keys_.clear();
      add_keys(needs);
    }
  }

  std::string_view producer() const override {
    return profile_.producer == LogProducer::kGeneric ? std::string_view() : producer_name(profile_.producer);
  }

  // The hot path (one call per line of a possibly huge file). flatten puts the field loop
  // and the role readers in one function, so simdjson's iterator state need not go
  // through memory at every call; no allocation once fields_ has grown.
  [[gnu::flatten]] Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx,
                             RecordSink& sink) override {
    size_t start = skip_whitespace(text, 0);
    if (start == text.size()) return Flow::kContinue;
    if (text[start] != '{') throw DocumentError(0, "expected a JSON object");
    reset();
    bool flat = scan_flat_object(text, [this](std::string_view key, const Value& value, std::string_view token) {
      const KeyRule* rule = keys_.find(key);
      if (rule == nullptr) return keep(key, value);
      apply_role(*rule, key, value, token);
    });
    if (!flat) {
      reset();
      read_object(text, ctx);
    }
    log_.fields = fields_;
    log_.src = where;
    log_.src.text = trim_json_space(text);
    if (sink.on_log(log_) == Flow::kStop) return Flow::kStop;
    if (!has_duration_) return Flow::kContinue;
    return sink.on_span(make_span());
  }

 private:
  // The key table, the rules of roles not needed left out (only ever with no fields kept:
  // see set_needs). Loguru's own keys and the roles a span is made of are always in.
  void add_keys(const RecordNeeds& needs) {
    if (profile_.producer == LogProducer::kLoguru) {
      keys_.add("record", Role::kLoguruRecord);
      keys_.add("text", Role::kLoguruText);
    }
    keys_.add(profile_.time_key, Role::kTime, 0, needs.times);
    keys_.add(profile_.level_key, Role::kLevel);
    keys_.add(profile_.message_key, Role::kMessage);
    keys_.add(profile_.logger_key, Role::kLogger, 0, needs.logs);
    for (std::string_view key : kServiceKeys) keys_.add(key, Role::kService);
    if (profile_.name_is_service) keys_.add("name", Role::kService);
    for (std::string_view key : kTraceIdKeys) keys_.add(key, Role::kTraceId, 0, needs.ids);
    for (std::string_view key : kSpanIdKeys) keys_.add(key, Role::kSpanId, 0, needs.ids);
    for (std::string_view key : kParentIdKeys) keys_.add(key, Role::kParentId, 0, needs.ids);
    keys_.add("duration", Role::kDuration, profile_.duration_is_ns ? 1 : kNsPerSecond);
    for (const DurationKey& d : kDurationKeys) keys_.add(d.key, Role::kDuration, d.unit_ns);
    int64_t rank = 0;
    for (std::string_view key : kSpanNameKeys) keys_.add(key, Role::kSpanName, rank++);
    for (std::string_view key : kErrorKeys) keys_.add(key, Role::kError);
    keys_.build();
  }

  // The general path: any JSON object, and the located error for a malformed line.
  void read_object(std::string_view text, LoadContext& ctx) {
    text_ = text;
    error_code error = ctx.parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc_);
    if (error != SUCCESS)
      throw iterate_error(text, "expected a JSON object", error);
    od::object object;
    check(doc_.get_object().get(object), "expected a JSON object");
    for (auto result : object) {
      check(result.error(), "malformed JSON object");
      // Bound, not copied: copying the field out of its result stalls on store forwarding
      // (a 16-byte load of an 8+4-byte store), once per field.
      od::field&& field = std::move(result).value_unsafe();
      std::string_view key;
      check(read_key(field, key), "malformed JSON object");
      read_field(key, field.value());
    }
    // On-Demand stops at the object's end: anything after it on the line is not ours.
    const char* after = nullptr;
    if (doc_.current_location().get(after) == SUCCESS && after != nullptr &&
        skip_whitespace(text, static_cast<size_t>(after - text.data())) < text.size())
      throw DocumentError(static_cast<uint64_t>(after - text.data()), "expected the end of the line after the object");
  }

  void reset() {
    // Member by member: assigning a fresh LogRecord costs a temporary per line.
    log_.time_ns = 0;
    log_.severity = kSeverityUnknown;
    log_.level_text = log_.logger = log_.message = log_.trace_id = log_.span_id = log_.service = {};
    fields_.clear();
    has_duration_ = false;
    duration_ns_ = 0;
    span_name_ = {};
    parent_id_ = {};
    span_name_rank_ = std::numeric_limits<int64_t>::max();
    failed_ = false;
    error_text_ = {};
  }

  // Sets every member the loader ever changes; the rest keep their defaults.
  const Span& make_span() {
    span_.trace_id = log_.trace_id;
    span_.span_id = log_.span_id;
    span_.parent_id = parent_id_;
    span_.name = span_name_.empty() ? log_.message : span_name_;
    span_.service = log_.service;
    span_.duration_ns = duration_ns_;
    if (log_.time_ns != 0) {
      span_.start_ns = log_.time_ns - duration_ns_;
      span_.flags = 0;
    } else {
      span_.start_ns = 0;
      span_.flags = kSpanStartUnknown;
    }
    span_.status = Status::kUnset;
    span_.status_message = {};
    if (failed_) {
      span_.status = Status::kError;
      span_.status_message = error_text_;
    } else if (log_.severity >= kSeverityError) {
      span_.status = Status::kError;
      span_.status_message = log_.message;
    }
    span_.attrs = fields_;
    span_.src = log_.src;
    return span_;
  }

  void check(error_code error, std::string_view expected) {
    if (error != SUCCESS) fail_at(doc_, text_, expected, error);
  }

  // The key's text: a view into the line when it has no escapes (almost always), else
  // unescaped into the parser's string buffer.
  static error_code read_key(od::field& field, std::string_view& key) {
    const char* begin = field.key().raw();
    size_t size = quote_or_backslash(begin);
    if (begin[size] == '"') {
      key = std::string_view(begin, size);
      return SUCCESS;
    }
    return field.unescaped_key().get(key);
  }

  static_assert(std::endian::native == std::endian::little, "quote_or_backslash reads words little-endian");

  // Index of the first '"' or '\\' at or after p, eight bytes at a time. A key's closing
  // quote is known to exist, and the document is followed by SIMDJSON_PADDING bytes, so
  // the 8-byte reads past it stay inside the buffer.
  static size_t quote_or_backslash(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHighs = 0x8080808080808080ULL;
    for (size_t i = 0;; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      uint64_t quotes = word ^ (kOnes * '"');
      uint64_t backslashes = word ^ (kOnes * '\\');
      // A byte becomes 0x80 where it was zero; bytes above the first hit may be wrong,
      // but the lowest hit is exact (little-endian: the first byte in memory).
      uint64_t hits = ((quotes - kOnes) & ~quotes & kHighs) | ((backslashes - kOnes) & ~backslashes & kHighs);
      if (hits != 0) return i + (static_cast<size_t>(__builtin_ctzll(hits)) >> 3);
    }
  }

  // A number's text as written ("30", "1736937000.123"), without trailing whitespace.
  static std::string_view token_of(od::value& value) { return trim_json_space(value.raw_json_token()); }

  void read_number(od::value& value, Value& out) {
    // One pass with get_number(): classifying first (get_number_type) and then parsing
    // costs twice as much in the hot loop.
    // Numbers of 20 or more characters go to get_double_exact (json_util.h says why).
    if (token_of(value).size() < 20) {
      od::number number;
      if (value.get_number().get(number) == SUCCESS) {
        out = number.is_int64() ? Value::of_int(number.get_int64()) : Value::of_double(number.as_double());
        return;
      }
    }
    // Integers past uint64 are refused by get_number(); keep them as doubles.
    double d = 0;
    check(get_double_exact(value, d), "expected a number");
    out = Value::of_double(d);
  }

  // Any JSON value, objects and arrays as their JSON text.
  void read_any(od::value& value, Value& out) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        check(value.get_string().get(s), "expected a string");
        out = Value::of_string(s);
        return;
      }
      case od::json_type::number:
        read_number(value, out);
        return;
      case od::json_type::boolean: {
        bool b = false;
        check(value.get_bool().get(b), "expected true or false");
        out = Value::of_bool(b);
        return;
      }
      case od::json_type::null: {
        bool null = false;
        check(value.is_null().get(null), "expected null");
        if (!null) fail_at(doc_, text_, "expected null", SUCCESS);
        out = Value{};
        return;
      }
      case od::json_type::object: {
        od::object object;
        std::string_view raw;
        check(value.get_object().get(object), "expected an object");
        check(checked_raw_json(object, raw), "expected an object");
        out = Value::of_raw_json(raw);
        return;
      }
      case od::json_type::array: {
        od::array array;
        std::string_view raw;
        check(value.get_array().get(array), "expected an array");
        check(checked_raw_json(array, raw), "expected an array");
        out = Value::of_raw_json(raw);
        return;
      }
    }
  }

  void keep(std::string_view key, od::value& value) {
    Value v;
    read_any(value, v);  // checked, even when not kept
    keep(key, v);
  }

  void keep(std::string_view key, const Value& value) {
    if (keep_fields_) fields_.push_back({key, value});
  }

  void read_field(std::string_view key, od::value& value) {
    const KeyRule* rule = keys_.find(key);
    if (rule == nullptr) return keep(key, value);
    if (rule->role == Role::kLoguruRecord) return read_loguru_record(key, value);
    std::string_view token = token_of(value);  // before read_any consumes the value
    Value v;
    read_any(value, v);
    apply_role(*rule, key, v, token);
  }

  // A known key's value, from either path; `token` is a number's or literal's text.
  void apply_role(const KeyRule& rule, std::string_view key, const Value& v, std::string_view token) {
    switch (rule.role) {
      case Role::kTime: return apply_time(key, v, token);
      case Role::kLevel: return apply_level(key, v, token);
      case Role::kMessage: return apply_message(key, v, token);
      case Role::kLogger: return apply_string_into(key, v, log_.logger);
      case Role::kService: return apply_string_into(key, v, log_.service);
      case Role::kTraceId: return apply_id_into(key, v, token, log_.trace_id);
      case Role::kSpanId: return apply_id_into(key, v, token, log_.span_id);
      case Role::kLoguruRecord: return keep(key, v);  // not an object: nothing to unpack
      case Role::kLoguruText: return;  // loguru's formatted line: record.* says it all
      case Role::kDuration: return apply_duration(key, v, token, rule.aux);
      case Role::kParentId: return apply_id_into(key, v, token, parent_id_, /*also_keep=*/true);
      case Role::kSpanName: {
        keep(key, v);
        if (v.kind == ValueKind::kString && !v.text.empty() && rule.aux < span_name_rank_) {
          span_name_ = v.text;
          span_name_rank_ = rule.aux;
        }
        return;
      }
      case Role::kError: {
        keep(key, v);
        bool present = !(v.kind == ValueKind::kNull || (v.kind == ValueKind::kBool && !v.boolean) ||
                         (v.kind == ValueKind::kString && v.text.empty()));
        if (present && !failed_) {
          failed_ = true;
          if (v.kind == ValueKind::kString || v.kind == ValueKind::kRawJson) error_text_ = v.text;
        }
        return;
      }
    }
  }

  static bool is_number(const Value& v) { return v.kind == ValueKind::kInt || v.kind == ValueKind::kDouble; }

  // Epoch numbers by magnitude, exactly from their text; ISO strings; numeric strings.
  // A time that cannot be read stays a field, so nothing is lost.
  void apply_time(std::string_view key, const Value& v, std::string_view token) {
    if (!read_times_) return;
    if (log_.time_ns != 0) return keep(key, v);  // a key written twice: the first wins
    if (is_number(v)) {
      if (std::optional<int64_t> ns = epoch_text_to_ns(token)) {
        log_.time_ns = *ns;
        return;
      }
    } else if (v.kind == ValueKind::kString) {
      std::optional<int64_t> ns = timestamps_.parse(v.text);
      if (!ns && looks_numeric(v.text)) ns = epoch_text_to_ns(v.text);
      if (ns) {
        log_.time_ns = *ns;
        return;
      }
    }
    keep(key, v);
  }

  // Names ("warning", "INFO+2") or numbers on the file's scale; level_text as written.
  void apply_level(std::string_view key, const Value& v, std::string_view token) {
    if (!log_.level_text.empty()) return keep(key, v);  // a key written twice: the first wins
    if (v.kind == ValueKind::kString) {
      log_.level_text = v.text;
      log_.severity = levels_.severity(v.text);
      int64_t n = 0;
      if (log_.severity == kSeverityUnknown && looks_numeric(v.text)) {
        std::optional<int64_t> whole = decimal_to_ns(v.text, 1);
        if (whole) n = *whole;
        log_.severity = severity_from_number(n, profile_.numeric_levels);
      }
      return;
    }
    if (is_number(v)) {
      log_.level_text = token;
      std::optional<int64_t> n = decimal_to_ns(token, 1);
      log_.severity = n ? severity_from_number(*n, profile_.numeric_levels) : kSeverityUnknown;
      return;
    }
    keep(key, v);
  }

  void apply_message(std::string_view key, const Value& v, std::string_view token) {
    if (!log_.message.empty()) return keep(key, v);  // a key written twice: the first wins
    switch (v.kind) {
      case ValueKind::kString:
      case ValueKind::kRawJson: log_.message = v.text; break;
      case ValueKind::kNull: break;
      default: log_.message = token; break;  // a number or bool, as written
    }
  }

  // The first string under one of the role's keys fills it; later ones, and non-strings,
  // stay fields.
  void apply_string_into(std::string_view key, const Value& v, std::string_view& slot) {
    if (v.kind == ValueKind::kString && slot.empty()) slot = v.text;
    else keep(key, v);
  }

  // Ids may be numbers (Datadog-style 64-bit ids): their text is the id.
  // The first string or integer id fills `slot`; anything else stays a field. A parent
  // id is also kept as a field: log records have no place for it.
  void apply_id_into(std::string_view key, const Value& v, std::string_view token, std::string_view& slot,
                     bool also_keep = false) {
    bool taken = slot.empty() && (v.kind == ValueKind::kString || v.kind == ValueKind::kInt);
    if (taken) slot = v.kind == ValueKind::kString ? v.text : token;
    if (!taken || also_keep) keep(key, v);
  }

  void apply_duration(std::string_view key, const Value& v, std::string_view token, int64_t unit_ns) {
    keep(key, v);
    if (has_duration_) return;
    std::optional<int64_t> ns;
    if (is_number(v)) ns = decimal_to_ns(token, unit_ns);
    else if (v.kind == ValueKind::kString) {
      ns = parse_duration_ns(v.text);
      if (!ns && looks_numeric(v.text)) ns = decimal_to_ns(v.text, unit_ns);
    }
    if (ns && *ns >= 0) {
      has_duration_ = true;
      duration_ns_ = *ns;
    }
  }

  // The general path's readers for the nested loguru record, on simdjson values.
  void read_time(std::string_view key, od::value& value) {
    std::string_view token = token_of(value);
    Value v;
    read_any(value, v);
    apply_time(key, v, token);
  }

  void read_level(std::string_view key, od::value& value) {
    std::string_view token = token_of(value);
    Value v;
    read_any(value, v);
    apply_level(key, v, token);
  }

  void read_message(od::value& value) {
    std::string_view token = token_of(value);
    Value v;
    read_any(value, v);
    apply_message("message", v, token);
  }

  void read_string_into(std::string_view key, od::value& value, std::string_view& slot) {
    Value v;
    read_any(value, v);
    apply_string_into(key, v, slot);
  }

  // loguru serialize=True: {"text": ..., "record": {"message", "level": {"name", "no"},
  // "time": {"repr", "timestamp"}, "name", "extra": {...}, "function", "line", ...}}.
  // extra's keys are the user's bound fields: they get the same roles as top-level keys.
  void read_loguru_record(std::string_view key, od::value& value) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    if (type != od::json_type::object) return keep(key, value);
    od::object record;
    check(value.get_object().get(record), "expected an object");
    int64_t level_no = 0;
    for (auto result : record) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      std::string_view name;
      check(read_key(field, name), "malformed JSON object");
      od::value& v = field.value();
      if (name == "message") read_message(v);
      else if (name == "level") read_loguru_level(name, v, level_no);
      else if (name == "time") read_loguru_time(name, v);
      else if (name == "name") read_string_into(name, v, log_.logger);
      else if (name == "extra") read_loguru_extra(name, v);
      else keep(name, v);
    }
    if (log_.severity == kSeverityUnknown && level_no > 0)
      log_.severity = severity_from_number(level_no, NumericLevels::kPython);
  }

  void read_loguru_level(std::string_view key, od::value& value, int64_t& level_no) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    if (type != od::json_type::object) return read_level(key, value);
    od::object level;
    check(value.get_object().get(level), "expected an object");
    for (auto result : level) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      std::string_view name;
      check(read_key(field, name), "malformed JSON object");
      if (name == "name") {
        Value v;
        read_any(field.value(), v);
        if (v.kind == ValueKind::kString) {
          log_.level_text = v.text;
          log_.severity = severity_from_text(v.text);
        }
      } else if (name == "no") {
        Value v;
        read_any(field.value(), v);
        if (v.kind == ValueKind::kInt) level_no = v.integer;
      }
    }
  }

  void read_loguru_time(std::string_view key, od::value& value) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    if (type != od::json_type::object) return read_time(key, value);
    od::object time;
    check(value.get_object().get(time), "expected an object");
    std::optional<int64_t> from_repr;
    for (auto result : time) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      std::string_view name;
      check(read_key(field, name), "malformed JSON object");
      od::value& v = field.value();
      od::json_type t;
      check(v.type().get(t), "expected a JSON value");
      if (name == "timestamp" && t == od::json_type::number) {
        if (std::optional<int64_t> ns = decimal_to_ns(token_of(v), kNsPerSecond)) log_.time_ns = *ns;
      } else if (name == "repr" && t == od::json_type::string) {
        std::string_view s;
        check(v.get_string().get(s), "expected a string");
        from_repr = parse_timestamp_ns(s);
      }
    }
    if (log_.time_ns == 0 && from_repr) log_.time_ns = *from_repr;
  }

  void read_loguru_extra(std::string_view key, od::value& value) {
    od::json_type type;
    check(value.type().get(type), "expected a JSON value");
    if (type != od::json_type::object) return keep(key, value);
    od::object extra;
    check(value.get_object().get(extra), "expected an object");
    for (auto result : extra) {
      od::field field;
      check(std::move(result).get(field), "malformed JSON object");
      std::string_view name;
      check(read_key(field, name), "malformed JSON object");
      read_field(name, field.value());
    }
  }

  JsonlKeyProfile profile_;
  bool keep_fields_ = true;  // RecordNeeds::attrs
  bool read_times_ = true;
  KeyTable keys_;
  TimestampParser timestamps_;
  LevelMemo levels_;

  // Reused for every line: no allocation per line once the vector has grown.
  od::document doc_;
  std::string_view text_;
  std::vector<Attr> fields_;
  LogRecord log_;
  Span span_;
  bool has_duration_ = false;
  int64_t duration_ns_ = 0;
  std::string_view span_name_;
  std::string_view parent_id_;
  int64_t span_name_rank_ = 0;
  bool failed_ = false;
  std::string_view error_text_;
};

constexpr std::string_view kSniffKeys[] = {"msg",      "message", "event",   "level",      "levelname", "time",
                                           "ts",       "timestamp", "asctime", "@timestamp", "severity",
                                           "record.message"};

}  // namespace

bool sniff_jsonl_logs(const InputHead& head) {
  if (head.first.first_byte() != '{') return false;
  bool single_line = head.whole && head.framing == Framing::kDocument && head.first.value_end() > 0 &&
                     head.bytes.substr(0, head.first.value_end()).find('\n') == std::string_view::npos;
  if (head.framing != Framing::kLines && !single_line) return false;
  for (std::string_view key : kSniffKeys)
    if (head.first.has(key)) return true;
  return false;
}

std::unique_ptr<Loader> make_jsonl_logs_loader(const InputHead& head) {
  return std::make_unique<JsonlLogsLoader>(detect_jsonl_profile(head));
}

}  // namespace trace::formats
