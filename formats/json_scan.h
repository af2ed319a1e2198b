// A small structural scanner for JSON text that simdjson cannot take whole: finding
// where one value ends (to split a stream of documents or a huge top-level array at
// its commas) without parsing it. String- and escape-aware; validates nothing else.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace trace::formats {

// Index of the first byte at or after `pos` that is not JSON whitespace; text.size() if none.
size_t skip_whitespace(std::string_view text, size_t pos);

// Given that a JSON value starts at `pos` (not whitespace), returns the index one past
// its end, or std::string_view::npos when the text ends first.
size_t find_value_end(std::string_view text, size_t pos);

// find_value_end's scanners for an object or array: every version this CPU can run
// (AVX2, SSE2 or a byte at a time), the one in use first, for tests.
using ContainerEnd = size_t (*)(std::string_view text, size_t pos);
std::span<const ContainerEnd> container_end_versions();

}  // namespace trace::formats
