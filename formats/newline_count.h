// Counting lines: the JSON-lines reader numbers the lines of every chunk it hands out
// (under its lock, so that records and errors carry their line), which made it the part
// of a many-core read that does not run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trace::formats {

// The number of '\n' bytes in data[0, size).
uint64_t count_newlines(const char* data, size_t size);

}  // namespace trace::formats
