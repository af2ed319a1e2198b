// What one span or log record says about an LLM call: the model, token counts and any
// cost the producer computed itself, read from every naming scheme in use
// (../shared/FORMATS.md §2.4). A pure function of the attributes, for `trace cost` and
// for grouping by model.
#pragma once

#include <cstdint>
#include <string_view>

#include "src/record.h"

namespace trace {

struct TokenUsage {
  static constexpr int64_t kAbsent = -1;

  std::string_view model;      // "" = none given
  std::string_view model_key;  // the attribute that gave it (static storage: outlives the record)
  std::string_view operation;  // gen_ai.operation.name, llm.request.type, openinference.span.kind

  // Token counts as found; kAbsent when the record gives none.
  int64_t input = kAbsent;   // all input tokens, cached ones included (see cache_*_extra)
  int64_t output = kAbsent;  // reasoning tokens included
  int64_t total = kAbsent;
  int64_t cache_read = kAbsent;   // input tokens read from a prompt cache
  int64_t cache_write = kAbsent;  // input tokens written to a prompt cache
  // Anthropic's own usage names (cache_read_input_tokens, cache_creation_input_tokens)
  // count cache tokens apart from input_tokens; every other scheme counts them inside.
  bool cache_read_extra = false;
  bool cache_write_extra = false;

  // A cost the producer computed (llm.cost.total, or llm.cost.prompt + llm.cost.completion,
  // gen_ai.usage.cost, cost_usd, cost), in USD.
  bool has_cost = false;
  double cost_usd = 0;
  std::string_view cost_key;  // static storage, like model_key

  bool has_split() const { return input >= 0 || output >= 0; }
  bool has_tokens() const { return has_split() || total >= 0; }
  // An LLM call: input or output counts, or a model with a total count or a cost. A
  // total or a cost without a model is usually a run's own summary line, which would
  // count its calls twice.
  bool is_call() const { return has_split() || (!model.empty() && (total >= 0 || has_cost)); }
  // Carries counts or a cost, but is no call by the rule above.
  bool is_uncounted_usage() const { return !is_call() && (has_tokens() || has_cost); }
  // The span says it is an inference (chat, text_completion, generate_content,
  // embeddings; OpenInference LLM or EMBEDDING; any llm.request.type).
  bool looks_like_llm_call() const;
};

// The counts a call is priced by, after the schemes' differences are settled.
struct CallTokens {
  int64_t input = 0;        // all input tokens, cache reads and writes included
  int64_t output = 0;
  int64_t cache_read = 0;   // part of input
  int64_t cache_write = 0;  // part of input
  bool total_only = false;  // only a total was given: counted as input
};

// Reads every attribute once. Model: gen_ai.response.model, gen_ai.request.model,
// llm.model_name, llm.response.model, llm.request.model, model, model_name, model_id
// (first in this order wins), from `attrs`, else from `resource`. Tokens and cost only
// from `attrs`:
//   input:  gen_ai.usage.input_tokens, gen_ai.usage.prompt_tokens, llm.token_count.prompt,
//           llm.usage.prompt_tokens, input_tokens, prompt_tokens, usage.input_tokens,
//           usage.prompt_tokens
//   output: gen_ai.usage.output_tokens, gen_ai.usage.completion_tokens,
//           llm.token_count.completion, llm.usage.completion_tokens, output_tokens,
//           completion_tokens, usage.output_tokens, usage.completion_tokens
//   total:  llm.token_count.total, llm.usage.total_tokens, gen_ai.usage.total_tokens,
//           total_tokens, usage.total_tokens, tokens, tokens_total
//   cache read:  gen_ai.usage.cache_read.input_tokens, llm.token_count.prompt_details.cache_read,
//                cached_tokens, cached_input_tokens, cache_read_input_tokens (apart from input)
//   cache write: gen_ai.usage.cache_creation.input_tokens,
//                llm.token_count.prompt_details.cache_write, cache_creation_input_tokens
//                (apart from input)
//   cost:   llm.cost.total, gen_ai.usage.cost, cost_usd, total_cost_usd, cost; else
//           llm.cost.prompt + llm.cost.completion
// Counts may be integers, integral doubles or decimal strings (OTLP intValue, Zipkin
// tags); negative or unreadable values are ignored.
TokenUsage extract_token_usage(Attrs attrs, Attrs resource = {});

// Input and output for pricing: cache tokens given apart from input are added to it; a
// missing output (or input) is total minus the other when both of those are known; a
// call with only a total counts it as input (total_only).
CallTokens call_tokens(const TokenUsage& usage);

// The model alone (the same keys and order as above), or null.
const Value* find_llm_model(Attrs attrs, Attrs resource = {});

}  // namespace trace
