// The words machine output uses for a span's status and kind, and their readers: one
// definition for the JSON-lines table, the Chrome args and grep's JSON.
#pragma once

#include <string_view>

#include "src/record.h"

namespace trace {

inline std::string_view status_name(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kError: return "error";
    case Status::kUnset: break;
  }
  return "unset";
}

// "ok", "error", "unset"; false for anything else.
inline bool status_from_name(std::string_view name, Status& out) {
  if (name == "ok") out = Status::kOk;
  else if (name == "error") out = Status::kError;
  else if (name == "unset") out = Status::kUnset;
  else return false;
  return true;
}

// "" for kUnspecified.
inline std::string_view span_kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
    case SpanKind::kUnspecified: break;
  }
  return {};
}

// The names span_kind_name gives; anything else is kUnspecified.
inline SpanKind span_kind_from_name(std::string_view name) {
  for (SpanKind kind : {SpanKind::kInternal, SpanKind::kServer, SpanKind::kClient, SpanKind::kProducer,
                        SpanKind::kConsumer})
    if (name == span_kind_name(kind)) return kind;
  return SpanKind::kUnspecified;
}

}  // namespace trace
