#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/group_key.h"
#include "analyzers/record_key.h"
#include "src/errors.h"

using trace::Attr;
using trace::RecordKeyKind;
using trace::Value;

namespace {

constexpr RecordKeyKind kAll[] = {
    RecordKeyKind::kName,  RecordKeyKind::kService, RecordKeyKind::kLogger,  RecordKeyKind::kFile,
    RecordKeyKind::kModel, RecordKeyKind::kProvider, RecordKeyKind::kLevel, RecordKeyKind::kTrace,
    RecordKeyKind::kSession, RecordKeyKind::kUser,  RecordKeyKind::kAttr,
};

std::string usage_error(const std::vector<std::string>& texts, std::span<const RecordKeyKind> allowed) {
  try {
    trace::parse_record_key_spec(texts, allowed);
  } catch (const trace::UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("record-key: log records group by their own fields", "[summary][record-key]") {
  std::vector<Attr> fields{{"stage", Value::of_string("llm.chat")}, {"user_id", Value::of_string("u-7")},
                           {"gen_ai.request.model", Value::of_string("gpt-4o")}, {"attempt", Value::of_int(2)}};
  trace::LogRecord log;
  log.fields = fields;
  log.logger = "api.llm";
  log.severity = 17;
  log.time_ns = 90'500'000'000;
  trace::RecordKeyBuilder builder(
      trace::parse_record_key_spec({"name,logger,level", "user,model,attr:attempt,session"}, kAll, 60'000'000'000));
  std::string key(builder.key(log));
  std::vector<std::string_view> parts;
  trace::split_group_key(key, builder.spec().parts.size(), parts);
  CHECK(parts == std::vector<std::string_view>{"llm.chat", "api.llm", "ERROR", "u-7", "gpt-4o", "2", "(none)",
                                               "60000000000"});
}

TEST_CASE("record-key: spans use their name, scope as logger, and start time", "[summary][record-key]") {
  std::vector<Attr> attrs{{"otel.scope.name", Value::of_string("rag_agent")},
                          {"session.id", Value::of_string("s-1")}};
  trace::Span span;
  span.name = "chat gpt-4o";
  span.attrs = attrs;
  span.start_ns = -1;  // before the epoch: floor, not truncation
  span.src.file_index = 1;
  trace::RecordKeyBuilder builder(trace::parse_record_key_spec({"name,logger,level,session,file"}, kAll, 1000));
  std::string key(builder.key(span));
  auto cells = trace::key_cells(key, builder.spec(), std::vector<std::string>{"a.json", "b.json"});
  using trace::output::Row;
  CHECK(cells == Row{std::string("chat gpt-4o"), std::string("rag_agent"), std::string("(span)"), std::string("s-1"),
                     std::string("b.json"), int64_t(-1000)});
}

TEST_CASE("record-key: one key part is the text itself", "[summary][record-key]") {
  trace::LogRecord log;
  log.service = "api";
  trace::RecordKeyBuilder builder(trace::parse_record_key_spec({"service"}, kAll));
  CHECK(builder.key(log) == "api");
  log.service = {};
  CHECK(builder.key(log) == "(none)");
}

TEST_CASE("record-key: unknown or disallowed keys are usage errors naming the accepted ones", "[summary][record-key]") {
  constexpr RecordKeyKind kSome[] = {RecordKeyKind::kName, RecordKeyKind::kTrace, RecordKeyKind::kAttr};
  CHECK(usage_error({"modle"}, kSome) == "--group-by: unknown key 'modle' (expected name, trace or attr:KEY)");
  CHECK(usage_error({"name,"}, kSome) == "--group-by: empty key (expected name, trace or attr:KEY)");
  CHECK(usage_error({"attr:"}, kSome) == "--group-by: 'attr:' names no attribute (expected attr:KEY)");
  CHECK(usage_error({"service"}, kSome) == "--group-by: unknown key 'service' (expected name, trace or attr:KEY)");
}

TEST_CASE("record-key: key cells sort missing first, numbers by value, text by bytes", "[summary][record-key]") {
  using trace::output::Row;
  CHECK(trace::key_cells_less(Row{trace::output::Cell{}}, Row{int64_t(5)}));
  CHECK(trace::key_cells_less(Row{int64_t(5)}, Row{int64_t(10)}));
  CHECK(trace::key_cells_less(Row{int64_t(5), std::string("b")}, Row{int64_t(5), std::string("c")}));
  CHECK_FALSE(trace::key_cells_less(Row{std::string("b")}, Row{std::string("a")}));
}

TEST_CASE("record-key: the (other) key of a capped summary or cost is (other) in the first cell, the rest empty",
          "[summary][record-key]") {
  using trace::output::Row;
  const std::vector<std::string> files{"a.json"};
  // Several parts: not split as an encoding ("other)" and an empty cell).
  trace::RecordKeySpec by_service_level = trace::parse_record_key_spec({"service,level"}, kAll);
  CHECK(trace::key_cells("(other)", by_service_level, files) == Row{std::string("(other)"), std::string()});
  // A time part after the first is missing.
  trace::RecordKeySpec then_time = trace::parse_record_key_spec({"service,file"}, kAll, 1000);
  REQUIRE(then_time.parts.size() == 3);
  CHECK(trace::key_cells("(other)", then_time, files) == Row{std::string("(other)"), std::string(), trace::output::Cell{}});
  // The time bucket first, as summary and cost put --every: "(other)" there too.
  trace::RecordKeySpec time_first = trace::parse_record_key_spec({"service"}, kAll);
  time_first.parts.insert(time_first.parts.begin(), trace::RecordKeyPart{RecordKeyKind::kTime, {}, 1000});
  CHECK(trace::key_cells("(other)", time_first, files) == Row{std::string("(other)"), std::string()});
  // A histogram alone: the bucket "(other)" is shown, not missing as "(none)" is.
  trace::RecordKeySpec every = trace::parse_record_key_spec({}, kAll, 1000);
  CHECK(trace::key_cells("(other)", every, files) == Row{std::string("(other)")});
  CHECK(trace::key_cells("(none)", every, files) == Row{trace::output::Cell{}});
}
