#include "analyzers/record_key.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include <fmt/format.h>

#include "analyzers/group_key.h"
#include "analyzers/token_usage.h"
#include "src/errors.h"
#include "src/severity.h"

namespace trace {

namespace {

struct KindName {
  std::string_view name;
  RecordKeyKind kind;
};

constexpr KindName kKindNames[] = {
    {"name", RecordKeyKind::kName},         {"service", RecordKeyKind::kService},
    {"logger", RecordKeyKind::kLogger},     {"file", RecordKeyKind::kFile},
    {"model", RecordKeyKind::kModel},       {"provider", RecordKeyKind::kProvider},
    {"level", RecordKeyKind::kLevel},       {"trace", RecordKeyKind::kTrace},
    {"session", RecordKeyKind::kSession},   {"user", RecordKeyKind::kUser},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string expected_list(std::span<const RecordKeyKind> allowed) {
  std::string out = "(expected ";
  bool attr = false;
  std::vector<std::string_view> names;
  for (RecordKeyKind kind : allowed) {
    if (kind == RecordKeyKind::kAttr) attr = true;
    for (const KindName& k : kKindNames)
      if (k.kind == kind) names.push_back(k.name);
  }
  if (attr) names.push_back("attr:KEY");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  out += ')';
  return out;
}

RecordKeyPart parse_part(std::string_view text, std::span<const RecordKeyKind> allowed) {
  auto permitted = [&](RecordKeyKind kind) { return std::find(allowed.begin(), allowed.end(), kind) != allowed.end(); };
  if (text.empty()) throw UsageError(fmt::format("--group-by: empty key {}", expected_list(allowed)));
  if ((text.starts_with("attr:") || text.starts_with("attr.")) && permitted(RecordKeyKind::kAttr)) {
    std::string_view attr = text.substr(5);
    if (attr.empty()) throw UsageError(fmt::format("--group-by: '{}' names no attribute (expected attr:KEY)", text));
    return {RecordKeyKind::kAttr, std::string(attr), 0};
  }
  for (const KindName& k : kKindNames)
    if (k.name == text && permitted(k.kind)) return {k.kind, {}, 0};
  throw UsageError(fmt::format("--group-by: unknown key '{}' {}", text, expected_list(allowed)));
}

void append_varint(size_t n, std::string& out) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

bool value_text(const Value* v, std::string& out) {
  return v != nullptr && append_value_text(*v, out);
}

std::string_view or_none(std::string_view s) { return s.empty() ? kNoKeyValue : s; }

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

// The pieces of a record a key part needs, the same way for spans and logs.
struct View {
  std::string_view name, service, logger, trace_id;
  Attrs attrs, resource;
  uint32_t file_index = 0;
  bool has_time = false;
  int64_t time_ns = 0;
  std::string_view level;
};

View view_of(const Span& s) {
  View v;
  v.name = s.name;
  v.service = s.service;
  if (const Attr* scope = find_attr(s.attrs, "otel.scope.name"); scope && scope->value.kind == ValueKind::kString)
    v.logger = scope->value.text;
  v.trace_id = s.trace_id;
  v.attrs = s.attrs;
  v.resource = s.resource_attrs;
  v.file_index = s.src.file_index;
  v.has_time = !(s.flags & kSpanStartUnknown);
  v.time_ns = s.start_ns;
  v.level = s.is_error() ? std::string_view("ERROR") : std::string_view("(span)");
  return v;
}

View view_of(const LogRecord& l) {
  View v;
  if (const Value* name = find_first_attr(l.fields, {}, kLogNameKeys); name && name->kind == ValueKind::kString)
    v.name = name->text;
  v.service = l.service;
  v.logger = l.logger;
  v.trace_id = l.trace_id;
  v.attrs = l.fields;
  v.resource = l.resource_attrs;
  v.file_index = l.src.file_index;
  v.has_time = l.time_ns != 0;
  v.time_ns = l.time_ns;
  v.level = severity_name(l.severity);
  return v;
}

void append_part(const RecordKeyPart& part, const View& v, std::string& out) {
  switch (part.kind) {
    case RecordKeyKind::kName: out += or_none(v.name); return;
    case RecordKeyKind::kService: out += or_none(v.service); return;
    case RecordKeyKind::kLogger: out += or_none(v.logger); return;
    case RecordKeyKind::kTrace: out += or_none(v.trace_id); return;
    case RecordKeyKind::kLevel: out += or_none(v.level); return;
    case RecordKeyKind::kFile: fmt::format_to(std::back_inserter(out), "{}", v.file_index); return;
    case RecordKeyKind::kTime:
      if (v.has_time)
        fmt::format_to(std::back_inserter(out), "{}", floor_div(v.time_ns, part.every_ns) * part.every_ns);
      else
        out += kNoKeyValue;
      return;
    case RecordKeyKind::kModel:
      if (!value_text(find_llm_model(v.attrs, v.resource), out)) out += kNoKeyValue;
      return;
    case RecordKeyKind::kProvider:
      if (!value_text(find_first_attr(v.attrs, v.resource, kProviderKeys), out)) out += kNoKeyValue;
      return;
    case RecordKeyKind::kSession:
      if (!value_text(find_first_attr(v.attrs, v.resource, kSessionKeys), out)) out += kNoKeyValue;
      return;
    case RecordKeyKind::kUser:
      if (!value_text(find_first_attr(v.attrs, v.resource, kUserKeys), out)) out += kNoKeyValue;
      return;
    case RecordKeyKind::kAttr: {
      const Value* value = nullptr;
      if (const Attr* a = find_attr(v.attrs, part.attr); a && a->value.kind != ValueKind::kNull) value = &a->value;
      else if (const Attr* r = find_attr(v.resource, part.attr); r && r->value.kind != ValueKind::kNull) value = &r->value;
      if (!value_text(value, out)) out += kNoKeyValue;
      return;
    }
  }
}

int cell_rank(const output::Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return 0;
  if (std::holds_alternative<int64_t>(c) || std::holds_alternative<double>(c)) return 1;
  return 2;
}

}  // namespace

std::string RecordKeyPart::column_key() const {
  switch (kind) {
    case RecordKeyKind::kAttr: return "attr." + attr;
    case RecordKeyKind::kTime: return "bucket_start_ns";
    default: break;
  }
  for (const KindName& k : kKindNames)
    if (k.kind == kind) return std::string(k.name);
  return {};
}

std::string RecordKeyPart::column_header() const {
  if (kind == RecordKeyKind::kAttr) return attr;
  if (kind == RecordKeyKind::kTime) return "bucket";
  return column_key();
}

output::ColumnKind RecordKeyPart::column_kind() const {
  return kind == RecordKeyKind::kTime ? output::ColumnKind::kTimestampNs : output::ColumnKind::kText;
}

bool RecordKeySpec::has_time() const {
  return std::any_of(parts.begin(), parts.end(), [](const RecordKeyPart& p) { return p.kind == RecordKeyKind::kTime; });
}

RecordKeySpec parse_record_key_spec(const std::vector<std::string>& texts, std::span<const RecordKeyKind> allowed,
                                    int64_t every_ns) {
  RecordKeySpec spec;
  for (std::string_view text : texts) {
    while (true) {
      size_t comma = text.find(',');
      spec.parts.push_back(parse_part(trim(text.substr(0, comma)), allowed));
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
  }
  if (every_ns > 0) spec.parts.push_back({RecordKeyKind::kTime, {}, every_ns});
  return spec;
}

const Value* find_first_attr(Attrs attrs, Attrs resource, std::span<const std::string_view> keys) {
  for (Attrs list : {attrs, resource}) {
    const Value* best = nullptr;
    size_t best_rank = keys.size();
    for (const Attr& a : list) {
      if (a.value.kind == ValueKind::kNull || a.value.kind == ValueKind::kRawJson) continue;
      if (a.value.kind == ValueKind::kString && a.value.text.empty()) continue;
      for (size_t r = 0; r < best_rank; ++r)
        if (a.key == keys[r]) {
          best = &a.value;
          best_rank = r;
          break;
        }
      if (best_rank == 0) break;
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

RecordKeyBuilder::RecordKeyBuilder(RecordKeySpec spec) : spec_(std::move(spec)) {}

template <class R>
std::string_view RecordKeyBuilder::build(const R& record) {
  View v = view_of(record);
  buffer_.clear();
  if (spec_.parts.size() == 1) {
    append_part(spec_.parts.front(), v, buffer_);
    return buffer_;
  }
  for (const RecordKeyPart& part : spec_.parts) {
    part_.clear();
    append_part(part, v, part_);
    append_varint(part_.size(), buffer_);
    buffer_ += part_;
  }
  return buffer_;
}

std::string_view RecordKeyBuilder::key(const Span& span) { return build(span); }
std::string_view RecordKeyBuilder::key(const LogRecord& log) { return build(log); }

output::Row key_cells(std::string_view key, const RecordKeySpec& spec, std::span<const std::string> file_names) {
  output::Row row;
  if (key == kOtherKeyValue) {
    // Not an encoding of several parts (its first byte would be a length of 40): split,
    // it would show as "other)" and an empty cell.
    row.emplace_back(std::string(key));
    for (size_t i = 1; i < spec.parts.size(); ++i) {
      if (spec.parts[i].kind == RecordKeyKind::kTime) row.emplace_back(std::monostate{});
      else row.emplace_back(std::string());
    }
    return row;
  }
  std::vector<std::string_view> parts;
  split_group_key(key, spec.parts.size(), parts);
  for (size_t i = 0; i < spec.parts.size() && i < parts.size(); ++i) {
    std::string_view text = parts[i];
    int64_t n = 0;
    bool number = !text.empty() && std::from_chars(text.data(), text.data() + text.size(), n).ptr ==
                                       text.data() + text.size();
    switch (spec.parts[i].kind) {
      case RecordKeyKind::kFile:
        if (number && n >= 0 && static_cast<size_t>(n) < file_names.size())
          row.emplace_back(file_names[static_cast<size_t>(n)]);
        else
          row.emplace_back(std::string(text));
        break;
      case RecordKeyKind::kTime:
        if (number) row.emplace_back(n); else row.emplace_back(std::monostate{});
        break;
      default: row.emplace_back(std::string(text)); break;
    }
  }
  return row;
}

bool key_cells_less(const output::Row& a, const output::Row& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int ra = cell_rank(a[i]), rb = cell_rank(b[i]);
    if (ra != rb) return ra < rb;
    if (ra == 1) {
      int64_t x = std::get<int64_t>(a[i]), y = std::get<int64_t>(b[i]);
      if (x != y) return x < y;
    } else if (ra == 2) {
      const std::string& x = std::get<std::string>(a[i]);
      const std::string& y = std::get<std::string>(b[i]);
      if (x != y) return x < y;
    }
  }
  return a.size() < b.size();
}

}  // namespace trace
