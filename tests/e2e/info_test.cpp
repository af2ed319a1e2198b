// trace info, end to end.
#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

TEST_CASE("info: every sample, detected format and counts", "[e2e][info]") {
  auto result = run_shell("export LC_ALL=C; \"$TRACE\" info samples/*.json samples/*.jsonl");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == expected_output("info_samples.txt", result.out));
}

TEST_CASE("info: JSON output carries the schema version and raw numbers", "[e2e][info]") {
  auto result = run_trace("info --json samples/otlp_traces.json");
  CHECK(result.exit_code == 0);
  CHECK(result.out == expected_output("info_otlp.json", result.out));
}

TEST_CASE("info: --input-format overrides detection and rejects unknown names", "[e2e][info]") {
  auto good = run_trace("info --csv --input-format otlp-traces samples/otlp_traces.json");
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("samples/otlp_traces.json,otlp-traces,") != std::string::npos);
  auto bad = run_trace("info --input-format zipkinn samples/otlp_traces.json");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--input-format") != std::string::npos);
}
