// trace report, end to end: the built binary on samples/, the page's structure, its
// embedded JSON against the other commands' output, escaping of hostile input, exit codes.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_trace.h"

using trace::testing::read_file;
using trace::testing::run_shell;
using trace::testing::run_trace;
using trace::testing::source_path;

namespace {

std::string temp_html(const std::string& what) {
  static std::atomic<int> counter{0};
  return "/tmp/trace_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + what +
         ".html";
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The page for `args`, written with -o; checks the run was clean.
std::string report(const std::string& args) {
  std::string path = temp_html("page");
  auto result = run_trace("report " + args + " -o " + path);
  INFO("trace report " << args << "\nstderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(!exists(path + ".tmp"));
  std::string html = read_file(path);
  std::remove(path.c_str());
  return html;
}

// The JSON of <script type="application/json" id=ID>, its escapes undone.
std::string embedded(const std::string& html, const std::string& id) {
  std::string open = "<script type=\"application/json\" id=\"" + id + "\">";
  size_t begin = html.find(open);
  if (begin == std::string::npos) return "<no block " + id + ">";
  begin += open.size();
  std::string block = html.substr(begin, html.find("</script>", begin) - begin);
  for (auto [from, to] : {std::pair{"\\u003c", "<"}, {"\\u003e", ">"}, {"\\u0026", "&"}})
    for (size_t at = block.find(from); at != std::string::npos; at = block.find(from, at)) block.replace(at, 6, to);
  return block;
}

// What every page must be, whatever the input.
void check_structure(const std::string& html) {
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n", 0) == 0);
  CHECK(html.size() > 1000);
  CHECK(html.substr(html.size() - 8) == "</html>\n");
  CHECK(count(html, "<script") == 5);  // four data blocks and the page's own
  CHECK(count(html, "</script") == 5);
  CHECK(count(html, "<script type=\"application/json\"") == 4);
  // Nothing to fetch: no URL in any attribute, links only within the page.
  CHECK(!std::regex_search(html, std::regex("(href|src|action|srcset|poster|data)\\s*=\\s*[\"']?[a-z]+:", std::regex::icase)));
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    CHECK((*it)[1].str().rfind('#', 0) == 0);
  CHECK(html.find("url(http") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
}

}  // namespace

TEST_CASE("report: -o writes the page through FILE.tmp, renamed; nothing on stdout", "[e2e][report]") {
  std::string path = temp_html("out");
  auto result = run_trace("report samples/otlp_traces.json -o " + path);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
  CHECK(!exists(path + ".tmp"));
  std::string html = read_file(path);
  check_structure(html);
  CHECK(html.find("<title>trace report: samples/otlp_traces.json</title>") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("report: without -o the page goes to standard output, the same bytes", "[e2e][report]") {
  auto result = run_trace("report samples/otlp_traces.json");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out == report("samples/otlp_traces.json"));
}

TEST_CASE("report: the header says inputs, time range, records, errors, traces and cost", "[e2e][report]") {
  std::string html = report("samples/otlp_traces.json");
  CHECK(html.find("<div><dt>Input</dt><dd>samples/otlp_traces.json (otlp-traces)</dd></div>") != std::string::npos);
  CHECK(html.find("<div><dt>Time range</dt><dd>2025-01-15T10:30:00.120Z to 2025-01-15T11:07:58.131Z (2278 s)</dd>") !=
        std::string::npos);
  CHECK(html.find("<div><dt>Records</dt><dd>25 (25 spans, 0 logs)</dd></div>") != std::string::npos);
  CHECK(html.find("<div class=\"alert\"><dt>Errors</dt><dd>3 (12.0%)</dd></div>") != std::string::npos);
  CHECK(html.find("<div><dt>Traces</dt><dd>3</dd></div>") != std::string::npos);
  CHECK(html.find("<div><dt>LLM cost</dt><dd>$0.0785</dd></div>") != std::string::npos);
}

TEST_CASE("report: the embedded JSON is exactly what trace stats, summary and cost print", "[e2e][report]") {
  for (std::string files : {"samples/otlp_traces.json", "samples/app_logs.jsonl samples/otlp_traces.jsonl",
                            "samples/otlp_logs.json", "samples/llm_calls.jsonl"}) {
    INFO(files);
    std::string html = report(files);
    CHECK(embedded(html, "trace-stats-json") == run_trace("stats --json " + files).out);
    CHECK(embedded(html, "trace-summary-json") == run_trace("summary --json " + files).out);
    CHECK(embedded(html, "trace-cost-json") == run_trace("cost --group-by name --json " + files).out);
    CHECK(embedded(html, "trace-report-json").rfind("{\"schema_version\":1,\"command\":\"report\",", 0) == 0);
  }
}

TEST_CASE("report: with --lenient the embedded summary notes each file's skipped records, as summary does",
          "[e2e][report]") {
  const std::string files = "tests/data/bad/invalid_utf8.jsonl samples/otlp_traces.json";
  std::string html = report("--lenient " + files);
  std::string summary = embedded(html, "trace-summary-json");
  CHECK(summary == run_trace("summary --json --lenient " + files).out);
  CHECK(summary.find("\"notes\": [\"tests/data/bad/invalid_utf8.jsonl: partial: 1 malformed record skipped "
                     "(--lenient)\"]") != std::string::npos);
}

TEST_CASE("report: the stats table has a row and a histogram per span name, sortable", "[e2e][report]") {
  std::string html = report("samples/otlp_traces.json");
  size_t begin = html.find("<section id=\"latency\">");
  std::string section = html.substr(begin, html.find("</section>", begin) - begin);
  CHECK(count(section, "<tr>") == 11);  // the header and 10 span names
  CHECK(count(section, "<svg class=\"hist\"") == 10);
  CHECK(section.find("<table class=\"sortable\">") != std::string::npos);
  CHECK(section.find("<td>invoke_agent research-assistant</td><td class=\"num\" data-v=\"3\">3</td>") !=
        std::string::npos);
}

TEST_CASE("report: the slowest traces as waterfalls, one bar per span, errors marked", "[e2e][report]") {
  std::string html = report("samples/otlp_traces.json");
  CHECK(html.find("<h2>Traces, slowest first</h2>") != std::string::npos);
  CHECK(count(html, "<svg class=\"waterfall\"") == 3);
  CHECK(html.find("<summary>4bf92f3577b34da6a3ce929d0e0e4736 \xE2\x80\x94 invoke_agent research-assistant "
                  "\xC2\xB7 9.41 s \xC2\xB7 11 spans, 1 error</summary>") != std::string::npos);
  size_t begin = html.find("<svg class=\"waterfall\"");
  std::string first = html.substr(begin, html.find("</svg>", begin) - begin);
  CHECK(first.find("data-rows=\"11\"") != std::string::npos);
  CHECK(count(first, "<rect class=\"bar") == 11);
  CHECK(count(first, "<g class=\"tip span err") == 1);
  CHECK(count(html, "<details open class=\"trace\">") == 1);
}

TEST_CASE("report: --traces and --max-spans cap what is drawn, and the page says so", "[e2e][report]") {
  std::string html = report("--traces 2 --max-spans 4 samples/otlp_traces.json");
  CHECK(html.find("<h2>The 2 slowest of 3 traces</h2>") != std::string::npos);
  CHECK(count(html, "<svg class=\"waterfall\"") == 2);
  CHECK(html.find("trace 4bf92f3577b34da6a3ce929d0e0e4736: the 4 longest of its 11 spans drawn") != std::string::npos);
  CHECK(count(html, "data-rows=\"4\"") == 2);
  html = report("--traces 0 samples/otlp_traces.json");
  CHECK(count(html, "<svg class=\"waterfall\"") == 0);
}

TEST_CASE("report: --trace draws the trace an id prefix names", "[e2e][report]") {
  std::string html = report("--trace 0E4F samples/otlp_traces.json");
  CHECK(html.find("<h2>Trace 0E4F</h2>") != std::string::npos);
  CHECK(count(html, "<svg class=\"waterfall\"") == 1);
  CHECK(html.find("<summary>0e4f3a9c7d2b41e8b5a6c3d9f1e2a7b4") != std::string::npos);
}

TEST_CASE("report: --trace naming no trace exits 1 and writes nothing", "[e2e][report]") {
  std::string path = temp_html("none");
  auto result = run_trace("report --trace zzz samples/app_logs.jsonl -o " + path);
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err == "trace report: no trace id is or starts with 'zzz' (18 traces in the input)\n");
  CHECK(!exists(path));
  CHECK(!exists(path + ".tmp"));
}

TEST_CASE("report: usage errors name the flag, exit 2", "[e2e][report]") {
  auto result = run_trace("report --trace 18 samples/app_logs.jsonl");
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "trace report: error: --trace: '18' starts 2 trace ids: 18b73aa8536df7b56c336f28bb289ae2, "
        "18ccc2faf7f33c5c4dbb0ff4449f50dd (give more of the id)\nTry 'trace report --help'.\n");
  result = run_trace("report --traces 51 samples/otlp_traces.json");
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "trace report: error: --traces: 51 is more than 50 (a page of waterfalls must stay readable)\n"
        "Try 'trace report --help'.\n");
  result = run_trace("report --group-by modle samples/otlp_traces.json");
  CHECK(result.exit_code == 2);
  CHECK(result.err.rfind("trace report: error: --group-by: unknown key 'modle'", 0) == 0);
}

TEST_CASE("report: malformed input exits 2; no page, no FILE.tmp, an older page kept", "[e2e][report]") {
  std::string path = temp_html("bad");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("older page", f);
    std::fclose(f);
  }
  auto result = run_trace("report samples/bad/truncated_otlp.json -o " + path);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.rfind("trace: error: samples/bad/truncated_otlp.json:", 0) == 0);
  CHECK(read_file(path) == "older page");
  CHECK(!exists(path + ".tmp"));
  std::remove(path.c_str());
}

TEST_CASE("report: an unwritable -o is an error naming the file, exit 2", "[e2e][report]") {
  auto result = run_trace("report samples/otlp_traces.json -o /nonexistent/dir/r.html");
  CHECK(result.exit_code == 2);
  CHECK(result.err == "trace: error: /nonexistent/dir/r.html.tmp: cannot write: No such file or directory\n");
}

TEST_CASE("report: every sample format gives a whole page: spans only, logs only, both", "[e2e][report]") {
  for (std::string sample : {"chrome_trace.json", "chrome_trace_array.json", "genai_trace.json", "jaeger.json",
                             "zipkin.json", "otlp_traces.json", "otlp_traces.jsonl", "otlp_logs.json",
                             "otlp_logs.jsonl", "span_collector.json", "app_logs.jsonl", "exec_summary.jsonl",
                             "liteagent.jsonl", "llm_calls.jsonl", "pino.jsonl", "stage_events.jsonl",
                             "hostile.json"}) {
    INFO(sample);
    std::string html = report("samples/" + sample);
    check_structure(html);
  }
  std::string logs = report("samples/otlp_logs.json");
  CHECK(logs.find("No spans with a duration in the input.") != std::string::npos);
  CHECK(logs.find("No trace with spans in the input.") != std::string::npos);
  CHECK(logs.find("No span time to show.") != std::string::npos);
  CHECK(logs.find("<h3>Log levels</h3>") != std::string::npos);
  std::string both = report("samples/app_logs.jsonl samples/otlp_traces.jsonl");
  CHECK(both.find("<div><dt>2 inputs</dt><dd>jsonl, otlp-traces</dd></div>") != std::string::npos);
  CHECK(both.find("<h2>The 5 slowest of 21 traces</h2>") != std::string::npos);
  CHECK(count(both, "<svg class=\"waterfall\"") == 5);
  CHECK(both.find("<svg class=\"flame\"") != std::string::npos);
}

TEST_CASE("report: hostile names and attributes stay text; scripts are only the page's", "[e2e][report]") {
  std::string html = report("samples/hostile.json");
  check_structure(html);
  for (std::string markup : {"<img", "<iframe", "<marquee", "<textarea", "<b>", "<svg onload", "<svg><script",
                             "<style>*", "<title>x", "<a href=\"https", "--!>", "<!--", "<![CDATA["}) {
    INFO(markup);
    CHECK(html.find(markup) == std::string::npos);
  }
  CHECK(html.find("<td>crawl &lt;img src=x onerror=alert(1)&gt;</td>") != std::string::npos);
  CHECK(html.find("fetch &lt;/script&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("parse &quot;quoted&quot; &#39;single&#39; &amp; ampersand") != std::string::npos);
  // Control characters are visible, not raw; unicode is kept.
  CHECK(html.find("\xE2\x90\x9B[31mred") != std::string::npos);
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("naïve 日本語") != std::string::npos);
  // In JSON blocks '<' is \u003c.
  CHECK(html.find("fetch \\u003c/script\\u003e\\u003cscript\\u003ealert(document.domain)") != std::string::npos);
  // The URLs in the data are there, as text only.
  CHECK(html.find("https://evil.invalid/steal?c=1&quot;&gt;click") != std::string::npos);
  CHECK(embedded(html, "trace-stats-json") == run_trace("stats --json samples/hostile.json").out);
}

TEST_CASE("report: the same page for any thread count and chunk size", "[e2e][report]") {
  std::string files = "samples/app_logs.jsonl samples/otlp_traces.jsonl samples/llm_calls.jsonl";
  std::string one = report("-j1 " + files);
  CHECK(report("-j4 --chunk-bytes 1024 " + files) == one);
  CHECK(report("-j3 --chunk-bytes 4096 " + files) == one);
}

TEST_CASE("report: standard input is read once and drawn like a file", "[e2e][report]") {
  auto result = run_shell("cat samples/otlp_traces.jsonl | \"$TRACE\" report --traces 1");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out.find("<div><dt>Input</dt><dd>&lt;stdin&gt; (otlp-traces)</dd></div>") != std::string::npos);
  CHECK(count(result.out, "<svg class=\"waterfall\"") == 1);
  CHECK(result.out.find("<summary>91ab3c4d5e6f47a8b9c0d1e2f3a4b5c6") != std::string::npos);
}

TEST_CASE("report: a big input stays a small page: rows, traces and frames capped and said", "[e2e][report]") {
  // 2000 traces of 10 spans, 300 span names.
  std::string path = temp_html("big");
  auto result = run_shell(
      "awk 'BEGIN { for (t = 0; t < 2000; t++) for (s = 0; s < 10; s++) {"
      " start = 1736937000000000000 + t * 1000000000 + s * 1000000; dur = (s == 0 ? 50 + t % 97 : 5) * 1000000;"
      " printf \"{\\\"resourceSpans\\\":[{\\\"resource\\\":{\\\"attributes\\\":[]},\\\"scopeSpans\\\":[{\\\"spans\\\":"
      "[{\\\"traceId\\\":\\\"%032x\\\",\\\"spanId\\\":\\\"%016x\\\",\\\"parentSpanId\\\":\\\"%s\\\",\\\"name\\\":"
      "\\\"op%d\\\",\\\"startTimeUnixNano\\\":\\\"%d\\\",\\\"endTimeUnixNano\\\":\\\"%d\\\"}]}]}]}\\n\","
      " t + 1, t * 16 + s + 1, (s == 0 ? \"\" : sprintf(\"%016x\", t * 16 + 1)), (t * 10 + s) % 300, start, start + dur"
      " } }' > " + path + ".jsonl && \"$TRACE\" report " + path + ".jsonl -o " + path + " && wc -c < " + path +
      " && rm " + path + ".jsonl");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  size_t bytes = std::stoul(result.out);
  CHECK(bytes < 1'500'000);
  std::string html = read_file(path);
  std::remove(path.c_str());
  CHECK(html.find("<div><dt>Records</dt><dd>20000 (20000 spans, 0 logs)</dd></div>") != std::string::npos);
  CHECK(html.find("<h2>The 5 slowest of 2000 traces</h2>") != std::string::npos);
  CHECK(count(html, "<svg class=\"waterfall\"") == 5);
  CHECK(html.find("showing the first 200 of 300 groups (all are in the embedded JSON)") != std::string::npos);
  CHECK(count(html, "<svg class=\"hist\"") == 200);
}

TEST_CASE("report: the examples in --help run, each writing its page", "[e2e][report]") {
  auto help = run_trace("report --help");
  CHECK(help.exit_code == 0);
  REQUIRE(help.out.find("Examples:") != std::string::npos);
  std::string examples = help.out.substr(help.out.find("Examples:"));
  std::regex line("\\n  trace ([^\\n|>]+)");
  int ran = 0;
  for (auto it = std::sregex_iterator(examples.begin(), examples.end(), line); it != std::sregex_iterator(); ++it) {
    std::string args = std::regex_replace((*it)[1].str(), std::regex("-o [^ ]+"), "");
    INFO("trace " << args);
    std::string path = temp_html("example");
    auto run = run_trace(args + " -o " + path);
    CHECK(run.exit_code == 0);
    CHECK(run.err.empty());
    CHECK(exists(path));
    std::remove(path.c_str());
    ++ran;
  }
  CHECK(ran == 4);
}
