// trace convert, end to end: exact output on a sample, round trips of every sample through
// every target (read back by the binary and compared with reading the original), usage
// and input errors.
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <regex>
#include <simdjson.h>

#include "formats/otlp_writer.h"
#include "support/run_trace.h"

using trace::testing::check_golden;
using trace::testing::run_shell;
using trace::testing::run_trace;

namespace {

// The samples every round trip covers: every format trace reads.
const char* const kSamples[] = {
    "app_logs.jsonl",      "chrome_trace.json", "chrome_trace_array.json", "exec_summary.jsonl",
    "genai_trace.json",    "hostile.json",      "jaeger.json",             "liteagent.jsonl",
    "llm_calls.jsonl",     "otlp_logs.json",    "otlp_logs.jsonl",         "otlp_traces.json",
    "otlp_traces.jsonl",   "pino.jsonl",        "span_collector.json",     "stage_events.jsonl",
    "zipkin.json",
};

// One record as `trace convert --to jsonl` dumps it: every column's JSON text, attrs and
// resource key by key, flags by name. Maps, so that order does not matter: Chrome reads
// events back per thread by time, and OTLP puts the scope attributes last.
struct Record {
  std::map<std::string, std::string> columns;
  std::map<std::string, std::string> attrs, resource;
  std::set<std::string> flags;

  std::string text() const {
    std::string out;
    for (const auto& [key, value] : columns) out += key + "=" + value + " ";
    out += "attrs={";
    for (const auto& [key, value] : attrs) out += key + ":" + value + ",";
    out += "} resource={";
    for (const auto& [key, value] : resource) out += key + ":" + value + ",";
    out += "} flags=";
    for (const std::string& flag : flags) out += flag + ",";
    return out;
  }
};

std::string unquote(const std::string& json) { return json.size() >= 2 ? json.substr(1, json.size() - 2) : json; }

std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The records of a `convert --to jsonl` dump of several files, by file name (without its
// directory and without the extension `strip`), each file's records as sorted texts
// after `adjust`.
template <class Adjust>
std::map<std::string, std::vector<std::string>> read_dump(const std::string& dump, const std::string& strip,
                                                          Adjust adjust) {
  std::map<std::string, std::vector<std::string>> files;
  simdjson::dom::parser parser;
  std::istringstream lines(dump);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::object object = parser.parse(line).get_object();
    Record record;
    std::string file;
    for (auto [key, value] : object) {
      std::string name(key);
      if (name == "file") {
        file = basename(std::string(std::string_view(value.get_string())));
        if (!strip.empty() && file.size() > strip.size()) file.resize(file.size() - strip.size());
      } else if (name == "line") {
        continue;  // where the record is, not what it is
      } else if (name == "attrs" || name == "resource") {
        for (auto [k, v] : value.get_object())
          (name == "attrs" ? record.attrs : record.resource)[std::string(k)] = simdjson::minify(v);
      } else if (name == "flags") {
        for (auto flag : value.get_array()) record.flags.insert(std::string(std::string_view(flag.get_string())));
      } else {
        record.columns[name] = simdjson::minify(value);
      }
    }
    adjust(record);
    files[file].push_back(record.text());
  }
  for (auto& [file, records] : files) std::sort(records.begin(), records.end());
  return files;
}

// Converts every sample to `target` and dumps both the samples and the results as
// trace's jsonl: what the binary reads from each.
struct RoundTrip {
  std::string originals, converted, err;
  int exit_code = -1;
};

RoundTrip round_trip(const std::string& target, const std::string& extension) {
  std::string script = "set -e\ndir=$(mktemp -d)\ntrap 'rm -rf \"$dir\"' EXIT\n";
  std::string samples;
  for (const char* sample : kSamples) {
    script += "\"$TRACE\" convert --to " + target + " samples/" + sample + " -o \"$dir/" + sample + extension + "\"\n";
    samples += std::string(" samples/") + sample;
  }
  script += "\"$TRACE\" convert --to jsonl" + samples + "\necho '#####'\n\"$TRACE\" convert --to jsonl \"$dir\"/*" +
            extension + "\n";
  auto run = run_shell(script);
  RoundTrip result;
  result.exit_code = run.exit_code;
  result.err = run.err;
  size_t split = run.out.find("#####\n");
  if (split == std::string::npos) return result;
  result.originals = run.out.substr(0, split);
  result.converted = run.out.substr(split + 6);
  return result;
}

// Every sample's records, read back from `target`, equal the original's after `expect`
// applies the documented changes to each original record.
template <class Expect>
void check_round_trip(const std::string& target, const std::string& extension, Expect expect) {
  RoundTrip run = round_trip(target, extension);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());
  auto originals = read_dump(run.originals, "", expect);
  auto converted = read_dump(run.converted, extension, [](Record&) {});
  REQUIRE(originals.size() == std::size(kSamples));
  for (const char* sample : kSamples) {
    INFO(sample << " through " << target);
    const std::vector<std::string>& want = originals[sample];
    const std::vector<std::string>& got = converted[sample];
    CHECK(got.size() == want.size());
    for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
      INFO("record " << i);
      CHECK(got[i] == want[i]);
      if (got[i] != want[i]) break;
    }
  }
}

// What OTLP changes (trace-convert(1), Round trips): ids to hex (a hashed one kept as an
// attribute), flags but incomplete, a span at time 0 loses its times (0 is OTLP's
// "unknown"), service.name joins the resource.
void expect_otlp(Record& r) {
  auto& c = r.columns;
  bool span = c["kind"] == "\"span\"";
  for (auto [column, bytes] : {std::pair{"trace_id", 16}, std::pair{"span_id", 8}, std::pair{"parent_id", 8}}) {
    if (c[column] == "null") continue;
    std::string hex;
    bool kept = trace::formats::append_otlp_hex_id(unquote(c[column]), bytes, hex);
    if (!kept && std::string(column) != "parent_id")
      r.attrs[std::string("trace.original_") + column] = c[column];
    c[column] = "\"" + hex + "\"";
  }
  std::erase_if(r.flags, [](const std::string& flag) { return flag != "incomplete"; });
  if (span && (c["time_ns"] == "null" || c["time_ns"] == "0")) {
    c["time_ns"] = c["end_ns"] = c["duration_ns"] = "null";
    r.flags.insert({"start_unknown", "incomplete"});
  }
  if (c["service"] != "null" && !r.resource.count("service.name")) r.resource["service.name"] = c["service"];
}

}  // namespace

TEST_CASE("convert: --to otlp writes the collector's file exporter lines", "[e2e][convert]") {
  check_golden("convert --to otlp samples/span_collector.json", "convert_span_collector.otlp.jsonl");
}

TEST_CASE("convert: --to chrome writes Chrome Trace Event JSON", "[e2e][convert]") {
  check_golden("convert --to chrome samples/span_collector.json", "convert_span_collector.chrome.json");
}

TEST_CASE("convert: --to jsonl writes one flat record per line", "[e2e][convert]") {
  check_golden("convert --to jsonl samples/span_collector.json", "convert_span_collector.jsonl");
}

TEST_CASE("convert: every sample reads back the same from jsonl", "[e2e][convert]") {
  check_round_trip("jsonl", ".jsonl", [](Record&) {});
}

TEST_CASE("convert: every sample reads back the same from chrome, but resource attributes", "[e2e][convert]") {
  check_round_trip("chrome", ".json", [](Record& r) { r.resource.clear(); });
}

TEST_CASE("convert: every sample reads back the same from otlp, ids as OTLP wants them", "[e2e][convert]") {
  check_round_trip("otlp", ".otlp.jsonl", expect_otlp);
}

TEST_CASE("convert: stats and tree read the same from every target", "[e2e][convert]") {
  // The round trips above compare every record of every sample; here the commands' own
  // answers, on OTLP, Chrome and JSON-lines logs (spans and logs of one trace).
  const std::string samples = "otlp_traces.json chrome_trace.json app_logs.jsonl";
  auto run = run_shell("set -e\ndir=$(mktemp -d)\ntrap 'rm -rf \"$dir\"' EXIT\n"
                       "for s in " + samples + "; do\n"
                       "  echo \"== $s\"; \"$TRACE\" stats --json samples/$s | grep -v '\"inputs\"'; \"$TRACE\" tree samples/$s\n"
                       "  for t in chrome otlp jsonl; do\n"
                       "    \"$TRACE\" convert --to $t samples/$s -o \"$dir/$s.$t\"\n"
                       "    echo \"== $s\"; \"$TRACE\" stats --json \"$dir/$s.$t\" | grep -v '\"inputs\"'; \"$TRACE\" tree \"$dir/$s.$t\"\n"
                       "  done\n"
                       "done\n");
  REQUIRE(run.exit_code == 0);
  // OTLP trace ids are hex: compare trees with the trace ids left out.
  std::string out = std::regex_replace(run.out, std::regex("(^|\\n)trace [^ ]+ "), "$1trace ID ");
  std::vector<std::string> parts;
  for (size_t at = 0; at < out.size();) {
    size_t next = out.find("== ", at + 1);
    if (next == std::string::npos) next = out.size();
    parts.push_back(out.substr(at, next - at));
    at = next;
  }
  REQUIRE(parts.size() == 3 * 4);
  for (size_t i = 0; i < parts.size(); i += 4) {
    for (size_t t = 1; t < 4; ++t) {
      INFO(parts[i].substr(0, parts[i].find('\n')) << " through " << (t == 1 ? "chrome" : t == 2 ? "otlp" : "jsonl"));
      // OTLP has no instants: Chrome's two instant events come back as spans of 0 ns.
      if (t == 2 && parts[i].starts_with("== chrome_trace.json")) {
        CHECK(parts[i + t].find("\"spans\": 32,") != std::string::npos);
        CHECK(parts[i + t].find("\"logs\": 3,") != std::string::npos);
        CHECK(parts[i + t].find("{\"name\":\"cache_miss\",\"count\":1,\"errors\":0,\"error_rate\":0,\"min_ns\":0,") !=
              std::string::npos);
        continue;
      }
      CHECK(parts[i + t] == parts[i]);
    }
  }
}

TEST_CASE("convert: OTLP to OTLP gives the same bytes; Chrome to Chrome after one pass", "[e2e][convert]") {
  auto run = run_shell(
      "set -e\ndir=$(mktemp -d)\ntrap 'rm -rf \"$dir\"' EXIT\n"
      "for s in otlp_traces.json chrome_trace.json app_logs.jsonl stage_events.jsonl; do\n"
      "  \"$TRACE\" convert --to otlp samples/$s -o \"$dir/a\"; \"$TRACE\" convert --to otlp \"$dir/a\" -o \"$dir/b\"\n"
      "  cmp \"$dir/a\" \"$dir/b\" && echo \"$s otlp same\"\n"
      "  \"$TRACE\" convert --to chrome samples/$s -o \"$dir/c\"; \"$TRACE\" convert --to chrome \"$dir/c\" -o \"$dir/d\"\n"
      "  \"$TRACE\" convert --to chrome \"$dir/d\" -o \"$dir/e\"; cmp \"$dir/d\" \"$dir/e\" && echo \"$s chrome same\"\n"
      "done\n");
  CHECK(run.exit_code == 0);
  CHECK(run.out ==
        "otlp_traces.json otlp same\notlp_traces.json chrome same\nchrome_trace.json otlp same\n"
        "chrome_trace.json chrome same\napp_logs.jsonl otlp same\napp_logs.jsonl chrome same\n"
        "stage_events.jsonl otlp same\nstage_events.jsonl chrome same\n");
}

TEST_CASE("convert: standard input, several inputs into one output, and .gz", "[e2e][convert]") {
  auto run = run_shell(
      "set -e\n"
      "\"$TRACE\" convert --to jsonl - < samples/zipkin.json | head -1 | grep -o '\"file\":\"[^\"]*\",\"line\":[0-9]*'\n"
      "\"$TRACE\" convert --to otlp samples/zipkin.json samples/otlp_logs.json | \"$TRACE\" stats --json - "
      "| grep -E '\"(spans|logs)\"'\n"
      "gzip -c samples/jaeger.json | \"$TRACE\" convert --to chrome - | \"$TRACE\" info --json - | grep -o '\"spans\": *[0-9]*' | head -1\n");
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out == "\"file\":\"<stdin>\",\"line\":3\n  \"spans\": 15,\n  \"logs\": 14,\n\"spans\": 15\n");
}

TEST_CASE("convert: an unknown --to is a usage error naming the accepted values", "[e2e][convert]") {
  auto run = run_trace("convert --to xml samples/zipkin.json -o /tmp/trace_convert_never");
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  CHECK(run.err == "trace convert: error: --to: unknown format 'xml' (expected chrome, otlp or jsonl)\n"
                   "Try 'trace convert --help'.\n");
  auto missing = run_trace("convert samples/zipkin.json");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--to is required") != std::string::npos);
}

TEST_CASE("convert: a malformed input is a located error, exit 2, and leaves no -o file", "[e2e][convert]") {
  auto run = run_shell(
      "dir=$(mktemp -d)\n"
      "\"$TRACE\" convert --to otlp samples/zipkin.json samples/bad/truncated_otlp.json -o \"$dir/out.jsonl\"\n"
      "echo \"exit $?\"; ls -A \"$dir\"; rm -rf \"$dir\"\n");
  CHECK(run.out == "exit 2\n");
  CHECK(run.err == "trace: error: samples/bad/truncated_otlp.json:76:14: expected a closing '\"', found the end of the text\n");
}

TEST_CASE("convert: --lenient converts the good lines and says what it skipped", "[e2e][convert]") {
  auto run = run_trace("convert --to jsonl --lenient -",
                       "{\"level\":\"info\",\"msg\":\"a\",\"time\":\"2025-01-15T10:30:00Z\"}\n{\"level\":\n"
                       "{\"level\":\"warn\",\"msg\":\"b\",\"time\":\"2025-01-15T10:30:01Z\"}\n");
  CHECK(run.exit_code == 0);
  CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 2);
  CHECK(run.err.find("trace: warning: <stdin>: skipped 1 malformed record (--lenient)\n  <stdin>:2:") == 0);
}
