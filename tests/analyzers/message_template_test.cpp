#include <string>

#include <catch2/catch.hpp>

#include "analyzers/message_template.h"

namespace {

std::string tmpl(const std::string& message) {
  std::string out;
  trace::message_template(message, out);
  return out;
}

}  // namespace

TEST_CASE("message-template: numbers become <num>, with their decimals", "[summary][message-template]") {
  CHECK(tmpl("retry 3 of 5 after 1.5 s") == "retry <num> of <num> after <num> s");
  CHECK(tmpl("connect to 10.0.0.12:5432 refused") == "connect to <num>:<num> refused");
  CHECK(tmpl("took 250ms") == "took <num>ms");
  CHECK(tmpl("user u-0381 not found") == "user u-<num> not found");
}

TEST_CASE("message-template: hex ids, 0x values and UUIDs become placeholders", "[summary][message-template]") {
  CHECK(tmpl("request req-5799b3 failed") == "request req-<hex> failed");
  CHECK(tmpl("trace 4bf92f3577b34da6a3ce929d0e0e4736 dropped") == "trace <hex> dropped");
  CHECK(tmpl("bad pointer 0x7ffd1c2a") == "bad pointer <hex>");
  CHECK(tmpl("job 123e4567-e89b-12d3-a456-426614174000 lost") == "job <uuid> lost");
  // Words of hex letters without a digit stay words.
  CHECK(tmpl("deadbeef accepted") == "deadbeef accepted");
}

TEST_CASE("message-template: quoted strings become <str>, apostrophes do not", "[summary][message-template]") {
  CHECK(tmpl("unknown tool 'web_search' for \"agent-7\"") == "unknown tool <str> for <str>");
  CHECK(tmpl("can't parse 'x") == "can't parse 'x");
}

TEST_CASE("message-template: the same failure with different values groups together", "[summary][message-template]") {
  CHECK(tmpl("llm call failed: 429 Too Many Requests (request id req_8f2c41d9e0)") ==
        tmpl("llm call failed: 429 Too Many Requests (request id req_3b9a07f6c2)"));
  CHECK(tmpl("llm call failed: 429 Too Many Requests (request id req_8f2c41d9e0)") ==
        "llm call failed: <num> Too Many Requests (request id req_<hex>)");
}

TEST_CASE("message-template: only the first line counts, trimmed", "[summary][message-template]") {
  CHECK(tmpl("  Traceback (most recent call last):\n  File \"x.py\", line 3") == "Traceback (most recent call last):");
  CHECK(tmpl("") == "");
}

TEST_CASE("message-template: long messages are cut at a character boundary", "[summary][message-template]") {
  std::string message(300, 'a');
  message[199] = '\xc3';  // the first byte of a two-byte character at the cut
  message[200] = '\xa9';
  std::string out = tmpl(message);
  CHECK(out == std::string(199, 'a') + "\u2026");
  std::string cut;
  trace::first_line_cut("  short one \n second", cut);
  CHECK(cut == "short one");
}
