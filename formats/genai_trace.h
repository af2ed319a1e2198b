// Loader for the GenAI Processors TracingProcessor export (genai-trace). Format facts:
// ../shared/FORMATS.md §6a and man/trace-formats.5.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_genai_trace(const InputHead& head);
std::unique_ptr<Loader> make_genai_trace_loader(const InputHead& head);

}  // namespace trace::formats
