// Loader for JSON-lines logs. Format facts: ../shared/FORMATS.md.
#pragma once

#include <memory>

#include "formats/loader.h"

namespace trace::formats {

bool sniff_jsonl_logs(const InputHead& head);
std::unique_ptr<Loader> make_jsonl_logs_loader(const InputHead& head);

}  // namespace trace::formats
