// trace_gen: writes a large, realistic, deterministic trace of an LLM-agent pipeline to
// stdout, for benchmarking `trace` against cat, rg, jq and mlr.
//
//   trace_gen --size 1G [--seed N] [--format jsonl|otlp-jsonl|otlp-json] > file
//
// jsonl:      one structured log line per event (~550 bytes): stage completions with
//             duration_ms (what the jsonl loader turns into spans named by `stage`), ~1.5%
//             ERROR "stage failed" lines, WARN and DEBUG lines without a duration.
// otlp-jsonl: one OTLP ExportTraceServiceRequest per line, one request (~10 spans) each.
// otlp-json:  the same requests as one OTLP document on one line: their ResourceSpans in
//             one resourceSpans array (a big single-document input, issue 9).
//
// Speed is the point (the generator must not be the slow part of a benchmark), so lines
// are assembled by hand with memcpy and table-driven number/hex formatting into one
// buffer that is flushed in 1 MiB blocks; no snprintf, no iostreams. The output depends
// only on the seed: the same seed gives the same bytes for any size prefix.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// ---------------------------------------------------------------------------------------
// Random numbers: xoshiro256** seeded through splitmix64 (fast, good, reproducible).

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), by multiply-shift (bias is negligible for the small n used here).
  uint32_t below(uint32_t n) { return uint32_t(((next() >> 32) * uint64_t(n)) >> 32); }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    while (u1 <= 1e-300) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(6.283185307179586 * u2);
    has_spare_ = true;
    return r * std::cos(6.283185307179586 * u2);
  }

  // Log-normal with the given median and shape sigma (the sd of ln x).
  double log_normal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

// ---------------------------------------------------------------------------------------
// Output: a big buffer written in 1 MiB blocks, with append helpers for the hot path.

constexpr size_t kBlock = size_t(1) << 20;
constexpr size_t kMaxLine = size_t(64) << 10;  // generous bound for one OTLP request line

constexpr char kHexDigits[] = "0123456789abcdef";

struct HexTable {
  char pairs[512];
  constexpr HexTable() : pairs() {
    for (int i = 0; i < 256; ++i) {
      pairs[2 * i] = kHexDigits[i >> 4];
      pairs[2 * i + 1] = kHexDigits[i & 15];
    }
  }
};
constexpr HexTable kHex;

struct DigitTable {
  char pairs[200];
  constexpr DigitTable() : pairs() {
    for (int i = 0; i < 100; ++i) {
      pairs[2 * i] = char('0' + i / 10);
      pairs[2 * i + 1] = char('0' + i % 10);
    }
  }
};
constexpr DigitTable kDigits;

class Out {
 public:
  explicit Out(uint64_t limit) : limit_(limit), buf_(static_cast<char*>(std::malloc(kBlock + 2 * kMaxLine))) {
    if (buf_ == nullptr) {
      std::fputs("trace_gen: out of memory\n", stderr);
      std::exit(1);
    }
    p_ = buf_;
  }
  ~Out() { std::free(buf_); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;

  // Marks the start of a line; commit() keeps it only when it still fits in --size.
  void begin_line() { line_start_ = p_; }
  bool commit() {
    const uint64_t length = uint64_t(p_ - line_start_);
    if (written_ + uint64_t(line_start_ - buf_) + length > limit_) {
      p_ = line_start_;
      return false;
    }
    if (size_t(p_ - buf_) >= kBlock) flush_blocks();
    return true;
  }

  void finish() {
    write(buf_, size_t(p_ - buf_));
    p_ = buf_;
    if (std::fflush(stdout) != 0) fail();
  }

  uint64_t written() const { return written_ + uint64_t(p_ - buf_); }

  void lit(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  template <size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void ch(char c) { *p_++ = c; }

  void uint(uint64_t v) {
    char tmp[24];
    char* end = tmp + sizeof tmp;
    char* q = end;
    while (v >= 100) {
      const unsigned two = unsigned(v % 100);
      v /= 100;
      q -= 2;
      std::memcpy(q, kDigits.pairs + 2 * two, 2);
    }
    if (v >= 10) {
      q -= 2;
      std::memcpy(q, kDigits.pairs + 2 * v, 2);
    } else {
      *--q = char('0' + v);
    }
    std::memcpy(p_, q, size_t(end - q));
    p_ += end - q;
  }

  // Exactly `width` digits, zero-padded (for timestamps and fractions).
  void padded(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p_[i] = char('0' + v % 10);
      v /= 10;
    }
    p_ += width;
  }

  // A non-negative number with `decimals` fixed decimals, e.g. fixed(812.44, 1) -> 812.4.
  void fixed(double v, int decimals) {
    static constexpr double kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    const uint64_t scaled = uint64_t(v * kScale[decimals] + 0.5);
    const uint64_t unit = uint64_t(kScale[decimals]);
    uint(scaled / unit);
    if (decimals > 0) {
      ch('.');
      padded(scaled % unit, decimals);
    }
  }

  void hex64(uint64_t v) {
    for (int i = 7; i >= 0; --i) {
      std::memcpy(p_, kHex.pairs + 2 * ((v >> (8 * i)) & 0xff), 2);
      p_ += 2;
    }
  }
  void hex32(uint32_t v) {
    for (int i = 3; i >= 0; --i) {
      std::memcpy(p_, kHex.pairs + 2 * ((v >> (8 * i)) & 0xff), 2);
      p_ += 2;
    }
  }

 private:
  void flush_blocks() {
    const size_t used = size_t(p_ - buf_);
    const size_t full = used - used % kBlock;
    write(buf_, full);
    std::memmove(buf_, buf_ + full, used - full);
    p_ = buf_ + (used - full);
  }
  void write(const char* data, size_t n) {
    if (n == 0) return;
    if (std::fwrite(data, 1, n, stdout) != n) fail();
    written_ += n;
  }
  [[noreturn]] static void fail() {
    if (errno == EPIPE) std::exit(0);
    std::perror("trace_gen: write");
    std::exit(1);
  }

  uint64_t limit_;
  uint64_t written_ = 0;
  char* buf_;
  char* p_;
  char* line_start_ = nullptr;
};

// ---------------------------------------------------------------------------------------
// The simulated system: three services running request pipelines made of stages.

enum StageId : uint8_t {
  kGuardrailInput,
  kCacheLookup,
  kLlmEmbed,
  kRetrieve,
  kRerank,
  kLlmPlan,
  kToolWebSearch,
  kToolSql,
  kToolCodeExec,
  kLlmChat,
  kGuardrailOutput,
  kRespond,
  kStageCount,
};

enum class StageKind : uint8_t { kGuardrail, kCache, kEmbed, kRetrieve, kRerank, kLlm, kTool, kRespond };

struct StageSpec {
  std::string_view name;
  StageKind kind;
  double median_ms;
  double sigma;
  double error_rate;  // chance a completion is an ERROR "stage failed" line instead
  double warn_rate;   // chance of a WARN line before the completion
  uint8_t otlp_kind;  // OTLP span kind of the stage span: 1 internal, 3 client
};

// Latencies are log-normal per stage: cheap local steps are tight, LLM and tool calls are
// slow with long tails. Error and warning rates put the whole file near 1.5% ERROR lines.
constexpr StageSpec kStages[kStageCount] = {
    {"guardrail.input", StageKind::kGuardrail, 38.0, 0.35, 0.006, 0.010, 1},
    {"cache.lookup", StageKind::kCache, 2.4, 0.60, 0.003, 0.000, 3},
    {"llm.embed", StageKind::kEmbed, 46.0, 0.35, 0.010, 0.010, 1},
    {"retrieve", StageKind::kRetrieve, 118.0, 0.50, 0.016, 0.040, 3},
    {"rerank", StageKind::kRerank, 175.0, 0.40, 0.012, 0.010, 3},
    {"llm.plan", StageKind::kLlm, 640.0, 0.50, 0.040, 0.040, 1},
    {"tool.web_search", StageKind::kTool, 910.0, 0.60, 0.070, 0.060, 3},
    {"tool.sql", StageKind::kTool, 62.0, 0.90, 0.045, 0.030, 3},
    {"tool.code_exec", StageKind::kTool, 1480.0, 0.70, 0.080, 0.040, 1},
    {"llm.chat", StageKind::kLlm, 1150.0, 0.55, 0.045, 0.050, 1},
    {"guardrail.output", StageKind::kGuardrail, 52.0, 0.40, 0.010, 0.020, 1},
    {"respond", StageKind::kRespond, 7.5, 0.50, 0.002, 0.000, 1},
};

struct ServiceSpec {
  std::string_view name;
  std::string_view version;
  std::string_view pods[4];
};

constexpr ServiceSpec kServices[] = {
    {"rag-api", "1.14.2", {"rag-api-6d9c7b8f5-x2k9p", "rag-api-6d9c7b8f5-q7m4t", "rag-api-6d9c7b8f5-zl8wd",
                           "rag-api-6d9c7b8f5-h3v6n"}},
    {"agent-worker", "0.27.0", {"agent-worker-58f4c9d7b-2kq9r", "agent-worker-58f4c9d7b-m8x3z",
                                "agent-worker-58f4c9d7b-p4w7c", "agent-worker-58f4c9d7b-t9j2f"}},
    {"support-bot", "3.2.1", {"support-bot-7b6f9c5d4-a1s8k", "support-bot-7b6f9c5d4-v5n2e",
                              "support-bot-7b6f9c5d4-c7r4y", "support-bot-7b6f9c5d4-w3d6q"}},
};
constexpr int kRagApi = 0, kAgentWorker = 1, kSupportBot = 2;

struct ModelSpec {
  std::string_view name;
  std::string_view provider;
  double usd_per_mtok_in;
  double usd_per_mtok_out;
  double speed;  // latency multiplier
};

constexpr ModelSpec kChatModels[] = {
    {"gpt-4o", "openai", 2.50, 10.00, 1.00},
    {"gpt-4o-mini", "openai", 0.15, 0.60, 0.55},
    {"claude-3-5-sonnet-20241022", "anthropic", 3.00, 15.00, 1.15},
    {"llama-3.1-70b-instruct", "groq", 0.59, 0.79, 0.35},
};
constexpr ModelSpec kEmbedModel = {"text-embedding-3-small", "openai", 0.02, 0.0, 1.0};
constexpr ModelSpec kRerankModel = {"rerank-english-v3.0", "cohere", 0.0, 0.0, 1.0};

constexpr std::string_view kIndexes[] = {"docs-v3", "kb-support-2024", "product-catalog", "tickets-archive"};
constexpr std::string_view kRegions[] = {"eu-west-1", "us-east-1"};
constexpr std::string_view kTenants[] = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne",
                                         "wonka"};

struct ErrorSpec {
  std::string_view type;
  std::string_view message;
  int http_status;
  double timeout_ms;  // > 0: the stage ran until this deadline before failing
};
constexpr ErrorSpec kLlmErrors[] = {
    {"RateLimitError", "429 Too Many Requests: rate limit reached for requests per min", 429, 0},
    {"APITimeoutError", "request timed out after 30.0s waiting for completion", 504, 30000},
    {"ContextLengthExceeded", "prompt is 131587 tokens, model context window is 128000", 400, 0},
    {"APIConnectionError", "connection reset by peer while streaming response", 502, 0},
};
constexpr ErrorSpec kToolErrors[] = {
    {"ToolTimeout", "tool did not return within 20s deadline", 504, 20000},
    {"ToolExecutionError", "non-zero exit status 1: ModuleNotFoundError: No module named 'pandas'", 500, 0},
    {"UpstreamHTTPError", "search provider returned 503 Service Unavailable", 503, 0},
    {"SQLSyntaxError", "syntax error at or near \\\"GROUP\\\" (line 3, column 12)", 400, 0},
};
constexpr ErrorSpec kOtherErrors[] = {
    {"VectorStoreUnavailable", "qdrant: deadline exceeded after 5000ms (collection docs-v3)", 503, 5000},
    {"GuardrailViolation", "content blocked by policy: pii.email detected in output", 422, 0},
    {"CacheError", "redis: connection pool exhausted (max 64)", 500, 0},
};

struct WarnSpec {
  std::string_view message;
  std::string_view detail_key;
};
constexpr WarnSpec kWarnings[] = {
    {"retrying after rate limit", "retry_after_ms"},
    {"slow upstream response", "threshold_ms"},
    {"token budget nearly exhausted", "tokens_left"},
    {"falling back to secondary provider", "attempt"},
};

constexpr std::string_view kDebugMessages[] = {
    "prompt rendered", "cache key computed", "stage starting", "acquired connection from pool",
};

// ---------------------------------------------------------------------------------------
// One request moving through its pipeline. Several run at once so that lines interleave
// the way a busy service's logs do.

struct ErrorSpec;

struct Stage {
  StageId id;
  double duration_ms;
  uint64_t span_id;
  const ErrorSpec* error;  // set when the stage failed
  uint8_t model;           // index into kChatModels for LLM stages
  bool failed;
  bool warned;
  bool debugged;
};

constexpr int kMaxStages = 16;

// What a request logs next. Per stage: an optional DEBUG line when it starts, an optional
// WARN line while it runs, then its completion (INFO) or failure (ERROR).
enum class Phase : uint8_t { kReceived, kDebug, kWarn, kDone, kFinished };

struct Request {
  uint64_t trace_hi = 0, trace_lo = 0, root_span = 0;
  uint64_t request_no = 0;
  uint32_t user = 0, session = 0;
  uint8_t service = 0, pod = 0, tenant = 0, region = 0;
  Stage stages[kMaxStages];
  int count = 0;
  int next = 0;  // stage being reported
  Phase phase = Phase::kReceived;
  bool cache_hit = false;
  uint64_t arrival_us = 0;
  uint64_t stage_start_us = 0;
  uint64_t event_us = 0;  // when the next event happens: the log line's timestamp
};

class Generator {
 public:
  Generator(uint64_t seed, Out& out) : rng_(seed), out_(out) {
    // Start at a fixed instant plus a seed-dependent offset, so seeds also differ in time.
    now_us_ = 1736928000ULL * 1000000ULL + (seed % 86400) * 1000000ULL;  // 2025-01-15T08:00:00Z
  }

  // A fixed number of requests in flight; each line is the earliest pending event among
  // them, so timestamps never go backwards and a completion's timestamp minus its
  // duration_ms is when that stage started.
  void run_jsonl() {
    for (Request& r : active_) {
      start_request(r, now_us_ + uint64_t(rng_.exponential(400000.0)));
    }
    for (;;) {
      Request* r = &active_[0];
      for (Request& candidate : active_)
        if (candidate.event_us < r->event_us) r = &candidate;
      now_us_ = r->event_us;
      out_.begin_line();
      emit_log(*r);
      if (!out_.commit()) return;
      if (!advance(*r)) start_request(*r, now_us_ + 1 + uint64_t(rng_.exponential(120000.0)));
    }
  }

  // `document`: every request's ResourceSpans in one document (the caller closes it).
  void run_otlp(bool document) {
    Request& r = active_[0];
    if (document) out_.lit("{\"resourceSpans\":[");
    for (bool first = true;; first = false) {
      now_us_ += 1 + uint64_t(rng_.exponential(25000.0));
      start_request(r, now_us_);
      out_.begin_line();
      if (document && !first) out_.ch(',');
      emit_otlp(r, document);
      if (!out_.commit()) return;
    }
  }

 private:
  static constexpr int kConcurrent = 24;

  void start_request(Request& r, uint64_t arrival_us) {
    r.trace_hi = rng_.next();
    r.trace_lo = rng_.next();
    r.root_span = rng_.next();
    r.request_no = ++request_counter_;
    r.user = rng_.below(50000);
    r.session = uint32_t(rng_.next());
    const uint32_t pick = rng_.below(100);
    r.service = uint8_t(pick < 50 ? kRagApi : pick < 85 ? kAgentWorker : kSupportBot);
    r.pod = uint8_t(rng_.below(4));
    r.tenant = uint8_t(rng_.below(8));
    r.region = uint8_t(rng_.below(2));
    r.count = 0;
    r.next = 0;
    r.phase = Phase::kReceived;
    r.cache_hit = false;
    r.arrival_us = arrival_us;
    r.event_us = arrival_us;

    const uint8_t model = uint8_t(r.service == kSupportBot ? 1 + rng_.below(2) : rng_.below(4));
    add_stage(r, kGuardrailInput, model);
    if (r.service == kAgentWorker) {
      add_stage(r, kLlmPlan, model);
      const int rounds = 1 + int(rng_.below(3));
      for (int i = 0; i < rounds; ++i) {
        const uint32_t tool = rng_.below(100);
        add_stage(r, tool < 45 ? kToolWebSearch : tool < 80 ? kToolSql : kToolCodeExec, model);
        add_stage(r, kLlmChat, model);
      }
    } else {
      add_stage(r, kCacheLookup, model);
      r.cache_hit = rng_.chance(0.18);
      if (!r.cache_hit) {
        add_stage(r, kLlmEmbed, model);
        add_stage(r, kRetrieve, model);
        add_stage(r, kRerank, model);
        if (r.service == kSupportBot && rng_.chance(0.3)) add_stage(r, kToolSql, model);
        add_stage(r, kLlmChat, model);
        add_stage(r, kGuardrailOutput, model);
      }
    }
    add_stage(r, kRespond, model);

    // A failed stage ends the pipeline: what follows is the error response.
    for (int i = 0; i < r.count; ++i) {
      if (r.stages[i].failed && i + 1 < r.count) {
        r.stages[i + 1] = r.stages[r.count - 1];
        r.count = i + 2;
        break;
      }
    }
  }

  uint64_t duration_us(const Stage& s) const { return uint64_t(s.duration_ms * 1000.0); }

  void enter_stage(Request& r) {
    const Stage& s = r.stages[r.next];
    if (s.debugged) {
      r.phase = Phase::kDebug;
      r.event_us = r.stage_start_us + rng_.below(300);
    } else if (s.warned) {
      r.phase = Phase::kWarn;
      r.event_us = r.stage_start_us + uint64_t(0.6 * double(duration_us(s)));
    } else {
      r.phase = Phase::kDone;
      r.event_us = r.stage_start_us + duration_us(s);
    }
  }

  // Moves the request to its next event; false once it has logged its last line.
  bool advance(Request& r) {
    const Stage& s = r.stages[r.next];
    switch (r.phase) {
      case Phase::kReceived:
        r.stage_start_us = r.event_us + 800 + rng_.below(2500);  // auth, parsing
        enter_stage(r);
        return true;
      case Phase::kDebug:
        if (s.warned) {
          r.phase = Phase::kWarn;
          r.event_us = r.stage_start_us + uint64_t(0.6 * double(duration_us(s)));
        } else {
          r.phase = Phase::kDone;
          r.event_us = r.stage_start_us + duration_us(s);
        }
        return true;
      case Phase::kWarn:
        r.phase = Phase::kDone;
        r.event_us = r.stage_start_us + duration_us(s);
        return true;
      case Phase::kDone:
        if (++r.next == r.count) {
          r.phase = Phase::kFinished;
          r.event_us += 300 + rng_.below(1500);
        } else {
          r.stage_start_us = r.event_us + 150 + rng_.below(900);  // scheduling between stages
          enter_stage(r);
        }
        return true;
      case Phase::kFinished:
        return false;
    }
    return false;
  }

  void add_stage(Request& r, StageId id, uint8_t model) {
    const StageSpec& spec = kStages[id];
    Stage& s = r.stages[r.count++];
    s.id = id;
    s.model = model;
    double ms = rng_.log_normal(spec.median_ms, spec.sigma);
    if (spec.kind == StageKind::kLlm) ms *= kChatModels[model].speed;
    s.duration_ms = ms;
    s.span_id = rng_.next();
    s.failed = rng_.chance(spec.error_rate);
    s.error = s.failed ? &pick_error(s) : nullptr;
    if (s.failed && s.error->timeout_ms > 0) s.duration_ms = s.error->timeout_ms + rng_.log_normal(4.0, 0.8);
    s.warned = rng_.chance(spec.warn_rate);
    s.debugged = rng_.chance(0.07);
  }

  // ------------------------------------------------------------------ jsonl

  void timestamp(uint64_t us) {
    const uint64_t secs = us / 1000000;
    const uint64_t day = secs / 86400;
    if (day != cached_day_) {
      cached_day_ = day;
      civil_date(int64_t(day), date_);
    }
    const uint64_t sod = secs % 86400;
    out_.lit(std::string_view(date_, 10));
    out_.ch('T');
    out_.padded(sod / 3600, 2);
    out_.ch(':');
    out_.padded(sod / 60 % 60, 2);
    out_.ch(':');
    out_.padded(sod % 60, 2);
    out_.ch('.');
    out_.padded(us % 1000000, 6);
    out_.ch('Z');
  }

  // Days since 1970-01-01 to "YYYY-MM-DD" (Howard Hinnant's civil_from_days).
  static void civil_date(int64_t z, char* out) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = y + (m <= 2);
    const unsigned parts[3] = {unsigned(year), m, d};
    const int widths[3] = {4, 2, 2};
    for (int i = 0, at = 0; i < 3; ++i) {
      if (i > 0) out[at++] = '-';
      for (int k = widths[i] - 1, v = int(parts[i]); k >= 0; --k, v /= 10) out[at + k] = char('0' + v % 10);
      at += widths[i];
    }
  }

  void log_head(std::string_view level, std::string_view logger, std::string_view message, const Request& r,
                uint64_t span_id) {
    const ServiceSpec& svc = kServices[r.service];
    out_.lit("{\"timestamp\":\"");
    timestamp(now_us_);
    out_.lit("\",\"level\":\"");
    out_.lit(level);
    out_.lit("\",\"logger\":\"");
    out_.lit(logger);
    out_.lit("\",\"message\":\"");
    out_.lit(message);
    out_.lit("\",\"service\":\"");
    out_.lit(svc.name);
    out_.lit("\",\"version\":\"");
    out_.lit(svc.version);
    out_.lit("\",\"env\":\"prod\",\"region\":\"");
    out_.lit(kRegions[r.region]);
    out_.lit("\",\"host\":\"");
    out_.lit(svc.pods[r.pod]);
    out_.lit("\",\"pid\":");
    out_.uint(7 + 4 * r.pod);
    out_.lit(",\"trace_id\":\"");
    out_.hex64(r.trace_hi);
    out_.hex64(r.trace_lo);
    out_.lit("\",\"span_id\":\"");
    out_.hex64(span_id);
    if (span_id != r.root_span) {
      out_.lit("\",\"parent_span_id\":\"");
      out_.hex64(r.root_span);
    }
    out_.lit("\",\"request_id\":\"req-");
    out_.hex32(uint32_t(r.trace_hi >> 32));
    out_.ch('-');
    out_.uint(r.request_no);
    out_.lit("\",\"user_id\":\"u-");
    out_.uint(100000 + r.user);
    out_.lit("\",\"session_id\":\"sess-");
    out_.hex32(r.session);
    out_.lit("\",\"tenant\":\"");
    out_.lit(kTenants[r.tenant]);
    out_.ch('"');
  }

  void stage_fields(const Request& r, const Stage& s) {
    const StageSpec& spec = kStages[s.id];
    switch (spec.kind) {
      case StageKind::kLlm: {
        const ModelSpec& m = kChatModels[s.model];
        const uint64_t in = uint64_t(rng_.log_normal(s.id == kLlmPlan ? 900 : 2400, 0.6)) + 40;
        const uint64_t out = s.failed ? 0 : uint64_t(rng_.log_normal(s.id == kLlmPlan ? 120 : 310, 0.7)) + 1;
        out_.lit(",\"model\":\"");
        out_.lit(m.name);
        out_.lit("\",\"provider\":\"");
        out_.lit(m.provider);
        out_.lit("\",\"input_tokens\":");
        out_.uint(in);
        out_.lit(",\"output_tokens\":");
        out_.uint(out);
        out_.lit(",\"cost_usd\":");
        out_.fixed((double(in) * m.usd_per_mtok_in + double(out) * m.usd_per_mtok_out) / 1e6, 6);
        out_.lit(",\"temperature\":");
        out_.lit(s.id == kLlmPlan ? "0.0" : "0.2");
        out_.lit(",\"stream\":");
        out_.lit(r.service == kAgentWorker ? "false" : "true");
        break;
      }
      case StageKind::kEmbed:
        out_.lit(",\"model\":\"");
        out_.lit(kEmbedModel.name);
        out_.lit("\",\"provider\":\"openai\",\"input_tokens\":");
        out_.uint(8 + rng_.below(120));
        out_.lit(",\"dimensions\":1536");
        break;
      case StageKind::kRetrieve:
        out_.lit(",\"index\":\"");
        out_.lit(kIndexes[r.service == kSupportBot ? 1 + rng_.below(3) : rng_.below(2)]);
        out_.lit("\",\"vector_store\":\"qdrant\",\"top_k\":20,\"hits\":");
        out_.uint(s.failed ? 0 : 4 + rng_.below(17));
        break;
      case StageKind::kRerank:
        out_.lit(",\"model\":\"");
        out_.lit(kRerankModel.name);
        out_.lit("\",\"provider\":\"cohere\",\"candidates\":20,\"kept\":");
        out_.uint(3 + rng_.below(6));
        break;
      case StageKind::kTool:
        out_.lit(",\"tool\":\"");
        out_.lit(spec.name.substr(5));
        out_.lit("\",\"tool_call_id\":\"call_");
        out_.hex64(s.span_id ^ 0x5bd1e995u);
        out_.ch('"');
        if (s.id == kToolSql) {
          out_.lit(",\"rows\":");
          out_.uint(s.failed ? 0 : rng_.below(500));
        } else if (s.id == kToolWebSearch) {
          out_.lit(",\"results\":");
          out_.uint(s.failed ? 0 : 3 + rng_.below(8));
        } else {
          out_.lit(",\"exit_code\":");
          out_.uint(s.failed ? 1 : 0);
        }
        break;
      case StageKind::kGuardrail:
        out_.lit(",\"policy\":\"default-v7\",\"checks\":5,\"flagged\":");
        out_.lit(s.failed ? "true" : (rng_.chance(0.02) ? "true" : "false"));
        break;
      case StageKind::kCache:
        out_.lit(",\"cache\":\"redis\",\"hit\":");
        out_.lit(r.cache_hit ? "true" : "false");
        break;
      case StageKind::kRespond: {
        const bool failed_before = r.count >= 2 && r.stages[r.count - 2].failed;
        out_.lit(",\"status_code\":");
        out_.uint(failed_before ? 500 : 200);
        out_.lit(",\"bytes_sent\":");
        out_.uint(failed_before ? 96 : 600 + rng_.below(4000));
        break;
      }
    }
  }

  const ErrorSpec& pick_error(const Stage& s) {
    switch (kStages[s.id].kind) {
      case StageKind::kLlm:
        return kLlmErrors[rng_.below(4)];
      case StageKind::kTool:
        return s.id == kToolSql ? kToolErrors[3] : kToolErrors[rng_.below(3)];
      case StageKind::kRetrieve:
        return kOtherErrors[0];
      case StageKind::kGuardrail:
        return kOtherErrors[1];
      case StageKind::kCache:
        return kOtherErrors[2];
      default:
        return kLlmErrors[3];
    }
  }

  // Writes the line for the request's current event.
  void emit_log(Request& r) {
    switch (r.phase) {
      case Phase::kReceived:
        log_head("INFO", "agent.http", "request received", r, r.root_span);
        out_.lit(",\"method\":\"POST\",\"path\":\"");
        out_.lit(r.service == kAgentWorker ? "/v1/agent/run" : "/v1/chat");
        out_.lit("\",\"client_ip\":\"10.");
        out_.uint(rng_.below(256));
        out_.ch('.');
        out_.uint(rng_.below(256));
        out_.ch('.');
        out_.uint(1 + rng_.below(254));
        out_.lit("\",\"user_agent\":\"python-httpx/0.27.0\"}\n");
        return;
      case Phase::kFinished:
        // The whole request, as a stage of its own: the root span.
        log_head("INFO", "agent.http", "request completed", r, r.root_span);
        out_.lit(",\"stage\":\"pipeline\",\"duration_ms\":");
        out_.fixed(double(now_us_ - r.arrival_us) / 1000.0, 1);
        out_.lit(",\"stages\":");
        out_.uint(uint64_t(r.count));
        out_.lit(",\"status_code\":");
        out_.uint(r.count >= 2 && r.stages[r.count - 2].failed ? 500 : 200);
        out_.lit("}\n");
        return;
      default:
        break;
    }
    const Stage& s = r.stages[r.next];
    const StageSpec& spec = kStages[s.id];
    if (r.phase == Phase::kDebug) {
      log_head("DEBUG", "agent.pipeline", kDebugMessages[rng_.below(4)], r, s.span_id);
      out_.lit(",\"stage\":\"");
      out_.lit(spec.name);
      out_.lit("\",\"attempt\":1,\"queue_depth\":");
      out_.uint(rng_.below(32));
      out_.lit("}\n");
    } else if (r.phase == Phase::kWarn) {
      const WarnSpec& w = kWarnings[rng_.below(4)];
      log_head("WARN", "agent.pipeline", w.message, r, s.span_id);
      out_.lit(",\"stage\":\"");
      out_.lit(spec.name);
      out_.lit("\",\"");
      out_.lit(w.detail_key);
      out_.lit("\":");
      out_.uint(w.detail_key == "attempt" ? 2 : 100 + rng_.below(5000));
      out_.lit("}\n");
    } else if (s.failed) {
      const ErrorSpec& e = *s.error;
      log_head("ERROR", "agent.pipeline", "stage failed", r, s.span_id);
      out_.lit(",\"stage\":\"");
      out_.lit(spec.name);
      out_.lit("\",\"duration_ms\":");
      out_.fixed(s.duration_ms, 1);
      stage_fields(r, s);
      out_.lit(",\"error\":\"");
      out_.lit(e.type);
      out_.lit(": ");
      out_.lit(e.message);
      out_.lit("\",\"error_type\":\"");
      out_.lit(e.type);
      out_.lit("\",\"http_status\":");
      out_.uint(uint64_t(e.http_status));
      out_.lit("}\n");
    } else {
      log_head("INFO", "agent.pipeline", "stage completed", r, s.span_id);
      out_.lit(",\"stage\":\"");
      out_.lit(spec.name);
      out_.lit("\",\"duration_ms\":");
      out_.fixed(s.duration_ms, 1);
      stage_fields(r, s);
      out_.lit("}\n");
    }
  }

  // ------------------------------------------------------------------ otlp-jsonl

  // Writes `{"key":"KEY","value":{"` + value_open; the caller writes the value and closes.
  void attr_begin(bool& first, std::string_view key, std::string_view value_open) {
    if (!first) out_.ch(',');
    first = false;
    out_.lit("{\"key\":\"");
    out_.lit(key);
    out_.lit("\",\"value\":{\"");
    out_.lit(value_open);
  }
  void attr_str(bool& first, std::string_view key, std::string_view value) {
    attr_begin(first, key, "stringValue\":\"");
    out_.lit(value);
    out_.lit("\"}}");
  }
  // int64 as a decimal string, as the OTLP JSON mapping writes it.
  void attr_int(bool& first, std::string_view key, uint64_t value) {
    attr_begin(first, key, "intValue\":\"");
    out_.uint(value);
    out_.lit("\"}}");
  }
  void attr_double(bool& first, std::string_view key, double value, int decimals) {
    attr_begin(first, key, "doubleValue\":");
    out_.fixed(value, decimals);
    out_.lit("}}");
  }

  // Closes a span after its attributes: the exception event (when asked) and the status.
  void otlp_status(const ErrorSpec* error, bool with_event, uint64_t event_ns) {
    if (error != nullptr && with_event) {
      out_.lit(",\"events\":[{\"timeUnixNano\":\"");
      out_.uint(event_ns);
      out_.lit("\",\"name\":\"exception\",\"attributes\":[");
      bool first = true;
      attr_str(first, "exception.type", error->type);
      attr_str(first, "exception.message", error->message);
      out_.lit("]}]");
    }
    out_.lit(",\"status\":{");
    if (error != nullptr) {
      out_.lit("\"code\":2,\"message\":\"");
      out_.lit(error->type);
      out_.lit(": ");
      out_.lit(error->message);
      out_.ch('"');
    }
    out_.lit("}}");
  }

  // Opens a span up to its attribute list; parent_id 0 = root span.
  void otlp_span_head(const Request& r, uint64_t span_id, uint64_t parent_id, std::string_view name, uint8_t kind,
                      uint64_t start_ns, uint64_t end_ns) {
    out_.lit("{\"traceId\":\"");
    out_.hex64(r.trace_hi);
    out_.hex64(r.trace_lo);
    out_.lit("\",\"spanId\":\"");
    out_.hex64(span_id);
    if (parent_id != 0) {
      out_.lit("\",\"parentSpanId\":\"");
      out_.hex64(parent_id);
    }
    out_.lit("\",\"flags\":1,\"name\":\"");
    out_.lit(name);
    out_.lit("\",\"kind\":");
    out_.uint(kind);
    out_.lit(",\"startTimeUnixNano\":\"");
    out_.uint(start_ns);
    out_.lit("\",\"endTimeUnixNano\":\"");
    out_.uint(end_ns);
    out_.lit("\",\"attributes\":[");
  }

  void emit_otlp(const Request& r, bool document) {
    const ServiceSpec& svc = kServices[r.service];
    const uint64_t start_ns = now_us_ * 1000 + rng_.below(1000);
    const bool failed = r.count >= 2 && r.stages[r.count - 2].failed;

    // Stages run one after another inside the request span, with small gaps between.
    uint64_t stage_start_ns[kMaxStages];
    uint64_t t = start_ns + 800000 + rng_.below(2500000);  // auth, parsing
    for (int i = 0; i < r.count; ++i) {
      stage_start_ns[i] = t;
      t += uint64_t(r.stages[i].duration_ms * 1e6) + 150000 + rng_.below(900000);
    }
    const uint64_t end_ns = t + 300000 + rng_.below(1500000);

    out_.lit(document ? "{\"resource\":{\"attributes\":[" : "{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
    bool first = true;
    attr_str(first, "service.name", svc.name);
    attr_str(first, "service.version", svc.version);
    attr_str(first, "deployment.environment.name", "prod");
    attr_str(first, "cloud.region", kRegions[r.region]);
    attr_str(first, "host.name", svc.pods[r.pod]);
    attr_str(first, "telemetry.sdk.language", "python");
    out_.lit("]},\"scopeSpans\":[{\"scope\":{\"name\":\"agent.pipeline\",\"version\":\"");
    out_.lit(svc.version);
    out_.lit("\"},\"spans\":[");

    // Root span: the HTTP request.
    otlp_span_head(r, r.root_span, 0, r.service == kAgentWorker ? "POST /v1/agent/run" : "POST /v1/chat", 2,
                   start_ns, end_ns);
    first = true;
    attr_str(first, "http.request.method", "POST");
    attr_str(first, "http.route", r.service == kAgentWorker ? "/v1/agent/run" : "/v1/chat");
    attr_int(first, "http.response.status_code", failed ? 500 : 200);
    attr_begin(first, "enduser.id", "stringValue\":\"u-");
    out_.uint(100000 + r.user);
    out_.lit("\"}}");
    attr_str(first, "tenant", kTenants[r.tenant]);
    out_.lit("],\"status\":{");
    if (failed) out_.lit("\"code\":2,\"message\":\"pipeline failed\"");
    out_.lit("}}");

    for (int i = 0; i < r.count; ++i) {
      const Stage& s = r.stages[i];
      const StageSpec& spec = kStages[s.id];
      const uint64_t begin = stage_start_ns[i];
      const uint64_t end = begin + uint64_t(s.duration_ms * 1e6);
      const ErrorSpec* error = s.error;
      out_.ch(',');
      otlp_span_head(r, s.span_id, r.root_span, spec.name, spec.otlp_kind, begin, end);
      first = true;
      attr_str(first, "agent.stage", spec.name);
      switch (spec.kind) {
        case StageKind::kLlm:
        case StageKind::kEmbed:
          attr_str(first, "gen_ai.request.model", spec.kind == StageKind::kEmbed ? kEmbedModel.name
                                                                                 : kChatModels[s.model].name);
          break;
        case StageKind::kRetrieve:
          attr_str(first, "gen_ai.operation.name", "retrieval");
          attr_str(first, "db.system.name", "qdrant");
          attr_str(first, "db.collection.name", kIndexes[r.service == kSupportBot ? 1 + rng_.below(3) : rng_.below(2)]);
          attr_int(first, "retrieval.top_k", 20);
          break;
        case StageKind::kRerank:
          attr_str(first, "gen_ai.provider.name", "cohere");
          attr_str(first, "gen_ai.request.model", kRerankModel.name);
          attr_int(first, "rerank.kept", 3 + rng_.below(6));
          break;
        case StageKind::kTool:
          attr_str(first, "gen_ai.operation.name", "execute_tool");
          attr_str(first, "gen_ai.tool.name", spec.name.substr(5));
          break;
        case StageKind::kGuardrail:
          attr_str(first, "guardrail.policy", "default-v7");
          break;
        case StageKind::kCache:
          attr_str(first, "cache.hit", r.cache_hit ? "true" : "false");
          break;
        case StageKind::kRespond:
          attr_int(first, "http.response.body.size", failed ? 96 : 600 + rng_.below(4000));
          break;
      }
      out_.ch(']');
      otlp_status(error, false, 0);

      // The provider call inside an LLM stage, as GenAI client instrumentation records it.
      if (spec.kind == StageKind::kLlm || spec.kind == StageKind::kEmbed) {
        const bool embed = spec.kind == StageKind::kEmbed;
        const ModelSpec& m = embed ? kEmbedModel : kChatModels[s.model];
        const uint64_t call_begin = begin + 200000 + rng_.below(600000);
        const uint64_t call_end = end > call_begin + 1500000 ? end - 1000000 - rng_.below(500000) : end;
        char name[64];
        const std::string_view op = embed ? "embeddings" : "chat";
        std::memcpy(name, op.data(), op.size());
        name[op.size()] = ' ';
        std::memcpy(name + op.size() + 1, m.name.data(), m.name.size());
        out_.ch(',');
        otlp_span_head(r, s.span_id * 0x9e3779b97f4a7c15ULL + 1, s.span_id,
                       std::string_view(name, op.size() + 1 + m.name.size()), 3, call_begin, call_end);
        first = true;
        attr_str(first, "gen_ai.operation.name", op);
        attr_str(first, "gen_ai.provider.name", m.provider);
        attr_str(first, "gen_ai.request.model", m.name);
        if (embed) {
          attr_int(first, "gen_ai.usage.input_tokens", 8 + rng_.below(120));
        } else {
          const uint64_t in = uint64_t(rng_.log_normal(s.id == kLlmPlan ? 900 : 2400, 0.6)) + 40;
          const uint64_t out = s.failed ? 0 : uint64_t(rng_.log_normal(s.id == kLlmPlan ? 120 : 310, 0.7)) + 1;
          attr_str(first, "gen_ai.response.model", m.name);
          attr_int(first, "gen_ai.usage.input_tokens", in);
          attr_int(first, "gen_ai.usage.output_tokens", out);
          attr_double(first, "gen_ai.request.temperature", s.id == kLlmPlan ? 0.0 : 0.2, 1);
          if (!s.failed) attr_str(first, "gen_ai.response.finish_reasons", s.id == kLlmPlan ? "tool_calls" : "stop");
        }
        out_.ch(']');
        otlp_status(error, true, call_end);
      }
    }
    out_.lit(document ? "]}]}" : "]}]}]}\n");
  }

  Rng rng_;
  Out& out_;
  uint64_t now_us_;
  uint64_t cached_day_ = ~uint64_t(0);
  char date_[11] = {};
  uint64_t request_counter_ = 0;
  Request active_[kConcurrent];
};

// ---------------------------------------------------------------------------------------

bool parse_size(const char* text, uint64_t& bytes) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text, &end);
  if (errno != 0 || end == text || !(value > 0)) return false;
  std::string unit(end);
  for (char& c : unit) c = char(std::toupper(static_cast<unsigned char>(c)));
  double scale;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    scale = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TB" || unit == "TIB")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else
    return false;
  bytes = uint64_t(value * scale);
  return bytes > 0;
}

void usage(FILE* to) {
  std::fputs(
      "usage: trace_gen --size SIZE [--seed N] [--format jsonl|otlp-jsonl|otlp-json] > FILE\n"
      "\n"
      "Writes a realistic, deterministic trace of an LLM-agent pipeline to stdout.\n"
      "  --size SIZE     bytes to write: a number with an optional K, M, G or T suffix\n"
      "                  (powers of 1024); output stops at the last whole line that fits\n"
      "  --seed N        random seed (default 1); the same seed gives the same bytes\n"
      "  --format F      jsonl (default): one JSON log line per pipeline event, ~550 bytes;\n"
      "                  otlp-jsonl: one OTLP ExportTraceServiceRequest per line (~10 spans);\n"
      "                  otlp-json: the same requests as one OTLP document on one line\n",
      to);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t size = 0;
  uint64_t seed = 1;
  std::string format = "jsonl";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "trace_gen: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--size") {
      const char* text = value("--size");
      if (!parse_size(text, size)) {
        std::fprintf(stderr, "trace_gen: --size: '%s' is not a size (examples: 1G, 200M, 65536)\n", text);
        return 2;
      }
    } else if (arg == "--seed") {
      const char* text = value("--seed");
      char* end = nullptr;
      errno = 0;
      seed = std::strtoull(text, &end, 10);
      if (errno != 0 || end == text || *end != '\0') {
        std::fprintf(stderr, "trace_gen: --seed: '%s' is not a non-negative integer\n", text);
        return 2;
      }
    } else if (arg == "--format") {
      format = value("--format");
      if (format != "jsonl" && format != "otlp-jsonl" && format != "otlp-json") {
        std::fprintf(stderr, "trace_gen: --format: '%s' is not jsonl, otlp-jsonl or otlp-json\n", format.c_str());
        return 2;
      }
    } else if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "trace_gen: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (size == 0) {
    std::fputs("trace_gen: --size is required\n", stderr);
    usage(stderr);
    return 2;
  }

  // Our own block buffering: stdio's would only add a copy.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  // One document: its closing "]}\n" is written past the last request that fits.
  const bool document = format == "otlp-json";
  Out out(document && size > 3 ? size - 3 : size);
  Generator generator(seed, out);
  if (format == "jsonl") {
    generator.run_jsonl();
  } else {
    generator.run_otlp(document);
    if (document) out.lit("]}\n");
  }
  out.finish();
  return 0;
}
