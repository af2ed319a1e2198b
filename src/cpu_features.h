// What the CPU running us can do beyond the build's target: the build is for baseline
// x86-64, so code with an AVX2 version picks it at run time.
#pragma once

namespace trace {

// Decided once; safe to call from static initializers (the scanners pick their version
// there).
bool cpu_has_avx2();

}  // namespace trace
