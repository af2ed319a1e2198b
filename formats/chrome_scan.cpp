#include "formats/chrome_scan.h"

#include <charconv>
#include <cmath>
#include <string>

#include "formats/json_scan.h"
#include "formats/json_util.h"
#include "src/errors.h"

namespace trace::formats {

namespace {

constexpr size_t kNpos = std::string_view::npos;

// Times are kept within ±4e18 ns (±126 years around 1970) so that a base plus a
// timestamp plus a duration never overflows int64.
constexpr int64_t kMaxMicros = 4'000'000'000'000'000;
constexpr double kMaxNs = 4e18;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view unquote(std::string_view token) {
  if (token.size() >= 2 && token.front() == '"') return token.substr(1, token.size() - 2);
  return token;
}

bool parse_double(std::string_view s, double& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

// A number of ns given as an integer, or failing that as a double.
bool parse_ns(std::string_view s, int64_t& ns) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ns);
  if (ec == std::errc() && end == s.data() + s.size()) return ns >= -kMaxNs && ns <= kMaxNs;
  double d = 0;
  if (!parse_double(s, d) || std::fabs(d) > kMaxNs) return false;
  ns = std::llround(d);
  return true;
}

bool parse_micros(std::string_view s, int64_t& ns) {
  if (micros_text_to_ns(s, ns)) return true;
  double d = 0;
  if (!parse_double(s, d) || std::fabs(d) * 1000 > kMaxNs) return false;
  ns = std::llround(d * 1000);
  return true;
}

}  // namespace

simdjson::ondemand::document iterate_chrome_event(simdjson::ondemand::parser& parser, std::string_view text,
                                                  std::string_view event) {
  auto offset = static_cast<uint64_t>(event.data() - text.data());
  size_t capacity = text.size() - offset + simdjson::SIMDJSON_PADDING;
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(event.data(), event.size(), capacity).get(doc)) {
    DocumentError located = iterate_error(event, "malformed event", error);
    throw DocumentError(offset + located.offset(), located.what());
  }
  return doc;
}

bool micros_text_to_ns(std::string_view token, int64_t& ns) {
  size_t i = 0;
  bool negative = i < token.size() && token[i] == '-';
  if (negative) ++i;
  if (i >= token.size() || !is_digit(token[i])) return false;
  int64_t whole = 0;
  for (; i < token.size() && is_digit(token[i]); ++i) {
    whole = whole * 10 + (token[i] - '0');
    if (whole > kMaxMicros) return false;
  }
  int64_t fraction = 0;  // the first three fractional digits: ns
  int digits = 0;
  bool round_up = false;
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (i >= token.size() || !is_digit(token[i])) return false;
    for (; i < token.size() && is_digit(token[i]); ++i) {
      if (digits < 3) fraction = fraction * 10 + (token[i] - '0');
      else if (digits == 3) round_up = token[i] >= '5';
      ++digits;
    }
  }
  if (i != token.size()) return false;
  for (; digits < 3; ++digits) fraction *= 10;
  int64_t value = whole * 1000 + fraction + (round_up ? 1 : 0);
  ns = negative ? -value : value;
  return true;
}

ChromeEventScanner::ChromeEventScanner(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  size_t start = skip_whitespace(text_, pos_);
  if (start >= text_.size() || (text_[start] != '[' && text_[start] != '{'))
    throw DocumentError(start, "expected '[' or '{' at the start of a Chrome trace");
  pos_ = start + 1;
  object_form_ = text_[start] == '{';
  if (object_form_ && !walk_members(false))
    throw DocumentError(start, "expected a \"traceEvents\" array in the trace object");
}

std::optional<int64_t> ChromeEventScanner::base_ns() const {
  if (base_time_ns_) return base_time_ns_;
  if (beginning_of_time_ns_) return beginning_of_time_ns_;
  if (epoch_clock_) return 0;
  return std::nullopt;
}

bool ChromeEventScanner::next_start(size_t& start) {
  while (state_ == State::kEvents) {
    pos_ = skip_whitespace(text_, pos_);
    if (pos_ >= text_.size()) {
      if (object_form_) throw DocumentError(pos_, "unexpected end of text in the \"traceEvents\" array");
      state_ = State::kDone;  // streaming producers never write the closing bracket
      return false;
    }
    char c = text_[pos_];
    if (c == ']') {
      // A trailing comma before the bracket is tolerated, as with no bracket at all.
      ++pos_;
      after_event_ = false;
      if (object_form_ && walk_members(true)) continue;  // a second "traceEvents" member
      state_ = State::kDone;
      expect_end_of_text();
      return false;
    }
    if (after_event_) {
      if (c != ',') throw DocumentError(pos_, "expected ',' or ']' after an event");
      ++pos_;
      after_event_ = false;
      continue;
    }
    if (c != '{') throw DocumentError(pos_, "expected an event object");
    start = pos_;
    return true;
  }
  return false;
}

void ChromeEventScanner::event_ends_at(size_t end) {
  pos_ = end;
  after_event_ = true;
}

void ChromeEventScanner::finish_event(std::string_view& event) {
  size_t end = find_value_end(text_, pos_);
  if (end == kNpos) throw DocumentError(pos_, "unexpected end of text inside an event", true);
  event = text_.substr(pos_, end - pos_);
  event_ends_at(end);
}

bool ChromeEventScanner::walk_members(bool after_member) {
  for (;;) {
    pos_ = skip_whitespace(text_, pos_);
    if (pos_ >= text_.size()) throw DocumentError(pos_, "unexpected end of text in the trace object");
    char c = text_[pos_];
    if (c == '}') {
      ++pos_;
      return false;
    }
    if (after_member) {
      if (c != ',') throw DocumentError(pos_, "expected ',' or '}' after a member of the trace object");
      ++pos_;
      after_member = false;
      continue;
    }
    if (c != '"') throw DocumentError(pos_, "expected a key string in the trace object");
    size_t key_end = find_value_end(text_, pos_);
    if (key_end == kNpos) throw DocumentError(pos_, "unexpected end of text in the trace object");
    std::string_view key = text_.substr(pos_ + 1, key_end - pos_ - 2);
    pos_ = skip_whitespace(text_, key_end);
    if (pos_ >= text_.size() || text_[pos_] != ':') throw DocumentError(pos_, "expected ':' after a key");
    size_t value = skip_whitespace(text_, pos_ + 1);
    if (value >= text_.size()) throw DocumentError(value, "unexpected end of text in the trace object");
    if (key == "traceEvents") {
      if (text_[value] != '[') throw DocumentError(value, "expected \"traceEvents\" to be an array");
      pos_ = value + 1;
      return true;
    }
    size_t end = find_value_end(text_, value);
    if (end == kNpos) throw DocumentError(value, "unexpected end of text in the trace object");
    if (end == value) throw DocumentError(value, "expected a value");
    read_member(key, value, end);
    pos_ = end;
    after_member = true;
  }
}

std::string_view ChromeEventScanner::producer() const {
  if (beginning_of_time_ns_) return "clang -ftime-trace";
  if (base_time_ns_) return "PyTorch profiler (Kineto)";
  if (epoch_clock_) return "trace convert";
  return {};
}

void ChromeEventScanner::read_member(std::string_view key, size_t value, size_t end) {
  std::string_view token = unquote(text_.substr(value, end - value));
  // displayTimeUnit changes only how viewers show times: ts and dur stay microseconds.
  if (key == "baseTimeNanoseconds") {
    int64_t ns = 0;
    if (!parse_ns(token, ns)) throw DocumentError(value, "expected baseTimeNanoseconds as a number");
    base_time_ns_ = ns;
  } else if (key == "beginningOfTime") {
    int64_t ns = 0;
    if (!parse_micros(token, ns)) throw DocumentError(value, "expected beginningOfTime as a number");
    beginning_of_time_ns_ = ns;
  } else if (key == "clockDomain") {
    epoch_clock_ = token == "unix_epoch";
  }
}

void ChromeEventScanner::expect_end_of_text() {
  pos_ = skip_whitespace(text_, pos_);
  if (pos_ < text_.size()) throw DocumentError(pos_, "unexpected text after the end of the trace");
}

}  // namespace trace::formats
