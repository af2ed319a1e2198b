#include "formats/detect.h"

#include <fmt/format.h>

#include "formats/json_scan.h"
#include "formats/registry.h"
#include "src/errors.h"

namespace trace::formats {

namespace {

Framing detect_framing(std::string_view bytes, bool whole, const JsonPrefix& first) {
  if (first.value_end() == 0) {
    // The first value runs past the head. With no newline in sight the file is one long
    // line: reading it as JSON lines covers both a minified document and huge lines.
    return bytes.find('\n') == std::string_view::npos ? Framing::kLines : Framing::kDocument;
  }
  size_t next = skip_whitespace(bytes, first.value_end());
  if (next >= bytes.size() && whole) return Framing::kDocument;
  bool first_spans_lines = bytes.substr(0, first.value_end()).find('\n') != std::string_view::npos;
  return first_spans_lines ? Framing::kDocumentStream : Framing::kLines;
}

// The first bytes, printable, for error messages.
std::string excerpt(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

}  // namespace

InputHead make_head(const std::string& path, std::string_view bytes, bool whole) {
  InputHead head;
  head.path = path;
  head.bytes = bytes;
  head.whole = whole;
  head.first = JsonPrefix::scan(bytes);
  head.framing = detect_framing(bytes, whole, head.first);
  return head;
}

const FormatSpec& detect_format(const InputHead& head, std::string_view forced) {
  if (!forced.empty()) {
    if (const FormatSpec* spec = find_format(forced)) return *spec;
    throw UsageError(fmt::format("--input-format: unknown format '{}' (known formats: {})", forced, format_names()));
  }
  for (const FormatSpec& spec : all_formats())
    if (spec.sniff(head)) return spec;

  const std::string& name = head.path == "-" ? std::string("<stdin>") : head.path;
  char first = head.first.first_byte();
  if (first != '{' && first != '[')
    throw InputError(fmt::format("{}: not JSON: expected '{{' or '[' at the start, found \"{}\" (known formats: {})",
                                 name, excerpt(head.bytes), format_names()));
  if (head.first.has("resourceMetrics"))
    throw InputError(fmt::format("{}: OTLP metrics are not supported (expected traces or logs)", name));
  if (head.first.has("trace_partial")) {
    // The output of stats|summary|cost --partial, given back to one of them (or to grep).
    std::string_view command = head.first.scalar("command");
    std::string of = command.empty() ? std::string() : fmt::format(" of 'trace {}'", command);
    throw InputError(fmt::format("{}: a partial result{} (written by --partial), not traces or logs: merge partial "
                                 "results with 'trace merge'",
                                 name, of));
  }
  std::string keys;
  for (const HeadKey& key : head.first.keys()) {
    if (key.path.find('.') != std::string::npos || key.path.find("[]") != std::string::npos) continue;
    if (!keys.empty()) keys += ", ";
    keys += key.path;
    if (keys.size() > 80) break;
  }
  throw InputError(fmt::format("{}: cannot detect the format (first value has keys: {}); known formats: {}; "
                               "name one with --input-format",
                               name, keys.empty() ? "none" : keys, format_names()));
}

}  // namespace trace::formats
