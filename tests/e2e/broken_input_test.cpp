// Broken input (issue 10): trace files come from crashed processes, truncated uploads and
// untrusted systems. For each kind of damage, the exact behaviour trace-formats(5)
// MALFORMED INPUT documents: a located error and exit 2 with nothing on stdout, or the
// documented recovery; under --lenient, the skip counted and located. The small inputs
// are in tests/data/bad/; big ones (a 10 MB line, 100k-deep nesting, /dev/zero) are
// made at run time in /tmp.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "formats/json_scan.h"
#include "formats/read_inputs.h"
#include "src/errors.h"
#include "support/load_text.h"
#include "support/run_trace.h"

using trace::testing::load_error;
using trace::testing::load_text;
using trace::testing::read_sample;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::RunResult;

namespace {

constexpr const char* kBad = "tests/data/bad/";

// What `trace info --json` says about the inputs: counts and where skips were.
struct Counts {
  int64_t spans = -1, logs = -1, skipped = -1;
  std::vector<std::string> skipped_at;
  std::string format;
};

Counts info_counts(const RunResult& result) {
  Counts counts;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(result.out);
  counts.spans = doc["spans"].get_int64();
  counts.logs = doc["logs"].get_int64();
  counts.skipped = doc["skipped"].get_int64();
  for (simdjson::dom::element where : doc["skipped_at"].get_array())
    counts.skipped_at.emplace_back(std::string_view(where.get_string()));
  counts.format = std::string(std::string_view(doc["rows"].at(0)["format"].get_string()));
  return counts;
}

Counts info(const std::string& args) {
  RunResult result = run_trace("info --json " + args);
  INFO("trace info --json " << args << "\nstderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  return info_counts(result);
}

// A failed run: exit 2, nothing on stdout (no partial aggregate), and exactly `err`.
void check_fails(const std::string& args, const std::string& err) {
  RunResult result = run_trace(args);
  INFO("trace " << args);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == err);
}

std::string tmp_path(const std::string& name) { return "/tmp/trace_broken_" + std::to_string(::getpid()) + "_" + name; }

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Loads `text` in process with --lenient; returns records read and skips.
struct LenientLoad {
  size_t records = 0;
  trace::formats::ReadReport report;
};

LenientLoad load_lenient(const std::string& text, const std::string& format, const std::string& name = "input.json") {
  LenientLoad loaded;
  trace::testing::CollectSink sink;
  trace::formats::ReadOptions options;
  options.input_format = format;
  options.lenient = true;
  std::vector<trace::formats::Input> inputs{{name, [&] { return trace::Source::from_string(name, text); }}};
  trace::RecordSink* sinks[] = {&sink};
  loaded.report = trace::formats::read_inputs(inputs, options, sinks);
  loaded.records = sink.spans.size() + sink.logs.size();
  return loaded;
}

size_t records_of(const std::string& text, const std::string& format) {
  trace::testing::Loaded loaded = load_text(text, format);
  return loaded.records.spans.size() + loaded.records.logs.size();
}

// The line a located message names: "input.json:LINE:COL: ..." -> LINE, or 0.
uint64_t line_of(const std::string& message) {
  const std::string prefix = "input.json:";
  if (message.rfind(prefix, 0) != 0) return 0;
  return std::stoull(message.substr(prefix.size()));
}

uint64_t lines_in(const std::string& text) { return 1 + std::count(text.begin(), text.end(), '\n'); }

// Every prefix of `text` that is not blank and not complete must fail with a message
// located inside the prefix; `complete(prefix)` says which prefixes are whole and
// returns the records they must give (or -1 for "must fail").
template <class Expected>
void check_every_prefix(const std::string& text, const std::string& format, Expected&& expected) {
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    std::string prefix = text.substr(0, cut);
    long want = expected(prefix);
    INFO("format " << format << ", cut at byte " << cut << " of " << text.size() << ":\n" << prefix);
    if (want >= 0) {
      long got = -1;
      try {
        got = static_cast<long>(records_of(prefix, format));
      } catch (const trace::InputError& e) {
        FAIL("unexpected error: " << e.what());
      }
      CHECK(got == want);
    } else {
      std::string message = load_error(prefix, format, "input.json");
      uint64_t line = line_of(message);
      CHECK(message != "<no error>");
      CHECK(line >= 1);
      CHECK(line <= lines_in(prefix));
    }
  }
}

std::string fmt_span_id(int i) {
  char id[17];
  std::snprintf(id, sizeof id, "%016x", i + 1);
  return id;
}

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string trim_right(std::string text) {
  while (!text.empty() && std::string(" \t\r\n").find(text.back()) != std::string::npos) text.pop_back();
  return text;
}

const std::string kOtlpDocument = R"({
  "resourceSpans": [
    {
      "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
      "scopeSpans": [
        {
          "scope": {"name": "shop.tracer", "version": "2.1.0"},
          "spans": [
            {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
             "name": "POST /checkout", "kind": 2,
             "startTimeUnixNano": "1736937000000000000", "endTimeUnixNano": "1736937000420000000",
             "attributes": [{"key": "http.status_code", "value": {"intValue": "200"}}]},
            {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "0a1b2c3d4e5f6071",
             "parentSpanId": "eee19b7ec3c1b174", "name": "charge card", "kind": 3,
             "startTimeUnixNano": "1736937000100000000", "endTimeUnixNano": "1736937000350000000",
             "status": {"code": 2, "message": "card declined"}}
          ]
        }
      ]
    }
  ]
}
)";

const std::string kChromeArray = R"([
{"name":"process_name","ph":"M","pid":7,"tid":1,"args":{"name":"renderer"}},
{"name":"frame","cat":"gfx","ph":"B","ts":1000,"pid":7,"tid":1},
{"name":"layout","cat":"gfx","ph":"X","ts":1100,"dur":300,"pid":7,"tid":1,"args":{"nodes":412}},
{"name":"paint","cat":"gfx","ph":"X","ts":1500,"dur":250,"pid":7,"tid":1},
{"name":"heap","ph":"C","ts":1600,"pid":7,"tid":1,"args":{"used_mb":81.5}},
{"name":"frame","cat":"gfx","ph":"E","ts":2000,"pid":7,"tid":1},
{"name":"vsync","ph":"i","s":"t","ts":2100,"pid":7,"tid":1}
]
)";

const std::string kJsonlLogs =
    "{\"time\":\"2025-01-15T10:30:00.000Z\",\"level\":\"info\",\"msg\":\"request start\",\"request_id\":\"r-1\"}\n"
    "{\"time\":\"2025-01-15T10:30:00.250Z\",\"level\":\"info\",\"msg\":\"db query\",\"duration_ms\":42.5}\n"
    "{\"time\":\"2025-01-15T10:30:00.900Z\",\"level\":\"error\",\"msg\":\"upstream timeout\",\"err\":\"ETIMEDOUT\"}\n";

}  // namespace

// ---------------------------------------------------------------------------------------
// Truncation at every byte: a crashed writer or a cut upload stops anywhere.

TEST_CASE("broken: every prefix of an OTLP document is a located error, but the empty and the whole one",
          "[e2e][broken]") {
  check_every_prefix(kOtlpDocument, "otlp-traces", [](const std::string& prefix) -> long {
    if (blank(prefix)) return 0;
    if (trim_right(prefix) == trim_right(kOtlpDocument)) return 2;
    return -1;
  });
}

TEST_CASE("broken: every prefix of OTLP JSON lines reads the lines before the cut; a cut line is a located error",
          "[e2e][broken]") {
  std::string doc = kOtlpDocument;
  // One request per line, as the Collector's file exporter writes them.
  std::string line;
  for (char c : doc)
    if (c != '\n') line += c;
  std::string text = line + "\n" + line + "\n";
  check_every_prefix(text, "otlp-traces", [&](const std::string& prefix) -> long {
    size_t whole_lines = std::count(prefix.begin(), prefix.end(), '\n');
    std::string rest = prefix.substr(prefix.rfind('\n') == std::string::npos ? 0 : prefix.rfind('\n') + 1);
    if (blank(rest)) return static_cast<long>(2 * whole_lines);
    if (rest == line) return static_cast<long>(2 * (whole_lines + 1));
    return -1;
  });
}

TEST_CASE("broken: every prefix of JSON-lines logs reads the lines before the cut; a cut line is a located error",
          "[e2e][broken]") {
  // Records per line: a log record, and a span too for the line with a duration.
  const long per_line[] = {1, 2, 1};
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < kJsonlLogs.size();) {
    size_t nl = kJsonlLogs.find('\n', pos);
    lines.push_back(kJsonlLogs.substr(pos, nl - pos));
    pos = nl + 1;
  }
  check_every_prefix(kJsonlLogs, "jsonl", [&](const std::string& prefix) -> long {
    size_t whole_lines = std::count(prefix.begin(), prefix.end(), '\n');
    std::string rest = prefix.substr(prefix.rfind('\n') == std::string::npos ? 0 : prefix.rfind('\n') + 1);
    long records = 0;
    for (size_t i = 0; i < whole_lines; ++i) records += per_line[i];
    if (blank(rest)) return records;
    if (rest == lines[whole_lines]) return records + per_line[whole_lines];
    return -1;
  });
}

TEST_CASE("broken: every prefix of a Chrome array reads as if the array were closed after its last whole event",
          "[e2e][broken]") {
  // Where each event ends, found by the same scanner the loader uses.
  std::vector<size_t> event_ends;
  for (size_t pos = trace::formats::skip_whitespace(kChromeArray, 1); kChromeArray[pos] == '{';) {
    size_t end = trace::formats::find_value_end(kChromeArray, pos);
    event_ends.push_back(end);
    pos = trace::formats::skip_whitespace(kChromeArray, end);
    if (kChromeArray[pos] == ',') pos = trace::formats::skip_whitespace(kChromeArray, pos + 1);
  }
  REQUIRE(event_ends.size() == 7);
  check_every_prefix(kChromeArray, "chrome", [&](const std::string& prefix) -> long {
    if (blank(prefix)) return 0;
    size_t last_end = 1;  // after '['
    for (size_t end : event_ends)
      if (end <= prefix.size()) last_end = end;
    // Between events only whitespace, one comma and the closing bracket may follow.
    std::string rest = prefix.substr(last_end);
    std::string tail;
    for (char c : rest)
      if (c != ' ' && c != '\n') tail += c;
    if (tail != "" && tail != "," && tail != "]") return -1;
    return static_cast<long>(records_of(kChromeArray.substr(0, last_end) + "]", "chrome"));
  });
  // The streaming producer's case, in numbers: killed after the paint event, the frame
  // B is an incomplete span, the counter a log record.
  trace::testing::Loaded cut = load_text(kChromeArray.substr(0, event_ends[4]), "chrome");
  CHECK(cut.records.spans.size() == 3);
  CHECK(cut.records.logs.size() == 1);
}

TEST_CASE("broken: every prefix of a Chrome object form is a located error, but the empty and the whole one",
          "[e2e][broken]") {
  std::string text = "{\"traceEvents\": [\n" + kChromeArray.substr(2, kChromeArray.rfind(']') - 2) +
                     "],\n\"displayTimeUnit\": \"ms\"}\n";
  check_every_prefix(text, "chrome", [&](const std::string& prefix) -> long {
    if (blank(prefix)) return 0;
    // The whole object form holds what the array form does.
    if (trim_right(prefix) == trim_right(text)) return static_cast<long>(records_of(kChromeArray, "chrome"));
    return -1;
  });
}

TEST_CASE("broken: a Chrome array cut inside an event is an error at the event; --lenient keeps the events before",
          "[e2e][broken]") {
  std::string file = std::string(kBad) + "truncated_chrome_event.json";
  check_fails("stats " + file, "trace: error: " + file + ":4:1: unexpected end of text inside an event\n");
  RunResult lenient = run_trace("info --json --lenient " + file);
  REQUIRE(lenient.exit_code == 0);
  Counts counts = info_counts(lenient);
  CHECK(counts.spans == 2);
  CHECK(counts.skipped == 1);
  CHECK(counts.skipped_at ==
        std::vector<std::string>{file + ":4:1: unexpected end of text inside an event (the rest of the trace was skipped)"});
  CHECK(lenient.err == "trace: warning: " + file + ": skipped 1 malformed record (--lenient)\n  " + file +
                           ":4:1: unexpected end of text inside an event (the rest of the trace was skipped)\n");
}

// ---------------------------------------------------------------------------------------
// Bytes that are not JSON text.

TEST_CASE("broken: invalid UTF-8 is an error located at the bad byte", "[e2e][broken]") {
  std::string lines = std::string(kBad) + "invalid_utf8.jsonl";
  check_fails("stats " + lines, "trace: error: " + lines + ":2:57: expected a JSON object (The input is not valid UTF-8)\n");
  std::string otlp = std::string(kBad) + "invalid_utf8_otlp.json";
  check_fails("stats " + otlp,
              "trace: error: " + otlp + ":2:91: expected a JSON text (The input is not valid UTF-8)\n");
  // --lenient skips the line and reads the others.
  Counts counts = info("--lenient " + lines);
  CHECK(counts.logs == 2);
  CHECK(counts.skipped == 1);
}

TEST_CASE("broken: a NUL byte is an error located at it; a crash's zero padding is skipped under --lenient",
          "[e2e][broken]") {
  std::string in_string = std::string(kBad) + "nul_in_string.jsonl";
  check_fails("stats " + in_string,
              "trace: error: " + in_string + ":2:55: found a NUL byte: binary data, not JSON text\n");
  std::string tail = std::string(kBad) + "nul_tail.jsonl";
  check_fails("stats " + tail, "trace: error: " + tail + ":3:1: found a NUL byte: binary data, not JSON text\n");
  Counts counts = info("--lenient " + tail);
  CHECK(counts.logs == 2);
  CHECK(counts.spans == 1);
  CHECK(counts.skipped_at == std::vector<std::string>{tail + ":3:1: found a NUL byte: binary data, not JSON text"});
}

TEST_CASE("broken: /dev/zero ends at once with an error, whatever --input-format and --lenient say", "[e2e][broken]") {
  RunResult detect = run_shell("timeout 10 \"$TRACE\" info /dev/zero");
  CHECK(detect.exit_code == 2);
  CHECK(detect.out.empty());
  CHECK(detect.err.rfind("trace: error: /dev/zero: not JSON: expected '{' or '[' at the start, found \"\\x00", 0) == 0);
  // Forced formats must not read on for ever looking for a line end or a document end.
  for (std::string format : {"jsonl", "chrome"}) {
    RunResult forced = run_shell("timeout 10 \"$TRACE\" info --input-format " + format + " /dev/zero");
    INFO(format);
    CHECK(forced.exit_code == 2);
    CHECK(forced.out.empty());
    CHECK(forced.err ==
          "trace: error: /dev/zero:1:1: found a NUL byte: binary data, not JSON text (the rest of the input was not "
          "read)\n");
  }
  RunResult lenient = run_shell("timeout 10 \"$TRACE\" info --json --lenient --input-format jsonl /dev/zero");
  REQUIRE(lenient.exit_code == 0);
  Counts counts = info_counts(lenient);
  CHECK(counts.logs == 0);
  CHECK(counts.skipped_at ==
        std::vector<std::string>{"/dev/zero:1:1: found a NUL byte: binary data, not JSON text (the rest of the input "
                                 "was not read)"});
}

TEST_CASE("broken: a UTF-8 byte order mark at the start and CRLF line ends are accepted", "[e2e][broken]") {
  Counts lines = info(std::string(kBad) + "bom_crlf.jsonl");
  CHECK(lines.format == "jsonl");
  CHECK(lines.logs == 2);
  CHECK(lines.spans == 2);
  RunResult stats = run_trace(std::string("stats --csv ") + kBad + "bom_crlf.jsonl");
  CHECK(stats.out ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "b,1,1,1,7000000,7000000,7000000,7000000,7000000,7000000,7000000,7000000\n"
        "a,1,0,0,5000000,5000000,5000000,5000000,5000000,5000000,5000000,5000000\n");
  Counts otlp = info(std::string(kBad) + "bom_crlf_otlp.json");
  CHECK(otlp.format == "otlp-traces");
  CHECK(otlp.spans == 1);
  Counts chrome = info(std::string(kBad) + "bom_chrome.json");
  CHECK(chrome.format == "chrome");
  CHECK(chrome.spans == 1);
  // A mark anywhere else is no JSON.
  std::string middle = tmp_path("bom_middle.jsonl");
  write(middle, "{\"msg\":\"a\",\"level\":\"info\"}\n\xEF\xBB\xBF{\"msg\":\"b\",\"level\":\"info\"}\n");
  check_fails("stats " + middle, "trace: error: " + middle + ":2:1: expected a JSON object\n");
  std::remove(middle.c_str());
}

// ---------------------------------------------------------------------------------------
// Size and depth.

TEST_CASE("broken: a 10 MB line is read, in JSON-lines logs and OTLP alike", "[e2e][broken]") {
  std::string message(10 << 20, 'x');
  std::string path = tmp_path("long_line.jsonl");
  write(path, "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"" + message +
                  "\"}\n{\"time\":\"2025-01-15T10:30:01Z\",\"level\":\"info\",\"msg\":\"next\"}\n");
  Counts counts = info("-j 2 " + path);
  CHECK(counts.logs == 2);

  // An OTLP request of 10 MB on one line: 2500 spans of 4 KB.
  std::string spans;
  for (int i = 0; i < 2500; ++i) {
    if (i > 0) spans += ',';
    spans += "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"" + fmt_span_id(i) +
             "\",\"name\":\"step\",\"startTimeUnixNano\":\"1736937000000000000\",\"endTimeUnixNano\":"
             "\"1736937000000100000\",\"attributes\":[{\"key\":\"pad\",\"value\":{\"stringValue\":\"" +
             std::string(4096, 'p') + "\"}}]}";
  }
  std::string request = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
  REQUIRE(request.size() > (10u << 20));
  std::string otlp = tmp_path("long_request.jsonl");
  write(otlp, request + "\n");
  CHECK(info(otlp).spans == 2500);

  for (const std::string& p : {path, otlp}) std::remove(p.c_str());
}

TEST_CASE("broken: 100k levels of nesting end in a located error or are kept whole, never a stack overflow",
          "[e2e][broken]") {
  const int n = 100000;
  auto repeat = [](const std::string& s, int times) {
    std::string out;
    out.reserve(s.size() * times);
    for (int i = 0; i < times; ++i) out += s;
    return out;
  };
  // Where a loader keeps a value as JSON text, depth costs nothing: it is kept.
  std::string log = tmp_path("deep.jsonl");
  write(log, "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"deep\",\"x\":" + repeat("{\"a\":", n) + "1" +
                 repeat("}", n) + "}\n");
  Counts counts = info(log);
  CHECK(counts.logs == 1);
  std::string chrome = tmp_path("deep_chrome.json");
  write(chrome, "[{\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1,\"name\":\"a\",\"args\":{\"x\":" + repeat("[", n) +
                    repeat("]", n) + "}}]\n");
  CHECK(info(chrome).spans == 1);

  // Where a loader descends (OTLP arrayValue/kvlistValue, substages), depth is limited.
  std::string head =
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
      "\"spanId\":\"b7ad6b7169203331\",\"name\":\"x\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\","
      "\"attributes\":[{\"key\":\"a\",\"value\":";
  std::string level = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":";
  std::string otlp = tmp_path("deep_otlp.json");
  write(otlp, head + repeat(level, n) + "{\"intValue\":1}" + repeat("}]}}", n) + "}]}]}]}]}\n");
  // The 101st kvlistValue is where the limit is passed.
  size_t col = head.size() + 100 * level.size() + std::string("{\"kvlistValue\":").size() + 1;
  check_fails("stats " + otlp, "trace: error: " + otlp + ":1:" + std::to_string(col) +
                                   ": expected arrayValue and kvlistValue nested at most 100 deep, found an object\n");
  std::string stages = tmp_path("deep_exec.json");
  std::string stage = "{\"stage_id\":\"s\",\"stage_name\":\"S\",\"duration_ms\":1,\"success\":true,\"substages\":[";
  write(stages, "{\"total_duration_ms\":1,\"stage_count\":1,\"stages\":[" + repeat(stage, n) + repeat("]}", n) + "]}\n");
  size_t stage_col = std::string("{\"total_duration_ms\":1,\"stage_count\":1,\"stages\":[").size() + 256 * stage.size() + 1;
  check_fails("stats " + stages, "trace: error: " + stages + ":1:" + std::to_string(stage_col) +
                                     ": expected substages nested at most 256 deep\n");
  for (const std::string& p : {log, chrome, otlp, stages}) std::remove(p.c_str());
}

// ---------------------------------------------------------------------------------------
// Numbers out of range, duplicate keys, wrong types.

TEST_CASE("broken: times beyond int64 or negative are errors; an end before the start is a zero duration",
          "[e2e][broken]") {
  std::string beyond = std::string(kBad) + "time_beyond_int64_otlp.json";
  check_fails("stats " + beyond, "trace: error: " + beyond +
                                     ":1:235: expected startTimeUnixNano as a decimal string or number, found "
                                     "\"99999999999999999999\"\n");
  std::string negative = std::string(kBad) + "negative_time_otlp.json";
  check_fails("stats " + negative, "trace: error: " + negative +
                                       ":1:130: expected startTimeUnixNano as a non-negative number of ns, found "
                                       "-9000000000000000000\n");
  // Clock skew between hosts: the span reads as zero length, not negative.
  RunResult skewed = run_trace(std::string("stats --csv ") + kBad + "end_before_start_otlp.json");
  CHECK(skewed.exit_code == 0);
  CHECK(skewed.out ==
        "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n"
        "skewed,1,0,0,0,0,0,0,0,0,0,0\n");
  std::string dur = std::string(kBad) + "negative_dur_chrome.json";
  check_fails("stats " + dur, "trace: error: " + dur + ":1:42: expected dur as a non-negative number\n");
}

TEST_CASE("broken: a key written twice: the first wins, in OTLP and Chrome alike", "[e2e][broken]") {
  RunResult otlp = run_trace(std::string("top --csv -n 1 ") + kBad + "duplicate_keys_otlp.json");
  REQUIRE(otlp.exit_code == 0);
  CHECK(otlp.out.find(",250000000,first,") != std::string::npos);
  CHECK(otlp.out.find(",error,") != std::string::npos);
  trace::testing::Loaded chrome =
      load_text(trace::testing::read_file(trace::testing::source_path(std::string(kBad) + "duplicate_keys_chrome.json")),
                "");
  REQUIRE(chrome.records.spans.size() == 1);
  CHECK(chrome.records.spans[0].name == "first");
  CHECK(chrome.records.spans[0].start_ns == 1000000);  // ts 1000 us, not 5000
  CHECK(chrome.records.spans[0].duration_ns == 500000);
}

TEST_CASE("broken: a wrong type for any OTLP field read is a located error naming the field", "[e2e][broken]") {
  // {FIELD} is replaced by each case's text; the error must point at its value.
  const std::string base =
      "{\"resourceSpans\":[{\"resource\":RESOURCE,\"scopeSpans\":[{\"scope\":SCOPE,\"spans\":[{\"traceId\":"
      "TRACE,\"spanId\":\"b7ad6b7169203331\",\"parentSpanId\":PARENT,\"name\":NAME,\"kind\":KIND,"
      "\"startTimeUnixNano\":START,\"endTimeUnixNano\":END,\"attributes\":[{\"key\":KEY,\"value\":VALUE}],"
      "\"events\":[{\"timeUnixNano\":EVTIME,\"name\":EVNAME}],\"status\":STATUS}]}]}]}";
  // `at`: the part of `bad` the error points at (empty: all of it).
  struct Case {
    std::string slot, bad, at, message;
  };
  const std::vector<Case> cases = {
      {"RESOURCE", "5", "", "expected Resource as an object, found 5"},
      {"SCOPE", "[]", "", "expected InstrumentationScope as an object, found an array"},
      {"TRACE", "5", "", "expected traceId as a hex string, found 5"},
      {"PARENT", "{}", "", "expected parentSpanId as a hex string, found an object"},
      {"NAME", "false", "", "expected name as a string, found false"},
      {"KIND", "\"SOMETIMES\"", "", "expected kind as a number or a SPAN_KIND_* name, found \"SOMETIMES\""},
      {"START", "\"abc\"", "", "expected startTimeUnixNano as a decimal string or number, found \"abc\""},
      {"START", "{}", "", "expected startTimeUnixNano as a decimal string or number, found an object"},
      {"END", "true", "", "expected endTimeUnixNano as a decimal string or number, found true"},
      {"KEY", "7", "", "expected key as a string, found 7"},
      {"VALUE", "\"x\"", "", "expected AnyValue as an object, found \"x\""},
      {"VALUE", "{\"intValue\":\"12a\"}", "\"12a\"", "expected intValue as a decimal string or number, found \"12a\""},
      {"VALUE", "{\"doubleValue\":\"fast\"}", "\"fast\"", "expected doubleValue as a number, found \"fast\""},
      {"VALUE", "{\"boolValue\":\"yes\"}", "\"yes\"", "expected boolValue as true or false, found \"yes\""},
      {"VALUE", "{\"stringValue\":1}", "1", "expected stringValue as a string, found 1"},
      {"VALUE", "{\"arrayValue\":{\"values\":5}}", "5", "expected arrayValue.values as an array, found 5"},
      {"EVTIME", "[]", "", "expected timeUnixNano as a decimal string or number, found an array"},
      {"EVNAME", "null", "", "expected event name as a string, found null"},
      {"STATUS", "3", "", "expected Status as an object, found 3"},
      {"STATUS", "{\"code\":{}}", "{}", "expected status.code as a number or a STATUS_CODE_* name, found an object"},
  };
  const std::vector<std::pair<std::string, std::string>> good = {
      {"RESOURCE", "{}"}, {"SCOPE", "{}"}, {"TRACE", "\"5b8efff798038103d269b633813fc60c\""}, {"PARENT", "\"\""},
      {"NAME", "\"n\""}, {"KIND", "1"}, {"START", "\"1\""}, {"END", "\"2\""}, {"KEY", "\"k\""},
      {"VALUE", "{\"intValue\":\"1\"}"}, {"EVTIME", "\"1\""}, {"EVNAME", "\"e\""}, {"STATUS", "{}"}};
  for (const Case& c : cases) {
    std::string text = base;
    for (const auto& [slot, value] : good)
      if (slot != c.slot) text.replace(text.find(slot), slot.size(), value);
    size_t slot_at = text.find(c.slot);
    text.replace(slot_at, c.slot.size(), c.bad);
    size_t column = slot_at + (c.at.empty() ? 0 : c.bad.rfind(c.at)) + 1;
    INFO(c.slot << " = " << c.bad);
    CHECK(load_error(text, "", "input.json") == "input.json:1:" + std::to_string(column) + ": " + c.message);
    // Under --lenient a span's own bad field skips that span only; a bad resource or
    // scope (the context of every span) skips the rest of the document.
    LenientLoad lenient = load_lenient(text, "");
    CHECK(lenient.records == 0);
    CHECK(lenient.report.skipped() == 1);
  }
}

TEST_CASE("broken: a wrong type for a Chrome field is a located error where the span needs it, ignored where not",
          "[e2e][broken]") {
  auto event = [](const std::string& fields) { return "[{" + fields + "}]\n"; };
  const std::string place = "\"pid\":1,\"tid\":1";
  CHECK(load_error(event("\"ph\":5,\"ts\":1,\"dur\":2," + place), "", "input.json") ==
        "input.json:1:8: expected ph as a string");
  CHECK(load_error(event("\"ph\":\"X\",\"ts\":true,\"dur\":2," + place), "", "input.json") ==
        "input.json:1:17: expected ts as a number");
  CHECK(load_error(event("\"ph\":\"X\",\"ts\":\"12\",\"dur\":2," + place), "", "input.json") ==
        "input.json:1:17: expected ts as a number");
  CHECK(load_error(event("\"ph\":\"X\",\"ts\":1,\"dur\":\"abc\"," + place), "", "input.json") ==
        "input.json:1:25: expected dur as a number");
  CHECK(load_error(event("\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":{},\"tid\":1"), "", "input.json") ==
        "input.json:1:33: expected pid as a number or a string");
  CHECK(load_error(event("\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":[]"), "", "input.json") ==
        "input.json:1:41: expected tid as a number or a string");
  // name, cat, s and args of another type are ignored, as if absent.
  trace::testing::Loaded loaded = load_text(
      event("\"ph\":\"X\",\"ts\":1,\"dur\":2,\"name\":5,\"cat\":[],\"s\":{},\"args\":7," + place), "");
  REQUIRE(loaded.records.spans.size() == 1);
  CHECK(loaded.records.spans[0].name.empty());
  CHECK(loaded.records.spans[0].attrs.empty());
}

TEST_CASE("broken: JSON-lines logs have no schema: values of unexpected types stay fields", "[e2e][broken]") {
  std::string path = tmp_path("types.jsonl");
  write(path,
        "{\"time\":true,\"level\":{},\"msg\":5,\"duration_ms\":\"abc\"}\n"
        "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"x\",\"duration_ms\":-5}\n"
        "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"y\",\"duration_ms\":1e300}\n");
  RunResult grep = run_trace("grep --json '' " + path);
  REQUIRE(grep.exit_code == 0);
  Counts counts = info("--input-format jsonl " + path);
  CHECK(counts.logs == 3);
  CHECK(counts.spans == 0);  // no duration could be read: none of them is a span
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------------------
// Files that are not files, or not there.

TEST_CASE("broken: empty and blank inputs read as format \"empty\", zero records, exit 0", "[e2e][broken]") {
  for (std::string name : {"empty.json", "blank.jsonl"}) {
    Counts counts = info(std::string(kBad) + name);
    INFO(name);
    CHECK(counts.format == "empty");
    CHECK(counts.spans == 0);
    CHECK(counts.logs == 0);
  }
  RunResult gz = run_shell("f=$(mktemp --suffix=.json.gz) && printf '' | gzip -c > \"$f\" && \"$TRACE\" info --csv \"$f\" | "
                           "cut -d, -f2,5,6; rc=${PIPESTATUS[0]}; rm -f \"$f\"; exit $rc");
  CHECK(gz.exit_code == 0);
  CHECK(gz.out == "format,spans,logs\nempty,0,0\n");
  RunResult stats = run_trace(std::string("stats --csv ") + kBad + "empty.json");
  CHECK(stats.exit_code == 0);
  CHECK(stats.out == "name,count,errors,error_rate,min_ns,mean_ns,p50_ns,p90_ns,p95_ns,p99_ns,max_ns,total_ns\n");
}

TEST_CASE("broken: a directory without trace files, a path through a file, a dangling link: errors naming them",
          "[e2e][broken]") {
  RunResult empty_dir = run_shell(
      "d=$(mktemp -d) && echo notes > \"$d/README.txt\" && \"$TRACE\" info \"$d\" 2>&1 | sed \"s|$d|DIR|\"; "
      "rc=${PIPESTATUS[0]}; rm -rf \"$d\"; exit $rc");
  CHECK(empty_dir.exit_code == 2);
  CHECK(empty_dir.out ==
        "trace info: error: DIR: a directory with no trace or log files (expected names ending in .json, .jsonl, "
        ".ndjson or .log, optionally .gz or .zst)\nTry 'trace info --help'.\n");
  check_fails(std::string("info ") + kBad + "empty.json/x",
              std::string("trace: error: ") + kBad + "empty.json/x: cannot open: Not a directory\n");
  RunResult dangling = run_shell(
      "d=$(mktemp -d) && ln -s \"$d/gone.json\" \"$d/link.json\" && \"$TRACE\" info \"$d/link.json\" 2>&1 | "
      "sed \"s|$d|DIR|\"; rc=${PIPESTATUS[0]}; rm -rf \"$d\"; exit $rc");
  CHECK(dangling.exit_code == 2);
  CHECK(dangling.out == "trace: error: DIR/link.json: cannot open: No such file or directory\n");
}

TEST_CASE("broken: a file without read permission is an error naming it (not checked as root: root reads all)",
          "[e2e][broken]") {
  if (::geteuid() == 0) {
    WARN("running as root, which can read any file: the permission check is skipped "
         "(the other unreadable paths are checked in the test above)");
    return;
  }
  std::string path = tmp_path("secret.json");
  write(path, "{}");
  ::chmod(path.c_str(), 0);
  check_fails("info " + path, "trace: error: " + path + ": cannot open: Permission denied\n");
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------------------
// Compressed input.

TEST_CASE("broken: corrupt or truncated gzip and zstd are errors naming the file; --lenient keeps the good part",
          "[e2e][broken]") {
  // Two members (frames), the second cut short: a log rotated into one archive whose
  // upload broke off. zstd cannot use part of a block, gzip can. And a gzip file with
  // bytes overwritten, and a compressed document cut short.
  std::string dir = tmp_path("compressed");
  RunResult made = run_shell(
      "d='" + dir + "' && mkdir -p \"$d\" && for tool in gzip zstd; do "
      "{ head -n 80 samples/app_logs.jsonl | $tool -q -c; tail -n +81 samples/app_logs.jsonl | $tool -q -c | "
      "head -c 300; } > \"$d/cut.jsonl.$tool\"; done && "
      "gzip -c samples/app_logs.jsonl > \"$d/corrupt.jsonl.gz\" && printf '\\377\\377\\377\\377\\377\\377\\377\\377' | "
      "dd of=\"$d/corrupt.jsonl.gz\" bs=1 seek=60 conv=notrunc 2>/dev/null && "
      "gzip -c samples/otlp_traces.json | head -c 2000 > \"$d/cut_document.json.gz\"");
  REQUIRE(made.exit_code == 0);

  RunResult corrupt = run_trace("stats " + dir + "/corrupt.jsonl.gz");
  CHECK(corrupt.exit_code == 2);
  CHECK(corrupt.out.empty());
  CHECK(corrupt.err.rfind("trace: error: " + dir + "/corrupt.jsonl.gz: corrupt gzip data: ", 0) == 0);
  for (std::string tool : {"gzip", "zstd"}) {
    std::string file = dir + "/cut.jsonl." + tool;
    INFO(tool);
    check_fails("stats " + file, "trace: error: " + file + ": truncated " + tool + " data (unexpected end of file)\n");
    Counts counts = info("--lenient " + file);
    CHECK(counts.logs >= 80);
    CHECK(counts.logs < 165);
    CHECK(counts.skipped == 1);
    REQUIRE(counts.skipped_at.size() == 1);
    // Located where the good bytes end: on the line after the last whole one.
    CHECK(counts.skipped_at[0].rfind(file + ":" + std::to_string(counts.logs + 1) + ":", 0) == 0);
    CHECK(counts.skipped_at[0].find(": truncated " + tool + " data (unexpected end of file) (the rest of the input is "
                                    "lost") != std::string::npos);
  }
  // A document cut by the damage is skipped whole.
  Counts document = info("--lenient " + dir + "/cut_document.json.gz");
  CHECK(document.spans == 0);
  REQUIRE(document.skipped_at.size() == 1);
  CHECK(document.skipped_at[0].find(": truncated gzip data (unexpected end of file) (the rest of the input is lost)") !=
        std::string::npos);
  run_shell("rm -rf '" + dir + "'");
}

// ---------------------------------------------------------------------------------------
// Mixed formats, special files, pipes.

TEST_CASE("broken: a line of another format in OTLP JSON lines is a located error; --lenient skips it",
          "[e2e][broken]") {
  std::string file = std::string(kBad) + "mixed_otlp_pino.jsonl";
  check_fails("stats " + file, "trace: error: " + file +
                                   ":3:2: expected resourceSpans in an OTLP traces request, found only other keys (a "
                                   "line of another format? one format per file)\n");
  Counts counts = info("--lenient " + file);
  CHECK(counts.spans == 2);
  CHECK(counts.skipped == 1);
  // The other way round a JSON-lines log has no schema to check: the OTLP line is one
  // more log record, its keys as fields (trace-formats(5) says so).
  std::string logs = tmp_path("pino_then_otlp.jsonl");
  std::string text = trace::testing::read_file(trace::testing::source_path(file));
  write(logs, text.substr(text.rfind("{\"level\"")) + text.substr(0, text.find('\n') + 1));
  Counts as_logs = info(logs);
  CHECK(as_logs.format == "jsonl");
  CHECK(as_logs.logs == 2);
  std::remove(logs.c_str());
}

TEST_CASE("broken: a FIFO reads like standard input", "[e2e][broken]") {
  RunResult direct = run_trace("stats --csv samples/otlp_traces.jsonl");
  RunResult fifo = run_shell(
      "d=$(mktemp -d) && mkfifo \"$d/pipe.jsonl\" && { cat samples/otlp_traces.jsonl > \"$d/pipe.jsonl\" & } && "
      "timeout 10 \"$TRACE\" stats --csv \"$d/pipe.jsonl\"; rc=$?; wait; rm -rf \"$d\"; exit $rc");
  CHECK(fifo.exit_code == 0);
  CHECK(fifo.err.empty());
  CHECK(fifo.out == direct.out);
}

TEST_CASE("broken: a pipe closed early ends grep quietly, exit 0", "[e2e][broken]") {
  RunResult result = run_shell(
      "f=$(mktemp) && cat samples/app_logs.jsonl samples/app_logs.jsonl samples/app_logs.jsonl > \"$f\" && "
      "\"$TRACE\" grep '' \"$f\" | head -1 > /dev/null; rc=${PIPESTATUS[0]}; rm -f \"$f\"; exit $rc");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

// ---------------------------------------------------------------------------------------
// Without --lenient nothing partial is printed; with it, skips are counted and located.

TEST_CASE("broken: without --lenient a bad record stops stats, summary, cost, grep --count and info: exit 2, "
          "stdout empty",
          "[e2e][broken]") {
  std::string file = std::string(kBad) + "bad_span_in_request.json";
  std::string err = "trace: error: " + file +
                    ":3:108: expected startTimeUnixNano as a decimal string or number, found an object\n";
  for (std::string command : {"stats", "summary", "cost", "grep --count span", "info", "top", "check --rule 'p95 < 10s'",
                               "report", "tree"})
    check_fails(command + " " + file, err);
  check_fails("stats --json " + file, err);
  check_fails("diff " + file + " samples/otlp_traces.json", err);
}

TEST_CASE("broken: --lenient skips a bad span inside an OTLP request and reads the others", "[e2e][broken]") {
  std::string file = std::string(kBad) + "bad_span_in_request.json";
  std::string where = file + ":3:108: expected startTimeUnixNano as a decimal string or number, found an object "
                             "(the span was skipped)";
  RunResult result = run_trace("stats --lenient --json " + file);
  REQUIRE(result.exit_code == 0);
  Counts counts = info(std::string("--lenient ") + file);
  CHECK(counts.spans == 2);
  CHECK(counts.skipped_at == std::vector<std::string>{where});
  CHECK(result.out.find("\"skipped\": 1,\n  \"skipped_at\": [\"" + where + "\"],\n") != std::string::npos);
  CHECK(result.out.find("\"records\": 2,") != std::string::npos);
  CHECK(result.err == "trace: warning: " + file + ": skipped 1 malformed record (--lenient)\n  " + where + "\n");
  // The same request as one JSON line among others: only that span goes.
  std::string line;
  for (char c : trace::testing::read_file(trace::testing::source_path(file)))
    if (c != '\n') line += c;
  LenientLoad lines = load_lenient(line + "\n" + line + "\n", "", "input.jsonl");
  CHECK(lines.records == 4);
  CHECK(lines.report.skipped() == 2);
  CHECK(lines.report.files[0].first_skips.at(1).rfind("input.jsonl:2:", 0) == 0);
}

TEST_CASE("broken: --lenient skips a bad event inside a Chrome array and reads the others", "[e2e][broken]") {
  std::string file = std::string(kBad) + "bad_event_in_chrome.json";
  check_fails("stats " + file, "trace: error: " + file + ":3:31: expected ts as a number\n");
  Counts counts = info(std::string("--lenient ") + file);
  CHECK(counts.spans == 2);
  CHECK(counts.skipped_at == std::vector<std::string>{file + ":3:31: expected ts as a number (the event was skipped)"});
}

TEST_CASE("broken: --lenient on broken JSON inside a document keeps what came before and says the rest was skipped",
          "[e2e][broken]") {
  std::string file = std::string(kBad) + "broken_json_otlp.json";
  Counts counts = info(std::string("--lenient ") + file);
  CHECK(counts.spans == 1);
  REQUIRE(counts.skipped_at.size() == 1);
  CHECK(counts.skipped_at[0] == file + ":3:75: expected a field or '}' in Span (The JSON document has an improper "
                                       "structure: missing or superfluous commas, braces, missing keys, etc.) (the "
                                       "rest of the document was skipped)");
}

TEST_CASE("broken: summary over several files under --lenient says which files were partial", "[e2e][broken]") {
  std::string bad = std::string(kBad) + "bad_span_in_request.json";
  std::string chrome = std::string(kBad) + "bad_event_in_chrome.json";
  RunResult result = run_trace("summary --lenient --json samples/otlp_traces.json " + bad + " " + chrome);
  REQUIRE(result.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(result.out);
  CHECK(int64_t(doc["skipped"].get_int64()) == 2);
  std::vector<std::string> at;
  for (simdjson::dom::element where : doc["skipped_at"].get_array()) at.emplace_back(std::string_view(where.get_string()));
  REQUIRE(at.size() == 2);
  CHECK(at[0].rfind(bad + ":3:108: ", 0) == 0);
  CHECK(at[1].rfind(chrome + ":3:31: ", 0) == 0);
}

TEST_CASE("broken: a key written twice in a JSON-lines log: the first wins, the copy stays a field", "[e2e][broken]") {
  trace::testing::Loaded loaded = load_text(
      "{\"time\":\"2025-01-15T10:30:00Z\",\"time\":\"2025-01-15T11:00:00Z\",\"level\":\"info\",\"level\":\"error\","
      "\"msg\":\"first\",\"msg\":\"second\",\"service\":\"a\",\"service\":\"b\"}\n",
      "jsonl");
  REQUIRE(loaded.records.logs.size() == 1);
  const trace::testing::OwnedLog& log = loaded.records.logs[0];
  CHECK(log.time_ns == 1736937000000000000);
  CHECK(log.level_text == "info");
  CHECK(log.message == "first");
  CHECK(log.service == "a");
  CHECK(trace::testing::render(log.fields) ==
        "time=2025-01-15T11:00:00Z;level=error;msg=second;service=b;");
}

TEST_CASE("broken: --lenient skips a bad log record inside an OTLP logs request and reads the others",
          "[e2e][broken]") {
  auto record = [](const std::string& time, const std::string& body) {
    return "{\"timeUnixNano\":" + time + ",\"severityNumber\":9,\"body\":{\"stringValue\":\"" + body + "\"}}";
  };
  std::string text = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[\n" + record("\"1736937000000000000\"", "a") +
                     ",\n" + record("[1]", "b") + ",\n" + record("\"1736937002000000000\"", "c") + "\n]}]}]}\n";
  CHECK(load_error(text, "", "input.json") ==
        "input.json:3:17: expected timeUnixNano as a decimal string or number, found an array");
  LenientLoad lenient = load_lenient(text, "");
  CHECK(lenient.records == 2);
  CHECK(lenient.report.files[0].first_skips ==
        std::vector<std::string>{"input.json:3:17: expected timeUnixNano as a decimal string or number, found an "
                                 "array (the log record was skipped)"});
}

TEST_CASE("broken: --lenient skips a Chrome event whose args are broken, found only when its span is made",
          "[e2e][broken]") {
  std::string text =
      "[{\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1,\"name\":\"a\",\"args\":{\"k\":tru}},\n"
      "{\"ph\":\"X\",\"ts\":5,\"dur\":2,\"pid\":1,\"tid\":1,\"name\":\"b\"}]\n";
  CHECK(load_error(text, "", "input.json") ==
        "input.json:1:66: malformed args (The JSON element does not have the requested type.)");
  LenientLoad lenient = load_lenient(text, "");
  CHECK(lenient.records == 1);
  CHECK(lenient.report.files[0].first_skips ==
        std::vector<std::string>{"input.json:1:66: malformed args (The JSON element does not have the requested "
                                 "type.) (the event was skipped)"});
}

TEST_CASE("broken: --lenient steps over a span that fails deep inside it, and reads every span after", "[e2e][broken]") {
  auto good = [](int i) {
    return "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"" + fmt_span_id(i) +
           "\",\"name\":\"g\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"a\","
           "\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"x\",\"value\":{\"intValue\":\"1\"}}]}}}]}";
  };
  // Wrong inside an event's attribute's array's kvlist; wrong in a nested status.
  std::string deep =
      "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"name\":\"b\",\"events\":[{\"name\":\"e\",\"attributes\":"
      "[{\"key\":\"k\",\"value\":{\"arrayValue\":{\"values\":[{\"kvlistValue\":{\"values\":[{\"key\":7}]}}]}}}]}],"
      "\"startTimeUnixNano\":\"1\"}";
  std::string status = "{\"status\":{\"code\":[1,2,{\"a\":[3]}]},\"name\":\"c\"}";
  std::string line = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + good(1) + "," + deep + "," + good(2) + "," +
                     status + "," + good(3) + "]},{\"spans\":[" + good(4) + "]}]}]}\n";
  LenientLoad lenient = load_lenient(line + line, "", "input.jsonl");
  CHECK(lenient.records == 8);
  CHECK(lenient.report.skipped() == 4);
  const std::vector<std::string>& at = lenient.report.files[0].first_skips;
  REQUIRE(at.size() == 4);
  size_t key_at = line.find("\"key\":7") + 7;
  size_t code_at = line.find("[1,2,") + 1;
  CHECK(at[0] == "input.jsonl:1:" + std::to_string(key_at) + ": expected key as a string, found 7 (the span was skipped)");
  CHECK(at[1] == "input.jsonl:1:" + std::to_string(code_at) +
                     ": expected status.code as a number or a STATUS_CODE_* name, found an array (the span was skipped)");
  CHECK(at[3].rfind("input.jsonl:2:", 0) == 0);
}

TEST_CASE("broken: an object or array kept as JSON text is checked whole, not passed on broken", "[e2e][broken]") {
  // simdjson hands out a container's text without looking inside it; written out again,
  // "[1 2]" would have come out as [12].
  std::string log = tmp_path("raw_json.jsonl");
  write(log,
        "{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"info\",\"msg\":\"ok\",\"x\":[1,{\"a\":\"b\\\"c\"}]}\n"
        "{\"time\":\"2025-01-15T10:30:01Z\",\"level\":\"info\",\"msg\":\"bad\",\"x\":[1 2]}\n");
  // Located just past the array (where simdjson's reading stopped).
  check_fails("stats " + log, "trace: error: " + log +
                                  ":2:68: expected an array (The JSON document has an improper structure: missing or "
                                  "superfluous commas, braces, missing keys, etc.)\n");
  Counts counts = info("--lenient " + log);
  CHECK(counts.logs == 1);
  CHECK(counts.skipped == 1);
  RunResult kept = run_trace("grep --format jsonl --lenient ok " + log);
  CHECK(kept.out.find(R"("x":[1,{"a":"b\"c"}])") != std::string::npos);

  std::string chrome = tmp_path("raw_json_chrome.json");
  write(chrome,
        "{\"traceEvents\":[\n"
        "{\"name\":\"ok\",\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1,\"args\":{\"a\":{\"b\":[]}}},\n"
        "{\"name\":\"bad\",\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1,\"args\":{\"a\":{\"b\" 1}}}\n"
        "]}\n");
  RunResult failed = run_trace("stats " + chrome);
  CHECK(failed.exit_code == 2);
  CHECK(failed.out.empty());
  CHECK(failed.err.find(chrome + ":3:") != std::string::npos);
  CHECK(failed.err.find("malformed args (The JSON document has an improper structure") != std::string::npos);
  counts = info("--lenient " + chrome);
  CHECK(counts.spans == 1);
  CHECK(counts.skipped == 1);
  for (const std::string& p : {log, chrome}) std::remove(p.c_str());
}
