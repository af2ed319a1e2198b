// `trace report`: one self-contained HTML page (no network access needed to open it:
// inline CSS, one inline script, inline SVG drawn by trace), for attaching to a bug or
// keeping as a CI artifact. The page is readable with scripts off: charts are SVG with
// <title> tooltips, sections are <details>; the script only sorts tables, shows hover
// details and zooms the flame graph. A Content-Security-Policy allows that one script
// (by its SHA-256) and nothing from anywhere else.
//
// Every text from the input is HTML-escaped (html_escape.h); the JSON the other
// subcommands emit is embedded, escaped for <script type="application/json">, so the
// page is data-complete.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/output/chart_model.h"
#include "src/output/report.h"
#include "src/output/table.h"

namespace trace::output {

// A JSON document embedded as <script type="application/json" id=ID>.
struct EmbeddedJson {
  std::string id;       // "trace-stats-json"
  std::string command;  // the command that prints the same document ("trace stats --json FILE")
  std::string json;
};

// A line of the page's header: "Time range", "2025-01-15T10:30:00.120Z to ...".
struct HtmlFact {
  std::string label;
  std::string value;
  bool alert = false;  // errors: shown in red
};

struct HtmlReport {
  std::string title = "trace report";
  std::string generator;  // "trace 0.1.0"
  std::vector<HtmlFact> facts;
  Table files;  // one row per input (summary's "files")
  std::vector<std::string> notes;

  // Latency per group: the stats table, a histogram per row shown (same order).
  Table stats;
  size_t stats_key_columns = 1;  // leading key columns of the stats table
  size_t stats_max_rows = 200;
  std::vector<Histogram> histograms;
  std::string group_label = "span name";

  // The traces drawn: their listing and one waterfall each.
  Table traces;
  std::vector<WaterfallView> waterfalls;
  std::string traces_heading = "Slowest traces";

  FlameView flame;

  std::vector<Section> cost_sections;   // shown when there are LLM calls
  std::vector<Section> error_sections;  // top error messages, levels
  std::vector<Section> more_sections;   // services, loggers, span names...

  std::vector<EmbeddedJson> data;
};

// The page, whole.
void write_html_report(const HtmlReport& report, std::string& out);

// The report's own data (histograms, waterfalls, flame graph) as one JSON document,
// embedded beside the other commands' ("trace-report-json").
std::string report_charts_json(const HtmlReport& report);

// The page's script and style, and the script's CSP source ('sha256-...').
extern const std::string_view kReportScript;
extern const std::string_view kReportStyle;
std::string report_script_csp_source();

}  // namespace trace::output
