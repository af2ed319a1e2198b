#include "formats/otlp_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "src/output/json_writer.h"

namespace trace::formats {

namespace {

constexpr std::string_view kOriginalTraceId = "trace.original_trace_id";
constexpr std::string_view kOriginalSpanId = "trace.original_span_id";
constexpr std::string_view kScopeName = "otel.scope.name";
constexpr std::string_view kScopeVersion = "otel.scope.version";
constexpr size_t kNoIndex = ~size_t(0);
constexpr int kMaxJsonDepth = 64;

constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hex(std::string_view text) {
  for (char c : text)
    if (hex_value(c) < 0) return false;
  return true;
}

// Branch-free over the id: most ids are already canonical (OTLP, Jaeger, Zipkin input).
bool is_lower_hex(std::string_view text) {
  bool ok = true;
  for (char c : text)
    ok &= static_cast<unsigned char>(c - '0') < 10 || static_cast<unsigned char>(c - 'a') < 6;
  return ok;
}

bool is_uuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : hex_value(id[i]) < 0) return false;
  }
  return true;
}

void append_lower_hex(std::string_view hex, std::string& out) {
  char digits[32];
  for (size_t begin = 0; begin < hex.size(); begin += sizeof digits) {
    size_t n = std::min(sizeof digits, hex.size() - begin);
    for (size_t i = 0; i < n; ++i) digits[i] = kHexDigits[hex_value(hex[begin + i])];
    out.append(digits, n);
  }
}

void append_hash_hex(uint64_t hash, std::string& out) {
  char digits[16];
  for (int i = 15; i >= 0; --i, hash >>= 4) digits[i] = kHexDigits[hash & 15];
  out.append(digits, 16);
}

void append_int_text(int64_t value, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// An int64 as proto3 JSON writes it: a decimal string.
void append_int64_string(int64_t value, std::string& out) {
  out += '"';
  append_int_text(value, out);
  out += '"';
}

// ---- raw JSON (valid JSON text from a loader) as an AnyValue ------------------------

size_t skip_ws(std::string_view json, size_t pos) {
  while (pos < json.size() && (json[pos] == ' ' || json[pos] == '\t' || json[pos] == '\n' || json[pos] == '\r')) ++pos;
  return pos;
}

// The end of the string token starting at json[pos] == '"', or npos when it is cut off
// or holds a raw control character (then it could not be copied into our output as is).
size_t string_end(std::string_view json, size_t pos) {
  for (size_t i = pos + 1; i < json.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(json[i]);
    if (c == '\\') ++i;
    else if (c == '"') return i + 1;
    else if (c < 0x20) return std::string_view::npos;
  }
  return std::string_view::npos;
}

bool append_json_as_any_value(std::string_view json, size_t& pos, std::string& out, int depth);

bool append_json_members(std::string_view json, size_t& pos, std::string& out, int depth, bool object) {
  char close = object ? '}' : ']';
  ++pos;
  pos = skip_ws(json, pos);
  if (pos < json.size() && json[pos] == close) {
    ++pos;
    return true;
  }
  for (bool first = true;; first = false) {
    if (!first) out += ',';
    pos = skip_ws(json, pos);
    if (object) {
      if (pos >= json.size() || json[pos] != '"') return false;
      size_t end = string_end(json, pos);
      if (end == std::string_view::npos) return false;
      out += "{\"key\":";
      out.append(json.substr(pos, end - pos));
      out += ",\"value\":";
      pos = skip_ws(json, end);
      if (pos >= json.size() || json[pos] != ':') return false;
      ++pos;
    }
    if (!append_json_as_any_value(json, pos, out, depth + 1)) return false;
    if (object) out += '}';
    pos = skip_ws(json, pos);
    if (pos >= json.size()) return false;
    if (json[pos] == close) {
      ++pos;
      return true;
    }
    if (json[pos] != ',') return false;
    ++pos;
  }
}

bool append_json_as_any_value(std::string_view json, size_t& pos, std::string& out, int depth) {
  if (depth > kMaxJsonDepth) return false;
  pos = skip_ws(json, pos);
  if (pos >= json.size()) return false;
  char c = json[pos];
  if (c == '{' || c == '[') {
    out += c == '{' ? "{\"kvlistValue\":{\"values\":[" : "{\"arrayValue\":{\"values\":[";
    if (!append_json_members(json, pos, out, depth, c == '{')) return false;
    out += "]}}";
    return true;
  }
  if (c == '"') {
    size_t end = string_end(json, pos);
    if (end == std::string_view::npos) return false;
    out += "{\"stringValue\":";
    out.append(json.substr(pos, end - pos));
    out += '}';
    pos = end;
    return true;
  }
  for (std::string_view word : {"true", "false", "null"}) {
    if (json.substr(pos, word.size()) != word) continue;
    pos += word.size();
    out += word == "null" ? "{}" : word == "true" ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
    return true;
  }
  size_t end = pos;
  bool integral = true;
  while (end < json.size() && ((json[end] >= '0' && json[end] <= '9') || json[end] == '-' || json[end] == '+' ||
                               json[end] == '.' || json[end] == 'e' || json[end] == 'E')) {
    if (json[end] == '.' || json[end] == 'e' || json[end] == 'E') integral = false;
    ++end;
  }
  std::string_view token = json.substr(pos, end - pos);
  if (token.empty()) return false;
  int64_t i = 0;
  auto [int_end, int_ec] = std::from_chars(token.data(), token.data() + token.size(), i);
  if (integral && int_ec == std::errc() && int_end == token.data() + token.size()) {
    out += "{\"intValue\":";
    append_int64_string(i, out);
    out += '}';
  } else {
    double d = 0;
    auto [d_end, d_ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    if (d_ec != std::errc() || d_end != token.data() + token.size() || token[0] == '+') return false;
    out += "{\"doubleValue\":";
    out.append(token);
    out += '}';
  }
  pos = end;
  return true;
}

// ---- records ---------------------------------------------------------------------

// The index of the first string attribute named `key`, or kNoIndex.
size_t find_string_attr(Attrs attrs, std::string_view key) {
  for (size_t i = 0; i < attrs.size(); ++i)
    if (attrs[i].key == key && attrs[i].value.kind == ValueKind::kString) return i;
  return kNoIndex;
}

void append_key_value(std::string_view key, const Value& value, std::string& out) {
  out += "{\"key\":";
  output::append_json_string(key, out);
  out += ",\"value\":";
  append_otlp_any_value(value, out);
  out += '}';
}

std::string_view signal_key(bool traces) { return traces ? "resourceSpans" : "resourceLogs"; }

}  // namespace

uint64_t otlp_id_hash(std::string_view id, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
  for (char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

bool append_otlp_hex_id(std::string_view id, size_t bytes, std::string& out) {
  size_t digits = 2 * bytes;
  if (id.size() == digits && is_lower_hex(id)) {
    out.append(id);
    return true;
  }
  if (id.size() <= digits && is_hex(id)) {
    out.append(digits - id.size(), '0');
    append_lower_hex(id, out);
    return true;
  }
  if (bytes == 16 && is_uuid(id)) {
    for (std::string_view part : {id.substr(0, 8), id.substr(9, 4), id.substr(14, 4), id.substr(19, 4), id.substr(24)})
      append_lower_hex(part, out);
    return true;
  }
  for (size_t i = 0; i < bytes; i += 8) append_hash_hex(otlp_id_hash(id, i / 8), out);
  return false;
}

void append_otlp_any_value(const Value& value, std::string& out) {
  switch (value.kind) {
    case ValueKind::kNull: out += "{}"; return;
    case ValueKind::kBool: out += value.boolean ? "{\"boolValue\":true}" : "{\"boolValue\":false}"; return;
    case ValueKind::kInt:
      out += "{\"intValue\":";
      append_int64_string(value.integer, out);
      out += '}';
      return;
    case ValueKind::kDouble:
      out += "{\"doubleValue\":";
      // proto3 JSON writes the doubles JSON cannot hold as strings.
      if (std::isnan(value.number)) out += "\"NaN\"";
      else if (std::isinf(value.number)) out += value.number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      else output::append_json_number(value.number, out);
      out += '}';
      return;
    case ValueKind::kString:
      out += "{\"stringValue\":";
      output::append_json_string(value.text, out);
      out += '}';
      return;
    case ValueKind::kRawJson: {
      size_t start = out.size();
      size_t pos = 0;
      if (append_json_as_any_value(value.text, pos, out, 0) && skip_ws(value.text, pos) == value.text.size()) return;
      out.resize(start);
      out += "{\"stringValue\":";
      output::append_json_string(value.text, out);
      out += '}';
      return;
    }
  }
}

// ---- OtlpWriter ------------------------------------------------------------------------

bool OtlpWriter::same_resource(std::string_view service, Attrs resource) const {
  if (service != service_ || resource.size() != resource_.size()) return false;
  for (size_t i = 0; i < resource.size(); ++i) {
    const OwnedAttr& kept = resource_[i];
    const Value& v = resource[i].value;
    if (resource[i].key != kept.key || v.kind != kept.value.kind) return false;
    switch (v.kind) {
      case ValueKind::kNull: break;
      case ValueKind::kBool: if (v.boolean != kept.value.boolean) return false; break;
      case ValueKind::kInt: if (v.integer != kept.value.integer) return false; break;
      case ValueKind::kDouble:
        if (std::memcmp(&v.number, &kept.value.number, sizeof v.number) != 0) return false;
        break;
      case ValueKind::kString:
      case ValueKind::kRawJson: if (v.text != kept.text) return false; break;
    }
  }
  return true;
}

void OtlpWriter::keep_resource(std::string_view service, Attrs resource) {
  service_.assign(service);
  resource_.resize(resource.size());
  for (size_t i = 0; i < resource.size(); ++i) {
    resource_[i].key.assign(resource[i].key);
    resource_[i].value = resource[i].value;
    resource_[i].text.assign(resource[i].value.text);
    resource_[i].value.text = {};
  }
}

void OtlpWriter::open_resource(Signal signal, std::string_view service, Attrs resource) {
  keep_resource(service, resource);
  out_ += "{\"resource\":{";
  // service.name is where OTLP keeps the service; a record from another format may have
  // it only as its service.
  bool add_service = !service.empty() && find_attr(resource, "service.name") == nullptr;
  if (add_service || !resource.empty()) {
    out_ += "\"attributes\":[";
    if (add_service) append_key_value("service.name", Value::of_string(service), out_);
    for (size_t i = 0; i < resource.size(); ++i) {
      if (i > 0 || add_service) out_ += ',';
      append_key_value(resource[i].key, resource[i].value, out_);
    }
    out_ += ']';
  }
  out_ += signal == Signal::kTraces ? "},\"scopeSpans\":[" : "},\"scopeLogs\":[";
}

void OtlpWriter::open_scope(Signal signal, std::string_view name, std::string_view version) {
  scope_name_.assign(name);
  scope_version_.assign(version);
  out_ += "{\"scope\":{";
  if (!name.empty()) {
    out_ += "\"name\":";
    output::append_json_string(name, out_);
  }
  if (!version.empty()) {
    out_ += name.empty() ? "\"version\":" : ",\"version\":";
    output::append_json_string(version, out_);
  }
  out_ += signal == Signal::kTraces ? "},\"spans\":[" : "},\"logRecords\":[";
  first_in_scope_ = true;
}

void OtlpWriter::close_line() {
  if (signal_ == Signal::kNone) return;
  out_ += "]}]}]}\n";  // records, scope, resource, request
  signal_ = Signal::kNone;
  records_in_line_ = 0;
}

void OtlpWriter::place(Signal signal, std::string_view service, Attrs resource, std::string_view scope_name,
                       std::string_view scope_version) {
  if (signal_ != signal || records_in_line_ >= kMaxRecordsPerLine) close_line();
  if (signal_ == Signal::kNone) {
    out_ += "{\"";
    out_ += signal_key(signal == Signal::kTraces);
    out_ += "\":[";
    open_resource(signal, service, resource);
    open_scope(signal, scope_name, scope_version);
    signal_ = signal;
  } else if (!same_resource(service, resource)) {
    out_ += "]}]},";
    open_resource(signal, service, resource);
    open_scope(signal, scope_name, scope_version);
  } else if (scope_name != scope_name_ || scope_version != scope_version_) {
    out_ += "]},";
    open_scope(signal, scope_name, scope_version);
  }
  if (!first_in_scope_) out_ += ',';
  first_in_scope_ = false;
  ++records_in_line_;
}

bool OtlpWriter::append_id(std::string& out, std::string_view key, std::string_view id, size_t bytes, bool& first) {
  if (id.empty()) return true;
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":\"";
  bool kept = true;
  if (bytes == 16) {
    if (id != last_trace_in_) {
      last_trace_in_.assign(id);
      last_trace_out_.clear();
      last_trace_hashed_ = !append_otlp_hex_id(id, bytes, last_trace_out_);
    }
    out += last_trace_out_;
    kept = !last_trace_hashed_;
  } else {
    kept = append_otlp_hex_id(id, bytes, out);
  }
  out += '"';
  return kept;
}

// `"attributes":[...]` with the record's attributes but the two skipped indexes, then
// the original ids that had to be hashed; nothing when that is empty.
void OtlpWriter::append_attributes(Attrs attrs, size_t skip_a, size_t skip_b, bool& first_member) {
  bool first = true;
  auto separator = [&] {
    if (first) {
      out_ += first_member ? "\"attributes\":[" : ",\"attributes\":[";
      first_member = false;
    } else {
      out_ += ',';
    }
    first = false;
  };
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (i == skip_a || i == skip_b) continue;
    separator();
    append_key_value(attrs[i].key, attrs[i].value, out_);
  }
  if (!original_trace_id_.empty()) {
    separator();
    append_key_value(kOriginalTraceId, Value::of_string(original_trace_id_), out_);
  }
  if (!original_span_id_.empty()) {
    separator();
    append_key_value(kOriginalSpanId, Value::of_string(original_span_id_), out_);
  }
  if (!first) out_ += ']';
}

Flow OtlpWriter::on_span(const Span& span) {
  // Scope name and version came from the scope (the OTLP loader's attributes): back there.
  size_t scope_name = find_string_attr(span.attrs, kScopeName);
  size_t scope_version = find_string_attr(span.attrs, kScopeVersion);
  place(Signal::kTraces, span.service, span.resource_attrs,
        scope_name == kNoIndex ? std::string_view() : span.attrs[scope_name].value.text,
        scope_version == kNoIndex ? std::string_view() : span.attrs[scope_version].value.text);

  out_ += '{';
  bool first = true;
  original_trace_id_ = append_id(out_, "traceId", span.trace_id, 16, first) ? std::string_view() : span.trace_id;
  original_span_id_ = append_id(out_, "spanId", span.span_id, 8, first) ? std::string_view() : span.span_id;
  append_id(out_, "parentSpanId", span.parent_id, 8, first);
  out_ += first ? "\"name\":" : ",\"name\":";
  first = false;
  output::append_json_string(span.name, out_);
  if (span.kind != SpanKind::kUnspecified) {
    out_ += ",\"kind\":";
    out_ += static_cast<char>('0' + static_cast<int>(span.kind));
  }
  // 0 is OTLP's "unknown": a start we do not know (or a clock with no epoch at 0) is
  // not written; an end only when the span ended.
  if (span.start_ns != 0) {
    out_ += ",\"startTimeUnixNano\":";
    append_int64_string(span.start_ns, out_);
    if (span.has_duration()) {
      out_ += ",\"endTimeUnixNano\":";
      append_int64_string(span.end_ns(), out_);
    }
  }
  append_attributes(span.attrs, scope_name, scope_version, first);
  if (!span.events.empty()) {
    out_ += ",\"events\":[";
    for (size_t i = 0; i < span.events.size(); ++i) {
      const SpanEvent& event = span.events[i];
      if (i > 0) out_ += ',';
      out_ += "{\"timeUnixNano\":";
      append_int64_string(event.time_ns, out_);
      out_ += ",\"name\":";
      output::append_json_string(event.name, out_);
      if (!event.attrs.empty()) {
        out_ += ",\"attributes\":[";
        for (size_t a = 0; a < event.attrs.size(); ++a) {
          if (a > 0) out_ += ',';
          append_key_value(event.attrs[a].key, event.attrs[a].value, out_);
        }
        out_ += ']';
      }
      out_ += '}';
    }
    out_ += ']';
  }
  out_ += ",\"status\":{";
  if (!span.status_message.empty()) {
    out_ += "\"message\":";
    output::append_json_string(span.status_message, out_);
  }
  if (span.status != Status::kUnset) {
    out_ += span.status_message.empty() ? "\"code\":" : ",\"code\":";
    out_ += span.status == Status::kOk ? '1' : '2';
  }
  out_ += "}}";
  maybe_flush();
  return Flow::kContinue;
}

Flow OtlpWriter::on_log(const LogRecord& log) {
  place(Signal::kLogs, log.service, log.resource_attrs, log.logger, {});

  out_ += '{';
  bool first = true;
  auto separator = [&] {
    if (!first) out_ += ',';
    first = false;
  };
  if (log.time_ns != 0) {
    separator();
    out_ += "\"timeUnixNano\":";
    append_int64_string(log.time_ns, out_);
  }
  if (log.severity != 0) {
    separator();
    out_ += "\"severityNumber\":";
    append_int_text(log.severity, out_);
  }
  if (!log.level_text.empty()) {
    separator();
    out_ += "\"severityText\":";
    output::append_json_string(log.level_text, out_);
  }
  if (!log.message.empty()) {
    separator();
    out_ += "\"body\":{\"stringValue\":";
    output::append_json_string(log.message, out_);
    out_ += '}';
  }
  // The ids go last (as the collector writes them), but whether they were hashed must be
  // known for the attributes: they are converted into a side buffer first.
  ids_.clear();
  bool first_id = true;
  original_trace_id_ = append_id(ids_, "traceId", log.trace_id, 16, first_id) ? std::string_view() : log.trace_id;
  original_span_id_ = append_id(ids_, "spanId", log.span_id, 8, first_id) ? std::string_view() : log.span_id;
  append_attributes(log.fields, kNoIndex, kNoIndex, first);
  if (!ids_.empty()) {
    if (!first) out_ += ',';
    out_ += ids_;
  }
  out_ += '}';
  maybe_flush();
  return Flow::kContinue;
}

void OtlpWriter::finish() {
  close_line();
  flush();
}

}  // namespace trace::formats
