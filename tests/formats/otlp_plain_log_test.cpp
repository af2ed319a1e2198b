// The OTLP log record fast path (OtlpLogsLoader::read_plain_log): every record it takes
// reads as the general (simdjson) path reads it.
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::OwnedLog;
using trace::testing::read_sample;
using trace::testing::render;

namespace {

std::string render_logs(const std::vector<OwnedLog>& logs) {
  std::string out;
  for (const OwnedLog& l : logs) {
    out += fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", l.time_ns, l.severity, l.level_text, l.logger, l.message,
                       l.trace_id, l.span_id, l.service, render(l.fields), l.line, l.source_text);
  }
  return out;
}

// The same text with an escaped key no reader knows first in every record that starts
// with its time: the fast path declines those, so the general path reads them.
std::string without_fast_path(const std::string& text) {
  static const std::regex record_start(R"re(\{(\s*)"(timeUnixNano|observedTimeUnixNano)")re");
  return std::regex_replace(text, record_start, R"re({$1"\u0078":0,"$2")re");
}

const char* kRecords = R"([
 {"timeUnixNano":"1736937000000000000","observedTimeUnixNano":"1736937000000000005","severityNumber":17,
  "severityText":"ERROR","body":{"stringValue":"caf\u00e9 down"},"traceId":"0AF7651916CD43DD8448EB211C80319C",
  "spanId":"00f067aa0ba902b7","eventName":"db.error","attributes":[{"key":"n","value":{"intValue":"3"}},
  {"key":"d","value":{"doubleValue":2}},{"key":"b","value":{"boolValue":true}}],"flags":1,"droppedAttributesCount":0},
 {"timeUnixNano":"0","observedTimeUnixNano":1736937000000000,"severityNumber":"SEVERITY_NUMBER_WARN",
  "body":{"intValue":"42"},"traceId":"00000000000000000000000000000000","spanId":""},
 {"timeUnixNano":"1736937000000000001","severityNumber":"INFO2","severityText":"info","body":{"doubleValue":0.5},
  "severityText":"ignored","attributes":[]},
 {"timeUnixNano":"1736937000000000002","severityNumber":99,"body":{"boolValue":false}},
 {"timeUnixNano":"1736937000000000003","severityText":"warning","body":{}},
 {"timeUnixNano":"1736937000000000004","body":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}},
 {"timeUnixNano":"1736937000000000005","body":{"arrayValue":{"values":[{"intValue":"1"}]}},"severityNumber":"9"},
 {"observedTimeUnixNano":"1736937000000000006","body":{"stringValue":"no time"},"unknown":{"a":[1,{"b":null}]}}
])";

}  // namespace

TEST_CASE("otlp plain log: the fast path reads every record as the general path does", "[otlp-logs][plain-json]") {
  std::string crafted =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"rag-api"}}]},)"
      R"("scopeLogs":[{"scope":{"name":"rag_api.app"},"logRecords":)" +
      std::string(kRecords) + "}]}]}";
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"crafted.json", crafted},
           {"otlp_logs.json", read_sample("otlp_logs.json")},
           {"otlp_logs.jsonl", read_sample("otlp_logs.jsonl")},
       }) {
    INFO(name);
    std::string slow = without_fast_path(text);
    REQUIRE(slow != text);
    std::vector<OwnedLog> fast_logs = load_text(text, "", name).records.logs;
    std::vector<OwnedLog> slow_logs = load_text(slow, "", name).records.logs;
    REQUIRE(fast_logs.size() >= 4);
    // The source text differs by the inserted key; everything read must not.
    for (auto* logs : {&fast_logs, &slow_logs})
      for (OwnedLog& log : *logs) log.source_text = std::regex_replace(log.source_text, std::regex(R"("\\u0078":0,)"), "");
    CHECK(render_logs(fast_logs) == render_logs(slow_logs));
  }
}
