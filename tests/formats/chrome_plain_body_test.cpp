// The Chrome event bodies read without simdjson (ChromeTraceLoader::read_body_plain and
// ChromeRecordArgs::read_plain): every event they take reads as the general path reads
// it, and the ones they leave are read by that path as before.
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/chrome_record_args.h"
#include "formats/plain_json.h"
#include "support/collect_sink.h"
#include "support/load_text.h"

using trace::testing::load_text;
using trace::testing::OwnedAttr;
using trace::testing::read_sample;

namespace {

std::string render_kinds(const std::vector<OwnedAttr>& attrs) {
  std::string out;
  for (const OwnedAttr& a : attrs) out += fmt::format("{}:{}={};", a.key, static_cast<int>(a.kind), a.text);
  return out;
}

std::string render_records(const trace::testing::CollectSink& records) {
  std::string out;
  for (const auto& s : records.spans) {
    out += fmt::format("span {}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", s.trace_id, s.span_id, s.parent_id, s.name,
                       s.service, s.status_message, static_cast<int>(s.kind), static_cast<int>(s.status), s.flags,
                       s.start_ns, s.duration_ns, render_kinds(s.attrs), s.line);
    for (const auto& event : s.events) out += fmt::format("  {}|{}|{}\n", event.time_ns, event.name, render_kinds(event.attrs));
  }
  for (const auto& l : records.logs)
    out += fmt::format("log {}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", l.time_ns, l.severity, l.level_text, l.logger, l.message,
                       l.trace_id, l.span_id, l.service, render_kinds(l.fields), l.line);
  return out;
}

// The same trace with a key no reader knows, escaped, first in every event (each event
// starts a line): the plain reader declines such an event, so the general path reads all.
std::string without_fast_path(const std::string& text) {
  static const std::regex event_start("\n\\{");
  return std::regex_replace(text, event_start, "\n{\"\\u0078\":0,");
}

const char* kCrafted = R"({"traceEvents":[
{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"rag-api"}},
{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"worker-1"}},
{"name":"kinds","cat":"app","ph":"X","ts":1000,"dur":500,"pid":1,"tid":1,"args":{"s":"text","i":42,"neg":-7,"d":0.25,"e":1.5e3,"t":true,"f":false,"n":null,"o":{"a":[1,{"b":"c"}]},"arr":[1,"two",null],"empty":{},"dup":1,"dup":"again","big":12345678901234567}},
{"name":"first name wins","name":"second","cat":7,"cat":"late","ph":"X","ts":1100,"dur":100,"pid":1,"tid":1,"args":"not an object","args":{"later":"args"}},
{"name":12,"ph":"X","ts":1200,"dur":50,"pid":1,"tid":1,"args":[1,2]},
{"ph":"X","ts":1300,"dur":10,"pid":1,"tid":1},
{"name":"own ids","ph":"X","ts":2000,"dur":300,"pid":1,"tid":1,"args":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"a1f3c2d4e5b60701","parent_id":"a1f3c2d4e5b60700","kind":"client","status":"error","status_message":"rate limited","start_unknown":true,"severity":5,"events":[{"time_ns":"1736937000500000000","name":"exception","attrs":{"exception.type":"Timeout","attempt":2,"retry":true}},{"time_ns":1736937000600000000,"name":7},{"time_ns":1.7369370007e18,"attrs":"none"},"not an event",{"name":"no time"}]},"gen_ai.request.model":"gpt-4o"}},
{"name":"odd record args","ph":"X","ts":2400,"dur":30,"pid":1,"tid":1,"args":{"trace":{"kind":3,"status":null,"severity":"5","start_unknown":"yes","events":{"not":"an array"},"unknown":"member"},"trace":{"span_id":"00f067aa0ba902b7","severity":30,"start_unknown":null}}},
{"name":"severity as a double","ph":"X","ts":2450,"dur":30,"pid":1,"tid":1,"args":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b8","severity":5.0}}},
{"name":"trace not an object","ph":"X","ts":2500,"dur":20,"pid":1,"tid":1,"args":{"trace":"plain attribute"}},
{"name":"an error arg","ph":"X","ts":2600,"dur":20,"pid":1,"tid":1,"args":{"error":"boom"}},
{"name":"a false error","ph":"X","ts":2700,"dur":20,"pid":1,"tid":1,"args":{"error":false}},
{"name":"escaped \"name\"","ph":"X","ts":2800,"dur":20,"pid":1,"tid":1,"args":{"k":"v\u00e9"}},
{"name":"caf\u00e9 UTF-8: café","ph":"X","ts":2900,"dur":20,"pid":1,"tid":1,"args":{"ключ":"значение"}},
{"name":"event time not a number","ph":"X","ts":2950,"dur":20,"pid":1,"tid":1,"args":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b9","events":[{"time_ns":null,"name":"x"},{"time_ns":"soon","name":"y"}]}}},
{"name":"outer","ph":"B","ts":3000,"pid":1,"tid":1,"args":{"phase":"begin","kept":1}},
{"name":"inner","ph":"X","ts":3100,"dur":50,"pid":1,"tid":1},
{"ph":"E","ts":3500,"pid":1,"tid":1,"args":{"phase":"end","result":"ok"}},
{"name":"queue","ph":"C","ts":3600,"pid":1,"tid":1,"cat":"mem","args":{"depth":12,"bytes":1.5e6}},
{"name":"marker","ph":"i","ts":3700,"pid":1,"tid":1,"s":"t","args":{"note":"here"}},
{"name":"user asked","cat":"log","ph":"i","ts":3800,"pid":1,"tid":1,"args":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"a1f3c2d4e5b60701","level":"WARN","severity":13,"logger":"app.chat"},"user":"u-1"}},
{"name":"deep","ph":"X","ts":3900,"dur":5,"pid":1,"tid":1,"args":{"d":[[[[[[[[{"x":[1]}]]]]]]]]}},
{"ph":"X","ts":4000,"dur":5,"pid":1,"tid":1,"args":{"a":1},"name":"name after args","cat":"late cat"},
{"name":"other brackets","ph":"X","ts":4100,"dur":5,"pid":1,"tid":1,"stack":[1,{"f":2}],"args":{"b":2}},
{"name":"","cat":"","ph":"X","ts":4200,"dur":5,"pid":1,"tid":1,"args":{}},
{"name":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn","ph":"X","ts":4300,"dur":5,"pid":1,"tid":1,"args":{"long":"name"}},
{"name":"args not first object","ph":"X","ts":4400,"dur":5,"pid":1,"tid":1,"args":[1],"args":{"c":3}}
]}
)";

}  // namespace

TEST_CASE("chrome plain body: every event reads as the general path reads it", "[chrome][plain-json]") {
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"crafted.json", kCrafted},
           {"chrome_trace.json", read_sample("chrome_trace.json")},
           {"chrome_trace_array.json", read_sample("chrome_trace_array.json")},
       }) {
    INFO(name);
    std::string slow = without_fast_path(text);
    REQUIRE(slow != text);
    trace::testing::Loaded fast = load_text(text, "chrome", name);
    trace::testing::Loaded general = load_text(slow, "chrome", name);
    REQUIRE(!fast.records.spans.empty());
    CHECK(render_records(fast.records) == render_records(general.records));
  }
}

TEST_CASE("chrome plain body: the crafted trace's records, as read", "[chrome][plain-json]") {
  trace::testing::Loaded loaded = load_text(kCrafted, "chrome");
  const auto& spans = loaded.records.spans;
  auto named = [&](const std::string& name) -> const trace::testing::OwnedSpan& {
    for (const auto& span : spans)
      if (span.name == name) return span;
    FAIL("no span named " << name);
    throw;
  };
  CHECK(render_kinds(named("kinds").attrs) ==
        "cat:4=app;s:4=text;i:2=42;neg:2=-7;d:3=0.25;e:3=1500;t:1=true;f:1=false;n:0=null;o:5={\"a\":[1,{\"b\":\"c\"}]};"
        "arr:5=[1,\"two\",null];empty:5={};dup:2=1;dup:4=again;big:2=12345678901234567;thread.name:4=worker-1;");
  // The first cat is no string: it is still the one that counts, so there is none.
  CHECK(render_kinds(named("first name wins").attrs) == "later:4=args;thread.name:4=worker-1;");
  const auto& own = named("own ids");
  CHECK(own.span_id == "a1f3c2d4e5b60701");
  CHECK(own.parent_id == "a1f3c2d4e5b60700");
  CHECK(own.status_message == "rate limited");
  REQUIRE(own.events.size() == 4);
  CHECK(own.events[0].time_ns == 1736937000500000000);
  CHECK(render_kinds(own.events[0].attrs) == "exception.type:4=Timeout;attempt:2=2;retry:1=true;");
  CHECK(own.events[1].name.empty());
  CHECK(own.events[2].time_ns == 1736937000700000000);
  CHECK(named("escaped \"name\"").attr("k") == "v\u00e9");
  // Read again in pass 2 from where pass 1 found name, cat and the args object alone.
  CHECK(render_kinds(named("name after args").attrs) == "cat:4=late cat;a:2=1;thread.name:4=worker-1;");
  CHECK(render_kinds(named("").attrs) == "thread.name:4=worker-1;");
  CHECK(render_kinds(named("args not first object").attrs) == "c:2=3;thread.name:4=worker-1;");
  CHECK(render_kinds(named("other brackets").attrs) == "b:2=2;thread.name:4=worker-1;");
  REQUIRE(loaded.records.logs.size() == 2);  // the counter and the log record
}

TEST_CASE("chrome plain body: trace args read plain as read() reads them, or declined", "[chrome][plain-json]") {
  using trace::formats::ChromeRecordArgs;
  using trace::formats::PlainJsonCursor;
  std::string padded;  // the args view it until the next call
  auto plain = [&padded](const std::string& json, ChromeRecordArgs& args) {
    padded = json + std::string(64, ' ');
    PlainJsonCursor in(std::string_view(padded.data(), json.size()));
    return args.read_plain(in) && in.finish();
  };
  ChromeRecordArgs args;
  REQUIRE(plain(R"({"trace_id":"t","span_id":"s","parent_id":"p","status":"error","status_message":"m",)"
                R"("kind":"server","level":"INFO","logger":"l","severity":9,"start_unknown":true,)"
                R"("events":[{"time_ns":"5","name":"e","attrs":{"k":1}}]})",
                args));
  CHECK(args.present);
  CHECK(args.trace_id == "t");
  CHECK(args.span_id == "s");
  CHECK(args.parent_id == "p");
  CHECK(args.status == trace::Status::kError);
  CHECK(args.status_message == "m");
  CHECK(args.kind == trace::SpanKind::kServer);
  CHECK(args.level == "INFO");
  CHECK(args.logger == "l");
  CHECK(args.severity == 9);
  CHECK(args.start_unknown);
  REQUIRE(args.events().size() == 1);
  CHECK(args.events()[0].time_ns == 5);
  CHECK(args.events()[0].attrs.size() == 1);
  for (std::string declined : {
           R"({"trace_id":"a\"b"})",                  // an escape
           R"({"events":[{"time_ns":null}]})",       // an event time read_int64_lenient decides on
           R"({"events":[{"time_ns":"soon"}]})",
           R"({"events":[{"time_ns":1e300}]})",      // a double past int64
           R"({"severity":12345678901234567890})",  // a number the plain reader leaves
           R"({"span_id":"s",})",                    // broken JSON
       }) {
    INFO(declined);
    CHECK_FALSE(plain(declined, args));
  }
}
