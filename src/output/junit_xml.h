// JUnit XML, the report format CI systems (GitHub Actions test reporters, GitLab,
// Jenkins, Azure Pipelines) read to show results as test cases: one <testsuite> of
// <testcase>s, a <failure> in each that failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trace::output {

struct JUnitFailure {
  std::string message;  // one line, the attribute CI systems show first
  std::string type;     // "budget"
  std::string text;     // the element's body: details
};

struct JUnitCase {
  std::string name;
  std::string classname;
  std::optional<JUnitFailure> failure;
};

struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

// Appends `text` escaped for XML 1.0: & < > " ' as entities; in attribute values tab,
// LF and CR as character references, so parsers keep them (in element text they stay as
// they are); other control characters, which XML 1.0 cannot hold at all, and invalid
// UTF-8 as U+FFFD.
enum class XmlContext : uint8_t { kAttribute, kText };
void append_xml_escaped(std::string_view text, std::string& out, XmlContext context = XmlContext::kAttribute);

// <?xml ...?><testsuites ...><testsuite name tests failures errors="0" skipped="0"
// time="0">, the cases, and closing tags; two-space indentation, "\n" line ends.
void write_junit_xml(const JUnitSuite& suite, std::string& out);

}  // namespace trace::output
