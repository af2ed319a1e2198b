// Loader for Jaeger JSON: the query API's {"data":[Trace...]} envelope (also what the
// UI's "Download results" and "Trace JSON" save), a bare Trace, or an array of Traces.
// Format facts: ../shared/FORMATS.md §4.1.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_jaeger(const InputHead& head);
std::unique_ptr<Loader> make_jaeger_loader(const InputHead& head);

}  // namespace trace::formats
