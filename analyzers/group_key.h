// What `--group-by` groups spans by, and the key one span falls under.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/record.h"

namespace trace {

enum class GroupKeyKind : uint8_t { kName, kService, kModel, kAttr };

struct GroupKeyPart {
  GroupKeyKind kind = GroupKeyKind::kName;
  std::string attr;  // the attribute name, for kAttr

  // Output column key ("name", "service", "model", "attr.KEY") and header ("KEY" for
  // attributes).
  std::string column_key() const;
  std::string column_header() const;
};

struct GroupKeySpec {
  std::vector<GroupKeyPart> parts;  // never empty once parsed

  static GroupKeySpec by_name() { return {{GroupKeyPart{}}}; }
};

// The group of a span that lacks the key (no service, no such attribute, no model).
inline constexpr std::string_view kNoGroupValue = "(none)";

// Parses a comma-separated list of keys: "name", "service", "model", "attr:KEY" (or
// "attr.KEY"), e.g. "service,attr:http.route". Spaces around keys are ignored.
// Throws UsageError naming the bad key and the accepted ones.
GroupKeySpec parse_group_key_spec(std::string_view text);

// The same for a repeated option: each text may itself be a comma-separated list.
GroupKeySpec parse_group_key_spec(const std::vector<std::string>& texts);

// Builds the key of a span. One builder per sink: it reuses its buffer, so building a
// key allocates nothing once the buffer has grown to the longest key seen.
//
// A key of one part is that part's text. A key of several parts is an encoding of
// their texts that split_group_key() reverses (each part prefixed by its length), so
// values that contain any byte at all still give distinct keys.
class GroupKeyBuilder {
 public:
  explicit GroupKeyBuilder(GroupKeySpec spec);

  // The span's key, valid until the next call or until the span's own call ends.
  std::string_view key(const Span& span);

  const GroupKeySpec& spec() const { return spec_; }

 private:
  void append_part(const GroupKeyPart& part, const Span& span, std::string& out);

  GroupKeySpec spec_;
  std::string buffer_;
};

// The parts of a key built for a spec of `part_count` parts, appended to `out`.
void split_group_key(std::string_view key, size_t part_count, std::vector<std::string_view>& out);

// The model a span used, following FORMATS.md §2.4: gen_ai.response.model,
// gen_ai.request.model, llm.model_name, llm.response.model, llm.request.model, then a
// plain "model" attribute; span attributes first, then resource attributes. Null when
// none is present.
const Value* find_model(const Span& span);

// The value of attribute `key`: span attributes first, then resource attributes.
const Value* find_span_attr(const Span& span, std::string_view key);

// Appends a value as group text: strings as-is, integers in decimal, doubles in their
// shortest round-trip form, booleans as true/false, raw JSON as written. Returns false
// (appending nothing) for null.
bool append_value_text(const Value& value, std::string& out);

}  // namespace trace
