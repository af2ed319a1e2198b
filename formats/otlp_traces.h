// Loader for OTLP/JSON traces. Format facts: ../shared/FORMATS.md.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_otlp_traces(const InputHead& head);
std::unique_ptr<Loader> make_otlp_traces_loader(const InputHead& head);

// See make_otlp_logs_only_loader (formats/otlp_logs.h).
std::unique_ptr<Loader> make_otlp_traces_only_loader();

}  // namespace trace::formats
