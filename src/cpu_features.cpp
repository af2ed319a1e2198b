#include "src/cpu_features.h"

namespace trace {

bool cpu_has_avx2() {
#if defined(__x86_64__)
  // __builtin_cpu_init first: before main(), the CPU model may not be read yet.
  static const bool has_avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has_avx2;
#else
  return false;
#endif
}

}  // namespace trace
