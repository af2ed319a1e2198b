// LLM cost of a run (`trace cost`): every span or log record that is an LLM call
// (token_usage.h) is priced as tokens x list price (price_table.h), or by the cost the
// producer recorded when it did; totals per model, per --group-by group, and the calls
// whose model the price table does not know, which are counted and listed, never
// priced as zero.
//
// Costs are integer femto-dollars from the first call on, so merging any split of the
// input over threads, chunks and files, in any order, gives the same report (up to the
// limits below, past which new values count under "(other)").
//
// A JSON-lines log line with a duration reaches sinks twice, as a log record and as a
// span built from it (trace-formats(5)); its call counts once.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/price_table.h"
#include "analyzers/record_key.h"
#include "analyzers/token_usage.h"
#include "src/output/report.h"
#include "src/record_sink.h"

namespace trace {

inline constexpr size_t kMaxCostModels = 10000;   // distinct model names
inline constexpr size_t kMaxCostGroups = 100000;  // distinct --group-by groups

struct CostOptions {
  RecordKeySpec group_by;  // empty: no groups section
  size_t top = 0;          // rows of the groups section; 0 = all
};

class CostReport : public RecordSink {
 public:
  // `prices` must outlive the report.
  explicit CostReport(const PriceTable& prices, CostOptions options = {});

  Flow on_span(const Span& span) override;
  Flow on_log(const LogRecord& log) override;
  void merge(CostReport& other);

  // Sections: total, models, groups (with --group-by), unknown_models. Fills
  // meta.notes; `file_names` name the inputs by index.
  output::Report finish(std::span<const std::string> file_names) const;

  // The total known cost in USD: table-priced and producer-carried calls.
  double total_cost_usd() const;
  uint64_t unknown_calls() const;

  struct Tally {
    uint64_t calls = 0;
    uint64_t priced = 0;      // priced from the table
    uint64_t carried = 0;     // priced by the producer (llm.cost.*, cost_usd ...)
    uint64_t unknown = 0;     // no price: the model is not in the table
    uint64_t total_only = 0;  // table-priced from a total count alone (as input)
    int64_t input = 0, output = 0, cached = 0;
    __int128 cost_fusd = 0;
    void add(const Tally& o);
  };
  struct ModelStats {
    Tally tally;
    const ModelPrice* price = nullptr;
    uint32_t first_file = std::numeric_limits<uint32_t>::max();  // first call, for unknown models
    uint64_t first_line = 0;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using Map = std::unordered_map<std::string, V, KeyHash, std::equal_to<>>;

 private:
  friend class CostReportState;  // partial results write and read the state below

  template <class R>
  void add_record(const R& record, Attrs attrs, Attrs resource, bool is_span);
  ModelStats& model(std::string_view name);

  const PriceTable* prices_;
  CostOptions options_;
  RecordKeyBuilder key_builder_;
  Map<ModelStats> models_;
  Map<Tally> groups_;
  bool models_capped_ = false, groups_capped_ = false;
  uint64_t without_usage_ = 0;  // inference spans that carry no token counts
  uint64_t uncounted_ = 0;      // counts or a cost without a model or split: not calls
  uint32_t uncounted_file_ = std::numeric_limits<uint32_t>::max();
  uint64_t uncounted_line_ = 0;
  std::vector<std::string_view> cost_keys_;  // producer cost keys seen (static storage)
  // The log record just seen, to recognise the span a JSON-lines loader builds from it.
  bool last_log_valid_ = false;
  uint32_t last_log_file_ = 0;
  uint64_t last_log_offset_ = 0;
  const Attr* last_log_fields_ = nullptr;
  size_t last_log_field_count_ = 0;
  std::string_view cached_model_key_;
  ModelStats* cached_model_ = nullptr;
};

static_assert(MergeableSink<CostReport>);

// fUSD (1e-15 USD) as dollars.
double fusd_to_usd(__int128 fusd);

}  // namespace trace
