#include "support/load_text.h"

#include "formats/read_inputs.h"

namespace trace::testing {

Loaded load_text(const std::string& text, const std::string& format, const std::string& name) {
  Loaded loaded;
  formats::ReadOptions options;
  options.input_format = format;
  std::vector<formats::Input> inputs{{name, [&] { return Source::from_string(name, text); }}};
  RecordSink* sinks[] = {&loaded.records};
  formats::ReadReport report = formats::read_inputs(inputs, options, sinks);
  loaded.format = report.files.at(0).format;
  return loaded;
}

}  // namespace trace::testing
