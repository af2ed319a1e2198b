#include "support/load_text.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "formats/read_inputs.h"
#include "src/errors.h"

namespace trace::testing {

Loaded load_text(const std::string& text, const std::string& format, const std::string& name, RecordNeeds needs) {
  Loaded loaded;
  loaded.records.needs_told = needs;
  formats::ReadOptions options;
  options.input_format = format;
  std::vector<formats::Input> inputs{{name, [&] { return Source::from_string(name, text); }}};
  RecordSink* sinks[] = {&loaded.records};
  formats::ReadReport report = formats::read_inputs(inputs, options, sinks);
  loaded.format = report.files.at(0).format;
  return loaded;
}

std::string load_error(const std::string& text, const std::string& format, const std::string& name) {
  try {
    load_text(text, format, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

std::string render(const std::vector<OwnedAttr>& attrs) {
  std::string out;
  for (const OwnedAttr& attr : attrs) out += attr.key + "=" + attr.text + ";";
  return out;
}

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(TRACE_SOURCE_DIR) + "/samples/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace trace::testing
