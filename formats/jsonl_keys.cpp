#include "formats/jsonl_keys.h"

#include <array>
#include <vector>

namespace trace::formats {

namespace {

constexpr size_t kSampleLines = 20;

bool is_number_type(char type) { return (type >= '0' && type <= '9') || type == '-'; }

bool has_lower_case(std::string_view text) {
  for (char c : text)
    if (c >= 'a' && c <= 'z') return true;
  return false;
}

// The keys of the sampled lines' first values.
class Sample {
 public:
  void add(JsonPrefix prefix) {
    if (prefix.first_byte() == '{') lines_.push_back(std::move(prefix));
  }

  const std::vector<JsonPrefix>& lines() const { return lines_; }

  // In how many sampled lines `key` appears (top level; nested paths join with '.').
  size_t count(std::string_view key) const {
    size_t n = 0;
    for (const JsonPrefix& line : lines_) n += line.has(key);
    return n;
  }

 private:
  std::vector<JsonPrefix> lines_;
};

// Sets `producer` to the one whose signature the line matches (FORMATS.md §5 "Detect"),
// checked from the most specific signature to the least; false when none matches.
bool vote(const JsonPrefix& line, LogProducer& producer) {
  auto is_number = [&](std::string_view key) {
    const HeadKey* k = line.find(key);
    return k != nullptr && is_number_type(k->type);
  };
  auto is_string = [&](std::string_view key) {
    const HeadKey* k = line.find(key);
    return k != nullptr && k->type == '"';
  };
  const bool msg = line.has("msg");
  if (line.has("text") && line.has("record")) producer = LogProducer::kLoguru;
  else if (line.has("v") && is_number("level") && msg) producer = LogProducer::kBunyan;
  else if (is_number("level") && is_number("time") && msg) producer = LogProducer::kPino;
  else if (is_number("ts") && msg) producer = LogProducer::kZap;
  else if (line.has("levelname") || line.has("asctime") || line.has("levelno")) producer = LogProducer::kPythonJson;
  else if (line.has("event") && !msg && !line.has("message")) producer = LogProducer::kStructlog;
  else if (is_string("time") && is_string("level") && msg)
    producer = has_lower_case(line.scalar("level")) ? LogProducer::kLogrus : LogProducer::kSlog;
  else if (line.has("timestamp") && line.has("level") && line.has("message")) producer = LogProducer::kGeneric;
  else return false;
  return true;
}

// Ties between producers go to the more specific signature.
constexpr std::array<LogProducer, 9> kTieOrder = {
    LogProducer::kLoguru,     LogProducer::kBunyan,    LogProducer::kPino,
    LogProducer::kZap,        LogProducer::kPythonJson, LogProducer::kStructlog,
    LogProducer::kSlog,       LogProducer::kLogrus,    LogProducer::kGeneric,
};

LogProducer elect(const Sample& sample) {
  std::array<size_t, kTieOrder.size()> votes{};
  for (const JsonPrefix& line : sample.lines()) {
    LogProducer producer = LogProducer::kGeneric;
    if (vote(line, producer)) ++votes[static_cast<size_t>(producer)];
  }
  LogProducer best = LogProducer::kGeneric;
  size_t best_votes = 0;
  for (LogProducer producer : kTieOrder) {
    if (votes[static_cast<size_t>(producer)] > best_votes) {
      best = producer;
      best_votes = votes[static_cast<size_t>(producer)];
    }
  }
  return best;
}

// The candidate present in the most sampled lines; ties go to the earlier candidate
// (the producer's defaults come first). With none present: the first default, if any.
std::string pick(const Sample& sample, std::initializer_list<std::string_view> defaults,
                 std::span<const std::string_view> others) {
  std::string_view best;
  size_t best_count = 0;
  auto consider = [&](std::string_view key) {
    size_t n = sample.count(key);
    if (n > best_count) best = key, best_count = n;
  };
  for (std::string_view key : defaults) consider(key);
  for (std::string_view key : others) consider(key);
  if (best_count == 0 && defaults.size() > 0) best = *defaults.begin();
  return std::string(best);
}

constexpr std::string_view kTimeKeys[] = {"timestamp", "time",    "ts",      "@timestamp", "asctime",
                                          "datetime",  "date",    "created", "unixTime",   "isoTime"};
constexpr std::string_view kLevelKeys[] = {"level",    "levelname", "severity",   "lvl",
                                           "loglevel", "log.level", "level_name", "levelno"};
constexpr std::string_view kMessageKeys[] = {"msg", "message"};
constexpr std::string_view kLoggerKeys[] = {"logger", "logger_name", "log.logger"};

JsonlKeyProfile profile_for(const Sample& sample) {
  JsonlKeyProfile profile;
  profile.producer = elect(sample);
  using P = LogProducer;
  switch (profile.producer) {
    case P::kLoguru:
      // Everything lives under `record`; the loader reads it there.
      profile.numeric_levels = NumericLevels::kPython;
      return profile;
    case P::kPino:
    case P::kBunyan:
      profile.time_key = pick(sample, {"time"}, kTimeKeys);
      profile.level_key = pick(sample, {"level"}, kLevelKeys);
      profile.message_key = pick(sample, {"msg"}, kMessageKeys);
      profile.logger_key = pick(sample, {}, kLoggerKeys);
      profile.name_is_service = true;
      break;
    case P::kPythonJson:
      profile.time_key = pick(sample, {"timestamp", "asctime", "created"}, kTimeKeys);
      profile.level_key = pick(sample, {"levelname", "levelno"}, kLevelKeys);
      profile.message_key = pick(sample, {"message"}, kMessageKeys);
      profile.logger_key = pick(sample, {"name"}, kLoggerKeys);
      break;
    case P::kStructlog:
      profile.time_key = pick(sample, {"timestamp"}, kTimeKeys);
      profile.level_key = pick(sample, {"level"}, kLevelKeys);
      profile.message_key = "event";
      profile.logger_key = pick(sample, {"logger"}, kLoggerKeys);
      break;
    case P::kSlog:
    case P::kLogrus:
      profile.time_key = pick(sample, {"time"}, kTimeKeys);
      profile.level_key = pick(sample, {"level"}, kLevelKeys);
      profile.message_key = pick(sample, {"msg"}, kMessageKeys);
      profile.logger_key = pick(sample, {}, kLoggerKeys);
      profile.duration_is_ns = true;
      break;
    case P::kZap:
      profile.time_key = pick(sample, {"ts"}, kTimeKeys);
      profile.level_key = pick(sample, {"level"}, kLevelKeys);
      profile.message_key = pick(sample, {"msg"}, kMessageKeys);
      profile.logger_key = pick(sample, {"logger"}, kLoggerKeys);
      break;
    case P::kGeneric:
      profile.time_key = pick(sample, {"timestamp", "time"}, kTimeKeys);
      profile.level_key = pick(sample, {"level"}, kLevelKeys);
      profile.message_key = pick(sample, {"message", "msg"}, kMessageKeys);
      profile.logger_key = pick(sample, {"logger"}, kLoggerKeys);
      break;
  }
  // `event` is the message only where nothing better is written (structlog's own key).
  if (profile.message_key != "event" && sample.count(profile.message_key) == 0 && sample.count("event") > 0)
    profile.message_key = "event";
  // Numeric levels: pino's scale unless the file looks like Python's logging.
  if (profile.producer == P::kPythonJson ||
      (profile.producer == P::kGeneric && (sample.count("levelno") > 0 || sample.count("levelname") > 0)))
    profile.numeric_levels = NumericLevels::kPython;
  return profile;
}

}  // namespace

std::string_view producer_name(LogProducer producer) {
  switch (producer) {
    case LogProducer::kGeneric: return "generic";
    case LogProducer::kPino: return "pino";
    case LogProducer::kBunyan: return "bunyan";
    case LogProducer::kPythonJson: return "python-json-logger";
    case LogProducer::kStructlog: return "structlog";
    case LogProducer::kSlog: return "slog";
    case LogProducer::kLogrus: return "logrus";
    case LogProducer::kZap: return "zap";
    case LogProducer::kLoguru: return "loguru";
  }
  return "generic";
}

JsonlKeyProfile detect_jsonl_profile(std::span<const std::string_view> lines) {
  Sample sample;
  for (std::string_view line : lines.first(std::min(lines.size(), kSampleLines))) sample.add(JsonPrefix::scan(line));
  return profile_for(sample);
}

JsonlKeyProfile detect_jsonl_profile(const InputHead& head) {
  std::vector<std::string_view> lines = head.first_lines(kSampleLines);
  if (!lines.empty()) return detect_jsonl_profile(lines);
  // One line longer than the head: its prefix is all there is to go on.
  Sample sample;
  sample.add(head.first);
  return profile_for(sample);
}

}  // namespace trace::formats
