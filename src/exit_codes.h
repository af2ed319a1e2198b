#pragma once

namespace trace {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNoMatch = 1;         // grep found nothing
inline constexpr int kExitBudgetExceeded = 1;  // a CI budget or rule failed
inline constexpr int kExitError = 2;           // usage, unreadable or malformed input

}  // namespace trace
