// libFuzzer target for the plain-JSON readers (formats/plain_json.h): whatever object a
// walk of the cursor accepts, simdjson accepts too, with the same top-level keys in
// order; a walk that steps over values by their brackets accepts only what simdjson's
// On-Demand walk over the same keys accepts; the OTLP span reader never reads past the
// span it accepts.
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

  // Every key of the object, each value read and checked (skip) or stepped over by its
  // brackets (skip_brackets); false when the walk declines.
  auto walk = [&text](bool by_brackets, std::vector<std::string_view>& keys) {
    trace::formats::PlainJsonCursor cursor(text);
    if (!cursor.begin_object()) return false;
    std::string_view key;
    while (cursor.next_field(key)) {
      if (!(by_brackets ? cursor.skip_brackets() : cursor.skip())) return false;
      keys.push_back(key);
    }
    return cursor.finish();
  };
  std::vector<std::string_view> keys;
  if (walk(false, keys)) {
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

  keys.clear();
  if (walk(true, keys)) {
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (parser.iterate(text.data(), text.size(), buffer.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(object) != simdjson::SUCCESS)
      fail("stepped over, On-Demand refuses", text);
    size_t i = 0;
    for (auto result : object) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (std::move(result).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS)
        fail("stepped over, On-Demand refuses a field", text);
      if (i >= keys.size() || key != keys[i]) fail("keys stepped over differ from On-Demand's", text);
      ++i;
    }
    if (i != keys.size()) fail("key count stepped over differs from On-Demand's", text);
  }

  trace::formats::OtlpSpanParts parts;
  if (trace::formats::read_plain_span(text, parts)) {
    for (const trace::Attr& attr : parts.attrs)
      if (!attr.key.empty() && (attr.key.data() < text.data() || attr.key.data() + attr.key.size() > text.data() + text.size()))
        fail("an attribute key outside the text", text);
  }
  return 0;
}
