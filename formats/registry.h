// Every format trace reads, in detection order (earlier sniffers win).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "formats/loader.h"

namespace trace::formats {

std::span<const FormatSpec> all_formats();

// The format named `name` (as in --input-format), or nullptr.
const FormatSpec* find_format(std::string_view name);

// "otlp-traces, chrome, jsonl" for error messages and --help.
std::string format_names();

}  // namespace trace::formats
