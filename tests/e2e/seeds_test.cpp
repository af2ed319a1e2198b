// The agent-pipeline formats (man/trace-formats.5), end to end on their samples.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "support/load_text.h"
#include "support/run_trace.h"

using trace::testing::load_text;
using trace::testing::run_trace;

namespace {

const char* kInfoHeader = "file,format,producer,bytes,spans,logs,errors,first_ns,last_ns,wall_ns,traces,services,names\n";

std::string info_row(const std::string& sample) {
  auto result = run_trace("info --csv samples/" + sample);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  REQUIRE(result.out.rfind(kInfoHeader, 0) == 0);
  return result.out.substr(std::string(kInfoHeader).size());
}

}  // namespace

TEST_CASE("seeds: info detects genai-trace and counts its calls", "[e2e][seeds][genai-trace]") {
  CHECK(info_row("genai_trace.json") ==
        "samples/genai_trace.json,genai-trace,,8855,14,0,0,1736937000104217000,1736937010311982000,10207765000,4,1,5\n");
}

TEST_CASE("seeds: info detects stage-events and counts paired spans", "[e2e][seeds][stage-events]") {
  CHECK(info_row("stage_events.jsonl") ==
        "samples/stage_events.jsonl,stage-events,,20310,29,0,4,1736936997795000000,1736937039372000000,41577000000,6,1,9\n");
}

TEST_CASE("seeds: info detects span-collector with its spans and log events", "[e2e][seeds][span-collector]") {
  CHECK(info_row("span_collector.json") ==
        "samples/span_collector.json,span-collector,,5950,12,5,2,1736938799598000000,1736938806482113000,6884113000,1,1,10\n");
}

TEST_CASE("seeds: info detects exec-summary; its times are synthetic, so no time range", "[e2e][seeds][exec-summary]") {
  CHECK(info_row("exec_summary.jsonl") == "samples/exec_summary.jsonl,exec-summary,,6179,29,0,1,,,,4,0,12\n");
}

TEST_CASE("seeds: LiteAgent JSON logs read as jsonl, lines with a duration as spans", "[e2e][seeds][jsonl]") {
  CHECK(info_row("liteagent.jsonl") ==
        "samples/liteagent.jsonl,jsonl,,13942,8,38,4,1736937000000000000,1736937060000000000,60000000000,3,0,5\n");
}

TEST_CASE("seeds: a LiteAgent line keeps its logger, caller and context ids", "[seeds][jsonl]") {
  std::ifstream in(std::string(TRACE_SOURCE_DIR) + "/samples/liteagent.jsonl", std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = load_text(text.str(), "", "samples/liteagent.jsonl");
  REQUIRE(loaded.format == "jsonl");
  const auto& logs = loaded.records.logs;
  REQUIRE(logs.size() == 38);
  const auto& tool = logs[11];  // "Tool result": tool=search, duration=0.616
  CHECK(tool.message == "Tool result");
  CHECK(tool.logger == "liteagent.tools");
  CHECK(tool.level_text == "INFO");
  CHECK(tool.time_ns == 1736937002431000000);
  CHECK(tool.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(tool.field("request_id") == "req-5f2a91");
  CHECK(tool.field("agent_id") == "agent-123");
  CHECK(tool.field("caller") == R"({"file": "executor.py", "line": 118, "function": "run_tool"})");
  const auto& spans = loaded.records.spans;
  REQUIRE(spans.size() == 8);
  CHECK(spans[0].name == "search");
  CHECK(spans[0].duration_ns == 616000000);
  CHECK(spans[0].start_ns == 1736937001815000000);
}

TEST_CASE("seeds: stats on the Stageflow sample, per stage, tool and pipeline", "[e2e][seeds][stage-events]") {
  auto result = run_trace("stats --csv samples/stage_events.jsonl");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "support_agent,5,2,0.4,126000000,7032400000,2121000000,19145000000,24780000000,29288000000,30415000000,35162000000\n"
        "llm,3,1,0.3333333333333333,1412000000,11034000000,1690000000,24338000000,27169000000,29433800000,30000000000,33102000000\n"
        "get_weather,1,1,1,5003000000,5003000000,5003000000,5003000000,5003000000,5003000000,5003000000,5003000000\n"
        "retrieve,3,0,0,266000000,283666667,284000000,297600000,299300000,300660000,301000000,851000000\n"
        "search_docs,1,0,0,412000000,412000000,412000000,412000000,412000000,412000000,412000000,412000000\n"
        "guard,5,0,0,55000000,58200000,58000000,60600000,60800000,60960000,61000000,291000000\n"
        "router,5,0,0,35000000,37400000,37000000,39800000,40400000,40880000,41000000,187000000\n"
        "respond,2,0,0,18000000,20000000,20000000,21600000,21800000,21960000,22000000,40000000\n"
        "cache,1,0,0,9000000,9000000,9000000,9000000,9000000,9000000,9000000,9000000\n");
}

TEST_CASE("seeds: the same answer with one worker or four", "[e2e][seeds][stage-events]") {
  auto one = run_trace("stats --csv -j1 samples/stage_events.jsonl samples/exec_summary.jsonl");
  auto four = run_trace("stats --csv -j4 samples/stage_events.jsonl samples/exec_summary.jsonl");
  CHECK(one.exit_code == 0);
  CHECK(one.out == four.out);
}
