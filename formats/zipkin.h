// Loader for Zipkin v2 JSON: a list of spans (GET /api/v2/trace/{id}, POST /api/v2/spans)
// or a list of traces, each a list of spans (GET /api/v2/traces). Zipkin v1 is detected
// and refused. Format facts: ../shared/FORMATS.md §4.2.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_zipkin(const InputHead& head);
std::unique_ptr<Loader> make_zipkin_loader(const InputHead& head);

}  // namespace trace::formats
