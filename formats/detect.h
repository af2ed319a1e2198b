// Format detection: framing (one document, JSON lines, a stream of documents) from the
// layout of the first value, then shape from the registry's sniffers in order.
#pragma once

#include <string>
#include <string_view>

#include "formats/input_head.h"
#include "formats/loader.h"

namespace trace::formats {

inline constexpr size_t kHeadBytes = 64 * 1024;

// Builds the head of an input from its first bytes (`whole` when they are all of it).
InputHead make_head(const std::string& path, std::string_view bytes, bool whole);

// The format named `forced` (--input-format), else the first whose sniffer accepts the
// head. Throws InputError naming the input, what was seen and the known formats.
const FormatSpec& detect_format(const InputHead& head, std::string_view forced);

}  // namespace trace::formats
