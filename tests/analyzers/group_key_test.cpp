#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/group_key.h"
#include "src/errors.h"

using trace::Attr;
using trace::GroupKeyKind;
using trace::Span;
using trace::Value;

namespace {

std::string key_of(const std::string& spec_text, const Span& span) {
  trace::GroupKeyBuilder builder(trace::parse_group_key_spec(spec_text));
  return std::string(builder.key(span));
}

std::string usage_error_of(const std::string& text) {
  try {
    trace::parse_group_key_spec(text);
  } catch (const trace::UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("group-key: parses name, service, model and attr keys", "[stats][group-key]") {
  auto spec = trace::parse_group_key_spec("name,service, model ,attr:http.route");
  REQUIRE(spec.parts.size() == 4);
  CHECK(spec.parts[0].kind == GroupKeyKind::kName);
  CHECK(spec.parts[1].kind == GroupKeyKind::kService);
  CHECK(spec.parts[2].kind == GroupKeyKind::kModel);
  CHECK(spec.parts[3].kind == GroupKeyKind::kAttr);
  CHECK(spec.parts[3].attr == "http.route");
}

TEST_CASE("group-key: attr.KEY is accepted like attr:KEY", "[stats][group-key]") {
  auto spec = trace::parse_group_key_spec("attr.gen_ai.operation.name");
  REQUIRE(spec.parts.size() == 1);
  CHECK(spec.parts[0].kind == GroupKeyKind::kAttr);
  CHECK(spec.parts[0].attr == "gen_ai.operation.name");
}

TEST_CASE("group-key: a repeated option adds its keys in order", "[stats][group-key]") {
  auto spec = trace::parse_group_key_spec(std::vector<std::string>{"service", "name,attr:k"});
  REQUIRE(spec.parts.size() == 3);
  CHECK(spec.parts[0].kind == GroupKeyKind::kService);
  CHECK(spec.parts[1].kind == GroupKeyKind::kName);
  CHECK(spec.parts[2].attr == "k");
}

TEST_CASE("group-key: column keys and headers", "[stats][group-key]") {
  auto spec = trace::parse_group_key_spec("name,attr:http.route");
  CHECK(spec.parts[0].column_key() == "name");
  CHECK(spec.parts[0].column_header() == "name");
  CHECK(spec.parts[1].column_key() == "attr.http.route");
  CHECK(spec.parts[1].column_header() == "http.route");
}

TEST_CASE("group-key: an unknown key is a usage error naming the accepted ones",
          "[stats][group-key]") {
  CHECK(usage_error_of("modle") ==
        "--group-by: unknown key 'modle' (expected name, service, model or attr:KEY)");
  CHECK(usage_error_of("name,Service") ==
        "--group-by: unknown key 'Service' (expected name, service, model or attr:KEY)");
}

TEST_CASE("group-key: attr: without a name is a usage error", "[stats][group-key]") {
  CHECK(usage_error_of("attr:") == "--group-by: 'attr:' names no attribute (expected attr:KEY)");
}

TEST_CASE("group-key: an empty key is a usage error", "[stats][group-key]") {
  CHECK(usage_error_of("") ==
        "--group-by: empty key (expected name, service, model or attr:KEY)");
  CHECK(usage_error_of("name,") ==
        "--group-by: empty key (expected name, service, model or attr:KEY)");
}

TEST_CASE("group-key: by name, the key is the span's own name without a copy",
          "[stats][group-key]") {
  Span span;
  span.name = "GET /users";
  trace::GroupKeyBuilder builder(trace::GroupKeySpec::by_name());
  std::string_view key = builder.key(span);
  CHECK(key == "GET /users");
  CHECK(key.data() == span.name.data());
}

TEST_CASE("group-key: a span without a service groups under (none)", "[stats][group-key]") {
  Span span;
  CHECK(key_of("service", span) == "(none)");
  span.service = "checkout";
  CHECK(key_of("service", span) == "checkout");
}

TEST_CASE("group-key: model takes gen_ai.response.model before the other aliases",
          "[stats][group-key]") {
  Attr attrs[] = {
      {"llm.model_name", Value::of_string("llama")},
      {"gen_ai.request.model", Value::of_string("gpt-4")},
      {"gen_ai.response.model", Value::of_string("gpt-4-0613")},
  };
  Span span;
  span.attrs = attrs;
  CHECK(key_of("model", span) == "gpt-4-0613");
}

TEST_CASE("group-key: model follows the alias order of FORMATS.md 2.4", "[stats][group-key]") {
  Span span;
  Attr request[] = {{"model", Value::of_string("plain")},
                    {"llm.request.model", Value::of_string("req")},
                    {"gen_ai.request.model", Value::of_string("gen")}};
  span.attrs = request;
  CHECK(key_of("model", span) == "gen");
  Attr llm[] = {{"llm.request.model", Value::of_string("req")},
                {"llm.response.model", Value::of_string("resp")},
                {"model", Value::of_string("plain")}};
  span.attrs = llm;
  CHECK(key_of("model", span) == "resp");
  Attr plain[] = {{"model", Value::of_string("plain")}};
  span.attrs = plain;
  CHECK(key_of("model", span) == "plain");
}

TEST_CASE("group-key: model falls back to resource attributes", "[stats][group-key]") {
  Attr resource[] = {{"gen_ai.request.model", Value::of_string("claude-3")}};
  Span span;
  span.resource_attrs = resource;
  CHECK(key_of("model", span) == "claude-3");
  Attr own[] = {{"llm.model_name", Value::of_string("mine")}};
  span.attrs = own;
  CHECK(key_of("model", span) == "mine");  // the span's own attributes win
}

TEST_CASE("group-key: a span without a model groups under (none)", "[stats][group-key]") {
  Attr attrs[] = {{"gen_ai.system", Value::of_string("openai")}};
  Span span;
  span.attrs = attrs;
  CHECK(key_of("model", span) == "(none)");
}

TEST_CASE("group-key: attr:KEY reads span attributes, then resource attributes",
          "[stats][group-key]") {
  Attr resource[] = {{"deployment.environment", Value::of_string("prod")},
                     {"http.route", Value::of_string("/from-resource")}};
  Attr own[] = {{"http.route", Value::of_string("/users/{id}")}};
  Span span;
  span.resource_attrs = resource;
  CHECK(key_of("attr:deployment.environment", span) == "prod");
  CHECK(key_of("attr:http.route", span) == "/from-resource");
  span.attrs = own;
  CHECK(key_of("attr:http.route", span) == "/users/{id}");
  CHECK(key_of("attr:missing", span) == "(none)");
}

TEST_CASE("group-key: a null attribute counts as absent", "[stats][group-key]") {
  Attr own[] = {{"k", Value{}}};
  Attr resource[] = {{"k", Value::of_string("r")}};
  Span span;
  span.attrs = own;
  CHECK(key_of("attr:k", span) == "(none)");
  span.resource_attrs = resource;
  CHECK(key_of("attr:k", span) == "r");
}

TEST_CASE("group-key: numbers and booleans are rendered as text", "[stats][group-key]") {
  Attr attrs[] = {{"status", Value::of_int(200)},
                  {"ratio", Value::of_double(0.25)},
                  {"big", Value::of_double(1e21)},
                  {"cached", Value::of_bool(true)},
                  {"tags", Value::of_raw_json(R"(["a","b"])")}};
  Span span;
  span.attrs = attrs;
  CHECK(key_of("attr:status", span) == "200");
  CHECK(key_of("attr:ratio", span) == "0.25");
  CHECK(key_of("attr:big", span) == "1e+21");
  CHECK(key_of("attr:cached", span) == "true");
  CHECK(key_of("attr:tags", span) == R"(["a","b"])");
}

TEST_CASE("group-key: several keys split back into their parts", "[stats][group-key]") {
  std::string long_value(300, 'x');
  std::string with_nul("a\0b", 3);
  Attr attrs[] = {{"long", Value::of_string(long_value)}, {"nul", Value::of_string(with_nul)}};
  Span span;
  span.name = "op";
  span.attrs = attrs;
  trace::GroupKeyBuilder builder(trace::parse_group_key_spec("name,service,attr:long,attr:nul"));
  std::string key(builder.key(span));
  std::vector<std::string_view> parts;
  trace::split_group_key(key, 4, parts);
  REQUIRE(parts.size() == 4);
  CHECK(parts[0] == "op");
  CHECK(parts[1] == "(none)");
  CHECK(parts[2] == long_value);
  CHECK(parts[3] == with_nul);
}

TEST_CASE("group-key: keys of several parts are distinct when the joined text is the same",
          "[stats][group-key]") {
  Span a, b;
  a.name = "x,y";
  a.service = "z";
  b.name = "x";
  b.service = "y,z";
  CHECK(key_of("name,service", a) != key_of("name,service", b));
}

TEST_CASE("group-key: the builder reuses its buffer from one span to the next",
          "[stats][group-key]") {
  Attr first[] = {{"k", Value::of_int(123456)}};
  Attr second[] = {{"k", Value::of_int(654321)}};
  Span span;
  trace::GroupKeyBuilder builder(trace::parse_group_key_spec("attr:k"));
  span.attrs = first;
  const char* data = builder.key(span).data();
  span.attrs = second;
  std::string_view key = builder.key(span);
  CHECK(key == "654321");
  CHECK(key.data() == data);
}
