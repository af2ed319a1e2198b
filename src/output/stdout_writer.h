// Writing results to stdout in one place, so a closed pipe (`trace stats big | head`)
// is recognised and ends the run quietly, as grep and ripgrep do.
#pragma once

#include <string_view>

namespace trace::output {

// Thrown when the reader of stdout went away (EPIPE); main() exits 0 without a message.
struct BrokenPipe {};

// Writes all of `bytes` to stdout. Throws BrokenPipe on EPIPE, std::runtime_error on
// any other write error.
void write_stdout(std::string_view bytes);

}  // namespace trace::output
