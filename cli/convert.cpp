// trace convert: any input trace rewritten as Chrome Trace Event JSON, OTLP/JSON or a
// flat JSON-lines table, streamed in input order.
#include <memory>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/common_options.h"
#include "formats/chrome_writer.h"
#include "formats/jsonl_writer.h"
#include "formats/otlp_writer.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/output_file.h"

namespace trace::cli {

namespace {

struct ConvertOptions {
  InputOptions input;
  std::string to;
  std::string output;  // -o; "" = standard output
};

enum class Target { kChrome, kOtlp, kJsonl };

Target parse_target(const std::string& to) {
  if (to == "chrome") return Target::kChrome;
  if (to == "otlp") return Target::kOtlp;
  if (to == "jsonl") return Target::kJsonl;
  throw UsageError(fmt::format("--to: unknown format '{}' (expected chrome, otlp or jsonl)", to));
}

std::unique_ptr<formats::RecordWriter> make_writer(Target target, formats::WriteBytes write) {
  switch (target) {
    case Target::kChrome: return std::make_unique<formats::ChromeWriter>(std::move(write));
    case Target::kOtlp: return std::make_unique<formats::OtlpWriter>(std::move(write));
    case Target::kJsonl: break;
  }
  return std::make_unique<formats::JsonlWriter>(std::move(write));
}

int run_convert(const ConvertOptions& options) {
  // Flag texts become values before any input is read or any file created.
  Target target = parse_target(options.to);
  std::vector<formats::Input> inputs = options.input.inputs();

  output::OutputFile file(options.output);
  std::unique_ptr<formats::RecordWriter> writer =
      make_writer(target, [&file](std::string_view bytes) { file.write(bytes); });

  // Output follows input order: one reader.
  formats::ReadOptions read = options.input.read_options();
  read.jobs = 1;
  formats::ReadReport report;
  RecordSink* sinks[] = {writer.get()};
  for (const formats::Input& input : inputs) {
    writer->begin_file(input.path == "-" ? "<stdin>" : input.path);
    formats::ReadReport one = formats::read_inputs(std::span(&input, 1), read, sinks);
    for (formats::FileReport& one_file : one.files) report.files.push_back(std::move(one_file));
  }
  writer->finish();
  // Only a complete conversion replaces FILE: an input error above leaves no file.
  file.commit();
  report_skips(report);
  return kExitOk;
}

}  // namespace

Command register_convert(CLI::App& parent) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* app = parent.add_subcommand("convert", "Rewrite traces and logs as Chrome trace JSON, OTLP/JSON or flat JSON lines");
  add_input_options(*app, options->input);
  app->remove_option(app->get_option("--jobs"));
  app->add_option("--to", options->to,
                  "Output format: chrome (Perfetto UI, chrome://tracing), otlp (collector file exporter JSON lines) "
                  "or jsonl (one flat JSON object per record)")
      ->required();
  app->add_option("-o,--output", options->output,
                  "Write to FILE (through FILE.tmp, renamed when complete) instead of standard output");
  app->footer(
      "Records are written in input order as they are read, whatever the input's size.\n"
      "Everything trace writes, it reads back: convert, then stats, grep or tree the result.\n"
      "\nExamples:\n"
      "  trace convert --to chrome samples/otlp_traces.json -o agent.trace.json\n"
      "  trace convert --to otlp samples/jaeger.json samples/zipkin.json\n"
      "  trace convert --to jsonl samples/app_logs.jsonl\n"
      "  trace convert --to jsonl samples/ -o all.jsonl\n"
      "  zcat spans.jsonl.gz | trace convert --to otlp - > spans.otlp.jsonl");
  return {app, [options] { return run_convert(*options); }};
}

}  // namespace trace::cli
