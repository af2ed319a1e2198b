// Loader for the Stageflow event stream (stage-events). Format facts:
// ../shared/FORMATS.md §6b and man/trace-formats.5.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_stage_events(const InputHead& head);
std::unique_ptr<Loader> make_stage_events_loader(const InputHead& head);

}  // namespace trace::formats
