#include "analyzers/group_key.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

constexpr std::string_view kExpectedKeys = "(expected name, service, model or attr:KEY)";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

GroupKeyPart parse_part(std::string_view text) {
  if (text.empty()) throw UsageError(fmt::format("--group-by: empty key {}", kExpectedKeys));
  if (text == "name") return {GroupKeyKind::kName, {}};
  if (text == "service") return {GroupKeyKind::kService, {}};
  if (text == "model") return {GroupKeyKind::kModel, {}};
  if (text.starts_with("attr:") || text.starts_with("attr.")) {
    std::string_view attr = text.substr(5);
    if (attr.empty())
      throw UsageError(
          fmt::format("--group-by: '{}' names no attribute (expected attr:KEY)", text));
    return {GroupKeyKind::kAttr, std::string(attr)};
  }
  throw UsageError(fmt::format("--group-by: unknown key '{}' {}", text, kExpectedKeys));
}

void parse_list(std::string_view text, GroupKeySpec& spec) {
  while (true) {
    size_t comma = text.find(',');
    spec.parts.push_back(parse_part(trim(text.substr(0, comma))));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

// Rank of `key` in the model alias list (lower wins), or -1 when it is not an alias.
int model_alias_rank(std::string_view key) {
  static constexpr std::string_view kAliases[] = {
      "gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
      "llm.response.model",    "llm.request.model",    "model",
  };
  for (int i = 0; i < static_cast<int>(std::size(kAliases)); ++i)
    if (key == kAliases[i]) return i;
  return -1;
}

// The best model alias in `attrs`, in one pass over them.
const Value* find_model_in(Attrs attrs) {
  const Value* best = nullptr;
  int best_rank = 1 << 30;
  for (const Attr& a : attrs) {
    if (a.value.kind == ValueKind::kNull) continue;
    int rank = model_alias_rank(a.key);
    if (rank >= 0 && rank < best_rank) {
      best = &a.value;
      best_rank = rank;
      if (rank == 0) break;
    }
  }
  return best;
}

const Value* non_null(const Attr* attr) {
  return attr != nullptr && attr->value.kind != ValueKind::kNull ? &attr->value : nullptr;
}

void append_varint(size_t n, std::string& out) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

}  // namespace

std::string GroupKeyPart::column_key() const {
  switch (kind) {
    case GroupKeyKind::kName: return "name";
    case GroupKeyKind::kService: return "service";
    case GroupKeyKind::kModel: return "model";
    case GroupKeyKind::kAttr: return "attr." + attr;
  }
  return {};
}

std::string GroupKeyPart::column_header() const {
  return kind == GroupKeyKind::kAttr ? attr : column_key();
}

GroupKeySpec parse_group_key_spec(std::string_view text) {
  GroupKeySpec spec;
  parse_list(text, spec);
  return spec;
}

GroupKeySpec parse_group_key_spec(const std::vector<std::string>& texts) {
  GroupKeySpec spec;
  for (const std::string& text : texts) parse_list(text, spec);
  if (spec.parts.empty()) throw UsageError(fmt::format("--group-by: no key given {}", kExpectedKeys));
  return spec;
}

const Value* find_span_attr(const Span& span, std::string_view key) {
  if (const Value* v = non_null(find_attr(span.attrs, key))) return v;
  return non_null(find_attr(span.resource_attrs, key));
}

const Value* find_model(const Span& span) {
  if (const Value* v = find_model_in(span.attrs)) return v;
  return find_model_in(span.resource_attrs);
}

bool append_value_text(const Value& value, std::string& out) {
  switch (value.kind) {
    case ValueKind::kNull: return false;
    case ValueKind::kBool: out += value.boolean ? "true" : "false"; return true;
    case ValueKind::kInt: fmt::format_to(std::back_inserter(out), "{}", value.integer); return true;
    case ValueKind::kDouble: fmt::format_to(std::back_inserter(out), "{}", value.number); return true;
    case ValueKind::kString:
    case ValueKind::kRawJson: out += value.text; return true;
  }
  return false;
}

GroupKeyBuilder::GroupKeyBuilder(GroupKeySpec spec) : spec_(std::move(spec)) {
  if (spec_.parts.empty()) spec_ = GroupKeySpec::by_name();
}

void GroupKeyBuilder::append_part(const GroupKeyPart& part, const Span& span, std::string& out) {
  const Value* value = nullptr;
  switch (part.kind) {
    case GroupKeyKind::kName: out += span.name; return;
    case GroupKeyKind::kService:
      out += span.service.empty() ? kNoGroupValue : span.service;
      return;
    case GroupKeyKind::kModel: value = find_model(span); break;
    case GroupKeyKind::kAttr: value = find_span_attr(span, part.attr); break;
  }
  if (value == nullptr || !append_value_text(*value, out)) out += kNoGroupValue;
}

std::string_view GroupKeyBuilder::key(const Span& span) {
  if (spec_.parts.size() == 1) {
    const GroupKeyPart& part = spec_.parts.front();
    // The common cases need no copy at all.
    if (part.kind == GroupKeyKind::kName) return span.name;
    if (part.kind == GroupKeyKind::kService)
      return span.service.empty() ? kNoGroupValue : span.service;
    buffer_.clear();
    append_part(part, span, buffer_);
    return buffer_;
  }
  buffer_.clear();
  for (const GroupKeyPart& part : spec_.parts) {
    // Reserve the length prefix's usual single byte, then fix it up if the part is long.
    size_t at = buffer_.size();
    buffer_.push_back('\0');
    append_part(part, span, buffer_);
    size_t len = buffer_.size() - at - 1;
    if (len < 0x80) {
      buffer_[at] = static_cast<char>(len);
    } else {
      std::string prefix;
      append_varint(len, prefix);
      buffer_.replace(at, 1, prefix);
    }
  }
  return buffer_;
}

void split_group_key(std::string_view key, size_t part_count, std::vector<std::string_view>& out) {
  if (part_count <= 1) {
    out.push_back(key);
    return;
  }
  for (size_t i = 0; i < part_count; ++i) {
    size_t len = 0;
    int shift = 0;
    while (!key.empty()) {
      auto byte = static_cast<unsigned char>(key.front());
      key.remove_prefix(1);
      len |= static_cast<size_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) break;
    }
    len = std::min(len, key.size());
    out.push_back(key.substr(0, len));
    key.remove_prefix(len);
  }
}

}  // namespace trace
