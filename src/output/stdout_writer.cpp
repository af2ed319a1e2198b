#include "src/output/stdout_writer.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace trace::output {

void write_stdout(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t wrote = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
    if (wrote < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw BrokenPipe{};
      throw std::runtime_error(std::string("cannot write to standard output: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
}

}  // namespace trace::output
