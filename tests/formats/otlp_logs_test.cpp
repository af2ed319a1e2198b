#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "src/severity.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::read_sample;
using trace::testing::OwnedAttr;
using trace::testing::OwnedLog;

namespace {

std::vector<OwnedLog> logs_of(const std::string& text, const std::string& name = "input.json") {
  return load_text(text, "", name).records.logs;
}

// One request holding `records` (a JSON array's contents) under service rag-api.
std::string request(const std::string& records) {
  return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
         R"("scopeLogs":[{"scope":{"name":"rag_api.app"},"logRecords":[)" +
         records + "]}]}]}";
}

}  // namespace

TEST_CASE("otlp-logs: a request is detected as otlp-logs, pretty or one per line", "[otlp-logs]") {
  CHECK(load_text("{\n  \"resourceLogs\": []\n}\n").format == "otlp-logs");
  CHECK(load_text(request("") + "\n" + request("") + "\n", "", "logs.jsonl").format == "otlp-logs");
}

TEST_CASE("otlp-logs: every field of a log record is read", "[otlp-logs]") {
  auto logs = logs_of(R"({"resourceLogs":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}},
                            {"key":"host.name","value":{"stringValue":"rag-api-1"}}]},
  "scopeLogs":[{"scope":{"name":"rag_api.app","version":"2.7.0"},"logRecords":[
    {"timeUnixNano":"1736937000500000000","observedTimeUnixNano":"1736937000501000000",
     "severityNumber":17,"severityText":"ERROR","body":{"stringValue":"retrieval timed out"},
     "attributes":[{"key":"retry","value":{"intValue":"2"}},{"key":"timeout_s","value":{"doubleValue":1.5}}],
     "droppedAttributesCount":0,"flags":1,
     "traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"b7ad6b7169203331",
     "eventName":"retrieval.timeout"}]}]}]})");
  REQUIRE(logs.size() == 1);
  const OwnedLog& log = logs[0];
  CHECK(log.time_ns == 1736937000500000000);
  CHECK(log.severity == 17);
  CHECK(log.level_text == "ERROR");
  CHECK(log.message == "retrieval timed out");
  CHECK(log.logger == "rag_api.app");
  CHECK(log.service == "rag-api");
  CHECK(log.trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(log.span_id == "b7ad6b7169203331");
  CHECK(log.line == 5);
  REQUIRE(log.fields.size() == 3);
  CHECK(log.fields[0].key == "retry");
  CHECK(log.fields[0].kind == trace::ValueKind::kInt);
  CHECK(log.fields[0].text == "2");
  CHECK(log.fields[1].key == "timeout_s");
  CHECK(log.fields[1].text == "1.5");
  CHECK(log.fields[2].key == "event.name");
  CHECK(log.fields[2].text == "retrieval.timeout");
}

TEST_CASE("otlp-logs: the resource attributes travel with every record", "[otlp-logs]") {
  auto loaded = load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}}]}],
      "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"tool-gateway"}},
                                {"key":"k8s.pod.name","value":{"stringValue":"gw-1"}}]}}]})");
  REQUIRE(loaded.records.logs.size() == 1);
  CHECK(loaded.records.logs[0].service == "tool-gateway");
}

TEST_CASE("otlp-logs: without timeUnixNano the observed time is used", "[otlp-logs]") {
  auto logs = logs_of(request(R"({"observedTimeUnixNano":"1736937000000000007"},
                                 {"timeUnixNano":"0","observedTimeUnixNano":1736937000000000008},
                                 {"timeUnixNano":"1736937000000000009","observedTimeUnixNano":"1"},
                                 {})"));
  REQUIRE(logs.size() == 4);
  CHECK(logs[0].time_ns == 1736937000000000007);
  CHECK(logs[1].time_ns == 1736937000000000008);
  CHECK(logs[2].time_ns == 1736937000000000009);
  CHECK(logs[3].time_ns == 0);
}

TEST_CASE("otlp-logs: severity comes from the number, else from the text", "[otlp-logs]") {
  auto logs = logs_of(request(R"({"severityNumber":9,"severityText":"Information"},
                                 {"severityNumber":0,"severityText":"Warning"},
                                 {"severityText":"fatal"},
                                 {"severityNumber":"SEVERITY_NUMBER_DEBUG2"},
                                 {"severityNumber":99,"severityText":"custom"},
                                 {})"));
  REQUIRE(logs.size() == 6);
  CHECK(logs[0].severity == 9);
  CHECK(logs[0].level_text == "Information");
  CHECK(logs[1].severity == 13);
  CHECK(logs[1].level_text == "Warning");
  CHECK(logs[2].severity == 21);
  CHECK(logs[3].severity == 6);
  CHECK(logs[3].level_text == "");
  CHECK(logs[4].severity == 0);
  CHECK(logs[5].severity == 0);
}

TEST_CASE("otlp-logs: a structured body becomes its JSON text, scalars their text", "[otlp-logs]") {
  auto logs = logs_of(request(R"({"body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"done"}},
                                     {"key":"tokens","value":{"intValue":"212"}}]}}},
                                 {"body":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}},
                                 {"body":{"intValue":"42"}},
                                 {"body":{"doubleValue":0.5}},
                                 {"body":{"boolValue":false}},
                                 {"body":{}},
                                 {"body":{"stringValue":"line one\nline two"}})"));
  REQUIRE(logs.size() == 7);
  CHECK(logs[0].message == R"({"event":"done","tokens":212})");
  CHECK(logs[1].message == R"(["a",true])");
  CHECK(logs[2].message == "42");
  CHECK(logs[3].message == "0.5");
  CHECK(logs[4].message == "false");
  CHECK(logs[5].message == "");
  CHECK(logs[6].message == "line one\nline two");
}

TEST_CASE("otlp-logs: empty and all-zero ids are absent; base64 ids become hex", "[otlp-logs]") {
  auto logs = logs_of(request(R"({"traceId":"","spanId":"0000000000000000"},
                                 {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"AAAAAAAAAAE="})"));
  REQUIRE(logs.size() == 2);
  CHECK(logs[0].trace_id == "");
  CHECK(logs[0].span_id == "");
  CHECK(logs[1].trace_id == "5b8efff798038103d269b633813fc60c");
  CHECK(logs[1].span_id == "0000000000000001");
}

TEST_CASE("otlp-logs: scope after logRecords still names the logger; old instrumentationLibraryLogs too",
          "[otlp-logs]") {
  auto logs = logs_of(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}}],"scope":{"name":"late.scope"}}]},
      {"instrumentationLibraryLogs":[{"instrumentationLibrary":{"name":"old.lib"},"logRecords":[{"body":{"stringValue":"b"}}]}]}]})");
  REQUIRE(logs.size() == 2);
  CHECK(logs[0].logger == "late.scope");
  CHECK(logs[0].service == "");
  CHECK(logs[1].logger == "old.lib");
  CHECK(logs[1].message == "b");
}

TEST_CASE("otlp-logs: each line of a file-exporter file is one request, with its line number", "[otlp-logs]") {
  std::string text = request(R"({"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}})") + "\n" +
                     request(R"({"body":{"stringValue":"c"}})") + "\n";
  auto logs = logs_of(text, "logs.jsonl");
  REQUIRE(logs.size() == 3);
  CHECK(logs[0].line == 1);
  CHECK(logs[1].line == 1);
  CHECK(logs[2].line == 2);
  CHECK(logs[2].message == "c");
}

TEST_CASE("otlp-logs: a field of the wrong type is an error naming the field and the value", "[otlp-logs]") {
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":{}}]}]})", "otlp-logs"),
                    "input.json:1:46: expected logRecords as an array, found an object");
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"noon"}]}]}]})", "otlp-logs"),
                    "input.json:1:63: expected timeUnixNano as a decimal string or number, found \"noon\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]})", "otlp-logs"),
                    "input.json:1:65: expected severityNumber as a number or a SEVERITY_NUMBER_* name, found \"LOUD\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"hello"}]}]}]})", "otlp-logs"),
                    "input.json:1:55: expected AnyValue as an object, found \"hello\"");
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":3}]}]}]})", "otlp-logs"),
                    "input.json:1:63: expected severityText as a string, found 3");
  CHECK_THROWS_WITH(load_text(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":["log"]}]}]})", "otlp-logs"),
                    "input.json:1:47: expected LogRecord as an object, found \"log\"");
  CHECK_THROWS_WITH(load_text(R"([{"resourceLogs":[]}])", "otlp-logs"),
                    "input.json:1:1: expected an OTLP logs request (a JSON object with resourceLogs), found an array");
}

TEST_CASE("otlp-logs: broken and cut-off JSON is an error located where it breaks", "[otlp-logs]") {
  std::string cut = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":9)";
  CHECK_THROWS_WITH(load_text(cut, "otlp-logs"),
                    "input.json:1:" + std::to_string(cut.size() + 1) +
                        ": expected a closing '}' or ']', found the end of the text");
  std::string text = request(R"({"body":{"stringValue":"a"}})") + "\n" +
                     R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":9 "body":{}}]}]}]})" + "\n";
  CHECK_THROWS_WITH(load_text(text, "", "logs.jsonl"),
                    "logs.jsonl:2:67: expected a field or '}' in LogRecord (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)");
}

TEST_CASE("otlp-logs: the samples load, pretty and one request per line", "[otlp-logs]") {
  auto json = load_text(read_sample("otlp_logs.json"), "", "otlp_logs.json");
  CHECK(json.format == "otlp-logs");
  const auto& logs = json.records.logs;
  REQUIRE(logs.size() == 14);
  int errors = 0;
  for (const OwnedLog& log : logs) {
    CHECK((log.service == "rag-api" || log.service == "tool-gateway"));
    if (log.severity >= trace::kSeverityError) ++errors;
  }
  CHECK(errors == 1);
  CHECK(logs[3].message == R"({"gen_ai.response.model":"gpt-4o-2024-08-06","finish_reason":"tool_calls",)"
                           R"("usage":{"input_tokens":1850,"output_tokens":212}})");
  CHECK(logs[3].field("event.name") == "gen_ai.client.inference.operation.details");
  CHECK(logs[8].severity == 13);
  CHECK(logs[8].level_text == "Warning");
  CHECK(logs[8].trace_id == "8e1d4c7b2a9f4e6d8c3b5a7f9e1d3c5b");
  auto jsonl = load_text(read_sample("otlp_logs.jsonl"), "", "otlp_logs.jsonl");
  CHECK(jsonl.format == "otlp-logs");
  CHECK(jsonl.records.logs.size() == 14);
  CHECK(jsonl.records.logs.back().line == 4);
}

TEST_CASE("otlp-logs: JSON after the request on the same line is an error", "[otlp-logs]") {
  std::string line = R"({"resourceLogs":[]})";
  REQUIRE(line.size() == 19);
  CHECK_THROWS_WITH(load_text(line + "\n" + line + " {\"resourceLogs\":[]}\n", "", "logs.jsonl"),
                    "logs.jsonl:2:21: expected the end of the text after the request object");
  CHECK_THROWS_WITH(load_text(line + "\n" + line + " []\n", "", "logs.jsonl"),
                    "logs.jsonl:2:21: expected the end of the text after the request object");
}
