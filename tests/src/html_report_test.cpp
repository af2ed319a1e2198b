// The HTML report's pieces: escaping of untrusted text, JSON embedded in script
// elements, the CSP hash, tables, SVG charts, and the page's structure.
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "src/output/html_escape.h"
#include "src/output/html_report.h"
#include "src/output/html_table.h"
#include "src/output/sha256.h"
#include "src/output/svg_charts.h"

using trace::output::append_script_json;
using trace::output::html_escaped;

namespace {

std::string hex(const std::array<uint8_t, 32>& digest) {
  std::string out;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (uint8_t b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string script_json(std::string_view json) {
  std::string out;
  append_script_json(json, out);
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every string a page shows, hostile.
const std::string kHostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)> \"q\" 'a' & --!> <!--";

trace::output::HtmlReport hostile_report() {
  using trace::output::ColumnKind;
  trace::output::HtmlReport page;
  page.title = "title " + kHostile;
  page.generator = "trace test";
  page.facts = {{"label " + kHostile, "value " + kHostile, true}};
  page.files.columns = {{"file", "file", ColumnKind::kText}, {"bytes", "bytes", ColumnKind::kBytes}};
  page.files.rows = {{kHostile, int64_t{1024}}};
  page.notes = {"note " + kHostile};
  page.stats.columns = {{"name", "name", ColumnKind::kText}, {"count", "count", ColumnKind::kCount},
                        {"p50_ns", "p50", ColumnKind::kDurationNs}};
  page.stats.rows = {{kHostile, int64_t{3}, int64_t{2'000'000}}, {"b", int64_t{1}, int64_t{7'000}}};
  for (int r = 0; r < 2; ++r) {
    trace::output::Histogram h;
    h.bounds = {0, 2, 5, 10, 20};
    h.counts = {0, static_cast<uint64_t>(r + 1), 0, 3};
    page.histograms.push_back(h);
  }
  page.traces.columns = {{"trace_id", "trace_id", ColumnKind::kText}};
  page.traces.rows = {{kHostile}};
  trace::output::WaterfallView view;
  view.trace_id = kHostile;
  view.root_name = kHostile;
  view.duration_ns = 1000;
  view.spans_in_trace = 3;
  view.spans_drawn = 2;
  trace::output::WaterfallRow root;
  root.label = kHostile;
  root.service = kHostile;
  root.duration_ns = 1000;
  root.self_ns = 400;
  root.critical = true;
  root.status_message = kHostile;
  root.details = {{kHostile, kHostile}};
  trace::output::WaterfallRow child = root;
  child.depth = 1;
  child.offset_ns = 100;
  child.duration_ns = 600;
  child.error = true;
  trace::output::WaterfallRow header;
  header.kind = trace::output::WaterfallRowKind::kOrphans;
  header.label = "missing parent " + kHostile;
  view.rows = {root, child, header};
  view.notes = {"trace note " + kHostile};
  page.waterfalls.push_back(view);
  page.flame.total_ns = 1000;
  page.flame.spans = 2;
  page.flame.max_depth = 1;
  page.flame.frames = {{kHostile, 0, 0, 1000, 400, 1, 0}, {"child " + kHostile, 1, 400, 600, 600, 1, 1}};
  trace::output::Section errors{"errors", "Top errors " + kHostile, {}};
  errors.table.columns = {{"template", "error", ColumnKind::kText}, {"count", "count", ColumnKind::kCount}};
  errors.table.rows = {{kHostile, int64_t{2}}};
  page.error_sections.push_back(errors);
  page.data.push_back({"trace-stats-json", "trace stats --json " + kHostile, "{\"name\":\"" + kHostile + "\"}"});
  return page;
}

}  // namespace

TEST_CASE("html escape: markup characters become entities", "[html]") {
  CHECK(html_escaped("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(html_escaped("</script>") == "&lt;/script&gt;");
  CHECK(html_escaped("--!>") == "--!&gt;");
  CHECK(html_escaped("plain text") == "plain text");
}

TEST_CASE("html escape: control characters show as Control Pictures, tab and newlines stay", "[html]") {
  CHECK(html_escaped(std::string("a\x1b[31mb\0c\x7f", 10)) == "a\xE2\x90\x9B[31mb\xE2\x90\x80" "c\xE2\x90\xA1");
  CHECK(html_escaped("a\tb\nc\rd") == "a\tb\nc\rd");
}

TEST_CASE("html escape: valid UTF-8 is kept, C1 controls and invalid bytes become U+FFFD", "[html]") {
  CHECK(html_escaped("naïve 日本語 🙂 \u202eevil") == "naïve 日本語 🙂 \u202eevil");
  CHECK(html_escaped("a\xC2\x85z") == "a\xEF\xBF\xBDz");                        // NEL, a C1 control
  CHECK(html_escaped("a\xFFz") == "a\xEF\xBF\xBDz");                            // never valid
  CHECK(html_escaped("a\xE2\x82z") == "a\xEF\xBF\xBDz");                        // truncated: one U+FFFD
  CHECK(html_escaped("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate: three
  CHECK(html_escaped("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  CHECK(html_escaped("\xF4\x90\x80\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // past U+10FFFF
  CHECK(html_escaped("end\xF0\x9F\x99") == "end\xEF\xBF\xBD");                  // cut emoji at the end
}

TEST_CASE("html escape: JSON in a script element cannot close it or open a comment", "[html]") {
  CHECK(script_json(R"({"a":"</script><!--<script>&"})") ==
        R"({"a":"\u003c/script\u003e\u003c!--\u003cscript\u003e\u0026"})");
  CHECK(script_json(R"({"a":"x\\<"})") == R"({"a":"x\\\u003c"})");  // after an escaped backslash
  CHECK(script_json("[1,2]") == "[1,2]");
}

TEST_CASE("sha256: FIPS 180-4 examples and block-boundary lengths", "[html]") {
  using trace::output::sha256;
  CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(sha256(std::string(55, 'a'))) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(hex(sha256(std::string(56, 'a'))) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(hex(sha256(std::string(63, 'a'))) == "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(hex(sha256(std::string(64, 'a'))) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(hex(sha256(std::string(65, 'a'))) == "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
  CHECK(hex(sha256(std::string(119, 'a'))) == "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  CHECK(hex(sha256(std::string(120, 'a'))) == "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST_CASE("base64: RFC 4648 test vectors, with padding", "[html]") {
  auto b64 = [](std::string_view s) { return trace::output::base64(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foob") == "Zm9vYg==");
  CHECK(b64("fooba") == "Zm9vYmE=");
  CHECK(b64("foobar") == "Zm9vYmFy");
  auto digest = trace::output::sha256("");
  CHECK(trace::output::base64(digest.data(), digest.size()) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST_CASE("html table: typed cells with raw values, alerts, a pinned total row, an extra column", "[html]") {
  using trace::output::ColumnKind;
  trace::output::Table table;
  table.columns = {{"file", "file", ColumnKind::kText},
                   {"errors", "errors", ColumnKind::kCount, true},
                   {"p50_ns", "p50", ColumnKind::kDurationNs},
                   {"rate", "err%", ColumnKind::kRatio}};
  table.rows = {{std::string("<a>"), int64_t{2}, int64_t{1'250'000}, 0.125},
                {std::string("(total)"), int64_t{0}, std::monostate{}, 0.0}};
  trace::output::HtmlTableOptions options;
  options.extra_header = "chart";
  options.extra_cell = [](size_t row, std::string& out) { out += "[" + std::to_string(row) + "]"; };
  std::string out;
  trace::output::write_html_table(table, options, out);
  CHECK(out ==
        "<div class=\"tablewrap\"><table class=\"sortable\"><thead><tr>"
        "<th title=\"file\">file</th><th data-type=\"num\" title=\"errors\">errors</th>"
        "<th data-type=\"num\" title=\"p50_ns\">p50</th><th data-type=\"num\" title=\"rate\">err%</th>"
        "<th class=\"nosort\">chart</th></tr></thead><tbody>"
        "<tr><td>&lt;a&gt;</td><td class=\"num alert\" data-v=\"2\">2</td>"
        "<td class=\"num\" data-v=\"1250000\">1.25 ms</td><td class=\"num\" data-v=\"0.125\">12.5%</td>"
        "<td class=\"chart\">[0]</td></tr>"
        "<tr class=\"pin\"><td>(total)</td><td class=\"num\" data-v=\"0\">0</td><td class=\"num\">-</td>"
        "<td class=\"num\" data-v=\"0\">0.0%</td><td class=\"chart\">[1]</td></tr>"
        "</tbody></table></div>");
}

TEST_CASE("svg: a histogram draws one titled bar per non-empty bucket in range", "[html]") {
  trace::output::Histogram h;
  h.bounds = {0, 2, 5, 10, 20, INT64_MAX};
  h.counts = {0, 4, 0, 1, 2};
  std::string out;
  trace::output::write_histogram_svg(h, 1, 5, out);
  CHECK(count(out, "<rect ") == 3);
  CHECK(out.find("<title>2 ns to 5 ns: 4 spans</title>") != std::string::npos);
  CHECK(out.find("<title>10 ns to 20 ns: 1 span</title>") != std::string::npos);
  CHECK(out.find("<title>20 ns to ∞: 2 spans</title>") != std::string::npos);
  // The fullest bucket is full height (24 units above the baseline at 26).
  CHECK(out.find("y=\"2.0\" width=\"39.0\" height=\"24.0\"") != std::string::npos);
}

TEST_CASE("svg: a waterfall has one bar per span row and header rows without bars", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string out;
  trace::output::write_waterfall_svg(page.waterfalls[0], "wf0", out);
  CHECK(count(out, "<rect class=\"bar") == 2);
  CHECK(count(out, "<g class=\"tip span") == 2);
  CHECK(count(out, "<g class=\"tip span err") == 1);
  CHECK(count(out, "<g class=\"hdr\">") == 1);
  CHECK(out.find("data-rows=\"3\"") != std::string::npos);
  // Plot from x=400 to 1190 for 1000 ns: the child starts at +100 ns (x=479) and is 474 wide.
  CHECK(out.find("x=\"479.0\" y=\"47.0\" width=\"474.0\" height=\"12\"") != std::string::npos);
  CHECK(out.find("<img") == std::string::npos);
  CHECK(out.find("</script>") == std::string::npos);
}

TEST_CASE("svg: a flame graph has a top bar and one frame per frame, widths in proportion", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string out;
  trace::output::write_flame_svg(page.flame, out);
  CHECK(count(out, "<svg class=\"tip fr ") == 3);
  CHECK(out.find("data-frames=\"2\"") != std::string::npos);
  CHECK(out.find("x=\"480.0\" y=\"36.0\" width=\"720.0\" height=\"17\" data-o=\"400\" data-w=\"600\" data-d=\"1\"") !=
        std::string::npos);
  CHECK(out.find("<img") == std::string::npos);
}

TEST_CASE("html report: every input text is escaped; scripts are the data blocks and the page's own", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string html;
  trace::output::write_html_report(page, html);
  CHECK(html.rfind("<!DOCTYPE html>\n", 0) == 0);
  CHECK(count(html, "<script") == 2);
  CHECK(count(html, "</script") == 2);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("--!>") == std::string::npos);
  CHECK(count(html, "<!--") == 0);
  CHECK(html.find("http://") == std::string::npos);  // no URL at all
  CHECK(html.find("https://") == std::string::npos);
  // Links only within the page.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    CHECK((*it)[1].str().rfind('#', 0) == 0);
  CHECK(!std::regex_search(html, std::regex("<[a-zA-Z]+[^>]*\\s(src|srcdoc|on[a-z]+)=")));
}

TEST_CASE("html report: the embedded JSON reads back as written", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string html;
  trace::output::write_html_report(page, html);
  std::string open = "<script type=\"application/json\" id=\"trace-stats-json\">";
  size_t begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  begin += open.size();
  std::string block = html.substr(begin, html.find("</script>", begin) - begin);
  for (auto [from, to] : {std::pair{"\\u003c", "<"}, {"\\u003e", ">"}, {"\\u0026", "&"}})
    for (size_t at = block.find(from); at != std::string::npos; at = block.find(from, at)) block.replace(at, 6, to);
  CHECK(block == page.data[0].json);
}

TEST_CASE("html report: the CSP allows exactly the page's script, by its SHA-256", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string html;
  trace::output::write_html_report(page, html);
  size_t begin = html.rfind("<script>");
  REQUIRE(begin != std::string::npos);
  begin += 8;
  std::string script = html.substr(begin, html.find("</script>", begin) - begin);
  CHECK(script == trace::output::kReportScript);
  auto digest = trace::output::sha256(script);
  std::string source = "'sha256-" + trace::output::base64(digest.data(), digest.size()) + "'";
  CHECK(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; script-src " + source +
                  "; base-uri 'none'; form-action 'none'\"") != std::string::npos);
}

TEST_CASE("html report: the charts' JSON carries histograms, waterfall rows and frames", "[html]") {
  trace::output::HtmlReport page = hostile_report();
  std::string json = trace::output::report_charts_json(page);
  CHECK(json.rfind("{\"schema_version\":1,\"command\":\"report\",", 0) == 0);
  CHECK(json.find("\"bounds_ns\":[0,2,5,10,20]") != std::string::npos);
  CHECK(json.find("\"counts\":[0,2,0,3]") != std::string::npos);
  CHECK(count(json, "{\"kind\":\"span\"") == 2);
  CHECK(count(json, "{\"kind\":\"orphans\"") == 1);
  CHECK(json.find("\"total_ns\":1000,\"spans\":2,") != std::string::npos);
  CHECK(count(json, "\"offset_ns\":400,\"total_ns\":600") == 1);
}
