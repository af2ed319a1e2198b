#include "formats/registry.h"

#include "formats/chrome_trace.h"
#include "formats/jsonl_logs.h"
#include "formats/otlp_traces.h"

namespace trace::formats {

namespace {

// Order matters: specific shapes first, the generic JSON-lines log reader last.
constexpr FormatSpec kFormats[] = {
    {"otlp-traces", "OpenTelemetry OTLP/JSON traces (one request per file or per line)",
     sniff_otlp_traces, make_otlp_traces_loader, true},
    {"chrome", "Chrome Trace Event JSON (array or object form)", sniff_chrome_trace,
     make_chrome_trace_loader, false},
    {"jsonl", "JSON-lines logs (pino, bunyan, structlog, slog, logrus, zap, python-json-logger...)",
     sniff_jsonl_logs, make_jsonl_logs_loader, true},
};

}  // namespace

std::span<const FormatSpec> all_formats() { return kFormats; }

const FormatSpec* find_format(std::string_view name) {
  for (const FormatSpec& spec : kFormats)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string format_names() {
  std::string names;
  for (const FormatSpec& spec : kFormats) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

}  // namespace trace::formats
