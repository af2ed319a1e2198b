// Loader for the ExecutionTracker execution summary (exec-summary). Format facts:
// ../shared/FORMATS.md §6c and man/trace-formats.5.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_exec_summary(const InputHead& head);
std::unique_ptr<Loader> make_exec_summary_loader(const InputHead& head);

}  // namespace trace::formats
