// trace check, end to end: the sample budgets on the baseline (all pass) and the
// regressed run (some fail), in every format, JUnit XML, and malformed rules.
#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::expected_output;
using trace::testing::run_shell;
using trace::testing::run_trace;

TEST_CASE("check: every sample budget passes on the baseline run, exit 0", "[e2e][check]") {
  check_golden("check --budget samples/ci/budgets.toml samples/ci/baseline.jsonl", "check_baseline.txt", 0);
}

TEST_CASE("check: the regressed run fails three budgets, exit 1", "[e2e][check]") {
  check_golden("check --budget samples/ci/budgets.toml samples/ci/regressed.jsonl", "check_regressed.txt", 1);
}

TEST_CASE("check: the JSON budget file holds the same rules as the TOML one", "[e2e][check]") {
  auto toml = run_trace("check --budget samples/ci/budgets.toml samples/ci/regressed.jsonl");
  auto json = run_trace("check --budget samples/ci/budgets.json samples/ci/regressed.jsonl");
  CHECK(json.exit_code == 1);
  CHECK(json.out == toml.out);
}

TEST_CASE("check: JSON rows carry the rule, its source, limit and measured value raw", "[e2e][check]") {
  check_golden("check --json --budget samples/ci/budgets.json samples/ci/regressed.jsonl", "check_regressed.json", 1);
}

TEST_CASE("check: Markdown with a summary line first", "[e2e][check]") {
  check_golden("check --format md --budget samples/ci/budgets.toml samples/ci/regressed.jsonl", "check_regressed.md",
               1);
}

TEST_CASE("check: CSV has a header row of the JSON row keys", "[e2e][check]") {
  auto result = run_trace("check --csv --rule 'name=llm.chat p95 < 2s' --rule 'cost < 0.14' samples/ci/regressed.jsonl");
  CHECK(result.exit_code == 1);
  CHECK(result.out ==
        "rule,label,source,selection,metric,op,limit,unit,measured,spans,result\n"
        "name=llm.chat p95 < 2s,,--rule 1,name=llm.chat,p95,<,2000000000,ns,1761250000,16,pass\n"
        "cost < 0.14,,--rule 2,,cost,<,0.14,usd,0.14127,104,fail\n");
}

TEST_CASE("check: --junit writes one test case per rule, failures with the measured value", "[e2e][check]") {
  auto result = run_shell(
      "f=$(mktemp) && \"$TRACE\" check --budget samples/ci/budgets.toml --junit \"$f\" samples/ci/regressed.jsonl "
      "> /dev/null; rc=$?; cat \"$f\"; rm -f \"$f\"; exit $rc");
  CHECK(result.exit_code == 1);
  CHECK(result.out == expected_output("check_regressed.xml", result.out));
}

TEST_CASE("check: rules on the command line, an empty selection fails", "[e2e][check]") {
  auto result = run_trace(
      "check --rule 'name=llm.chat p95 < 2s' --rule 'name=llm.chatt p95 < 2s' --rule 'count(name=llm.chatt) = 0' "
      "samples/ci/baseline.jsonl");
  CHECK(result.exit_code == 1);
  CHECK(result.out ==
        "result  rule                       measured  spans\n"
        "PASS    name=llm.chat p95 < 2s     1.75 s       16\n"
        "FAIL    name=llm.chatt p95 < 2s    no spans      0\n"
        "PASS    count(name=llm.chatt) = 0  0             0\n"
        "\n"
        "1 of 3 rules failed\n");
}

TEST_CASE("check: a malformed --rule names its number and column, exit 2", "[e2e][check]") {
  auto result = run_trace("check --rule 'error_rate < 1%' --rule 'name=llm.chat p95 2s' samples/ci/baseline.jsonl");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "trace check: error: --rule: rule 2, column 19: expected an operator (<, <=, >, >=, =, !=) after 'p95'\n"
        "  name=llm.chat p95 2s\n"
        "                    ^\n"
        "Try 'trace check --help'.\n");
}

TEST_CASE("check: a malformed rule in a budget file is located in the file, exit 2", "[e2e][check]") {
  auto result = run_shell(
      "d=$(mktemp -d) && printf '[[rule]]\\ncheck = \"p95 < 2s\"\\n\\n[[rule]]\\nname = \"x\"\\ncheck = "
      "\"name=llm.chat p95 < 2 s\"\\n' > \"$d/budgets.toml\" && \"$TRACE\" check --budget \"$d/budgets.toml\" "
      "samples/ci/baseline.jsonl 2>&1 | sed \"s|$d|DIR|\"; rc=${PIPESTATUS[0]}; rm -rf \"$d\"; exit $rc");
  CHECK(result.exit_code == 2);
  CHECK(result.out ==
        "trace: error: DIR/budgets.toml:6:30: p95 needs a duration such as 2s or 500ms, found '2'\n"
        "  name=llm.chat p95 < 2 s\n"
        "                      ^\n");
}

TEST_CASE("check: a malformed budget file is located, exit 2", "[e2e][check]") {
  auto result = run_shell(
      "d=$(mktemp -d) && printf 'rules = [\\n  \"p95 < 2s\"\\n  \"p99 < 3s\",\\n]\\n' > \"$d/b.toml\" && "
      "\"$TRACE\" check --budget \"$d/b.toml\" samples/ci/baseline.jsonl 2>&1 | sed \"s|$d|DIR|\"; "
      "rc=${PIPESTATUS[0]}; rm -rf \"$d\"; exit $rc");
  CHECK(result.exit_code == 2);
  CHECK(result.out == "trace: error: DIR/b.toml:3:3: expected ',' or ']' in the array, found '\"'\n");
}

TEST_CASE("check: no rules at all is a usage error, exit 2", "[e2e][check]") {
  auto result = run_trace("check samples/ci/baseline.jsonl");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "trace check: error: no rules: give --budget FILE or --rule 'RULE' (see 'man trace-check')\n"
        "Try 'trace check --help'.\n");
}

TEST_CASE("check: output is the same for -j1, -j4 and any chunk size", "[e2e][check]") {
  auto one = run_trace("check --json -j1 --budget samples/ci/budgets.toml samples/ci/regressed.jsonl");
  auto four =
      run_trace("check --json -j4 --chunk-bytes 1024 --budget samples/ci/budgets.toml samples/ci/regressed.jsonl");
  CHECK(one.exit_code == 1);
  CHECK(four.out == one.out);
}
