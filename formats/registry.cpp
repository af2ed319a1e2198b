#include "formats/registry.h"

#include "formats/chrome_trace.h"
#include "formats/exec_summary.h"
#include "formats/genai_trace.h"
#include "formats/jaeger.h"
#include "formats/jsonl_logs.h"
#include "formats/otlp_logs.h"
#include "formats/otlp_traces.h"
#include "formats/span_collector.h"
#include "formats/stage_events.h"
#include "formats/trace_jsonl.h"
#include "formats/zipkin.h"

namespace trace::formats {

namespace {

// Order matters: specific shapes first, the generic JSON-lines log reader last.
constexpr FormatSpec kFormats[] = {
    {"otlp-traces", "OpenTelemetry OTLP/JSON traces (one request per file or per line)",
     sniff_otlp_traces, make_otlp_traces_loader, true},
    {"chrome", "Chrome Trace Event JSON (array or object form)", sniff_chrome_trace,
     make_chrome_trace_loader, false, true},
    {"otlp-logs", "OpenTelemetry OTLP/JSON logs (one request per file or per line)", sniff_otlp_logs, make_otlp_logs_loader, true},
    {"jaeger", "Jaeger JSON (query API and UI downloads: {data: [traces]}, a trace, or a list of traces)", sniff_jaeger, make_jaeger_loader, true},
    {"zipkin", "Zipkin v2 JSON (a list of spans, or a list of traces)", sniff_zipkin, make_zipkin_loader, true},
    {"genai-trace", "GenAI Processors TracingProcessor export (session_info + execution_trace)", sniff_genai_trace, make_genai_trace_loader, false},
    {"stage-events", "Stageflow event stream (stage.*, pipeline.*, tool.* events, one per line)", sniff_stage_events, make_stage_events_loader, false},
    {"span-collector", "TraceCollector.save_trace() JSON (spans with span_id and parent_id, log_event events)", sniff_span_collector, make_span_collector_loader, false},
    {"exec-summary", "ExecutionTracker execution summaries (nested stages with durations; a file or JSON lines)", sniff_exec_summary, make_exec_summary_loader, false},
    {"trace-jsonl", "trace's own JSON-lines records (trace convert --to jsonl, trace grep --format jsonl)",
     sniff_trace_jsonl, make_trace_jsonl_loader, true},
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
