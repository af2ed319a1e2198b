// Partial results (`trace stats|summary|cost --partial`, `trace merge`): the versioned
// JSON envelope around an analyzer's mergeable state, and what merging many of them
// needs besides the states themselves: reading a stream of documents with located
// errors, checking that they were made alike, and joining their inputs in order.
//
// A partial is one line of compact JSON (trace-merge(1) documents every key):
//   {"trace_partial":1,"writer":"trace 0.1.0","command":"stats",
//    "options":{...},"inputs":[{...}],"state":{...}}
// One line, and no raw tab in it, so that line-oriented tools pass partials through
// whole: Hadoop Streaming splits a mapper's output lines at the first tab and sorts them.
//
// The state of each analyzer is read and written beside it (latency_stats_state.h,
// run_summary_state.h, cost_report_state.h); this file knows only the envelope.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "formats/read_inputs.h"
#include "src/source.h"

namespace trace {

// The version this trace writes, and the newest it reads. It changes with any change of
// a key or of what a value means; a reader refuses documents newer than it knows.
inline constexpr int64_t kPartialVersion = 1;

struct PartialHeader {
  // Names the document in messages: its input's name, with ":LINE" (where the document
  // starts) when the input holds several documents.
  std::string label;
  std::string writer;   // "trace 0.1.0"
  std::string command;  // "stats", "summary" or "cost"
  // What must agree for a merge, in document order: key and the value as canonical
  // compact JSON (strings escaped one way, no spaces), so equal values compare equal.
  std::vector<std::pair<std::string, std::string>> options;
  // The inputs the partial read, in its order: what the final output's metadata needs.
  std::vector<formats::FileReport> inputs;
};

// The states' number writers: a number, and ,"key":value for a count, an int or a flag.
void append_int(int64_t n, std::string& out);
void append_uint(uint64_t n, std::string& out);
void append_field(std::string_view key, int64_t n, std::string& out);
void append_field(std::string_view key, uint64_t n, std::string& out);
void append_field(std::string_view key, bool b, std::string& out);

// The envelope up to the state value: {"trace_partial":1, ..., "state":
void begin_partial(const PartialHeader& header, std::string& out);
// After the state value: "}\n".
void end_partial(std::string& out);

// Option values as canonical JSON, for PartialHeader::options.
std::string option_json(std::string_view text);
std::string option_json(bool value);
std::string option_json(int64_t value);
std::string option_json(const std::vector<std::string>& texts);

// Option values of a read header, by key. Throw InputError naming the document when the
// option is missing or of another type.
std::vector<std::string> option_strings(const PartialHeader& header, std::string_view key);
bool option_bool(const PartialHeader& header, std::string_view key);
int64_t option_int(const PartialHeader& header, std::string_view key);
// The canonical JSON of an option (an object, say), or InputError when missing.
const std::string& option_raw(const PartialHeader& header, std::string_view key);
// InputError naming the document for an option key the command does not have.
void check_option_keys(const PartialHeader& header, std::initializer_list<std::string_view> known);

namespace od = simdjson::ondemand;

// Reads the values of one partial document. Every failure throws DocumentError with the
// offset of the offending value in `text` (the whole input), which the reader turns into
// "NAME:LINE:COL: message".
class PartialCursor {
 public:
  PartialCursor(od::document& doc, std::string_view text) : doc_(&doc), text_(text) {}

  uint64_t count(od::value value, std::string_view key);
  int64_t integer(od::value value, std::string_view key);
  bool boolean(od::value value, std::string_view key);
  std::string_view string(od::value value, std::string_view key);
  od::object object(od::value value, std::string_view key);
  od::array array(od::value value, std::string_view key);
  bool is_null(od::value value);
  // A field's key; unknown_key() then points at it.
  std::string_view key_of(od::field& field);

  // A group key written by append_group_key: parts re-encoded as GroupKeyBuilder and
  // RecordKeyBuilder build them (each part of several prefixed by its length), or a
  // string kept as it is. `map_part(i, text, out)` may rewrite part i (file indices);
  // it returns false to keep the text.
  void group_key(od::value value, size_t part_count, std::string& out,
                 const std::function<bool(size_t, std::string_view, std::string&)>& map_part = {});

  // Where a value starts (for messages about it once it is read), or null.
  const char* location_of(od::value& value);
  // Throws the DocumentError: at the parser's position, or at `at`.
  [[noreturn]] void fail(std::string_view message, simdjson::error_code error = simdjson::SUCCESS);
  [[noreturn]] void fail_at(const char* at, std::string_view message,
                            simdjson::error_code error = simdjson::SUCCESS);
  [[noreturn]] void unknown_key(std::string_view key, std::string_view where);

 private:

  od::document* doc_;
  std::string_view text_;
  const char* last_key_ = nullptr;  // where the key key_of() read last starts
  std::string scratch_;
};

struct RecordKeySpec;

// Reads the "groups" array of a summary or cost state: [{"key":K,<fields>}...]. Each
// key is read as `spec` builds it, a file part's input index renumbered through
// `file_index` (the merge's index of each input of the partial); each other field goes
// to `read_field(field_key, value)`, which returns false for a key it does not know
// (an error). After each group, `add_group(key)` keeps it and returns false when the
// key was there already (an error).
void for_each_group(PartialCursor& cursor, od::value list, const RecordKeySpec& spec,
                    std::span<const uint32_t> file_index,
                    const std::function<bool(std::string_view, od::value)>& read_field,
                    const std::function<bool(const std::string&)>& add_group);

// A group key as partials hold it: an array of its parts' texts (split_group_key) when
// the key is an encoding of `part_count` parts, else the key as a string ("(other)"
// under a multi-part spec of summary and cost).
void append_group_key(std::string_view key, size_t part_count, std::string& out);

// Reads every partial document of `paths` in order, calling `on_partial` with each
// one's header and its "state" object. A path is a file ("-" for standard input,
// holding any number of documents one after another), a directory or a quoted glob
// (expand_input_paths). Throws InputError "NAME:LINE:COL: message" for a document that
// is not a partial or is malformed, and for one newer than kPartialVersion.
using PartialCallback = std::function<void(const PartialHeader&, PartialCursor&, od::object state)>;
void for_each_partial(std::span<const std::string> paths, const PartialCallback& on_partial);
// The same for one opened input.
void for_each_partial(Source& source, const PartialCallback& on_partial);

// The partials of one merge, checked and joined one by one.
class PartialMerge {
 public:
  // Checks `header` against the first partial (same command, same options: else
  // InputError naming both documents and the first option that differs) and appends
  // its inputs. Returns the index each of its inputs has among all inputs: every input
  // named "<stdin>" is one, so that partials of pieces of one stream (a mapper's input)
  // merge into what one run over the whole stream prints.
  std::vector<uint32_t> add(const PartialHeader& header);

  bool empty() const { return !have_first_; }
  const PartialHeader& first() const { return first_; }
  // The joined inputs, for the metadata of the output.
  const formats::ReadReport& report() const { return report_; }

 private:
  bool have_first_ = false;
  PartialHeader first_;
  formats::ReadReport report_;
  int64_t stdin_index_ = -1;
};

}  // namespace trace
