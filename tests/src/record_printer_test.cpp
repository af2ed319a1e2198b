// How trace grep writes records of whole documents: one-line text and JSON objects.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/output/record_printer.h"

using trace::Attr;
using trace::LogRecord;
using trace::Span;
using trace::Value;

namespace {

struct Fixture {
  std::vector<Attr> attrs{{"model", Value::of_string("gpt-4o")},
                          {"query", Value::of_string("EU AI act")},
                          {"tokens", Value::of_int(812)},
                          {"temperature", Value::of_double(0.2)},
                          {"args", Value::of_raw_json("{ \"a b\": [1, 2] }")},
                          {"empty", Value::of_string("")},
                          {"model", Value::of_string("duplicate")}};
  Span span;
  LogRecord log;

  Fixture() {
    span.trace_id = "0af7651916cd43dd8448eb211c80319c";
    span.span_id = "b7ad6b7169203331";
    span.parent_id = "a1f3c2d4e5b60701";
    span.name = "chat\ngpt-4o";
    span.service = "rag-api";
    span.start_ns = 1736937000123456789;
    span.duration_ns = 1'250'000'000;
    span.status = trace::Status::kError;
    span.status_message = "429 from provider";
    span.attrs = attrs;
    span.src.line = 12;
    log.time_ns = 1736937000500000000;
    log.severity = 13;
    log.level_text = "warning";
    log.message = "rate limited";
    log.service = "rag-api";
    log.fields = std::span(attrs).subspan(2, 1);
  }
};

}  // namespace

TEST_CASE("record printer: a span as one line of text", "[record_printer]") {
  Fixture f;
  std::string out;
  trace::output::append_record_text(f.span, out);
  CHECK(out ==
        "2025-01-15T10:30:00.123Z SPAN rag-api chat\\ngpt-4o dur=1.25s status=error trace=0af76519 span=b7ad6b71 "
        "model=gpt-4o query=\"EU AI act\" tokens=812 temperature=0.2 args={\"a b\":[1,2]} empty=\"\" "
        "model=duplicate");
}

TEST_CASE("record printer: a span on a clock with no epoch, and one with nothing known", "[record_printer]") {
  Span span;
  span.start_ns = 1'500'000;
  span.flags = trace::kSpanClockRelative;
  std::string out;
  trace::output::append_record_text(span, out);
  CHECK(out == "+1.50ms SPAN - -");
  out.clear();
  span.flags = trace::kSpanStartUnknown;
  trace::output::append_record_text(span, out);
  CHECK(out == "- SPAN - -");
}

TEST_CASE("record printer: a log as one line of text", "[record_printer]") {
  Fixture f;
  std::string out;
  trace::output::append_record_text(f.log, out);
  CHECK(out == "2025-01-15T10:30:00.500Z WARN rag-api rate limited tokens=812");
  LogRecord odd;
  odd.level_text = "notice-ish";
  out.clear();
  trace::output::append_record_text(odd, out);
  CHECK(out == "- notice-ish - -");
}

TEST_CASE("record printer: a span as a JSON object with the documented keys", "[record_printer]") {
  Fixture f;
  std::string out;
  trace::output::append_record_json(f.span, "t.json", out);
  CHECK(out ==
        R"({"kind":"span","time_ns":1736937000123456789,"duration_ns":1250000000,"name":"chat\ngpt-4o",)"
        R"("message":"429 from provider","level":null,"severity":null,"service":"rag-api",)"
        R"("trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331",)"
        R"("parent_id":"a1f3c2d4e5b60701","status":"error","file":"t.json","line":12,)"
        R"("attrs":{"model":"gpt-4o","query":"EU AI act","tokens":812,"temperature":0.2,"args":{"a b":[1,2]},)"
        R"("empty":""}})");
}

TEST_CASE("record printer: a log as a JSON object with the documented keys", "[record_printer]") {
  Fixture f;
  std::string out;
  trace::output::append_record_json(f.log, "app.jsonl", out);
  CHECK(out ==
        R"({"kind":"log","time_ns":1736937000500000000,"duration_ns":null,"name":null,"message":"rate limited",)"
        R"("level":"WARN","severity":13,"service":"rag-api","trace_id":null,"span_id":null,"parent_id":null,)"
        R"("status":null,"file":"app.jsonl","line":null,"attrs":{"tokens":812}})");
}

TEST_CASE("record printer: minified JSON keeps strings intact", "[record_printer]") {
  std::string out;
  trace::output::append_minified_json("{ \"a \\\" b\" : [ 1 ,\n 2 ], \"c\": \"x  y\" }", out);
  CHECK(out == R"({"a \" b":[1,2],"c":"x  y"})");
}
