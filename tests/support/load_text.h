// Runs the real input pipeline (Source -> detect -> loader) on an in-memory text.
#pragma once

#include <string>

#include "support/collect_sink.h"

namespace trace::testing {

struct Loaded {
  CollectSink records;
  std::string format;  // the detected (or forced) format's name
};

// Loads `text` as if it were a file named `name`. `format` forces a format ("" = detect).
// Throws trace::InputError for malformed input, with the message the user would see
// (e.g. "input.json:3:17: expected ...").
Loaded load_text(const std::string& text, const std::string& format = "",
                 const std::string& name = "input.json");

}  // namespace trace::testing
