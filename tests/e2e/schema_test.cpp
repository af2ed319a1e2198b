// The machine output is a contract: for each subcommand's --format json, the exact
// top-level keys (in order), schema_version 1, and the exact keys of a row. A change
// here must be deliberate: bump schema_version when a key changes meaning or goes away,
// update the man page's JSON OUTPUT section, then this test. CSV headers are the row keys.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include <simdjson.h>

#include "support/run_trace.h"

using trace::testing::read_file;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {

using Keys = std::vector<std::string>;

struct Shape {
  Keys top;
  int64_t schema_version = 0;
  Keys row;  // the first row's keys
};

Keys keys_of(simdjson::dom::object object) {
  Keys keys;
  for (auto field : object) keys.emplace_back(field.key);
  return keys;
}

Shape shape_of(const std::string& json, const std::string& rows_key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  Shape shape;
  simdjson::dom::object top = doc.get_object();
  shape.top = keys_of(top);
  shape.schema_version = top["schema_version"].get_int64();
  simdjson::dom::array rows = top[rows_key].get_array();
  REQUIRE(rows.size() > 0);
  shape.row = keys_of(rows.at(0).get_object());
  return shape;
}

Shape run_shape(const std::string& args, const std::string& rows_key = "rows", int exit_code = 0) {
  auto result = run_trace(args);
  INFO("trace " << args << "\n" << result.err);
  REQUIRE(result.exit_code == exit_code);
  return shape_of(result.out, rows_key);
}

std::string csv_header(const std::string& args) {
  auto result = run_trace(args);
  return result.out.substr(0, result.out.find('\n'));
}

std::string joined(const Keys& keys) {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : ",") + k;
  return out;
}

// Every key is named in the man page of the command (its JSON OUTPUT section).
void check_documented(const std::string& command, const Keys& keys) {
  std::string man = std::regex_replace(read_file(source_path("man/trace-" + command + ".1")), std::regex("\\\\"), "");
  for (const std::string& key : keys) {
    INFO("trace-" << command << "(1) documents \"" << key << "\"");
    CHECK(man.find("\"" + key + "\"") != std::string::npos);
  }
}

const Keys kTableTop = {"schema_version", "command", "inputs", "records", "spans", "logs", "skipped",
                        "skipped_at", "approximate", "notes", "rows"};

}  // namespace

TEST_CASE("schema: stats --format json", "[e2e][schema]") {
  Shape s = run_shape("stats --json samples/otlp_traces.json");
  Keys top = kTableTop;
  top.insert(top.begin() + 9, "percentile_method");
  CHECK(s.top == top);
  CHECK(s.schema_version == 1);
  Keys row = {"name",   "count",  "errors", "error_rate", "min_ns", "mean_ns", "p50_ns",
              "p90_ns", "p95_ns", "p99_ns", "max_ns",     "total_ns"};
  CHECK(s.row == row);
  CHECK(csv_header("stats --csv samples/otlp_traces.json") == joined(row));
  check_documented("stats", top);
  check_documented("stats", row);
}

TEST_CASE("schema: top --format json", "[e2e][schema]") {
  Shape s = run_shape("top --json -n 1 samples/otlp_traces.json");
  CHECK(s.top == kTableTop);
  CHECK(s.schema_version == 1);
  Keys row = {"rank",     "duration_ns", "name",    "service", "start_ns", "trace_id",
              "span_id",  "parents",     "status",  "attrs",   "source"};
  CHECK(s.row == row);
  CHECK(csv_header("top --csv -n 1 samples/otlp_traces.json") == joined(row));
  check_documented("top", kTableTop);
  check_documented("top", row);
}

TEST_CASE("schema: info --format json", "[e2e][schema]") {
  Shape s = run_shape("info --json samples/otlp_traces.json");
  CHECK(s.top == kTableTop);
  CHECK(s.schema_version == 1);
  Keys row = {"file",     "format",  "producer", "bytes",  "spans",  "logs",    "errors",
              "first_ns", "last_ns", "wall_ns",  "traces", "services", "names"};
  CHECK(s.row == row);
  CHECK(csv_header("info --csv samples/otlp_traces.json") == joined(row));
  check_documented("info", kTableTop);
  check_documented("info", row);
}

TEST_CASE("schema: grep --format json", "[e2e][schema]") {
  Shape s = run_shape("grep --json retrieve samples/otlp_traces.json", "matches");
  Keys top = {"schema_version", "command", "matches", "count", "skipped", "skipped_at"};
  CHECK(s.top == top);
  CHECK(s.schema_version == 1);
  Keys match = {"kind",    "time_ns", "duration_ns", "name",   "message", "level", "severity", "service",
                "trace_id", "span_id", "parent_id",  "status", "file",    "line",  "attrs"};
  CHECK(s.row == match);
  check_documented("grep", top);
  check_documented("grep", match);
}

TEST_CASE("schema: diff --format json", "[e2e][schema]") {
  Shape s = run_shape("diff --json --fail-on 'p95>+10%' samples/ci/baseline.jsonl samples/ci/regressed.jsonl", "rows",
                      1);
  Keys top = {"schema_version", "command", "base",  "new",   "group_by",    "approximate", "percentile_method",
              "threshold",      "notes",   "rows",  "rules", "rules_failed"};
  CHECK(s.top == top);
  CHECK(s.schema_version == 1);
  Keys row = {"name", "presence"};
  for (std::string stem : {"count", "errors", "error_rate", "p50_ns", "p95_ns", "p99_ns", "total_ns", "cost_usd"}) {
    std::string rel = stem == "cost_usd" ? "cost" : stem.substr(0, stem.find("_ns"));
    for (std::string prefix : {"base_", "new_", "delta_"}) row.push_back(prefix + stem);
    row.push_back("rel_" + rel);
  }
  row.push_back("regression");
  row.push_back("over_threshold");
  CHECK(s.row == row);
  CHECK(csv_header("diff --csv samples/ci/baseline.jsonl samples/ci/regressed.jsonl") == joined(row));
  Shape rules = run_shape("diff --json --fail-on 'p95>+10%' samples/ci/baseline.jsonl samples/ci/regressed.jsonl",
                          "rules", 1);
  Keys rule = {"rule", "passed", "groups_checked", "violations"};
  CHECK(rules.row == rule);
  check_documented("diff", top);
  check_documented("diff", rule);
  check_documented("diff", {"inputs", "records", "spans", "logs", "skipped", "relative", "error_rate_points", "group",
                            "base", "new", "change"});
}

TEST_CASE("schema: check --format json", "[e2e][schema]") {
  Shape s = run_shape("check --json --rule 'p95 < 10s' samples/ci/baseline.jsonl");
  CHECK(s.top == kTableTop);
  CHECK(s.schema_version == 1);
  Keys row = {"rule", "label", "source", "selection", "metric", "op", "limit", "unit", "measured", "spans", "result"};
  CHECK(s.row == row);
  CHECK(csv_header("check --csv --rule 'p95 < 10s' samples/ci/baseline.jsonl") == joined(row));
  check_documented("check", kTableTop);
  check_documented("check", row);
}
