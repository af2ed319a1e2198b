#include "analyzers/token_usage.h"

#include <array>
#include <charconv>
#include <cmath>

namespace trace {

namespace {

enum class Field : uint8_t {
  kModel, kOperation, kInput, kOutput, kTotal, kCacheRead, kCacheWrite, kCost, kCostPrompt, kCostCompletion,
};
constexpr size_t kFieldCount = 10;

struct KeyRule {
  std::string_view key;
  Field field;
  uint8_t rank;        // lower wins among keys of one field
  bool extra = false;  // cache tokens counted apart from input (Anthropic's names)
};

// Order inside a field is the rank; see token_usage.h for the lists in words.
constexpr KeyRule kRules[] = {
    {"gen_ai.response.model", Field::kModel, 0},
    {"gen_ai.request.model", Field::kModel, 1},
    {"llm.model_name", Field::kModel, 2},
    {"llm.response.model", Field::kModel, 3},
    {"llm.request.model", Field::kModel, 4},
    {"model", Field::kModel, 5},
    {"model_name", Field::kModel, 6},
    {"model_id", Field::kModel, 7},
    {"gen_ai.operation.name", Field::kOperation, 0},
    {"llm.request.type", Field::kOperation, 1},
    {"openinference.span.kind", Field::kOperation, 2},
    {"gen_ai.usage.input_tokens", Field::kInput, 0},
    {"gen_ai.usage.prompt_tokens", Field::kInput, 1},
    {"llm.token_count.prompt", Field::kInput, 2},
    {"llm.usage.prompt_tokens", Field::kInput, 3},
    {"input_tokens", Field::kInput, 4},
    {"prompt_tokens", Field::kInput, 5},
    {"usage.input_tokens", Field::kInput, 6},
    {"usage.prompt_tokens", Field::kInput, 7},
    {"gen_ai.usage.output_tokens", Field::kOutput, 0},
    {"gen_ai.usage.completion_tokens", Field::kOutput, 1},
    {"llm.token_count.completion", Field::kOutput, 2},
    {"llm.usage.completion_tokens", Field::kOutput, 3},
    {"output_tokens", Field::kOutput, 4},
    {"completion_tokens", Field::kOutput, 5},
    {"usage.output_tokens", Field::kOutput, 6},
    {"usage.completion_tokens", Field::kOutput, 7},
    {"llm.token_count.total", Field::kTotal, 0},
    {"llm.usage.total_tokens", Field::kTotal, 1},
    {"gen_ai.usage.total_tokens", Field::kTotal, 2},
    {"total_tokens", Field::kTotal, 3},
    {"usage.total_tokens", Field::kTotal, 4},
    {"tokens", Field::kTotal, 5},
    {"tokens_total", Field::kTotal, 6},
    {"gen_ai.usage.cache_read.input_tokens", Field::kCacheRead, 0},
    {"llm.token_count.prompt_details.cache_read", Field::kCacheRead, 1},
    {"cached_tokens", Field::kCacheRead, 2},
    {"cached_input_tokens", Field::kCacheRead, 3},
    {"cache_read_input_tokens", Field::kCacheRead, 4, true},
    {"gen_ai.usage.cache_creation.input_tokens", Field::kCacheWrite, 0},
    {"llm.token_count.prompt_details.cache_write", Field::kCacheWrite, 1},
    {"cache_creation_input_tokens", Field::kCacheWrite, 2, true},
    {"llm.cost.total", Field::kCost, 0},
    {"gen_ai.usage.cost", Field::kCost, 1},
    {"cost_usd", Field::kCost, 2},
    {"total_cost_usd", Field::kCost, 3},
    {"cost", Field::kCost, 4},
    {"llm.cost.prompt", Field::kCostPrompt, 0},
    {"llm.cost.completion", Field::kCostCompletion, 0},
};

constexpr size_t kMaxKeyLength = 48;

// Rules bucketed by key length, so classifying a key costs one index and, at most, a
// few comparisons of equal-length strings: this runs for every attribute of every record.
struct RuleIndex {
  std::array<uint8_t, kMaxKeyLength + 1> begin{};
  std::array<uint8_t, kMaxKeyLength + 1> end{};
  std::array<uint8_t, std::size(kRules)> order{};
};

constexpr RuleIndex make_index() {
  RuleIndex index;
  size_t n = 0;
  for (size_t len = 0; len <= kMaxKeyLength; ++len) {
    index.begin[len] = static_cast<uint8_t>(n);
    for (size_t r = 0; r < std::size(kRules); ++r)
      if (kRules[r].key.size() == len) index.order[n++] = static_cast<uint8_t>(r);
    index.end[len] = static_cast<uint8_t>(n);
  }
  return index;
}

constexpr RuleIndex kIndex = make_index();

const KeyRule* classify(std::string_view key) {
  if (key.size() > kMaxKeyLength) return nullptr;
  for (uint8_t i = kIndex.begin[key.size()]; i < kIndex.end[key.size()]; ++i) {
    const KeyRule& rule = kRules[kIndex.order[i]];
    if (rule.key[0] == key[0] && rule.key == key) return &rule;
  }
  return nullptr;
}

bool read_count(const Value& v, int64_t& out) {
  switch (v.kind) {
    case ValueKind::kInt:
      if (v.integer < 0) return false;
      out = v.integer;
      return true;
    case ValueKind::kDouble:
      if (!std::isfinite(v.number) || v.number < 0 || v.number > 9e18 || v.number != std::floor(v.number))
        return false;
      out = static_cast<int64_t>(v.number);
      return true;
    case ValueKind::kString: {
      int64_t n = 0;
      const char* end = v.text.data() + v.text.size();
      auto [ptr, ec] = std::from_chars(v.text.data(), end, n);
      if (ec != std::errc() || ptr != end || n < 0) return false;
      out = n;
      return true;
    }
    default: return false;
  }
}

bool read_cost(const Value& v, double& out) {
  double d = 0;
  switch (v.kind) {
    case ValueKind::kInt: d = static_cast<double>(v.integer); break;
    case ValueKind::kDouble: d = v.number; break;
    case ValueKind::kString: {
      const char* end = v.text.data() + v.text.size();
      auto [ptr, ec] = std::from_chars(v.text.data(), end, d);
      if (ec != std::errc() || ptr != end) return false;
      break;
    }
    default: return false;
  }
  if (!std::isfinite(d) || d < 0) return false;
  out = d;
  return true;
}

bool equals_ascii_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

struct Best {
  std::array<const Attr*, kFieldCount> attr{};
  std::array<const KeyRule*, kFieldCount> rule{};
  std::array<uint8_t, kFieldCount> rank{};
  std::array<bool, kFieldCount> extra{};
};

// One pass over `attrs`, keeping per field the lowest-ranked readable value.
void scan(Attrs attrs, Best& best, bool model_only) {
  for (const Attr& a : attrs) {
    const KeyRule* rule = classify(a.key);
    if (rule == nullptr) continue;
    if (model_only && rule->field != Field::kModel) continue;
    auto f = static_cast<size_t>(rule->field);
    if (best.attr[f] != nullptr && best.rank[f] <= rule->rank) continue;
    const Value& v = a.value;
    bool usable = false;
    switch (rule->field) {
      case Field::kModel:
      case Field::kOperation: usable = v.kind == ValueKind::kString && !v.text.empty(); break;
      case Field::kCost:
      case Field::kCostPrompt:
      case Field::kCostCompletion: {
        double d;
        usable = read_cost(v, d);
        break;
      }
      default: {
        int64_t n;
        usable = read_count(v, n);
        break;
      }
    }
    if (!usable) continue;
    best.attr[f] = &a;
    best.rule[f] = rule;
    best.rank[f] = rule->rank;
    best.extra[f] = rule->extra;
  }
}

int64_t count_of(const Best& best, Field f) {
  const Attr* a = best.attr[static_cast<size_t>(f)];
  int64_t n = TokenUsage::kAbsent;
  if (a != nullptr) read_count(a->value, n);
  return n;
}

}  // namespace

bool TokenUsage::looks_like_llm_call() const {
  for (std::string_view op : {"chat", "text_completion", "generate_content", "embeddings", "llm", "embedding",
                              "completion"})
    if (equals_ascii_ci(operation, op)) return true;
  return false;
}

TokenUsage extract_token_usage(Attrs attrs, Attrs resource) {
  Best best;
  scan(attrs, best, false);
  if (best.attr[static_cast<size_t>(Field::kModel)] == nullptr) scan(resource, best, true);

  TokenUsage u;
  if (const Attr* a = best.attr[static_cast<size_t>(Field::kModel)]) {
    u.model = a->value.text;
    u.model_key = best.rule[static_cast<size_t>(Field::kModel)]->key;
  }
  if (const Attr* a = best.attr[static_cast<size_t>(Field::kOperation)]) u.operation = a->value.text;
  u.input = count_of(best, Field::kInput);
  u.output = count_of(best, Field::kOutput);
  u.total = count_of(best, Field::kTotal);
  u.cache_read = count_of(best, Field::kCacheRead);
  u.cache_write = count_of(best, Field::kCacheWrite);
  u.cache_read_extra = best.extra[static_cast<size_t>(Field::kCacheRead)];
  u.cache_write_extra = best.extra[static_cast<size_t>(Field::kCacheWrite)];
  if (const Attr* a = best.attr[static_cast<size_t>(Field::kCost)]) {
    u.has_cost = read_cost(a->value, u.cost_usd);
    u.cost_key = best.rule[static_cast<size_t>(Field::kCost)]->key;
  } else {
    const Attr* p = best.attr[static_cast<size_t>(Field::kCostPrompt)];
    const Attr* c = best.attr[static_cast<size_t>(Field::kCostCompletion)];
    double dp = 0, dc = 0;
    if (p != nullptr) read_cost(p->value, dp);
    if (c != nullptr) read_cost(c->value, dc);
    if (p != nullptr || c != nullptr) {
      u.has_cost = true;
      u.cost_usd = dp + dc;
      u.cost_key = best.rule[static_cast<size_t>(p != nullptr ? Field::kCostPrompt : Field::kCostCompletion)]->key;
    }
  }
  return u;
}

CallTokens call_tokens(const TokenUsage& u) {
  CallTokens t;
  int64_t input = u.input, output = u.output;
  if (input < 0 && output >= 0 && u.total >= output) input = u.total - output;
  if (output < 0 && input >= 0 && u.total >= input) output = u.total - input;
  if (input < 0 && output < 0 && u.total >= 0) {
    input = u.total;
    t.total_only = true;
  }
  t.input = input > 0 ? input : 0;
  t.output = output > 0 ? output : 0;
  t.cache_read = u.cache_read > 0 ? u.cache_read : 0;
  t.cache_write = u.cache_write > 0 ? u.cache_write : 0;
  if (u.cache_read_extra) t.input += t.cache_read;
  if (u.cache_write_extra) t.input += t.cache_write;
  // Cache counts larger than the input they are part of are the producer's error; the
  // price must not go negative.
  if (t.cache_read > t.input) t.cache_read = t.input;
  if (t.cache_write > t.input - t.cache_read) t.cache_write = t.input - t.cache_read;
  return t;
}

const Value* find_llm_model(Attrs attrs, Attrs resource) {
  Best best;
  scan(attrs, best, true);
  if (best.attr[0] == nullptr) scan(resource, best, true);
  const Attr* a = best.attr[static_cast<size_t>(Field::kModel)];
  return a != nullptr ? &a->value : nullptr;
}

}  // namespace trace
