// A big Chrome trace read by several workers (issue 9): pass 1 in parts joined in file
// order (formats/chrome_timeline.h), pass 2 in units of records. Whatever the worker count
// and unit size, the records must be one pass's, in one pass's order once the units are
// put in order, none after a unit cut short (as grep prints them), and errors must be
// the same, located the same.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/read_inputs.h"
#include "src/errors.h"
#include "src/output/record_printer.h"
#include "support/run_trace.h"

using trace::formats::Input;
using trace::formats::ReadOptions;

namespace {

// Keeps each record as `trace convert --to jsonl` writes it, with its offset, under the
// unit the worker was pushing (kNoUnit outside any).
constexpr uint64_t kNoUnit = UINT64_MAX;

struct UnitSink final : trace::RecordSink {
  std::map<uint64_t, std::vector<std::string>>* units = nullptr;
  uint64_t unit = kNoUnit;

  trace::Flow on_span(const trace::Span& span) override { return keep(span, span.src.offset); }
  trace::Flow on_log(const trace::LogRecord& log) override { return keep(log, log.src.offset); }

  template <class Record>
  trace::Flow keep(const Record& record, uint64_t offset) {
    std::string line;
    trace::output::append_record_json(record, "t.json", line, trace::output::RecordColumns::kTable);
    (*units)[unit].push_back(fmt::format("{} @{}", line, offset));
    return trace::Flow::kContinue;
  }
};

struct Read {
  std::vector<std::string> records;  // in unit order
  size_t outside_units = 0;           // records pushed outside any unit
  uint64_t spans = 0, logs = 0;
  std::string producer;
  std::string error;
};

Read read(const std::string& text, unsigned jobs, size_t chunk) {
  ReadOptions options;
  options.jobs = jobs;
  options.chunk_bytes = chunk;
  std::vector<std::map<uint64_t, std::vector<std::string>>> units(jobs);
  std::vector<UnitSink> sinks(jobs);
  std::vector<trace::RecordSink*> pointers;
  for (unsigned w = 0; w < jobs; ++w) {
    sinks[w].units = &units[w];
    pointers.push_back(&sinks[w]);
  }
  options.on_unit_begin = [&](size_t w, uint64_t unit) { sinks[w].unit = unit; };
  std::vector<uint64_t> cut;  // units that ended short
  std::mutex mutex;
  options.on_unit_end = [&](size_t w, uint64_t unit, bool whole) {
    sinks[w].unit = kNoUnit;
    std::lock_guard<std::mutex> lock(mutex);
    if (!whole) cut.push_back(unit);
  };
  std::vector<Input> inputs{{"t.json", [&] { return trace::Source::from_string("t.json", text); }}};
  Read result;
  try {
    trace::formats::ReadReport report = trace::formats::read_inputs(inputs, options, pointers);
    result.spans = report.spans();
    result.logs = report.logs();
    result.producer = report.files.at(0).producer;
  } catch (const trace::InputError& e) {
    result.error = e.what();
  }
  std::map<uint64_t, std::vector<std::string>> all;
  for (auto& worker : units)
    for (auto& [unit, lines] : worker) {
      CHECK(all.count(unit) == 0);  // a unit is one worker's
      if (unit == kNoUnit) result.outside_units = lines.size();
      all[unit] = std::move(lines);
    }
  // As grep shows them: no unit after the first one cut short.
  uint64_t last = cut.empty() ? kNoUnit : *std::min_element(cut.begin(), cut.end());
  for (auto& [unit, lines] : all)
    if (unit <= last || unit == kNoUnit) result.records.insert(result.records.end(), lines.begin(), lines.end());
  return result;
}

// A trace of `events` events on a few threads and async tracks: X slices, B/E pairs open
// across the whole file (so across every part's start), E events with no B, instants,
// counters, metadata first and last (a thread renamed at the end, a process named only
// there), names with escapes, events over several lines, and args holding arrays of
// objects with a "ph" (which look like events to a part's first guess).
std::string generated_trace(int events, bool with_bait) {
  std::mt19937 random(7);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  std::vector<std::string> out;
  out.push_back(R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"api"}})");
  out.push_back(R"({"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"main"}})");
  out.push_back(R"({"ph":"E","ts":1,"pid":1,"tid":2})");  // its B came before the recording
  std::map<std::pair<int, int>, int> open;  // B events open per (pid, tid)
  int64_t ts = 1000;
  for (int i = 0; i < events; ++i) {
    int pid = 1 + pick(2);
    int tid = 1 + pick(3);
    ts += 1 + pick(50);
    std::string name = pick(10) == 0 ? fmt::format("call \\\"{}\\\"", i) : fmt::format("op{}", pick(20));
    std::string args = fmt::format(R"({{"i":{},"s":"v{}"}})", i, pick(5));
    if (with_bait) {
      // Most of the text inside such arrays: a part's guess lands in one.
      std::string items;
      for (int k = 0; k < 12; ++k) items += fmt::format(R"({}{{"ph":"{}","ts":{}}})", k == 0 ? "" : ",", "XB"[k % 2], k);
      args = fmt::format(R"({{"items":[{}],"i":{}}})", items, i);
    }
    int& depth = open[{pid, tid}];
    switch (pick(12)) {
      case 0:
      case 1:
        // Long-lived B events: one in four stays open for most of the file.
        out.push_back(fmt::format(R"({{"name":"{}","ph":"B","ts":{},"pid":{},"tid":{},"args":{}}})", name, ts, pid,
                                  tid, args));
        ++depth;
        break;
      case 2:
        if (depth > 0 && pick(4) != 0) --depth;
        out.push_back(fmt::format(R"({{"ph":"E","ts":{},"pid":{},"tid":{},"args":{{"end":{}}}}})", ts, pid, tid, i));
        break;
      case 3:
        out.push_back(fmt::format(R"({{"name":"{}","ph":"i","s":"{}","ts":{},"pid":{},"tid":{}}})", name,
                                  pick(2) == 0 ? "t" : "p", ts, pid, tid));
        break;
      case 4:
        out.push_back(fmt::format(R"({{"name":"queue","ph":"C","ts":{},"pid":{},"args":{{"depth":{}}}}})", ts, pid,
                                  pick(9)));
        break;
      case 5:
        out.push_back(fmt::format(R"({{"name":"fetch","cat":"net","ph":"{}","id":"0x{}","ts":{},"pid":{},"tid":9}})",
                                  pick(2) == 0 ? "b" : "e", pick(4), ts, pid));
        break;
      case 6:
        out.push_back(fmt::format("{{\"name\":\"{}\",\n  \"ph\":\"X\",\"ts\":{},\"dur\":{},\n  \"pid\":{},\"tid\":{}}}",
                                  name, ts, pick(30), pid, tid));
        break;
      default:
        out.push_back(fmt::format(R"({{"name":"{}","cat":"app","ph":"X","ts":{},"dur":{},"pid":{},"tid":{},"args":{}}})",
                                  name, ts, pick(200), pid, tid, args));
    }
  }
  out.push_back(R"({"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"renamed"}})");
  out.push_back(R"({"name":"process_name","ph":"M","pid":2,"tid":0,"args":{"name":"worker"}})");
  std::string text = "{\"traceEvents\":[\n";
  for (size_t i = 0; i < out.size(); ++i) text += (i == 0 ? "" : i % 3 == 0 ? ",\n" : ", ") + out[i];
  return text + "\n],\"displayTimeUnit\":\"ns\"}\n";
}

void check_same_as_one_pass(const std::string& text) {
  Read one = read(text, 1, 4 << 20);
  for (unsigned jobs : {2u, 3u, 4u}) {
    for (size_t chunk : {size_t(1024), size_t(16) << 10}) {
      INFO(jobs << " workers, units of about " << chunk << " bytes");
      Read many = read(text, jobs, chunk);
      CHECK(many.error == one.error);
      CHECK(many.spans == one.spans);
      CHECK(many.logs == one.logs);
      CHECK(many.producer == one.producer);
      CHECK(many.outside_units == 0);  // every record in a unit: pushed by all workers
      REQUIRE(many.records.size() == one.records.size());
      for (size_t i = 0; i < one.records.size(); ++i) {
        INFO("record " << i);
        REQUIRE(many.records[i] == one.records[i]);
      }
    }
  }
}

}  // namespace

TEST_CASE("chrome parts: several workers read a big trace as one pass does, in its order", "[chrome][parts]") {
  std::string text = generated_trace(6000, false);
  Read one = read(text, 1, 4 << 20);
  REQUIRE(one.error.empty());
  CHECK(one.spans > 4000);
  CHECK(one.logs > 300);  // counters
  check_same_as_one_pass(text);
}

TEST_CASE("chrome parts: args that look like events mislead a part's guess, not its result", "[chrome][parts]") {
  check_same_as_one_pass(generated_trace(6000, true));
}

TEST_CASE("chrome parts: an error anywhere is the one a single pass reports", "[chrome][parts]") {
  std::string text = generated_trace(3000, false);
  for (double at : {0.2, 0.55, 0.9}) {
    INFO("error at " << at << " of the text");
    size_t event = text.find("\n{", static_cast<size_t>(text.size() * at)) + 1;
    std::string bad = text;
    bad.insert(event, R"({"name":"late","ph":"X","ts":5,"dur":"soon","pid":1,"tid":1},)");
    CHECK(read(bad, 1, 4 << 20).error.find("expected dur as a number") != std::string::npos);
    check_same_as_one_pass(bad);
    // Args are read in pass 2, by units: the first error in one pass's order is reported.
    bad = text;
    bad.insert(event, R"({"name":"late","ph":"X","ts":5,"dur":1,"pid":2,"tid":3,"args":{"a":tru}},)");
    CHECK(read(bad, 1, 4 << 20).error.find("malformed args") != std::string::npos);
    check_same_as_one_pass(bad);
    // Cut off in an event: the brackets are checked as one pass checks them.
    check_same_as_one_pass(text.substr(0, event + 20));
  }
}

TEST_CASE("chrome parts: trace prints the same bytes for a Chrome sample on one worker and on four",
          "[chrome][parts][e2e]") {
  using trace::testing::run_trace;
  for (std::string sample : {"samples/chrome_trace.json", "samples/chrome_trace_array.json"}) {
    for (std::string command : {"stats --json", "grep --format jsonl .", "tree", "summary --json", "top --json"}) {
      INFO(command << " " << sample);
      auto one = run_trace(command + " -j1 " + sample);
      CHECK(one.exit_code == 0);
      CHECK(!one.out.empty());
      // Units of 1 KiB: the 5 KB sample is read in parts, its records pushed in units.
      CHECK(run_trace(command + " -j4 --chunk-bytes 1024 " + sample).out == one.out);
    }
  }
}
