// Loader for the agentic-boilerplate TraceCollector.save_trace() file (span-collector).
// The schema is defined at the top of span_collector.cpp and in man/trace-formats.5.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_span_collector(const InputHead& head);
std::unique_ptr<Loader> make_span_collector_loader(const InputHead& head);

}  // namespace trace::formats
