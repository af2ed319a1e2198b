// Counting lines: the JSON-lines reader numbers the lines of every chunk it hands out
// (under its lock, so that records and errors carry their line), which made it the part
// of a many-core read that does not run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace trace::formats {

// The number of '\n' bytes in data[0, size). Uses AVX2 when the CPU has it, else SSE2
// (part of x86-64), else plain C++. Reads nothing outside data[0, size).
uint64_t count_newlines(const char* data, size_t size);

// The same, a byte at a time: the reference the vector versions are tested against.
uint64_t count_newlines_bytewise(const char* data, size_t size);

// Every version this CPU can run, the one count_newlines uses first, for tests.
using CountNewlines = uint64_t (*)(const char* data, size_t size);
std::span<const CountNewlines> count_newlines_versions();

}  // namespace trace::formats
