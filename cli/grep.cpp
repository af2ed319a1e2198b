// trace grep: the records that match a pattern and predicates, printed in input order:
// JSON lines as they were read, records of whole documents on one line each.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <vector>

#include <fmt/format.h>

#include "analyzers/line_precheck.h"
#include "analyzers/record_filter.h"
#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/print_table.h"
#include "src/errors.h"
#include "src/exit_codes.h"
#include "src/output/ordered_output.h"
#include "src/output/record_printer.h"
#include "src/output/stdout_writer.h"
#include "src/output/terminal.h"

namespace trace::cli {

namespace {

struct GrepOptions {
  InputOptions input;
  std::optional<std::string> regexp;  // -e
  bool fixed = false, ignore_case = false, word = false;
  std::string field;
  std::string level;
  std::vector<std::string> where;
  std::string trace_id, span_id;
  std::string since, until, min_duration, max_duration;
  bool errors = false;
  bool invert = false, count = false, files_with_matches = false, quiet = false;
  uint64_t max_count = 0;
  std::optional<size_t> after, before, context;
  bool line_number = false, with_filename = false, no_filename = false;
  std::string format = "text";
  std::string color = "auto";
};

bool has_predicate(const GrepOptions& o) {
  return !o.level.empty() || !o.where.empty() || !o.trace_id.empty() || !o.span_id.empty() || !o.since.empty() ||
         !o.until.empty() || !o.min_duration.empty() || !o.max_duration.empty() || o.errors;
}

bool names_input(const std::string& arg) {
  struct stat info;
  return arg == "-" || ::stat(arg.c_str(), &info) == 0;
}

// Splits the positional arguments into PATTERN and FILEs: the first is PATTERN, unless -e
// gave it, or a predicate was given and the first names an existing file ("trace grep
// --level error app.jsonl" has no pattern).
std::optional<std::string> take_pattern(GrepOptions& options) {
  if (options.regexp) return options.regexp;
  std::vector<std::string>& args = options.input.paths;
  if (args.empty()) {
    if (has_predicate(options)) return std::nullopt;
    throw UsageError("no PATTERN and no predicate (give a PATTERN, or a predicate such as --level or --where)");
  }
  if (has_predicate(options) && names_input(args.front())) return std::nullopt;
  std::string pattern = args.front();
  args.erase(args.begin());
  return pattern;
}

FilterSpec filter_spec(GrepOptions& options) {
  FilterSpec spec;
  spec.pattern = take_pattern(options);
  spec.match = {options.fixed, options.ignore_case, options.word};
  spec.field = options.field;
  if (!spec.field.empty() && !spec.pattern) throw UsageError("--field: there is no PATTERN to search the field for");
  if (!options.level.empty()) spec.level = parse_level_range(options.level);
  for (const std::string& clause : options.where) spec.where.push_back(parse_where_clause(clause));
  spec.trace_id = options.trace_id;
  spec.span_id = options.span_id;
  int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (!options.since.empty()) spec.since_ns = parse_time_bound("--since", options.since, now_ns);
  if (!options.until.empty()) spec.until_ns = parse_time_bound("--until", options.until, now_ns);
  if (!options.min_duration.empty()) spec.min_duration_ns = parse_duration_flag("--min-duration", options.min_duration);
  if (!options.max_duration.empty()) spec.max_duration_ns = parse_duration_flag("--max-duration", options.max_duration);
  spec.errors = options.errors;
  return spec;
}

class FilterSelector final : public output::RecordSelector {
 public:
  explicit FilterSelector(RecordFilter& filter) : filter_(filter) {}

  bool select(const Span& span, const LogRecord* line_log) override { return filter_.matches(span, line_log); }
  bool select(const LogRecord& log) override { return filter_.matches(log); }

  void highlights(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) override {
    const TextMatcher* matcher = filter_.matcher();
    if (!matcher) return;
    for (size_t at = 0; at <= text.size();) {
      std::optional<MatchRange> match = matcher->find(text, at);
      if (!match) break;
      if (match->second > match->first) out.push_back(*match);
      at = match->second > match->first ? match->second : match->first + 1;
    }
  }

 private:
  RecordFilter& filter_;
};

// One worker's share of a read on several threads: its own filter (matching keeps
// scratch state) and printer. For -c the printer only counts. To print, its output is
// buffered: a chunk's goes to the OrderedOutput when the chunk ends, to be written in
// input order; that of records outside chunks (whole documents, which one thread reads
// after the chunks) is written as it grows, as a one-thread printer writes it. On cache
// lines of its own, as every worker's sink.
class alignas(formats::kWorkerAlign) WorkerPrinter final : public RecordSink {
 public:
  WorkerPrinter(const FilterSpec& spec, const output::RecordPrinterOptions& options, output::OrderedOutput* ordered)
      : filter_(spec), selector_(filter_), printer_(selector_, options), ordered_(ordered) {}

  Flow on_span(const Span& span) override { return after(printer_.on_span(span)); }
  Flow on_log(const LogRecord& log) override { return after(printer_.on_log(log)); }

  output::RecordPrinter& printer() { return printer_; }

  void begin_unit() { in_unit_ = true; }
  void end_unit(uint64_t unit, bool whole) {
    in_unit_ = false;
    printer_.end_chunk();
    printer_.take_output(text_);
    ordered_->unit_done(unit, text_, whole);
  }
  void end_file() {
    printer_.end_file();
    write_loose(0);
  }
  // At an error: what records outside chunks printed stays printed (a chunk's output is
  // handed over whole, or not at all).
  void flush_loose() {
    if (!in_unit_) write_loose(0);
  }

 private:
  static constexpr size_t kLooseBytes = size_t(64) << 10;

  Flow after(Flow flow) {
    if (!in_unit_) write_loose(kLooseBytes);
    return flow;
  }
  void write_loose(size_t at_least) {
    if (ordered_ == nullptr || printer_.buffered_bytes() < std::max<size_t>(at_least, 1)) return;
    printer_.take_output(text_);
    ordered_->write_now(text_);
  }

  RecordFilter filter_;
  FilterSelector selector_;
  output::RecordPrinter printer_;
  output::OrderedOutput* ordered_;
  bool in_unit_ = false;
  std::string text_;
};

output::RecordFormat parse_record_format(const std::string& text) {
  if (text == "text") return output::RecordFormat::kText;
  if (text == "json") return output::RecordFormat::kJson;
  if (text == "jsonl") return output::RecordFormat::kJsonl;
  throw UsageError(fmt::format("--format: unknown format '{}' (expected text, json or jsonl)", text));
}

int run_grep(GrepOptions& options) {
  // Flag texts become values before any input is read, so a typo costs no time.
  RecordFilter filter(filter_spec(options));
  std::vector<formats::Input> inputs = options.input.inputs();

  output::RecordPrinterOptions print;
  print.format = parse_record_format(options.format);
  print.invert = options.invert;
  print.count = options.count;
  print.files_with_matches = options.files_with_matches;
  print.quiet = options.quiet;
  print.max_count = options.max_count;
  print.after = options.after.value_or(options.context.value_or(0));
  print.before = options.before.value_or(options.context.value_or(0));
  print.with_filename = options.with_filename || (inputs.size() > 1 && !options.no_filename);
  print.line_number = options.line_number;
  print.color = print.format == output::RecordFormat::kText &&
                output::color_enabled(output::parse_color_mode(options.color));
  print.flush_each = output::stdout_is_tty();
  if (print.format != output::RecordFormat::kText && (print.after > 0 || print.before > 0))
    throw UsageError("-A/-B/-C: context records are shown in text output only (not with --format json or jsonl)");

  FilterSelector selector(filter);
  output::RecordPrinter printer(selector, print);

  // Every core reads, each worker with a printer of its own, when what a worker prints
  // depends on its records alone: a count (-c), which does not depend on their order, and
  // plain printing, which OrderedOutput writes in input order. Stopping early (-m, -q,
  // -l), context (-A/-B) and the one JSON document (--json) need one reader, as does a
  // terminal, which sees each match as it is found. Lines the pre-check rules out are
  // never parsed, which is what makes it fast.
  formats::ReadOptions read = options.input.read_options();
  bool stops_early = print.quiet || print.files_with_matches || print.max_count != 0;
  bool count_in_parallel = print.count && !stops_early;
  bool print_in_parallel = !print.count && !stops_early && print.after == 0 && print.before == 0 &&
                           print.format != output::RecordFormat::kJson && !print.flush_each;
  if (!count_in_parallel && !print_in_parallel) read.jobs = 1;
  bool read_every_line = print.invert || print.after > 0 || print.before > 0;
  LinePrecheck precheck = LinePrecheck::for_filter(filter.spec(), filter.matcher(), read_every_line);
  if (!precheck.empty()) read.line_precheck = [precheck](std::string_view line) { return precheck(line); };

  output::OrderedOutput ordered;
  std::vector<std::unique_ptr<WorkerPrinter>> workers;
  std::vector<RecordSink*> sinks;
  if (read.jobs > 1) {
    output::RecordPrinterOptions worker_options = print;
    worker_options.tally_only = print.count;
    worker_options.buffered = !print.count;
    for (unsigned w = 0; w < read.jobs; ++w) {
      workers.push_back(std::make_unique<WorkerPrinter>(filter.spec(), worker_options, print.count ? nullptr : &ordered));
      sinks.push_back(workers.back().get());
    }
    if (!print.count) {
      read.on_unit_begin = [&workers](size_t w, uint64_t) { workers[w]->begin_unit(); };
      read.on_unit_end = [&workers](size_t w, uint64_t unit, bool whole) { workers[w]->end_unit(unit, whole); };
    }
  } else {
    sinks.push_back(&printer);
  }
  read.on_format = [&printer, &workers](std::string_view, bool json_lines) {
    printer.set_json_lines(json_lines);
    for (auto& worker : workers) worker->printer().set_json_lines(json_lines);
  };

  formats::ReadReport report;
  try {
    for (const formats::Input& input : inputs) {
      std::string name = input.path == "-" ? "<stdin>" : input.path;
      printer.begin_file(name);
      ordered.begin_input();
      for (auto& worker : workers) worker->printer().begin_file(name);
      formats::ReadReport one = formats::read_inputs(std::span(&input, 1), read, sinks);
      for (auto& worker : workers) {
        worker->end_file();
        printer.add_selected(worker->printer().file_selected());
      }
      printer.end_file();
      for (formats::FileReport& file : one.files) report.files.push_back(std::move(file));
      if (printer.done()) break;
    }
  } catch (const output::BrokenPipe&) {
    throw;
  } catch (...) {
    // What was found before the error stays found.
    for (auto& worker : workers) worker->flush_loose();
    printer.flush();
    throw;
  }
  // What --lenient skipped: in the JSON document as in stats' meta, and on stderr.
  output::TableMeta meta;
  fill_meta(meta, report);
  printer.finish(meta.skipped, meta.skipped_at);
  report_skips(report);
  return printer.selected() > 0 ? kExitOk : kExitNoMatch;
}

}  // namespace

Command register_grep(CLI::App& parent) {
  auto options = std::make_shared<GrepOptions>();
  CLI::App* app = parent.add_subcommand("grep", "Records matching a pattern and predicates, in input order");
  // -h is grep's --no-filename.
  app->set_help_flag("--help", "Print this help message and exit");
  add_input_options(*app, options->input);
  app->get_option("files")->description(
      "[PATTERN] then trace or log files ('-' for standard input, a directory for the trace files in it; .gz and .zst are decompressed)");

  app->add_option("-e,--regexp", options->regexp, "PATTERN, given explicitly (then every argument is a file)");
  app->add_flag("-F,--fixed-strings", options->fixed, "PATTERN is plain text, not a regular expression");
  app->add_flag("-i,--ignore-case", options->ignore_case, "Letters match either case (ASCII)");
  app->add_flag("-w,--word-regexp", options->word, "Match only where no word character touches the match");
  app->add_option("--field", options->field,
                  "Search the value of this key instead of the message / span name (attr, a.b.c path or built-in)");

  app->add_option("--level", options->level,
                  "Log level: trace, debug, info, warn, error or fatal; warn+ = at least warn");
  app->add_option("--where", options->where,
                  "'KEY OP VALUE' with OP =, !=, <, <=, >, >=, ~ (regex), or 'KEY exists'; repeat to AND")
      ->allow_extra_args(false);
  app->add_option("--trace", options->trace_id, "Only records of this trace id");
  app->add_option("--span", options->span_id, "Only records of this span id");
  app->add_option("--since", options->since, "Records at or after this time: ISO 8601, or -15m (ago)");
  app->add_option("--until", options->until, "Records at or before this time: ISO 8601, or -15m (ago)");
  app->add_option("--min-duration", options->min_duration, "Spans that took at least this long (500ms, 1.5s)");
  app->add_option("--max-duration", options->max_duration, "Spans that took at most this long");
  app->add_flag("--errors", options->errors, "Error spans and logs at ERROR or above");

  app->add_flag("-v,--invert-match", options->invert, "Select what does not match");
  app->add_flag("-c,--count", options->count, "Print only the number of matches (per file: file:N); counted on every core");
  app->add_flag("-l,--files-with-matches", options->files_with_matches, "Print only the names of files with a match");
  app->add_option("-m,--max-count", options->max_count, "Stop reading a file after N matches");
  app->add_flag("-q,--quiet", options->quiet, "Print nothing; exit 0 at the first match");
  app->add_option("-A,--after-context", options->after, "Show N records after each match");
  app->add_option("-B,--before-context", options->before, "Show N records before each match");
  app->add_option("-C,--context", options->context, "Show N records before and after each match");
  app->add_flag("-n,--line-number", options->line_number, "Prefix each output line with its input line number");
  app->add_flag("-H,--with-filename", options->with_filename, "Prefix each output line with its file name");
  app->add_flag("-h,--no-filename", options->no_filename, "Never prefix file names (default with one input)");
  app->add_option("-f,--format", options->format, "Output: text (default), json or jsonl")
      ->check(CLI::IsMember({"text", "json", "jsonl"}));
  app->add_flag_callback("--json", [options] { options->format = "json"; }, "Same as --format json");
  app->add_option("--color", options->color, "Highlight matches: auto (only on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  app->footer(
      "PATTERN is an ECMAScript regular expression (std::regex) searched in log messages and\n"
      "span names; plain text (and -F) is searched as text, much faster. Predicates are ANDed.\n"
      "With a predicate, a first argument naming an existing file is a file, not PATTERN.\n"
      "Exit status: 0 a match, 1 none, 2 an error.\n"
      "\nExamples:\n"
      "  trace grep -i 'rate limit' samples/app_logs.jsonl\n"
      "  trace grep --level warn+ samples/app_logs.jsonl samples/pino.jsonl\n"
      "  trace grep --min-duration 1s samples/otlp_traces.json\n"
      "  trace grep --where 'stage = retrieve' --format jsonl samples/app_logs.jsonl\n"
      "  trace grep -c --errors samples/app_logs.jsonl samples/otlp_traces.jsonl\n"
      "  zcat app.jsonl.gz | trace grep -i 'rate limit' -n -");
  return {app, [options] { return run_grep(*options); }};
}

}  // namespace trace::cli
