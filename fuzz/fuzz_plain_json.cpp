// libFuzzer target for the plain-JSON readers (formats/plain_json.h): whatever object
// scan_json_object accepts, simdjson accepts too, with the same top-level keys in order;
// the OTLP span reader never reads past the span it accepts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "formats/otlp_span_parts.h"
#include "formats/plain_json.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Padded, as the loaders' buffers are: the readers may look at the bytes past the text.
  std::string buffer(reinterpret_cast<const char*>(data), size);
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  std::string_view text(buffer.data(), size);

  std::vector<std::string_view> keys;
  bool accepted = trace::formats::scan_json_object(text, [&](std::string_view key, std::string_view) {
    keys.push_back(key);
    return true;
  });
  if (accepted) {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(text).get(object) != simdjson::SUCCESS) fail("accepted, simdjson refuses", text);
    size_t i = 0;
    for (auto field : object) {
      if (i >= keys.size() || field.key != keys[i]) fail("keys differ from simdjson's", text);
      ++i;
    }
    if (i != keys.size()) fail("key count differs from simdjson's", text);
  }

  trace::formats::OtlpSpanParts parts;
  if (trace::formats::read_plain_span(text, parts)) {
    for (const trace::Attr& attr : parts.attrs)
      if (!attr.key.empty() && (attr.key.data() < text.data() || attr.key.data() + attr.key.size() > text.data() + text.size()))
        fail("an attribute key outside the text", text);
  }
  return 0;
}
