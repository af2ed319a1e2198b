#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/detect.h"
#include "formats/jsonl_keys.h"
#include "formats/jsonl_logs.h"
#include "src/errors.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::Status;
using trace::ValueKind;
using trace::formats::detect_jsonl_profile;
using trace::formats::JsonlKeyProfile;
using trace::formats::LogProducer;
using trace::testing::load_text;
using trace::testing::load_error;
using trace::testing::read_sample;
using trace::testing::render;
using trace::testing::Loaded;
using trace::testing::OwnedAttr;
using trace::testing::OwnedLog;
using trace::testing::OwnedSpan;

namespace {

constexpr int64_t k20250115T1030Z = 1736937000000000000;  // 2025-01-15T10:30:00Z

Loaded load(const std::string& text) { return load_text(text, "", "app.jsonl"); }

OwnedLog only_log(const std::string& text) {
  Loaded loaded = load(text);
  REQUIRE(loaded.format == "jsonl");
  REQUIRE(loaded.records.logs.size() == 1);
  return loaded.records.logs[0];
}

const OwnedAttr& field_named(const std::vector<OwnedAttr>& fields, const std::string& key) {
  for (const OwnedAttr& field : fields)
    if (field.key == key) return field;
  static const OwnedAttr kNone{};
  FAIL("no field " << key);
  return kNone;
}

std::vector<std::string> keys_of(const std::vector<OwnedAttr>& fields) {
  std::vector<std::string> keys;
  for (const OwnedAttr& field : fields) keys.push_back(field.key);
  return keys;
}

JsonlKeyProfile profile_of(std::vector<std::string_view> lines) { return detect_jsonl_profile(lines); }

std::string error_of(const std::string& text) { return load_error(text, "jsonl", "app.jsonl"); }

}  // namespace

// ---- one line per producer (FORMATS.md §5 examples) ------------------------------------

TEST_CASE("jsonl: a pino line: epoch-ms time, numeric level, msg", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"level":30,"time":1736937000123,"pid":4242,"hostname":"w1","reqId":"r-9","msg":"tool finished"})");
  CHECK(log.time_ns == k20250115T1030Z + 123000000);
  CHECK(log.severity == 9);
  CHECK(log.level_text == "30");
  CHECK(log.message == "tool finished");
  CHECK(log.logger == "");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"pid", "hostname", "reqId"});
  CHECK(field_named(log.fields, "pid").kind == ValueKind::kInt);
  CHECK(field_named(log.fields, "pid").text == "4242");
  CHECK(field_named(log.fields, "reqId").text == "r-9");
}

TEST_CASE("jsonl: a bunyan line: ISO time, numeric level, name is the service", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"name":"api","hostname":"w1","pid":4242,"level":50,"msg":"boom","time":"2025-01-15T10:30:00.123Z","v":0})");
  CHECK(log.time_ns == k20250115T1030Z + 123000000);
  CHECK(log.severity == 17);
  CHECK(log.level_text == "50");
  CHECK(log.message == "boom");
  CHECK(log.service == "api");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"hostname", "pid", "v"});
}

TEST_CASE("jsonl: a python-json-logger line: asctime, levelname, name is the logger", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"asctime":"2025-01-15 10:30:00,123","levelname":"WARNING","name":"rag.retriever","message":"slow search","ms":812})");
  CHECK(log.time_ns == k20250115T1030Z + 123000000);
  CHECK(log.severity == 13);
  CHECK(log.level_text == "WARNING");
  CHECK(log.logger == "rag.retriever");
  CHECK(log.message == "slow search");
  CHECK(log.service == "");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"ms"});
}

TEST_CASE("jsonl: a structlog line: event is the message", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"event":"stage done","level":"info","timestamp":"2025-01-15T10:30:00.123456Z","logger":"pipeline","stage":"llm"})");
  CHECK(log.time_ns == k20250115T1030Z + 123456000);
  CHECK(log.severity == 9);
  CHECK(log.level_text == "info");
  CHECK(log.message == "stage done");
  CHECK(log.logger == "pipeline");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"stage"});
}

TEST_CASE("jsonl: a slog line: RFC 3339 ns time with offset, upper-case level", "[jsonl]") {
  OwnedLog log = only_log(R"({"time":"2025-01-15T10:30:00.123456789+01:00","level":"WARN","msg":"retry","attempt":2})");
  CHECK(log.time_ns == 1736933400123456789);
  CHECK(log.severity == 13);
  CHECK(log.level_text == "WARN");
  CHECK(log.message == "retry");
  CHECK(field_named(log.fields, "attempt").text == "2");
}

TEST_CASE("jsonl: a logrus line: seconds time with offset, warning", "[jsonl]") {
  OwnedLog log = only_log(R"({"level":"warning","msg":"quota low","time":"2025-01-15T10:30:00+01:00","remaining":3})");
  CHECK(log.time_ns == 1736933400000000000);
  CHECK(log.severity == 13);
  CHECK(log.level_text == "warning");
  CHECK(log.message == "quota low");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"remaining"});
}

TEST_CASE("jsonl: a zap line: epoch-seconds float read exactly", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"level":"error","ts":1736937000.123456,"caller":"llm/client.go:88","msg":"request failed","status":429})");
  CHECK(log.time_ns == k20250115T1030Z + 123456000);
  CHECK(log.severity == 17);
  CHECK(log.message == "request failed");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"caller", "status"});
  CHECK(field_named(log.fields, "caller").text == "llm/client.go:88");
}

TEST_CASE("jsonl: a loguru line: everything under record", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"text":"2025-01-15 11:30:00.123 | SUCCESS | app:run:42 - indexed\n","record":{)"
      R"("elapsed":{"repr":"0:00:01.500000","seconds":1.5},"exception":null,)"
      R"("extra":{"request_id":"r-1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"},)"
      R"("file":{"name":"app.py","path":"/srv/app.py"},"function":"run",)"
      R"("level":{"icon":"✅","name":"SUCCESS","no":25},"line":42,"message":"indexed","module":"app",)"
      R"("name":"rag.indexer","process":{"id":7,"name":"MainProcess"},"thread":{"id":9,"name":"MainThread"},)"
      R"("time":{"repr":"2025-01-15 11:30:00.123456+01:00","timestamp":1736937000.123456}}})");
  CHECK(log.time_ns == k20250115T1030Z + 123456000);
  CHECK(log.severity == 9);
  CHECK(log.level_text == "SUCCESS");
  CHECK(log.message == "indexed");
  CHECK(log.logger == "rag.indexer");
  CHECK(log.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(keys_of(log.fields) ==
        std::vector<std::string>{"elapsed", "exception", "request_id", "file", "function", "line", "module", "process", "thread"});
  CHECK(field_named(log.fields, "elapsed").kind == ValueKind::kRawJson);
  CHECK(field_named(log.fields, "elapsed").text == R"({"repr":"0:00:01.500000","seconds":1.5})");
  CHECK(field_named(log.fields, "line").text == "42");
}

TEST_CASE("jsonl: a loguru level without a known name falls back to its number", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"text":"x","record":{"level":{"name":"AUDIT","no":45},"message":"m","time":{"repr":"2025-01-15 10:30:00+00:00"}}})");
  CHECK(log.severity == 17);
  CHECK(log.level_text == "AUDIT");
  CHECK(log.time_ns == k20250115T1030Z);
}

TEST_CASE("jsonl: a seed-style line: caller object, ids, duration in seconds", "[jsonl]") {
  Loaded loaded = load(
      R"({"timestamp":"2025-01-15T10:30:00.123Z","level":"INFO","logger":"liteagent.api","message":"Request complete",)"
      R"("request_id":"req-123","trace_id":"0f8d2c1e-6a4b-4e55-9c1a-2b7d3e4f5a60","caller":{"file":"api.py","line":88,"function":"chat"},)"
      R"("method":"POST","path":"/api/chat/stream","status":200,"duration":1.234})");
  REQUIRE(loaded.format == "jsonl");
  REQUIRE(loaded.records.logs.size() == 1);
  const OwnedLog& log = loaded.records.logs[0];
  CHECK(log.time_ns == k20250115T1030Z + 123000000);
  CHECK(log.severity == 9);
  CHECK(log.logger == "liteagent.api");
  CHECK(log.message == "Request complete");
  CHECK(log.trace_id == "0f8d2c1e-6a4b-4e55-9c1a-2b7d3e4f5a60");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"request_id", "caller", "method", "path", "status", "duration"});
  CHECK(field_named(log.fields, "caller").text == R"({"file":"api.py","line":88,"function":"chat"})");
  CHECK(field_named(log.fields, "duration").kind == ValueKind::kDouble);

  REQUIRE(loaded.records.spans.size() == 1);
  const OwnedSpan& span = loaded.records.spans[0];
  CHECK(span.name == "Request complete");
  CHECK(span.duration_ns == 1234000000);
  CHECK(span.start_ns == k20250115T1030Z + 123000000 - 1234000000);
  CHECK(span.trace_id == "0f8d2c1e-6a4b-4e55-9c1a-2b7d3e4f5a60");
  CHECK(span.status == Status::kUnset);
  CHECK(span.attr("path") == "/api/chat/stream");
}

// ---- the key profile ---------------------------------------------------------------------

TEST_CASE("jsonl: the producer and its keys are detected from the head", "[jsonl]") {
  auto check_profile = [](std::string_view line, LogProducer producer, std::string time, std::string level,
                          std::string message, std::string logger) {
    INFO(line);
    JsonlKeyProfile profile = profile_of({line});
    CHECK(trace::formats::producer_name(profile.producer) == trace::formats::producer_name(producer));
    CHECK(profile.time_key == time);
    CHECK(profile.level_key == level);
    CHECK(profile.message_key == message);
    CHECK(profile.logger_key == logger);
  };
  check_profile(R"({"level":30,"time":1736937000123,"pid":1,"hostname":"w1","msg":"m"})", LogProducer::kPino,
                "time", "level", "msg", "");
  check_profile(R"({"name":"api","pid":1,"level":50,"msg":"m","time":"2025-01-15T10:30:00Z","v":0})",
                LogProducer::kBunyan, "time", "level", "msg", "");
  check_profile(R"({"asctime":"2025-01-15 10:30:00,123","levelname":"INFO","name":"x","message":"m"})",
                LogProducer::kPythonJson, "asctime", "levelname", "message", "name");
  check_profile(R"({"event":"m","level":"info","timestamp":"2025-01-15T10:30:00Z","logger":"p"})",
                LogProducer::kStructlog, "timestamp", "level", "event", "logger");
  check_profile(R"({"time":"2025-01-15T10:30:00Z","level":"INFO","msg":"m"})", LogProducer::kSlog, "time", "level",
                "msg", "");
  check_profile(R"({"level":"info","msg":"m","time":"2025-01-15T10:30:00Z"})", LogProducer::kLogrus, "time", "level",
                "msg", "");
  check_profile(R"({"level":"info","ts":1736937000.5,"logger":"l","caller":"a.go:1","msg":"m"})", LogProducer::kZap,
                "ts", "level", "msg", "logger");
  check_profile(R"({"text":"t","record":{"message":"m"}})", LogProducer::kLoguru, "", "", "", "");
  check_profile(R"({"timestamp":"2025-01-15T10:30:00Z","level":"INFO","logger":"a","message":"m"})",
                LogProducer::kGeneric, "timestamp", "level", "message", "logger");
}

TEST_CASE("jsonl: renamed keys are found by how often they occur", "[jsonl]") {
  JsonlKeyProfile profile = profile_of({R"({"@timestamp":"2025-01-15T10:30:00Z","severity":"INFO","msg":"a"})",
                                        R"({"@timestamp":"2025-01-15T10:30:01Z","severity":"WARN","msg":"b"})"});
  CHECK(profile.producer == LogProducer::kGeneric);
  CHECK(profile.time_key == "@timestamp");
  CHECK(profile.level_key == "severity");
  CHECK(profile.message_key == "msg");
}

TEST_CASE("jsonl: the majority of the head's lines decides the producer", "[jsonl]") {
  JsonlKeyProfile profile = profile_of({R"({"level":"info","msg":"a","time":"2025-01-15T10:30:00Z"})",
                                        R"({"level":"INFO","msg":"b","time":"2025-01-15T10:30:00Z"})",
                                        R"({"level":"warning","msg":"c","time":"2025-01-15T10:30:00Z"})"});
  CHECK(profile.producer == LogProducer::kLogrus);
  CHECK(profile.duration_is_ns);
}

TEST_CASE("jsonl: non-object lines in the head are ignored", "[jsonl]") {
  JsonlKeyProfile profile =
      profile_of({"Traceback (most recent call last):", R"({"level":30,"time":1736937000123,"msg":"m"})"});
  CHECK(profile.producer == LogProducer::kPino);
}

TEST_CASE("jsonl: a head with no known signature falls back to generic keys", "[jsonl]") {
  JsonlKeyProfile profile = profile_of({R"({"ts":"2025-01-15T10:30:00Z","lvl":"info","message":"m"})"});
  CHECK(profile.producer == LogProducer::kGeneric);
  CHECK(profile.time_key == "ts");
  CHECK(profile.level_key == "lvl");
  CHECK(profile.message_key == "message");
}

// ---- levels, decided per file ------------------------------------------------------------

TEST_CASE("jsonl: numeric levels use the pino scale by default", "[jsonl]") {
  Loaded loaded = load(R"({"level":10,"time":1736937000000,"msg":"a"}
{"level":20,"time":1736937000000,"msg":"b"}
{"level":40,"time":1736937000000,"msg":"c"}
{"level":60,"time":1736937000000,"msg":"d"}
)");
  REQUIRE(loaded.records.logs.size() == 4);
  CHECK(loaded.records.logs[0].severity == 1);
  CHECK(loaded.records.logs[1].severity == 5);
  CHECK(loaded.records.logs[2].severity == 13);
  CHECK(loaded.records.logs[3].severity == 21);
}

TEST_CASE("jsonl: numeric levels use Python's scale in a python-json-logger file", "[jsonl]") {
  Loaded loaded = load(R"({"created":1736937000.25,"levelno":30,"message":"a","name":"app"}
{"created":1736937001.5,"levelno":50,"message":"b","name":"app"}
)");
  REQUIRE(loaded.records.logs.size() == 2);
  CHECK(loaded.records.logs[0].severity == 13);
  CHECK(loaded.records.logs[0].level_text == "30");
  CHECK(loaded.records.logs[0].time_ns == k20250115T1030Z + 250000000);
  CHECK(loaded.records.logs[1].severity == 21);
  CHECK(loaded.records.logs[1].logger == "app");
}

TEST_CASE("jsonl: the level scale is decided once per file, not per line", "[jsonl]") {
  // The third line carries a Python key, but the file is pino's: 50 stays "error".
  Loaded loaded = load(R"({"level":30,"time":1736937000000,"msg":"a"}
{"level":30,"time":1736937000000,"msg":"b"}
{"level":50,"time":1736937000000,"msg":"c","levelname":"CRITICAL"}
)");
  REQUIRE(loaded.records.logs.size() == 3);
  CHECK(loaded.records.logs[2].severity == 17);
  CHECK(loaded.records.logs[2].field("levelname") == "CRITICAL");
}

TEST_CASE("jsonl: level names and slog offsets", "[jsonl]") {
  Loaded loaded = load(R"({"time":"2025-01-15T10:30:00Z","level":"INFO+2","msg":"a"}
{"time":"2025-01-15T10:30:00Z","level":"DEBUG-4","msg":"b"}
{"time":"2025-01-15T10:30:00Z","level":"LOUD","msg":"c"}
{"time":"2025-01-15T10:30:00Z","level":"50","msg":"d"}
)");
  REQUIRE(loaded.records.logs.size() == 4);
  CHECK(loaded.records.logs[0].severity == 11);
  CHECK(loaded.records.logs[1].severity == 1);
  CHECK(loaded.records.logs[2].severity == 0);
  CHECK(loaded.records.logs[2].level_text == "LOUD");
  CHECK(loaded.records.logs[3].severity == 17);  // a numeric string, on the file's (pino) scale
  CHECK(loaded.records.logs[3].level_text == "50");
}

// ---- fields, ids, service ------------------------------------------------------------------

TEST_CASE("jsonl: fields keep their JSON types", "[jsonl]") {
  OwnedLog log = only_log(
      R"({"timestamp":"2025-01-15T10:30:00Z","level":"INFO","message":"m","s":"x\"y","i":-42,"big":9223372036854775807,)"
      R"("huge":18446744073709551615,"huger":123456789012345678901234567890,"d":0.25,"e":1.5e3,"t":true,"f":false,"n":null,"o":{"a":[1,{"b":2}]},"a":[1, 2],)"
      R"("u":"caf\u00e9"})");
  auto kind = [&](const char* key) { return field_named(log.fields, key).kind; };
  auto text = [&](const char* key) { return field_named(log.fields, key).text; };
  CHECK(kind("s") == ValueKind::kString);
  CHECK(text("s") == "x\"y");
  CHECK(kind("i") == ValueKind::kInt);
  CHECK(text("i") == "-42");
  CHECK(kind("big") == ValueKind::kInt);
  CHECK(text("big") == "9223372036854775807");
  CHECK(kind("huge") == ValueKind::kDouble);
  CHECK(kind("huger") == ValueKind::kDouble);
  CHECK(text("huger") == "1.2345678901234568e+29");
  CHECK(kind("d") == ValueKind::kDouble);
  CHECK(text("d") == "0.25");
  CHECK(kind("e") == ValueKind::kDouble);
  CHECK(text("e") == "1500");
  CHECK(kind("t") == ValueKind::kBool);
  CHECK(text("t") == "true");
  CHECK(text("f") == "false");
  CHECK(kind("n") == ValueKind::kNull);
  CHECK(kind("o") == ValueKind::kRawJson);
  CHECK(text("o") == R"({"a":[1,{"b":2}]})");
  CHECK(kind("a") == ValueKind::kRawJson);
  CHECK(text("a") == "[1, 2]");
  CHECK(text("u") == "café");
}

TEST_CASE("jsonl: an escaped key is unescaped", "[jsonl]") {
  OwnedLog log = only_log(R"({"timestamp":"2025-01-15T10:30:00Z","level":"INFO","message":"m","a\"b":1,"c\u0064":2})");
  CHECK(keys_of(log.fields) == std::vector<std::string>{"a\"b", "cd"});
}

TEST_CASE("jsonl: trace and span ids under every spelling", "[jsonl]") {
  Loaded loaded = load(R"({"msg":"a","level":"info","traceId":"T1","spanId":"S1"}
{"msg":"b","level":"info","trace.id":"T2","span.id":"S2"}
{"msg":"c","level":"info","otelTraceID":"T3","otelSpanID":"S3"}
{"msg":"d","level":"info","traceID":"T4","span_id":"S4"}
{"msg":"e","level":"info","trace_id":12345}
)");
  REQUIRE(loaded.records.logs.size() == 5);
  const auto& logs = loaded.records.logs;
  CHECK((logs[0].trace_id == "T1" && logs[0].span_id == "S1"));
  CHECK((logs[1].trace_id == "T2" && logs[1].span_id == "S2"));
  CHECK((logs[2].trace_id == "T3" && logs[2].span_id == "S3"));
  CHECK((logs[3].trace_id == "T4" && logs[3].span_id == "S4"));
  CHECK(logs[4].trace_id == "12345");
  for (const OwnedLog& log : logs) CHECK(log.fields.empty());
}

TEST_CASE("jsonl: service from service, service.name or service_name", "[jsonl]") {
  Loaded loaded = load(R"({"message":"a","level":"INFO","timestamp":"2025-01-15T10:30:00Z","service":"rag-api"}
{"message":"b","level":"INFO","timestamp":"2025-01-15T10:30:00Z","service.name":"tools"}
{"message":"c","level":"INFO","timestamp":"2025-01-15T10:30:00Z","service_name":"web","service":"dup"}
)");
  REQUIRE(loaded.records.logs.size() == 3);
  CHECK(loaded.records.logs[0].service == "rag-api");
  CHECK(loaded.records.logs[1].service == "tools");
  CHECK(loaded.records.logs[2].service == "web");
  CHECK(loaded.records.logs[2].field("service") == "dup");  // the second one stays a field
}

TEST_CASE("jsonl: an unreadable time stays a field and the time is unknown", "[jsonl]") {
  OwnedLog log = only_log(R"({"timestamp":"yesterday","level":"INFO","message":"m"})");
  CHECK(log.time_ns == 0);
  CHECK(log.field("timestamp") == "yesterday");
}

TEST_CASE("jsonl: a line without a message or level still is a record", "[jsonl]") {
  Loaded loaded = load("{\"msg\":\"a\"}\n{\"other\":1}\n");
  REQUIRE(loaded.records.logs.size() == 2);
  CHECK(loaded.records.logs[1].message == "");
  CHECK(loaded.records.logs[1].severity == 0);
  CHECK(loaded.records.logs[1].field("other") == "1");
}

TEST_CASE("jsonl: each record keeps its line and its original text", "[jsonl]") {
  std::string first = R"({"level":30,"time":1736937000000,"msg":"a"})";
  std::string second = R"({"level":40,"time":1736937000000,"msg":"b","duration_ms":5})";
  Loaded loaded = load(first + "\r\n\n" + second + "\n");
  REQUIRE(loaded.records.logs.size() == 2);
  CHECK(loaded.records.logs[0].line == 1);
  CHECK(loaded.records.logs[0].source_text == first);
  CHECK(loaded.records.logs[1].line == 3);
  CHECK(loaded.records.logs[1].source_text == second);
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].line == 3);
}

// ---- spans from duration lines ----------------------------------------------------------

TEST_CASE("jsonl: a duration_ms line is also a span ending at the line's time", "[jsonl]") {
  Loaded loaded = load(
      R"({"timestamp":"2025-01-15T10:30:02.000Z","level":"INFO","logger":"rag.pipeline","message":"stage complete",)"
      R"("stage":"llm.chat","duration_ms":1250.5,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",)"
      R"("service":"rag-api","model":"gpt-4o","input_tokens":812})");
  REQUIRE(loaded.records.logs.size() == 1);
  REQUIRE(loaded.records.spans.size() == 1);
  const OwnedSpan& span = loaded.records.spans[0];
  CHECK(span.name == "llm.chat");
  CHECK(span.service == "rag-api");
  CHECK(span.duration_ns == 1250500000);
  CHECK(span.start_ns == k20250115T1030Z + 2000000000 - 1250500000);
  CHECK(span.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(span.span_id == "00f067aa0ba902b7");
  CHECK(span.status == Status::kUnset);
  CHECK(span.attr("model") == "gpt-4o");
  CHECK(span.attr("input_tokens") == "812");
  CHECK(span.attr("duration_ms") == "1250.5");
  CHECK(span.attr("stage") == "llm.chat");
}

TEST_CASE("jsonl: a duration line's parent_span_id becomes the span's parent and stays a field", "[jsonl]") {
  Loaded loaded = load(
      R"({"time":"2025-01-15T10:30:00Z","level":"info","msg":"tool done","duration_ms":40,"span_id":"b2","parent_span_id":"a1"}
{"time":"2025-01-15T10:30:01Z","level":"info","msg":"root done","duration_ms":900,"span_id":"a1","parentId":7}
)");
  REQUIRE(loaded.records.spans.size() == 2);
  CHECK(loaded.records.spans[0].parent_id == "a1");
  CHECK(loaded.records.spans[0].attr("parent_span_id") == "a1");
  CHECK(loaded.records.spans[1].parent_id == "7");
  CHECK(loaded.records.logs[0].field("parent_span_id") == "a1");
}

TEST_CASE("jsonl: every duration key and its unit", "[jsonl]") {
  Loaded loaded = load(R"({"msg":"a","level":"info","time":"2025-01-15T10:30:00Z","elapsed_ms":2}
{"msg":"b","level":"info","time":"2025-01-15T10:30:00Z","latency_ms":3}
{"msg":"c","level":"info","time":"2025-01-15T10:30:00Z","took_ms":4}
{"msg":"d","level":"info","time":"2025-01-15T10:30:00Z","response_time_ms":5}
{"msg":"e","level":"info","time":"2025-01-15T10:30:00Z","responseTime":6}
{"msg":"f","level":"info","time":"2025-01-15T10:30:00Z","duration_s":0.5}
{"msg":"g","level":"info","time":"2025-01-15T10:30:00Z","duration_us":7}
{"msg":"h","level":"info","time":"2025-01-15T10:30:00Z","duration_ns":8}
{"msg":"i","level":"info","time":"2025-01-15T10:30:00Z","duration_ms":"250ms"}
{"msg":"j","level":"info","time":"2025-01-15T10:30:00Z","duration_ms":"12"}
)");
  REQUIRE(loaded.records.spans.size() == 10);
  const auto& spans = loaded.records.spans;
  CHECK(spans[0].duration_ns == 2000000);
  CHECK(spans[1].duration_ns == 3000000);
  CHECK(spans[2].duration_ns == 4000000);
  CHECK(spans[3].duration_ns == 5000000);
  CHECK(spans[4].duration_ns == 6000000);
  CHECK(spans[5].duration_ns == 500000000);
  CHECK(spans[6].duration_ns == 7000);
  CHECK(spans[7].duration_ns == 8);
  CHECK(spans[8].duration_ns == 250000000);  // a duration string keeps its own unit
  CHECK(spans[9].duration_ns == 12000000);   // a numeric string takes the key's
}

TEST_CASE("jsonl: duration is ns for Go loggers that write time.Duration", "[jsonl]") {
  Loaded loaded = load(R"({"time":"2025-01-15T10:30:00Z","level":"INFO","msg":"done","duration":1500000000}
)");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].duration_ns == 1500000000);
  CHECK(loaded.records.spans[0].start_ns == k20250115T1030Z - 1500000000);
}

TEST_CASE("jsonl: the span is named by the best name-ish field, else the message", "[jsonl]") {
  Loaded loaded = load(R"({"message":"a","level":"INFO","tool":"web_search","step":"plan","duration_ms":1}
{"message":"b","level":"INFO","tool":"web_search","operation":"fetch","duration_ms":1}
{"message":"c","level":"INFO","span":"outer","stage":"inner","duration_ms":1}
{"message":"d","level":"INFO","event":"cache.miss","duration_ms":1}
{"message":"e","level":"INFO","stage":"","duration_ms":1}
)");
  REQUIRE(loaded.records.spans.size() == 5);
  CHECK(loaded.records.spans[0].name == "plan");
  CHECK(loaded.records.spans[1].name == "fetch");
  CHECK(loaded.records.spans[2].name == "outer");
  CHECK(loaded.records.spans[3].name == "cache.miss");
  CHECK(loaded.records.spans[4].name == "e");
}

TEST_CASE("jsonl: structlog's event names the span (it is the message)", "[jsonl]") {
  Loaded loaded = load(
      R"({"event":"retrieve done","level":"info","timestamp":"2025-01-15T10:30:00Z","elapsed_ms":40}
)");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].name == "retrieve done");
}

TEST_CASE("jsonl: a duration line at ERROR is an error span with the message", "[jsonl]") {
  Loaded loaded = load(
      R"({"timestamp":"2025-01-15T10:30:00Z","level":"ERROR","message":"llm call failed","stage":"llm.chat","duration_ms":30000})");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].status == Status::kError);
  CHECK(loaded.records.spans[0].status_message == "llm call failed");
}

TEST_CASE("jsonl: an error field makes the span an error, null or false does not", "[jsonl]") {
  Loaded loaded = load(R"({"message":"a","level":"INFO","duration_ms":1,"error":"rate limited"}
{"message":"b","level":"INFO","duration_ms":1,"error":{"type":"Timeout","message":"read timed out"}}
{"message":"c","level":"INFO","duration_ms":1,"error":null}
{"message":"d","level":"INFO","duration_ms":1,"error":false}
{"message":"e","level":"INFO","duration_ms":1,"error":""}
{"message":"f","level":"INFO","duration_ms":1,"err":{"type":"Error","message":"boom"}}
)");
  REQUIRE(loaded.records.spans.size() == 6);
  const auto& spans = loaded.records.spans;
  CHECK(spans[0].status == Status::kError);
  CHECK(spans[0].status_message == "rate limited");
  CHECK(spans[1].status == Status::kError);
  CHECK(spans[1].status_message == R"({"type":"Timeout","message":"read timed out"})");
  CHECK(spans[2].status == Status::kUnset);
  CHECK(spans[3].status == Status::kUnset);
  CHECK(spans[4].status == Status::kUnset);
  CHECK(spans[5].status == Status::kError);
  CHECK(loaded.records.logs[0].field("error") == "rate limited");
}

TEST_CASE("jsonl: a duration line without a time has an unknown start", "[jsonl]") {
  Loaded loaded = load(R"({"message":"a","level":"INFO","duration_ms":7})");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].start_ns == 0);
  CHECK(loaded.records.spans[0].duration_ns == 7000000);
  CHECK(loaded.records.spans[0].flags == trace::kSpanStartUnknown);
}

TEST_CASE("jsonl: a negative or unreadable duration makes no span", "[jsonl]") {
  Loaded loaded = load(R"({"message":"a","level":"INFO","duration_ms":-5}
{"message":"b","level":"INFO","duration_ms":"soon"}
{"message":"c","level":"INFO","duration_ms":null}
)");
  CHECK(loaded.records.logs.size() == 3);
  CHECK(loaded.records.spans.empty());
}

// ---- detection and errors ------------------------------------------------------------------

TEST_CASE("jsonl: detection needs a time, level or message key in the first object", "[jsonl]") {
  CHECK(load("{\"msg\":\"a\"}\n{\"msg\":\"b\"}\n").format == "jsonl");
  CHECK(load("{\"@timestamp\":\"2025-01-15T10:30:00Z\"}\n").format == "jsonl");
  CHECK_THROWS_AS(load("{\"foo\":1}\n{\"foo\":2}\n"), trace::InputError);
}

TEST_CASE("jsonl: a pretty-printed object is not JSON lines", "[jsonl]") {
  trace::formats::InputHead head =
      trace::formats::make_head("x.json", "{\n  \"msg\": \"a\",\n  \"level\": \"info\"\n}\n", true);
  CHECK_FALSE(trace::formats::sniff_jsonl_logs(head));
}

TEST_CASE("jsonl: a non-JSON line is an error at its first column", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\nTraceback (most recent call last):\n") == "app.jsonl:2:1: expected a JSON object");
}

TEST_CASE("jsonl: a JSON value that is not an object is an error", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n[1,2]\n") == "app.jsonl:2:1: expected a JSON object");
  CHECK(error_of("{\"msg\":\"a\"}\n\"text\"\n") == "app.jsonl:2:1: expected a JSON object");
}

TEST_CASE("jsonl: a truncated object is an error", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n{\"msg\":\"b\",\n") ==
        "app.jsonl:2:1: expected a JSON object (JSON document ended early in the middle of an object or array.)");
}

TEST_CASE("jsonl: an unterminated string is an error", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n{\"msg\":\"b}\n") ==
        "app.jsonl:2:1: expected a JSON object (A string is opened, but never closed.)");
}

TEST_CASE("jsonl: a missing colon is an error at the value", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n{\"msg\" \"b\"}\n") ==
        "app.jsonl:2:8: malformed JSON object (The JSON document has an improper structure: missing or "
        "superfluous commas, braces, missing keys, etc.)");
}

TEST_CASE("jsonl: a bad literal is an error at the value", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n{\"msg\":\"b\",\"ok\":tru}\n") ==
        "app.jsonl:2:17: expected true or false (The JSON element does not have the requested type.)");
}

TEST_CASE("jsonl: content after the object is an error", "[jsonl]") {
  CHECK(error_of("{\"msg\":\"a\"}\n{\"msg\":\"b\"} {\"msg\":\"c\"}\n") ==
        "app.jsonl:2:13: expected the end of the line after the object");
}

// ---- the loader driven directly, as a worker thread does ----------------------------------

TEST_CASE("jsonl: loaders made from the same head read lines alike", "[jsonl]") {
  std::string text = R"({"level":30,"time":1736937000000,"msg":"a","name":"tools"}
{"level":50,"time":1736937000001,"msg":"b","name":"tools","responseTime":12}
)";
  trace::formats::InputHead head = trace::formats::make_head("x.jsonl", text, true);
  REQUIRE(head.framing == trace::formats::Framing::kLines);
  REQUIRE(trace::formats::sniff_jsonl_logs(head));
  simdjson::padded_string line(std::string_view(text).substr(text.find('\n') + 1, text.size() - text.find('\n') - 2));
  for (int worker = 0; worker < 2; ++worker) {
    auto loader = trace::formats::make_jsonl_logs_loader(head);
    simdjson::ondemand::parser parser;
    trace::formats::LoadContext ctx{parser, 0};
    trace::testing::CollectSink sink;
    trace::SourceRef where{0, 2, 0, {}};
    REQUIRE(loader->load(std::string_view(line.data(), line.size()), where, ctx, sink) == trace::Flow::kContinue);
    REQUIRE(sink.logs.size() == 1);
    CHECK(sink.logs[0].severity == 17);
    CHECK(sink.logs[0].service == "tools");
    REQUIRE(sink.spans.size() == 1);
    CHECK(sink.spans[0].name == "b");
    CHECK(sink.spans[0].status == Status::kError);
    CHECK(sink.spans[0].duration_ns == 12000000);
    CHECK(sink.spans[0].start_ns == k20250115T1030Z + 1000000 - 12000000);
  }
}

// ---- samples ----------------------------------------------------------------------------------

TEST_CASE("jsonl: samples/app_logs.jsonl reads as generic logs with stage spans", "[jsonl]") {
  Loaded loaded = load_text(read_sample("app_logs.jsonl"), "", "app_logs.jsonl");
  CHECK(loaded.format == "jsonl");
  CHECK(loaded.records.logs.size() > 100);
  CHECK(loaded.records.spans.size() > 20);
  for (const OwnedLog& log : loaded.records.logs) {
    INFO(log.source_text);
    CHECK(log.time_ns > k20250115T1030Z - 86400000000000);
    CHECK(log.severity != 0);
    CHECK(!log.logger.empty());
    CHECK(!log.message.empty());
  }
  size_t errors = 0;
  for (const OwnedSpan& span : loaded.records.spans) errors += span.status == Status::kError;
  CHECK(errors > 0);
}

TEST_CASE("jsonl: samples/pino.jsonl reads as pino with request spans", "[jsonl]") {
  Loaded loaded = load_text(read_sample("pino.jsonl"), "", "pino.jsonl");
  CHECK(loaded.format == "jsonl");
  CHECK(loaded.records.logs.size() >= 25);
  CHECK(!loaded.records.spans.empty());
  for (const OwnedLog& log : loaded.records.logs) {
    INFO(log.source_text);
    CHECK(log.time_ns > 0);
    CHECK(log.severity != 0);
  }
}

// ---- what the sink reads ----------------------------------------------------------------------

namespace {

// A span read for a sink that reads no fields has what the full read has but them.
void check_span_without_fields(const OwnedSpan& full, const OwnedSpan& lean) {
  INFO(full.line);
  CHECK(lean.name == full.name);
  CHECK(lean.service == full.service);
  CHECK(lean.duration_ns == full.duration_ns);
  CHECK(lean.status == full.status);
  CHECK(lean.attrs.empty());
}

}  // namespace

TEST_CASE("jsonl: a sink that reads only what spans are grouped and timed by gets that", "[jsonl]") {
  // What trace stats asks for: no fields, times, ids or log records.
  std::string text = read_sample("app_logs.jsonl");
  Loaded full = load_text(text, "", "app_logs.jsonl");
  Loaded lean = load_text(text, "", "app_logs.jsonl", trace::RecordNeeds::nothing());
  REQUIRE(lean.records.spans.size() == full.records.spans.size());
  CHECK(lean.records.logs.empty());  // counted, not passed on
  for (size_t i = 0; i < full.records.spans.size(); ++i)
    check_span_without_fields(full.records.spans[i], lean.records.spans[i]);
}

TEST_CASE("jsonl: a sink that reads neither fields nor times gets the rest of every record", "[jsonl]") {
  std::string text = read_sample("app_logs.jsonl");
  Loaded full = load_text(text, "", "app_logs.jsonl");
  Loaded lean = load_text(text, "", "app_logs.jsonl", trace::RecordNeeds{false, false});
  REQUIRE(lean.records.spans.size() == full.records.spans.size());
  REQUIRE(lean.records.logs.size() == full.records.logs.size());
  for (size_t i = 0; i < full.records.spans.size(); ++i) {
    const OwnedSpan& a = full.records.spans[i];
    const OwnedSpan& b = lean.records.spans[i];
    check_span_without_fields(a, b);
    CHECK(b.status_message == a.status_message);
    CHECK(b.trace_id == a.trace_id);
    CHECK(b.span_id == a.span_id);
    CHECK(b.parent_id == a.parent_id);
  }
  for (size_t i = 0; i < full.records.logs.size(); ++i) {
    const OwnedLog& a = full.records.logs[i];
    const OwnedLog& b = lean.records.logs[i];
    INFO(a.source_text);
    CHECK(b.severity == a.severity);
    CHECK(b.message == a.message);
    CHECK(b.logger == a.logger);
    CHECK(b.fields.empty());
  }
}

TEST_CASE("jsonl: a sink that reads fields but no times gets every field it would have", "[jsonl]") {
  // A time that cannot be read stays a field: times are still read to know which.
  std::string text = "{\"ts\":\"2025-01-15T10:30:00Z\",\"msg\":\"a\",\"k\":1}\n"
                     "{\"ts\":\"not a time\",\"msg\":\"b\",\"k\":2}\n";
  Loaded full = load_text(text, "", "app.jsonl");
  Loaded no_times = load_text(text, "", "app.jsonl", trace::RecordNeeds{true, false});
  REQUIRE(no_times.records.logs.size() == 2);
  CHECK(render(no_times.records.logs[0].fields) == "k=1;");
  CHECK(render(no_times.records.logs[1].fields) == "ts=not a time;k=2;");
  CHECK(render(no_times.records.logs[1].fields) == render(full.records.logs[1].fields));
}

TEST_CASE("jsonl: a malformed value is an error even in a field no sink reads", "[jsonl]") {
  for (std::string line : {"{\"msg\":\"a\",\"k\":tru}", "{\"msg\":\"a\",\"k\":01}", "{\"msg\":\"a\",\"k\":[1,}"}) {
    INFO(line);
    std::string full = load_error(line + "\n", "jsonl", "app.jsonl");
    CHECK(full != "<no error>");
    std::string lean;
    try {
      load_text(line + "\n", "jsonl", "app.jsonl", trace::RecordNeeds{false, false});
      lean = "<no error>";
    } catch (const trace::InputError& e) {
      lean = e.what();
    }
    CHECK(lean == full);
  }
}

TEST_CASE("jsonl: every generic key of every role is found, whatever the sink reads", "[jsonl]") {
  auto line = [](const std::string& fields) { return "{\"msg\":\"m\"," + fields + "}\n"; };
  for (trace::RecordNeeds needs : {trace::RecordNeeds{}, trace::RecordNeeds::nothing()}) {
    INFO("fields read: " << needs.attrs);
    for (std::string key : {"service", "service.name", "service_name"}) {
      INFO(key);
      Loaded loaded = load_text(line("\"duration_ms\":1,\"" + key + "\":\"svc\""), "jsonl", "app.jsonl", needs);
      CHECK(loaded.records.spans.at(0).service == "svc");
    }
    for (auto [key, ns] : std::vector<std::pair<std::string, int64_t>>{
             {"duration_ms", 5000000}, {"elapsed_ms", 5000000}, {"latency_ms", 5000000}, {"took_ms", 5000000},
             {"response_time_ms", 5000000}, {"responseTime", 5000000}, {"duration_s", 5000000000},
             {"duration_us", 5000}, {"duration_ns", 5}, {"duration", 5000000000}}) {
      INFO(key);
      Loaded loaded = load_text(line("\"" + key + "\":5"), "jsonl", "app.jsonl", needs);
      REQUIRE(loaded.records.spans.size() == 1);
      CHECK(loaded.records.spans[0].duration_ns == ns);
    }
    for (std::string key : {"span", "stage", "operation", "op", "step", "tool", "event"}) {
      INFO(key);
      Loaded loaded = load_text(line("\"duration_ms\":1,\"" + key + "\":\"nm\""), "jsonl", "app.jsonl", needs);
      CHECK(loaded.records.spans.at(0).name == "nm");
    }
    for (std::string key : {"error", "err"}) {
      INFO(key);
      Loaded loaded = load_text(line("\"duration_ms\":1,\"" + key + "\":\"boom\""), "jsonl", "app.jsonl", needs);
      CHECK(loaded.records.spans.at(0).status == Status::kError);
    }
    // Keys of no role that share a rule key's length and first and last bytes.
    Loaded loaded = load_text(
        line("\"duration_ms\":1,\"sXXXXXe\":\"a\",\"dXXXXXXXXXs\":7,\"sXXXe\":\"b\",\"eXXXr\":\"c\""), "jsonl",
        "app.jsonl", needs);
    const OwnedSpan& span = loaded.records.spans.at(0);
    CHECK(span.service.empty());
    CHECK(span.duration_ns == 1000000);
    CHECK(span.name == "m");
    CHECK(span.status == Status::kUnset);
    if (needs.attrs) CHECK(render(span.attrs) == "duration_ms=1;sXXXXXe=a;dXXXXXXXXXs=7;sXXXe=b;eXXXr=c;");
  }
}
