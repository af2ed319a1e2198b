// Runs the real input pipeline (Source -> detect -> loader) on an in-memory text.
#pragma once

#include <string>
#include <vector>

#include "support/collect_sink.h"

namespace trace::testing {

struct Loaded {
  CollectSink records;
  std::string format;  // the detected (or forced) format's name
};

// Loads `text` as if it were a file named `name`. `format` forces a format ("" = detect).
// Throws trace::InputError for malformed input, with the message the user would see
// (e.g. "input.json:3:17: expected ...").
// `needs` is what the sink tells the loader it reads.
Loaded load_text(const std::string& text, const std::string& format = "",
                 const std::string& name = "input.json", RecordNeeds needs = {});

// The user-visible message load_text() fails with, or "<no error>".
std::string load_error(const std::string& text, const std::string& format, const std::string& name);

// Attributes as "key=value;" pairs in order, for compact exact comparisons.
std::string render(const std::vector<OwnedAttr>& attrs);

// The text of samples/<name>.
std::string read_sample(const std::string& name);

}  // namespace trace::testing
