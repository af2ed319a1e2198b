// libFuzzer target for the JSON-lines fast path: every input the flat-object scanner
// accepts must read exactly as simdjson reads it (fuzz/flat_json_reference.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/flat_json_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string problem = trace::flat_json_reference::disagreement(line);
  if (!problem.empty()) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
