// What `--group-by` groups records (spans and log records alike) by in `trace summary`
// and `trace cost`, and the key one record falls under. Like group_key.h, which groups
// spans only for stats and top, but with the keys that also make sense for logs, and a
// time bucket (`--every 1m`) for histograms over time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/output/table.h"
#include "src/record.h"

namespace trace {

enum class RecordKeyKind : uint8_t {
  kName, kService, kLogger, kFile, kModel, kProvider, kLevel, kTrace, kSession, kUser, kAttr, kTime,
};

struct RecordKeyPart {
  RecordKeyKind kind = RecordKeyKind::kName;
  std::string attr;      // kAttr: the attribute name
  int64_t every_ns = 0;  // kTime: the bucket width

  std::string column_key() const;     // "service", "attr.KEY", "bucket_start_ns"
  std::string column_header() const;  // "service", "KEY", "bucket"
  output::ColumnKind column_kind() const;
};

struct RecordKeySpec {
  std::vector<RecordKeyPart> parts;  // empty = no grouping
  bool empty() const { return parts.empty(); }
  bool has_time() const;
};

// Parses "--group-by" texts (each comma-separated) with the keys in `allowed` (by their
// names: name, service, logger, file, model, provider, level, trace, session, user,
// attr:KEY) and appends a time bucket of `every_ns` when it is > 0. Throws UsageError
// naming the bad key and the accepted ones.
RecordKeySpec parse_record_key_spec(const std::vector<std::string>& texts, std::span<const RecordKeyKind> allowed,
                                    int64_t every_ns = 0);

// The group of a record that lacks the key.
inline constexpr std::string_view kNoKeyValue = "(none)";
// The one key under which summary and cost count the records of new groups past their
// group limit: the text itself, whatever the number of parts.
inline constexpr std::string_view kOtherKeyValue = "(other)";

// Builds keys, reusing one buffer (no allocation once it has grown). A key of one text
// part is that text; otherwise parts are length-prefixed as in group_key.h, so
// split_group_key() reverses it. A file part holds the file index in decimal, a time
// part the bucket start in decimal ns (or "(none)"); key_cells() turns them back.
class RecordKeyBuilder {
 public:
  explicit RecordKeyBuilder(RecordKeySpec spec);

  std::string_view key(const Span& span);
  std::string_view key(const LogRecord& log);

  const RecordKeySpec& spec() const { return spec_; }

 private:
  template <class R>
  std::string_view build(const R& record);

  RecordKeySpec spec_;
  std::string buffer_;
  std::string part_;
};

// The output cells of a key: text parts as strings ("(none)" kept), a file part as the
// file's name from `file_names`, a time part as int64 ns (missing when "(none)"). The
// key "(other)" is "(other)" in the first cell and empty ones after it (missing for a
// time part).
output::Row key_cells(std::string_view key, const RecordKeySpec& spec, std::span<const std::string> file_names);

// Orders key cells: missing first, numbers by value, text by bytes; then by position.
bool key_cells_less(const output::Row& a, const output::Row& b);

// The first of the keys, in order, present as a non-empty string or number in `attrs`
// then `resource`; null when none is.
const Value* find_first_attr(Attrs attrs, Attrs resource, std::span<const std::string_view> keys);

// Keys of the named values, for people (man pages and --help).
inline constexpr std::string_view kSessionKeys[] = {"session.id", "gen_ai.conversation.id", "session_id",
                                                    "conversation_id", "sessionId"};
inline constexpr std::string_view kUserKeys[] = {"user.id", "enduser.id", "user_id", "userId", "user"};
inline constexpr std::string_view kProviderKeys[] = {"gen_ai.provider.name", "gen_ai.system", "llm.provider",
                                                     "llm.system", "llm.vendor", "provider"};
// A log record's name (what a span name is for a span): the first of these fields.
inline constexpr std::string_view kLogNameKeys[] = {"span", "stage", "operation", "op", "step", "tool", "event"};

}  // namespace trace
