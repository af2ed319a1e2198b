// The first pass of the JSON-lines fast path (formats/flat_json_line.h): where a line's
// quotes are, 64 bytes at a time, and whether it holds any byte that needs a closer look.
// With the quotes known, the scanner finds each string's end with a bit scan instead of
// scanning the string, which was most of the time of reading a log line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace trace::formats::flat_json {

// Bytes the fast path cannot take on sight, as flags ("rare bytes").
inline constexpr unsigned kBackslash = 1;  // an escape, or a syntax error: the line is declined
inline constexpr unsigned kControl = 2;    // below 0x20: JSON whitespace outside strings, an error inside
inline constexpr unsigned kHighBit = 4;    // >= 0x80: UTF-8 that must be validated

// Sets bit i of quote_bits[b] where p[64 * b + i] == '"', for the first `size` bytes at
// p (bits at or past `size` are clear; (size + 63) / 64 words are written), and returns
// the rare-byte flags of those bytes. Reads nothing past p + size.
// Uses AVX2 when the CPU has it, else SSE2 (part of x86-64), else plain C++.
unsigned index_quotes(const char* p, size_t size, uint64_t* quote_bits);

// The same, a byte at a time: the reference the vector versions are tested against.
unsigned index_quotes_bytewise(const char* p, size_t size, uint64_t* quote_bits);

// Every version this CPU can run, the one index_quotes uses first, for tests.
using IndexQuotes = unsigned (*)(const char* p, size_t size, uint64_t* quote_bits);
std::span<const IndexQuotes> index_quotes_versions();

}  // namespace trace::formats::flat_json
