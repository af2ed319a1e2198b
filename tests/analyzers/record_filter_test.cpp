// The predicates of trace grep: parsing the flags, and which records match.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/record_filter.h"
#include "src/errors.h"
#include "src/time.h"

using trace::Attr;
using trace::FilterSpec;
using trace::LogRecord;
using trace::RecordFilter;
using trace::Span;
using trace::UsageError;
using trace::Value;
using trace::WhereOp;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1736937000000000000;  // 2025-01-15T10:30:00Z

std::string usage_error(auto&& call) {
  try {
    call();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

// A span and a log with attributes, views into this fixture.
struct Records {
  std::vector<Attr> attrs{{"http.route", Value::of_string("/v1/chat")},
                          {"status_code", Value::of_int(429)},
                          {"ratio", Value::of_double(0.25)},
                          {"req", Value::of_raw_json(R"({"method": "POST", "tools": ["a", "b"], "a.b": {"c": 1}})")},
                          {"ok", Value::of_bool(false)}};
  Span span;
  LogRecord log;

  Records() {
    span.trace_id = "0af7651916cd43dd8448eb211c80319c";
    span.span_id = "b7ad6b7169203331";
    span.parent_id = "a1f3c2d4e5b60701";
    span.name = "chat gpt-4o";
    span.service = "rag-api";
    span.start_ns = kT0;
    span.duration_ns = 1250 * kMs;
    span.attrs = attrs;
    log.time_ns = kT0 + 500 * kMs;
    log.severity = 13;
    log.level_text = "warning";
    log.message = "rate limited by provider, retrying";
    log.logger = "rag_api.llm";
    log.service = "rag-api";
    log.trace_id = span.trace_id;
    log.fields = attrs;
  }
};

bool span_matches(FilterSpec spec, const Span& span, const LogRecord* line_log = nullptr) {
  RecordFilter filter(std::move(spec));
  return filter.matches(span, line_log);
}

bool log_matches(FilterSpec spec, const LogRecord& log) {
  RecordFilter filter(std::move(spec));
  return filter.matches(log);
}

}  // namespace

TEST_CASE("record filter: --level reads a band or a band and above", "[record_filter]") {
  CHECK(trace::parse_level_range("warn").min == 13);
  CHECK(trace::parse_level_range("warn").max == 16);
  CHECK(trace::parse_level_range("WARNING+").max == 24);
  CHECK(trace::parse_level_range("error+").min == 17);
  CHECK(trace::parse_level_range("critical").min == 21);
  CHECK(usage_error([] { trace::parse_level_range("loud"); }) ==
        "--level: unknown level 'loud' (expected trace, debug, info, warn, error or fatal, with a trailing + for that "
        "level and above)");
  CHECK(usage_error([] { trace::parse_level_range("+"); }).rfind("--level: unknown level '+'", 0) == 0);
}

TEST_CASE("record filter: --where clauses parse key, operator and value", "[record_filter]") {
  auto clause = trace::parse_where_clause("http.route = '/v1/chat'");
  CHECK(clause.key == "http.route");
  CHECK(clause.op == WhereOp::kEq);
  CHECK(clause.value == "/v1/chat");
  CHECK(trace::parse_where_clause("a!=b").op == WhereOp::kNe);
  CHECK(trace::parse_where_clause("a<=3").op == WhereOp::kLe);
  CHECK(trace::parse_where_clause("a >= 3").number == 3.0);
  CHECK(trace::parse_where_clause("duration > 500ms").number == 500.0 * kMs);
  CHECK(trace::parse_where_clause("msg ~ ^rate").op == WhereOp::kRegex);
  CHECK(trace::parse_where_clause("user_id exists").op == WhereOp::kExists);
  CHECK(trace::parse_where_clause("a == \"x y\"").value == "x y");
}

TEST_CASE("record filter: a malformed --where names the clause, exit 2 material", "[record_filter]") {
  const std::string expected = "expected KEY OP VALUE, OP one of =, !=, <, <=, >, >=, ~ (regex), or KEY exists";
  CHECK(usage_error([] { trace::parse_where_clause("status"); }) == "--where: 'status': " + expected);
  CHECK(usage_error([] { trace::parse_where_clause("= 3"); }) == "--where: '= 3': " + expected);
  CHECK(usage_error([] { trace::parse_where_clause("a ? 3"); }) == "--where: 'a ? 3': " + expected);
  CHECK(usage_error([] { trace::parse_where_clause("a ="); }) == "--where: 'a =': missing VALUE after the operator");
  CHECK(usage_error([] { trace::parse_where_clause("a ~ (x"); })
            .rfind("--where: 'a ~ (x': invalid regular expression '(x': ", 0) == 0);
  CHECK(usage_error([] { trace::parse_where_clause("a ~ \\2011191115555"); }) ==
        "--where: 'a ~ \\2011191115555': invalid regular expression '\\2011191115555': backreference "
        "\\2011191115555 is out of range");
}

TEST_CASE("record filter: --since and --until read ISO 8601, dates and durations ago", "[record_filter]") {
  const int64_t now = kT0 + 3600 * trace::kNsPerSecond;
  CHECK(trace::parse_time_bound("--since", "2025-01-15T10:30:00Z", now) == kT0);
  CHECK(trace::parse_time_bound("--since", "2025-01-15", now) == kT0 - (10 * 3600 + 30 * 60) * trace::kNsPerSecond);
  CHECK(trace::parse_time_bound("--since", "-15m", now) == now - 15 * 60 * trace::kNsPerSecond);
  CHECK(trace::parse_time_bound("--until", "-1h30m", now) == now - 90 * 60 * trace::kNsPerSecond);
  CHECK(usage_error([&] { trace::parse_time_bound("--since", "yesterday", now); }) ==
        "--since: cannot read 'yesterday' as a time (expected ISO 8601 such as 2025-01-15T10:30:00Z, or a duration "
        "ago such as -15m)");
  CHECK(usage_error([] { trace::parse_duration_flag("--min-duration", "500"); }) ==
        "--min-duration: cannot read '500' as a duration (expected a number and a unit: 500ms, 1.5s, 2m)");
}

TEST_CASE("record filter: the pattern searches span names and log messages", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.pattern = "gpt-4o";
  CHECK(span_matches(spec, r.span));
  CHECK_FALSE(log_matches(spec, r.log));
  spec.pattern = "rate limit";
  CHECK(log_matches(spec, r.log));
  CHECK_FALSE(span_matches(spec, r.span));
  // A span read from a log line also matches on that line's message.
  CHECK(span_matches(spec, r.span, &r.log));
}

TEST_CASE("record filter: --field searches an attribute, a nested path or a built-in", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.pattern = "^/v1";
  spec.field = "http.route";
  CHECK(span_matches(spec, r.span));
  spec.pattern = "POST";
  spec.field = "req.method";
  CHECK(span_matches(spec, r.span));
  spec.pattern = "^429$";
  spec.field = "status_code";
  CHECK(log_matches(spec, r.log));
  spec.pattern = "rag_api";
  spec.field = "logger";
  CHECK(log_matches(spec, r.log));
  spec.field = "no.such.key";
  CHECK_FALSE(log_matches(spec, r.log));
}

TEST_CASE("record filter: --where compares numbers as numbers and text as text", "[record_filter]") {
  Records r;
  auto where = [&](std::vector<std::string> clauses) {
    FilterSpec spec;
    for (const std::string& c : clauses) spec.where.push_back(trace::parse_where_clause(c));
    return span_matches(spec, r.span);
  };
  CHECK(where({"status_code = 429"}));
  CHECK(where({"status_code = 429.0"}));
  CHECK(where({"status_code >= 400", "status_code < 500"}));
  CHECK_FALSE(where({"status_code > 429"}));
  CHECK(where({"ratio < 0.5"}));
  CHECK(where({"http.route = /v1/chat"}));
  CHECK(where({"http.route ~ ^/v1/"}));
  CHECK(where({"http.route > /a"}));  // text order
  CHECK(where({"ok = false"}));
  CHECK(where({"req.method = POST"}));
  CHECK(where({"req.tools.1 = b"}));
  CHECK(where({"req.a.b.c = 1"}));  // a key with a dot inside the nested object
  CHECK(where({"req.tools ~ ^\\[\"a\""}));
  CHECK(where({"duration > 1s"}));
  CHECK(where({"duration <= 1250ms"}));
  CHECK(where({"name ~ gpt"}));
  CHECK(where({"service = rag-api"}));
  CHECK(where({"status = unset"}));
  CHECK(where({"parent_id exists"}));
  CHECK_FALSE(where({"user_id exists"}));
  // A missing key fails every comparison but !=.
  CHECK_FALSE(where({"user_id = x"}));
  CHECK(where({"user_id != x"}));
}

TEST_CASE("record filter: --where on logs sees level, message and logger", "[record_filter]") {
  Records r;
  auto where = [&](const std::string& clause) {
    FilterSpec spec;
    spec.where.push_back(trace::parse_where_clause(clause));
    return log_matches(spec, r.log);
  };
  CHECK(where("level = WARN"));
  CHECK(where("severity >= 13"));
  CHECK(where("message ~ ^rate"));
  CHECK(where("logger = rag_api.llm"));
  CHECK_FALSE(where("name exists"));
}

TEST_CASE("record filter: --level keeps logs in range; spans only through their log line", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.level = trace::parse_level_range("warn+");
  CHECK(log_matches(spec, r.log));
  CHECK_FALSE(span_matches(spec, r.span));
  CHECK(span_matches(spec, r.span, &r.log));
  spec.level = trace::parse_level_range("error+");
  CHECK_FALSE(log_matches(spec, r.log));
  spec.level = trace::parse_level_range("info");
  CHECK_FALSE(log_matches(spec, r.log));
}

TEST_CASE("record filter: durations select spans, never logs", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.min_duration_ns = 1250 * kMs;
  CHECK(span_matches(spec, r.span));
  CHECK_FALSE(log_matches(spec, r.log));
  spec.min_duration_ns = 1251 * kMs;
  CHECK_FALSE(span_matches(spec, r.span));
  spec = {};
  spec.max_duration_ns = 1 * trace::kNsPerSecond;
  CHECK_FALSE(span_matches(spec, r.span));
  r.span.duration_ns = -1;  // unknown: neither slow nor fast
  spec.max_duration_ns = 10 * trace::kNsPerSecond;
  CHECK_FALSE(span_matches(spec, r.span));
}

TEST_CASE("record filter: --level and --min-duration together find a failed slow stage", "[record_filter]") {
  Records r;
  r.log.severity = 17;
  FilterSpec spec;
  spec.level = trace::parse_level_range("error");
  spec.min_duration_ns = 1 * trace::kNsPerSecond;
  CHECK(span_matches(spec, r.span, &r.log));
  CHECK_FALSE(log_matches(spec, r.log));
}

TEST_CASE("record filter: --trace and --span compare ids without regard to case", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.trace_id = "0AF7651916CD43DD8448EB211C80319C";
  CHECK(span_matches(spec, r.span));
  CHECK(log_matches(spec, r.log));
  spec.span_id = "b7ad6b7169203331";
  CHECK(span_matches(spec, r.span));
  CHECK_FALSE(log_matches(spec, r.log));
  spec.trace_id = "0af7651916cd43dd8448eb211c80319d";
  CHECK_FALSE(span_matches(spec, r.span));
}

TEST_CASE("record filter: --since/--until are inclusive and need a known epoch time", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.since_ns = kT0;
  spec.until_ns = kT0 + 500 * kMs;
  CHECK(span_matches(spec, r.span));
  CHECK(log_matches(spec, r.log));
  spec.since_ns = kT0 + 1;
  CHECK_FALSE(span_matches(spec, r.span));
  // A span read from a log line has the line's time.
  CHECK(span_matches(spec, r.span, &r.log));
  r.span.flags = trace::kSpanClockRelative;
  spec.since_ns = 0;
  CHECK_FALSE(span_matches(spec, r.span));
  r.log.time_ns = 0;
  CHECK_FALSE(log_matches(spec, r.log));
}

TEST_CASE("record filter: --errors keeps error spans and logs at ERROR or above", "[record_filter]") {
  Records r;
  FilterSpec spec;
  spec.errors = true;
  CHECK_FALSE(span_matches(spec, r.span));
  CHECK_FALSE(log_matches(spec, r.log));
  r.span.status = trace::Status::kError;
  CHECK(span_matches(spec, r.span));
  r.log.severity = 21;
  CHECK(log_matches(spec, r.log));
}
