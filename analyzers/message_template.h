// Error messages reduced to templates, so that the same failure with different numbers,
// ids or quoted values groups together (`trace summary`'s top errors).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trace {

// Templates (and the examples kept beside them) are cut to this many bytes, at a UTF-8
// character boundary, with "…" appended: a stack trace in a message must not make a
// key of kilobytes.
inline constexpr size_t kMaxTemplateBytes = 200;

// Writes the template of `message` into `out` (cleared first; no allocation once `out`
// has grown). Only the first line counts (up to the first CR or LF); then, left to right:
//   - a UUID (8-4-4-4-12 hex digits)                       -> <uuid>
//   - 0x followed by hex digits                              -> <hex>
//   - a word of 6 or more hex digits with at least one digit
//     and one letter a-f (ids like 5799b3, 4bf92f3577b34da6) -> <hex>
//   - a run of digits, with its decimal parts (1.5, 10.0.0.1) -> <num>
//   - a string in '...' or "..." (the quote not inside a word,
//     closed on the same line)                               -> <str>
//     except an object key (a string followed by ':'), kept as is, and, in a message
//     that is a JSON object ('{' first), values, whose text is templated in place:
//     {"type":"TimeoutError","message":"after 5000 ms"} ->
//     {"type":"TimeoutError","message":"after <num> ms"}
// The hex and UUID rules take whole runs of ASCII letters and digits ('_', '-' and
// anything else end a run), so "req-5799b3" and "req_5799b3" give "req-<hex>" and
// "req_<hex>"; the number rule takes digits anywhere: "u-0381" gives "u-<num>", "250ms"
// "<num>ms" and "gpt-4o" "gpt-<num>o".
// Leading and trailing spaces are dropped; an empty message gives "".
void message_template(std::string_view message, std::string& out);

// The first line of `message`, trimmed and cut like a template (for examples).
void first_line_cut(std::string_view message, std::string& out);

}  // namespace trace
