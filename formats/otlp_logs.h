// Loader for OTLP/JSON logs (ExportLogsServiceRequest = LogsData): a whole file, or one
// request per line as the collector's file exporter writes them. Format facts:
// ../shared/FORMATS.md §1.3-1.4.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_otlp_logs(const InputHead& head);
std::unique_ptr<Loader> make_otlp_logs_loader(const InputHead& head);

}  // namespace trace::formats
