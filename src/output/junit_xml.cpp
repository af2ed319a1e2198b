#include "src/output/junit_xml.h"

#include <iterator>

#include <fmt/format.h>

namespace trace::output {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at text[i] (1-4), or 0 when it is invalid
// (overlong, surrogate, past U+10FFFF, truncated, stray continuation byte).
size_t utf8_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  // U+FFFE and U+FFFF are not XML characters either.
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

void append_attribute(std::string_view name, std::string_view value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  append_xml_escaped(value, out);
  out += '"';
}

}  // namespace

void append_xml_escaped(std::string_view text, std::string& out, XmlContext context) {
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (context == XmlContext::kText && (c == '\t' || c == '\n')) {
      out += c;
      ++i;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&apos;"; ++i; continue;
      case '\t': out += "&#9;"; ++i; continue;
      case '\n': out += "&#10;"; ++i; continue;
      case '\r': out += "&#13;"; ++i; continue;
      default: break;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t n = utf8_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      // One replacement per maximal invalid run of continuation bytes.
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
}

void write_junit_xml(const JUnitSuite& suite, std::string& out) {
  size_t failures = 0;
  for (const JUnitCase& c : suite.cases)
    if (c.failure) ++failures;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites";
  append_attribute("name", suite.name, out);
  fmt::format_to(std::back_inserter(out), " tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"0\">\n",
                 suite.cases.size(), failures);
  out += "  <testsuite";
  append_attribute("name", suite.name, out);
  fmt::format_to(std::back_inserter(out), " tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
                 suite.cases.size(), failures);
  for (const JUnitCase& c : suite.cases) {
    out += "    <testcase";
    append_attribute("name", c.name, out);
    append_attribute("classname", c.classname, out);
    out += " time=\"0\"";
    if (!c.failure) {
      out += "/>\n";
      continue;
    }
    out += ">\n      <failure";
    append_attribute("message", c.failure->message, out);
    append_attribute("type", c.failure->type, out);
    out += '>';
    append_xml_escaped(c.failure->text, out, XmlContext::kText);
    out += "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
}

}  // namespace trace::output
