// Each format's sample through the built binary: detected as its format, with the
// record counts the sample was made with.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::run_trace;

namespace {

// `trace info --csv <path>`: the data row, split at commas (no field here holds one).
std::vector<std::string> info_row(const std::string& path) {
  auto result = run_trace("info --csv " + path);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  std::istringstream lines(result.out);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  REQUIRE(header == "file,format,producer,bytes,spans,logs,errors,first_ns,last_ns,wall_ns,traces,services,names");
  std::vector<std::string> fields;
  std::istringstream cells(row);
  for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
  REQUIRE(fields.size() == 13);
  CHECK(fields[0] == path);
  return fields;
}

}  // namespace

TEST_CASE("formats: the Jaeger sample is jaeger with 15 spans, 1 error, 2 traces", "[e2e][jaeger]") {
  auto row = info_row("samples/jaeger.json");
  CHECK(row[1] == "jaeger");
  CHECK(row[4] == "15");
  CHECK(row[5] == "0");
  CHECK(row[6] == "1");
  CHECK(row[10] == "2");
  CHECK(row[11] == "2");
}

TEST_CASE("formats: the Zipkin sample is zipkin with 15 spans, 1 error, 2 traces", "[e2e][zipkin]") {
  auto row = info_row("samples/zipkin.json");
  CHECK(row[1] == "zipkin");
  CHECK(row[4] == "15");
  CHECK(row[5] == "0");
  CHECK(row[6] == "1");
  CHECK(row[10] == "2");
  CHECK(row[11] == "2");
}

TEST_CASE("formats: the OTLP logs samples are otlp-logs with 14 logs, 1 error, pretty or per line",
          "[e2e][otlp-logs]") {
  for (const char* path : {"samples/otlp_logs.json", "samples/otlp_logs.jsonl"}) {
    auto row = info_row(path);
    CHECK(row[1] == "otlp-logs");
    CHECK(row[4] == "0");
    CHECK(row[5] == "14");
    CHECK(row[6] == "1");
    CHECK(row[11] == "2");
  }
}

TEST_CASE("formats: info names the producer where the file tells", "[e2e][info]") {
  CHECK(info_row("samples/pino.jsonl")[2] == "pino");
  CHECK(info_row("samples/chrome_trace.json")[2] == "clang -ftime-trace");
  CHECK(info_row("samples/otlp_traces.jsonl")[2] == "opentelemetry python 1.29.0");
  CHECK(info_row("samples/chrome_trace_array.json")[2].empty());
}
