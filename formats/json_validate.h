// A strict check of one JSON value's text (RFC 8259), for the objects and arrays the
// loaders keep as raw JSON: simdjson's On-Demand hands out a container's raw text
// without looking inside it ("[1 2]" passes), and that text is written out again as
// JSON, where a writer that re-spaces it would turn "[1 2]" into "[12]".
#pragma once

#include <cstddef>
#include <string_view>

namespace trace::formats {

// Whether `text` is one JSON value with nothing but JSON whitespace around it: the
// grammar, string escapes and control characters, and number syntax (not range), at any
// depth. UTF-8 is not checked: the texts come from simdjson, which checked every byte
// before handing them out.
bool is_json_value(std::string_view text);

}  // namespace trace::formats
