#include "support/collect_sink.h"

#include <fmt/format.h>

namespace trace::testing {

namespace {

OwnedAttr own(const Attr& attr) {
  OwnedAttr owned{std::string(attr.key), attr.value.kind, {}};
  switch (attr.value.kind) {
    case ValueKind::kNull: owned.text = "null"; break;
    case ValueKind::kBool: owned.text = attr.value.boolean ? "true" : "false"; break;
    case ValueKind::kInt: owned.text = std::to_string(attr.value.integer); break;
    case ValueKind::kDouble: owned.text = fmt::format("{}", attr.value.number); break;
    case ValueKind::kString:
    case ValueKind::kRawJson: owned.text = std::string(attr.value.text); break;
  }
  return owned;
}

std::vector<OwnedAttr> own_all(Attrs attrs) {
  std::vector<OwnedAttr> out;
  for (const Attr& attr : attrs) out.push_back(own(attr));
  return out;
}

std::string lookup(const std::vector<OwnedAttr>& attrs, const std::string& key) {
  for (const OwnedAttr& attr : attrs)
    if (attr.key == key) return attr.text;
  return "<absent>";
}

}  // namespace

std::string OwnedSpan::attr(const std::string& key) const {
  std::string value = lookup(attrs, key);
  return value != "<absent>" ? value : lookup(resource_attrs, key);
}

std::string OwnedLog::field(const std::string& key) const { return lookup(fields, key); }

Flow CollectSink::on_span(const Span& span) {
  OwnedSpan owned;
  owned.trace_id = span.trace_id;
  owned.span_id = span.span_id;
  owned.parent_id = span.parent_id;
  owned.name = span.name;
  owned.service = span.service;
  owned.status_message = span.status_message;
  owned.kind = span.kind;
  owned.status = span.status;
  owned.flags = span.flags;
  owned.start_ns = span.start_ns;
  owned.duration_ns = span.duration_ns;
  owned.attrs = own_all(span.attrs);
  owned.resource_attrs = own_all(span.resource_attrs);
  for (const SpanEvent& event : span.events)
    owned.events.push_back({event.time_ns, std::string(event.name), own_all(event.attrs)});
  owned.line = span.src.line;
  spans.push_back(std::move(owned));
  return Flow::kContinue;
}

Flow CollectSink::on_log(const LogRecord& log) {
  OwnedLog owned;
  owned.time_ns = log.time_ns;
  owned.severity = log.severity;
  owned.level_text = log.level_text;
  owned.logger = log.logger;
  owned.message = log.message;
  owned.trace_id = log.trace_id;
  owned.span_id = log.span_id;
  owned.service = log.service;
  owned.fields = own_all(log.fields);
  owned.line = log.src.line;
  owned.source_text = log.src.text;
  logs.push_back(std::move(owned));
  return Flow::kContinue;
}

}  // namespace trace::testing
