// Where the `cost` metric of `trace check` and `trace diff` comes from: the price of one
// span. The rules and the diff only ever see this interface, so the pricing (token usage
// attributes, a price table) can change without touching them.
#pragma once

#include <cstdint>
#include <optional>

#include "src/record.h"

namespace trace {

class SpanCostSource {
 public:
  virtual ~SpanCostSource() = default;
  // What the span cost in US dollars, or nullopt when it carries no priced usage. Called
  // from several worker threads at once: implementations must be safe for that (const,
  // no shared mutable state).
  virtual std::optional<double> span_cost_usd(const Span& span) const = 0;
};

// The cost source of this build: `trace cost`'s pricing of one LLM call (the cost the
// producer recorded, else tokens x the built-in list price of the model; see
// token_usage.h and price_table.h). A span that is no call, or whose model has no price,
// costs nothing. Null in a build without pricing: then a rule or --fail-on on cost is a
// usage error ("cost: not available in this build").
const SpanCostSource* builtin_span_cost_source();

// Costs are summed in whole nano-dollars, so a sum is exact and the same for any split
// of the input over threads and files (double addition is not associative).
int64_t usd_to_nano(double usd);
double nano_to_usd(int64_t nano);

}  // namespace trace
