#include <vector>

#include <catch2/catch.hpp>

#include "analyzers/token_usage.h"

using trace::Attr;
using trace::TokenUsage;
using trace::Value;

namespace {

TokenUsage usage_of(const std::vector<Attr>& attrs, const std::vector<Attr>& resource = {}) {
  return trace::extract_token_usage(attrs, resource);
}

Attr s(std::string_view k, std::string_view v) { return {k, Value::of_string(v)}; }
Attr i(std::string_view k, int64_t v) { return {k, Value::of_int(v)}; }
Attr d(std::string_view k, double v) { return {k, Value::of_double(v)}; }

}  // namespace

TEST_CASE("token-usage: OpenTelemetry gen_ai.* attributes, response model first", "[cost][token-usage]") {
  auto u = usage_of({s("gen_ai.request.model", "gpt-4o"), s("gen_ai.response.model", "gpt-4o-2024-08-06"),
                     i("gen_ai.usage.input_tokens", 1834), i("gen_ai.usage.output_tokens", 212),
                     i("gen_ai.usage.cache_read.input_tokens", 1024), s("gen_ai.operation.name", "chat")});
  CHECK(u.model == "gpt-4o-2024-08-06");
  CHECK(u.model_key == "gen_ai.response.model");
  CHECK(u.input == 1834);
  CHECK(u.output == 212);
  CHECK(u.cache_read == 1024);
  CHECK_FALSE(u.cache_read_extra);
  CHECK(u.is_call());
  CHECK(u.looks_like_llm_call());
  auto t = trace::call_tokens(u);
  CHECK(t.input == 1834);
  CHECK(t.cache_read == 1024);
}

TEST_CASE("token-usage: the deprecated gen_ai prompt/completion names", "[cost][token-usage]") {
  auto u = usage_of({s("gen_ai.request.model", "gpt-4o-mini"), i("gen_ai.usage.prompt_tokens", 640),
                     i("gen_ai.usage.completion_tokens", 96)});
  CHECK(u.model == "gpt-4o-mini");
  CHECK(u.input == 640);
  CHECK(u.output == 96);
}

TEST_CASE("token-usage: the current name wins over the deprecated one whatever the order", "[cost][token-usage]") {
  auto u = usage_of({i("gen_ai.usage.prompt_tokens", 1), i("gen_ai.usage.input_tokens", 2)});
  CHECK(u.input == 2);
}

TEST_CASE("token-usage: OpenInference llm.* names with the producer's cost", "[cost][token-usage]") {
  auto u = usage_of({s("openinference.span.kind", "LLM"), s("llm.model_name", "claude-3-5-sonnet-20241022"),
                     i("llm.token_count.prompt", 500), i("llm.token_count.completion", 50),
                     i("llm.token_count.total", 550), i("llm.token_count.prompt_details.cache_read", 100),
                     d("llm.cost.total", 0.00175)});
  CHECK(u.model == "claude-3-5-sonnet-20241022");
  CHECK(u.input == 500);
  CHECK(u.output == 50);
  CHECK(u.total == 550);
  CHECK(u.cache_read == 100);
  CHECK(u.has_cost);
  CHECK(u.cost_usd == 0.00175);
  CHECK(u.cost_key == "llm.cost.total");
  CHECK(u.looks_like_llm_call());
}

TEST_CASE("token-usage: OpenInference prompt + completion costs add up without a total", "[cost][token-usage]") {
  auto u = usage_of({s("llm.model_name", "gpt-4o"), i("llm.token_count.prompt", 10), d("llm.cost.prompt", 0.25),
                     d("llm.cost.completion", 0.5)});
  CHECK(u.has_cost);
  CHECK(u.cost_usd == 0.75);
  CHECK(u.cost_key == "llm.cost.prompt");
}

TEST_CASE("token-usage: OpenLLMetry llm.usage.* and llm.request.model", "[cost][token-usage]") {
  auto u = usage_of({s("llm.request.type", "chat"), s("llm.request.model", "gpt-4o-mini"),
                     s("llm.response.model", "gpt-4o-mini-2024-07-18"), i("llm.usage.prompt_tokens", 640),
                     i("llm.usage.completion_tokens", 96), i("llm.usage.total_tokens", 736)});
  CHECK(u.model == "gpt-4o-mini-2024-07-18");
  CHECK(u.input == 640);
  CHECK(u.output == 96);
  CHECK(u.total == 736);
  CHECK(u.looks_like_llm_call());
}

TEST_CASE("token-usage: plain JSON-log fields, OpenAI style", "[cost][token-usage]") {
  auto u = usage_of({s("model", "gpt-4o"), i("prompt_tokens", 1200), i("completion_tokens", 300),
                     i("cached_tokens", 200)});
  CHECK(u.model == "gpt-4o");
  CHECK(u.input == 1200);
  CHECK(u.output == 300);
  CHECK(u.cache_read == 200);
  auto t = trace::call_tokens(u);
  CHECK(t.input == 1200);
  CHECK(t.cache_read == 200);
}

TEST_CASE("token-usage: Anthropic's cache fields are apart from input_tokens", "[cost][token-usage]") {
  auto u = usage_of({s("model", "claude-3-5-sonnet-20241022"), i("input_tokens", 2000), i("output_tokens", 400),
                     i("cache_read_input_tokens", 1500), i("cache_creation_input_tokens", 300)});
  CHECK(u.cache_read_extra);
  CHECK(u.cache_write_extra);
  auto t = trace::call_tokens(u);
  CHECK(t.input == 3800);
  CHECK(t.cache_read == 1500);
  CHECK(t.cache_write == 300);
  CHECK(t.output == 400);
}

TEST_CASE("token-usage: a total alone is counted as input, and flagged", "[cost][token-usage]") {
  auto u = usage_of({s("model", "gpt-4o"), i("tokens", 412)});
  CHECK(u.is_call());
  auto t = trace::call_tokens(u);
  CHECK(t.total_only);
  CHECK(t.input == 412);
  CHECK(t.output == 0);
}

TEST_CASE("token-usage: a missing output is total minus input", "[cost][token-usage]") {
  auto u = usage_of({s("llm.model_name", "gpt-4o"), i("llm.token_count.prompt", 500), i("llm.token_count.total", 550)});
  auto t = trace::call_tokens(u);
  CHECK(t.input == 500);
  CHECK(t.output == 50);
  CHECK_FALSE(t.total_only);
}

TEST_CASE("token-usage: counts given as strings or integral doubles are read; others ignored", "[cost][token-usage]") {
  auto u = usage_of({s("gen_ai.response.model", "gpt-4o"), s("gen_ai.usage.input_tokens", "1834"),
                     d("gen_ai.usage.output_tokens", 212.0), s("gen_ai.usage.total_tokens", "12x"),
                     i("gen_ai.usage.cache_read.input_tokens", -5)});
  CHECK(u.input == 1834);
  CHECK(u.output == 212);
  CHECK(u.total == TokenUsage::kAbsent);
  CHECK(u.cache_read == TokenUsage::kAbsent);
}

TEST_CASE("token-usage: a total or cost without a model is not a call", "[cost][token-usage]") {
  auto u = usage_of({i("tokens_total", 5943), d("cost_usd", 0.02188)});
  CHECK_FALSE(u.is_call());
  CHECK(u.is_uncounted_usage());
  auto tokenize = usage_of({i("tokens", 1240)});
  CHECK_FALSE(tokenize.is_call());
}

TEST_CASE("token-usage: the model may come from the resource; tokens never do", "[cost][token-usage]") {
  auto u = usage_of({i("input_tokens", 5)}, {s("llm.model_name", "gpt-4o"), i("output_tokens", 7)});
  CHECK(u.model == "gpt-4o");
  CHECK(u.input == 5);
  CHECK(u.output == TokenUsage::kAbsent);
  CHECK(trace::find_llm_model({}, {})== nullptr);
}

TEST_CASE("token-usage: a span with no usage is neither a call nor usage", "[cost][token-usage]") {
  auto u = usage_of({s("gen_ai.operation.name", "chat"), s("gen_ai.request.model", "gpt-4o")});
  CHECK_FALSE(u.is_call());
  CHECK_FALSE(u.is_uncounted_usage());
  CHECK(u.looks_like_llm_call());
  auto tool = usage_of({s("gen_ai.operation.name", "execute_tool")});
  CHECK_FALSE(tool.looks_like_llm_call());
}
