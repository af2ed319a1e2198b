// Loader for Chrome Trace Event JSON. Format facts: ../shared/FORMATS.md.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_chrome_trace(const InputHead& head);
std::unique_ptr<Loader> make_chrome_trace_loader(const InputHead& head);

}  // namespace trace::formats
