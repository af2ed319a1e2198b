// Loader for OTLP/JSON traces. Format facts: ../shared/FORMATS.md.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_otlp_traces(const InputHead& head);
std::unique_ptr<Loader> make_otlp_traces_loader(const InputHead& head);

}  // namespace trace::formats
