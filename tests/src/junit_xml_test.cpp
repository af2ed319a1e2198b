// JUnit XML (src/output/junit_xml.h): exact documents and escaping.
#include <string>

#include <catch2/catch.hpp>

#include "src/output/junit_xml.h"

using trace::output::append_xml_escaped;
using trace::output::XmlContext;

namespace {

std::string escaped(std::string_view text, XmlContext context = XmlContext::kAttribute) {
  std::string out;
  append_xml_escaped(text, out, context);
  return out;
}

}  // namespace

TEST_CASE("junit xml: markup characters become entities", "[junit_xml]") {
  CHECK(escaped("p95 < 2s & \"x\" > 'y'") == "p95 &lt; 2s &amp; &quot;x&quot; &gt; &apos;y&apos;");
}

TEST_CASE("junit xml: line breaks survive in attributes as references, in text as they are", "[junit_xml]") {
  CHECK(escaped("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d");
  CHECK(escaped("a\tb\nc\rd", XmlContext::kText) == "a\tb\nc&#13;d");
}

TEST_CASE("junit xml: characters XML cannot hold become U+FFFD", "[junit_xml]") {
  CHECK(escaped(std::string("a\x01" "b\x1b" "c\x7f", 6)) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD");
  CHECK(escaped("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(escaped("bad \xC3 end") == "bad \xEF\xBF\xBD end");
  CHECK(escaped("\x80\x80x") == "\xEF\xBF\xBDx");
  CHECK(escaped("\xED\xA0\x80") == "\xEF\xBF\xBD");  // a surrogate
  CHECK(escaped("\xEF\xBF\xBE") == "\xEF\xBF\xBD");  // U+FFFE
}

TEST_CASE("junit xml: a suite with a passing and a failing case", "[junit_xml]") {
  trace::output::JUnitSuite suite;
  suite.name = "trace check";
  suite.cases.push_back({"p95 < 2s", "budgets.toml", std::nullopt});
  suite.cases.push_back({"error_rate < 1%", "command line",
                         trace::output::JUnitFailure{"measured 2.4%, limit error_rate < 1%", "budget", "rule: x\n"}});
  std::string out;
  trace::output::write_junit_xml(suite, out);
  CHECK(out ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"trace check\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0\">\n"
        "  <testsuite name=\"trace check\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
        "    <testcase name=\"p95 &lt; 2s\" classname=\"budgets.toml\" time=\"0\"/>\n"
        "    <testcase name=\"error_rate &lt; 1%\" classname=\"command line\" time=\"0\">\n"
        "      <failure message=\"measured 2.4%, limit error_rate &lt; 1%\" type=\"budget\">rule: x\n</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}
