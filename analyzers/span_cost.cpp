#include "analyzers/span_cost.h"

#include <cmath>

#include "analyzers/price_table.h"
#include "analyzers/token_usage.h"

namespace trace {

namespace {

// The pricing of `trace cost` (analyzers/cost_report.cpp) for one span: the cost the
// producer recorded, else tokens x the built-in list price of the model; nothing for a
// span that is no LLM call or whose model the price table does not know.
class ListPriceCost : public SpanCostSource {
 public:
  ListPriceCost() : prices_(PriceTable::builtin()) {}

  std::optional<double> span_cost_usd(const Span& span) const override {
    TokenUsage usage = extract_token_usage(span.attrs, span.resource_attrs);
    if (!usage.is_call()) return std::nullopt;
    if (usage.has_cost) return usage.cost_usd;
    const ModelPrice* price = prices_.find(usage.model);
    if (price == nullptr) return std::nullopt;
    CallTokens t = call_tokens(usage);
    __int128 fusd = call_cost_fusd(*price, t.input, t.cache_read, t.cache_write, t.output);
    return static_cast<double>(fusd) / kFemtoUsdPerUsd;
  }

 private:
  PriceTable prices_;
};

}  // namespace

const SpanCostSource* builtin_span_cost_source() {
  // Built on first use: the price table is parsed only by runs that ask for cost.
  static const ListPriceCost source;
  return &source;
}

int64_t usd_to_nano(double usd) {
  if (!(usd > 0)) return 0;
  if (usd > 9.2e9) return INT64_MAX;
  return std::llround(usd * 1e9);
}

double nano_to_usd(int64_t nano) { return static_cast<double>(nano) / 1e9; }

}  // namespace trace
