// Loader for OTLP/JSON logs (ExportLogsServiceRequest = LogsData): a whole file, or one
// request per line as the collector's file exporter writes them. Format facts:
// ../shared/FORMATS.md §1.3-1.4.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_otlp_logs(const InputHead& head);
std::unique_ptr<Loader> make_otlp_logs_loader(const InputHead& head);

// A collector whose file exporter serves both a traces and a logs pipeline writes both
// kinds of request into one file, and the first line decides the format: each OTLP
// loader hands the requests of the other signal to the other loader, made by this pair
// (which read their own signal only).
std::unique_ptr<Loader> make_otlp_logs_only_loader();

}  // namespace trace::formats
