#include "analyzers/partial_document.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "analyzers/group_key.h"
#include "analyzers/record_key.h"
#include "formats/json_scan.h"
#include "src/errors.h"
#include "src/expand_paths.h"
#include "src/output/json_writer.h"
#include "src/padded_buffer.h"
#include "src/source.h"

namespace trace {

namespace {

constexpr std::string_view kStdinName = "<stdin>";  // Source's name for "-"

void append_bool(bool b, std::string& out) { out += b ? "true" : "false"; }

void append_strings(const std::vector<std::string>& items, std::string& out) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    output::append_json_string(items[i], out);
  }
  out += ']';
}

void append_key_part(std::string_view part, std::string& out) {
  size_t n = part.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out += part;
}

// The [begin, end) of each top-level object of `text`, found by counting brackets
// outside strings: cheap, and it lets each document be parsed in place on its own.
std::vector<std::pair<size_t, size_t>> split_documents(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> documents;
  for (size_t i = formats::skip_whitespace(text, 0); i < text.size(); i = formats::skip_whitespace(text, i)) {
    if (text[i] != '{') throw DocumentError(i, "expected '{' at the start of a partial result");
    size_t end = formats::find_value_end(text, i);
    if (end == std::string_view::npos)
      throw DocumentError(i, "unexpected end of text inside this partial result (cut short?)");
    documents.emplace_back(i, end);
    i = end;
  }
  return documents;
}

void load_whole(Source& source, PaddedBuffer& buffer) {
  buffer.resize(0);
  size_t size = 0;
  buffer.reserve(std::max<size_t>(source.size_hint() + 1, size_t(1) << 16));
  while (true) {
    if (buffer.capacity() - size < (size_t(1) << 16)) buffer.reserve(buffer.capacity() * 2);
    size_t got = source.read(buffer.data() + size, buffer.capacity() - size);
    if (got == 0) break;
    size += got;
    buffer.resize(size);
  }
  buffer.resize(size);
}

// Any JSON value as canonical compact JSON: the same value, however it was spaced or
// escaped, gives the same text.
void append_canonical(PartialCursor& cursor, od::value value, std::string_view key, std::string& out) {
  od::json_type type;
  if (auto error = value.type().get(type)) cursor.fail(fmt::format("expected a value for \"{}\"", key), error);
  switch (type) {
    case od::json_type::string: output::append_json_string(cursor.string(value, key), out); return;
    case od::json_type::boolean: append_bool(cursor.boolean(value, key), out); return;
    case od::json_type::null: out += "null"; return;
    case od::json_type::number: {
      od::number_type number_type;
      if (auto error = value.get_number_type().get(number_type)) cursor.fail("expected a number", error);
      if (number_type == od::number_type::floating_point_number) {
        double d = 0;
        if (auto error = value.get_double().get(d)) cursor.fail("expected a number", error);
        output::append_json_number(d, out);
      } else if (number_type == od::number_type::unsigned_integer) {
        append_uint(cursor.count(value, key), out);
      } else {
        output::append_json_number(cursor.integer(value, key), out);
      }
      return;
    }
    case od::json_type::array: {
      out += '[';
      bool first = true;
      for (auto element : cursor.array(value, key)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail(fmt::format("malformed array in \"{}\"", key), error);
        if (!first) out += ',';
        first = false;
        append_canonical(cursor, item, key, out);
      }
      out += ']';
      return;
    }
    case od::json_type::object: {
      out += '{';
      bool first = true;
      for (auto member : cursor.object(value, key)) {
        od::field field;
        if (auto error = std::move(member).get(field)) cursor.fail(fmt::format("malformed object in \"{}\"", key), error);
        if (!first) out += ',';
        first = false;
        std::string name(cursor.key_of(field));
        output::append_json_string(name, out);
        out += ':';
        append_canonical(cursor, field.value(), name, out);
      }
      out += '}';
      return;
    }
  }
}

formats::FileReport read_input(PartialCursor& cursor, od::value value) {
  formats::FileReport file;
  bool named = false;
  for (auto member : cursor.object(value, "inputs")) {
    od::field field;
    if (auto error = std::move(member).get(field)) cursor.fail("malformed object in \"inputs\"", error);
    std::string_view key = cursor.key_of(field);
    od::value v = field.value();
    if (key == "name") {
      file.name = cursor.string(v, key);
      named = true;
    } else if (key == "format") {
      file.format = cursor.string(v, key);
    } else if (key == "producer") {
      file.producer = cursor.string(v, key);
    } else if (key == "bytes") {
      file.bytes = cursor.count(v, key);
    } else if (key == "compressed") {
      file.compressed = cursor.boolean(v, key);
    } else if (key == "spans") {
      file.spans = cursor.count(v, key);
    } else if (key == "logs") {
      file.logs = cursor.count(v, key);
    } else if (key == "skipped") {
      file.skipped = cursor.count(v, key);
    } else if (key == "first_skips") {
      for (auto element : cursor.array(v, key)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail("malformed array in \"first_skips\"", error);
        file.first_skips.emplace_back(cursor.string(item, key));
      }
    } else {
      cursor.unknown_key(key, "an input");
    }
  }
  if (!named) cursor.fail("expected a \"name\" in each of \"inputs\"");
  return file;
}

// Reads the envelope; leaves `state` at the state object.
PartialHeader read_header(PartialCursor& cursor, od::document& doc, std::string_view text, const char* begin,
                          od::object& state) {
  PartialHeader header;
  od::object root;
  if (auto error = doc.get_object().get(root)) cursor.fail("expected a partial result object", error);
  od::value value;
  if (auto error = root["trace_partial"].get(value)) {
    if (error == simdjson::NO_SUCH_FIELD)
      cursor.fail_at(begin, "not a partial result: no \"trace_partial\" key (partial results come from trace stats, "
                            "summary or cost --partial)");
    cursor.fail("expected \"trace_partial\"", error);
  }
  const char* version_at = cursor.location_of(value);
  int64_t version = cursor.integer(value, "trace_partial");
  if (root["writer"].get(value) == simdjson::SUCCESS) header.writer = cursor.string(value, "writer");
  if (version < 1 || version > kPartialVersion) {
    uint64_t offset = version_at != nullptr ? static_cast<uint64_t>(version_at - text.data()) : 0;
    if (version < 1) throw DocumentError(offset, fmt::format("\"trace_partial\": {} is not a version (1 or above)", version));
    throw DocumentError(offset, fmt::format("partial result version {} (written by {}) is newer than this trace reads "
                                            "(version {}): merge it with that trace or a newer one",
                                            version, header.writer.empty() ? "an unknown trace" : header.writer,
                                            kPartialVersion));
  }
  if (auto error = root["command"].get(value)) cursor.fail("expected a \"command\" in the partial result", error);
  header.command = cursor.string(value, "command");
  if (auto error = root["options"].get(value)) cursor.fail("expected \"options\" in the partial result", error);
  for (auto member : cursor.object(value, "options")) {
    od::field field;
    if (auto error = std::move(member).get(field)) cursor.fail("malformed object in \"options\"", error);
    std::string key(cursor.key_of(field));
    std::string json;
    append_canonical(cursor, field.value(), key, json);
    header.options.emplace_back(std::move(key), std::move(json));
  }
  if (auto error = root["inputs"].get(value)) cursor.fail("expected \"inputs\" in the partial result", error);
  for (auto element : cursor.array(value, "inputs")) {
    od::value item;
    if (auto error = element.get(item)) cursor.fail("malformed array in \"inputs\"", error);
    header.inputs.push_back(read_input(cursor, item));
  }
  if (auto error = root["state"].get(value)) cursor.fail("expected a \"state\" in the partial result", error);
  state = cursor.object(value, "state");
  return header;
}

std::string option_label(std::string_view key) {
  if (key == "every_ns") return "--every";
  if (key == "prices") return "--prices (the price table)";
  std::string label = "--";
  for (char c : key) label += c == '_' ? '-' : c;
  return label;
}

std::string_view option_value(const PartialHeader& header, std::string_view key) {
  for (const auto& [k, v] : header.options)
    if (k == key) return v;
  return "(none)";
}

}  // namespace

void begin_partial(const PartialHeader& header, std::string& out) {
  out += "{\"trace_partial\":";
  append_uint(static_cast<uint64_t>(kPartialVersion), out);
  out += ",\"writer\":";
  output::append_json_string(header.writer, out);
  out += ",\"command\":";
  output::append_json_string(header.command, out);
  out += ",\"options\":{";
  for (size_t i = 0; i < header.options.size(); ++i) {
    if (i > 0) out += ',';
    output::append_json_string(header.options[i].first, out);
    out += ':';
    out += header.options[i].second;
  }
  out += "},\"inputs\":[";
  for (size_t i = 0; i < header.inputs.size(); ++i) {
    const formats::FileReport& f = header.inputs[i];
    out += i > 0 ? ",{\"name\":" : "{\"name\":";
    output::append_json_string(f.name, out);
    out += ",\"format\":";
    output::append_json_string(f.format, out);
    out += ",\"producer\":";
    output::append_json_string(f.producer, out);
    out += ",\"bytes\":";
    append_uint(f.bytes, out);
    out += ",\"compressed\":";
    append_bool(f.compressed, out);
    out += ",\"spans\":";
    append_uint(f.spans, out);
    out += ",\"logs\":";
    append_uint(f.logs, out);
    out += ",\"skipped\":";
    append_uint(f.skipped, out);
    out += ",\"first_skips\":";
    append_strings(f.first_skips, out);
    out += '}';
  }
  out += "],\"state\":";
}

void end_partial(std::string& out) { out += "}\n"; }

std::string option_json(std::string_view text) {
  std::string out;
  output::append_json_string(text, out);
  return out;
}

std::string option_json(bool value) { return value ? "true" : "false"; }

std::string option_json(int64_t value) {
  std::string out;
  output::append_json_number(value, out);
  return out;
}

std::string option_json(const std::vector<std::string>& texts) {
  std::string out;
  append_strings(texts, out);
  return out;
}

const std::string& option_raw(const PartialHeader& header, std::string_view key) {
  for (const auto& [k, v] : header.options)
    if (k == key) return v;
  throw InputError(fmt::format("{}: no option \"{}\" in this partial result of 'trace {}'", header.label, key,
                               header.command));
}

namespace {

// Parses an option's canonical JSON, handing its value to `read`; InputError on failure.
template <class T, class Read>
T parse_option(const PartialHeader& header, std::string_view key, std::string_view expected, Read read) {
  simdjson::padded_string json(option_raw(header, key));
  od::parser parser;
  od::document doc;
  T result{};
  if (parser.iterate(json).get(doc) != simdjson::SUCCESS || !read(doc, result))
    throw InputError(fmt::format("{}: option \"{}\" is not {}", header.label, key, expected));
  return result;
}

}  // namespace

std::vector<std::string> option_strings(const PartialHeader& header, std::string_view key) {
  return parse_option<std::vector<std::string>>(
      header, key, "an array of strings", [](od::document& doc, std::vector<std::string>& out) {
        od::array array;
        if (doc.get_array().get(array) != simdjson::SUCCESS) return false;
        for (auto element : array) {
          std::string_view s;
          if (element.get_string().get(s) != simdjson::SUCCESS) return false;
          out.emplace_back(s);
        }
        return true;
      });
}

bool option_bool(const PartialHeader& header, std::string_view key) {
  return parse_option<bool>(header, key, "true or false",
                            [](od::document& doc, bool& out) { return doc.get_bool().get(out) == simdjson::SUCCESS; });
}

int64_t option_int(const PartialHeader& header, std::string_view key) {
  return parse_option<int64_t>(header, key, "an integer", [](od::document& doc, int64_t& out) {
    return doc.get_int64().get(out) == simdjson::SUCCESS;
  });
}

void check_option_keys(const PartialHeader& header, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : header.options)
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw InputError(fmt::format("{}: unknown option \"{}\" in a partial result of 'trace {}'", header.label, key,
                                   header.command));
}

void append_group_key(std::string_view key, size_t part_count, std::string& out) {
  if (part_count <= 1) {
    out += '[';
    output::append_json_string(key, out);
    out += ']';
    return;
  }
  std::vector<std::string_view> parts;
  split_group_key(key, part_count, parts);
  std::string encoded;
  for (std::string_view part : parts) append_key_part(part, encoded);
  if (encoded != key) {
    output::append_json_string(key, out);
    return;
  }
  out += '[';
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    output::append_json_string(parts[i], out);
  }
  out += ']';
}

// --- PartialCursor ---

const char* PartialCursor::location_of(od::value& value) {
  std::string_view token = value.raw_json_token();
  if (token.data() != nullptr) return token.data();
  const char* at = nullptr;
  if (doc_->current_location().get(at) == simdjson::SUCCESS) return at;
  return nullptr;
}

void PartialCursor::fail_at(const char* at, std::string_view message, simdjson::error_code error) {
  uint64_t offset = 0;
  if (at != nullptr && at >= text_.data() && at <= text_.data() + text_.size())
    offset = static_cast<uint64_t>(at - text_.data());
  if (error == simdjson::SUCCESS || error == simdjson::INCORRECT_TYPE) throw DocumentError(offset, std::string(message));
  throw DocumentError(offset, fmt::format("{} ({})", message, simdjson::error_message(error)));
}

void PartialCursor::fail(std::string_view message, simdjson::error_code error) {
  const char* at = nullptr;
  if (doc_->current_location().get(at) != simdjson::SUCCESS) at = nullptr;
  fail_at(at, message, error);
}

void PartialCursor::unknown_key(std::string_view key, std::string_view where) {
  fail_at(last_key_, fmt::format("unknown key \"{}\" in {}", key, where));
}

uint64_t PartialCursor::count(od::value value, std::string_view key) {
  const char* at = location_of(value);
  uint64_t n = 0;
  if (auto error = value.get_uint64().get(n))
    fail_at(at, fmt::format("expected a count (an integer, 0 or more) for \"{}\"", key), error);
  return n;
}

int64_t PartialCursor::integer(od::value value, std::string_view key) {
  const char* at = location_of(value);
  int64_t n = 0;
  if (auto error = value.get_int64().get(n)) fail_at(at, fmt::format("expected an integer for \"{}\"", key), error);
  return n;
}

bool PartialCursor::boolean(od::value value, std::string_view key) {
  const char* at = location_of(value);
  bool b = false;
  if (auto error = value.get_bool().get(b)) fail_at(at, fmt::format("expected true or false for \"{}\"", key), error);
  return b;
}

std::string_view PartialCursor::string(od::value value, std::string_view key) {
  const char* at = location_of(value);
  std::string_view s;
  if (auto error = value.get_string().get(s)) fail_at(at, fmt::format("expected a string for \"{}\"", key), error);
  return s;
}

od::object PartialCursor::object(od::value value, std::string_view key) {
  const char* at = location_of(value);
  od::object o;
  if (auto error = value.get_object().get(o)) fail_at(at, fmt::format("expected an object for \"{}\"", key), error);
  return o;
}

od::array PartialCursor::array(od::value value, std::string_view key) {
  const char* at = location_of(value);
  od::array a;
  if (auto error = value.get_array().get(a)) fail_at(at, fmt::format("expected an array for \"{}\"", key), error);
  return a;
}

bool PartialCursor::is_null(od::value value) {
  bool null = false;
  return value.is_null().get(null) == simdjson::SUCCESS && null;
}

std::string_view PartialCursor::key_of(od::field& field) {
  // raw() is just past the opening quote.
  last_key_ = field.key().raw() - 1;
  std::string_view key;
  if (auto error = field.unescaped_key().get(key)) fail("malformed key", error);
  return key;
}

void PartialCursor::group_key(od::value value, size_t part_count, std::string& out,
                              const std::function<bool(size_t, std::string_view, std::string&)>& map_part) {
  out.clear();
  const char* at = location_of(value);
  od::json_type type;
  if (auto error = value.type().get(type)) fail_at(at, "expected a group key", error);
  if (type == od::json_type::string) {
    out = string(value, "key");
    return;
  }
  size_t n = 0;
  for (auto element : array(value, "key")) {
    od::value item;
    if (auto error = element.get(item)) fail("malformed group key", error);
    std::string_view part = string(item, "key");
    if (++n > part_count) break;
    scratch_.clear();
    if (!map_part || !map_part(n - 1, part, scratch_)) scratch_.assign(part);
    if (part_count == 1)
      out = scratch_;
    else
      append_key_part(scratch_, out);
  }
  if (n != part_count)
    fail_at(at, fmt::format("expected a group key of {} part{}, found {}", part_count, part_count == 1 ? "" : "s",
                            n > part_count ? "more" : std::to_string(n)),
            simdjson::SUCCESS);
}

void for_each_group(PartialCursor& cursor, od::value list, const RecordKeySpec& spec,
                    std::span<const uint32_t> file_index,
                    const std::function<bool(std::string_view, od::value)>& read_field,
                    const std::function<bool(const std::string&)>& add_group) {
  constexpr std::string_view kName = "groups";
  // A file part holds the input's index in the partial: renumbered to the merge's.
  auto map_part = [&](size_t part, std::string_view text, std::string& out) {
    if (spec.parts[part].kind != RecordKeyKind::kFile) return false;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n >= file_index.size()) return false;
    out = std::to_string(file_index[n]);
    return true;
  };
  std::string key;
  for (auto element : cursor.array(list, kName)) {
    od::value item;
    if (auto error = element.get(item)) cursor.fail("malformed \"groups\"", error);
    const char* at = cursor.location_of(item);
    bool has_key = false;
    for (auto member : cursor.object(item, kName)) {
      od::field field;
      if (auto error = std::move(member).get(field)) cursor.fail("malformed group", error);
      std::string_view k = cursor.key_of(field);
      od::value v = field.value();
      if (k == "key") {
        cursor.group_key(v, spec.parts.size(), key, map_part);
        has_key = true;
      } else if (!read_field(k, v)) {
        cursor.unknown_key(k, "a group");
      }
    }
    if (!has_key) cursor.fail_at(at, "expected a \"key\" in each group");
    if (!add_group(key)) cursor.fail_at(at, "this group key appears twice");
  }
}

// --- reading ---

void for_each_partial(std::span<const std::string> paths, const PartialCallback& on_partial) {
  for (const std::string& path : expand_input_paths(paths)) {
    std::unique_ptr<Source> source = Source::open(path);
    for_each_partial(*source, on_partial);
  }
}

void for_each_partial(Source& source, const PartialCallback& on_partial) {
  // Whole, so that each document is parsed in place: a partial is one state, not a stream.
  PaddedBuffer buffer;
  load_whole(source, buffer);
  std::string_view text = buffer.view();
  auto located = [&](uint64_t offset, std::string_view message) {
    LineCol at = line_col_at(text.data(), text.size(), offset);
    return InputError(fmt::format("{}:{}:{}: {}", source.name(), at.line, at.column, message));
  };
  std::vector<std::pair<size_t, size_t>> documents;
  try {
    documents = split_documents(text);
  } catch (const DocumentError& e) {
    throw located(e.offset(), e.what());
  }
  if (documents.empty())
    throw InputError(fmt::format("{}: no partial result in it (partial results come from trace stats, summary or cost "
                                 "--partial)",
                                 source.name()));
  od::parser parser;
  for (const auto& [begin, end] : documents) {
    try {
      od::document doc;
      if (auto error = parser.iterate(text.data() + begin, end - begin, text.size() - begin + kJsonPadding).get(doc))
        throw DocumentError(begin, fmt::format("malformed partial result ({})", simdjson::error_message(error)));
      PartialCursor cursor(doc, text);
      od::object state;
      PartialHeader header = read_header(cursor, doc, text, text.data() + begin, state);
      header.label = documents.size() == 1
                         ? source.name()
                         : fmt::format("{}:{}", source.name(), line_col_at(text.data(), text.size(), begin).line);
      on_partial(header, cursor, state);
    } catch (const DocumentError& e) {
      throw located(e.offset(), e.what());
    }
  }
}

// --- PartialMerge ---

std::vector<uint32_t> PartialMerge::add(const PartialHeader& header) {
  if (!have_first_) {
    first_ = header;
    have_first_ = true;
  } else {
    if (header.command != first_.command)
      throw InputError(fmt::format("{}: a partial result of 'trace {}', but {} is of 'trace {}': only partials of one "
                                   "command merge",
                                   header.label, header.command, first_.label, first_.command));
    auto differ = [&](std::string_view key) {
      std::string_view mine = option_value(header, key), theirs = option_value(first_, key);
      if (mine != theirs)
        throw InputError(fmt::format("{}: made with {} {}, but {} with {}: only partials made with the same options "
                                     "merge",
                                     header.label, option_label(key), mine, first_.label, theirs));
    };
    for (const auto& [key, value] : first_.options) differ(key);
    for (const auto& [key, value] : header.options) differ(key);
  }
  std::vector<uint32_t> index;
  index.reserve(header.inputs.size());
  for (const formats::FileReport& file : header.inputs) {
    if (file.name == kStdinName && stdin_index_ >= 0) {
      // Another piece of the one standard input: counts add up under one name.
      formats::FileReport& into = report_.files[static_cast<size_t>(stdin_index_)];
      if (into.format == "empty") into.format = file.format;
      if (into.producer.empty()) into.producer = file.producer;
      into.bytes += file.bytes;
      into.compressed = into.compressed || file.compressed;
      into.spans += file.spans;
      into.logs += file.logs;
      into.skipped += file.skipped;
      for (const std::string& skip : file.first_skips)
        if (into.first_skips.size() < formats::kMaxSkipsShown) into.first_skips.push_back(skip);
      index.push_back(static_cast<uint32_t>(stdin_index_));
      continue;
    }
    if (file.name == kStdinName) stdin_index_ = static_cast<int64_t>(report_.files.size());
    index.push_back(static_cast<uint32_t>(report_.files.size()));
    report_.files.push_back(file);
  }
  return index;
}

void append_int(int64_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

void append_uint(uint64_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

static void append_key(std::string_view key, std::string& out) {
  out += ",\"";
  out += key;
  out += "\":";
}

void append_field(std::string_view key, int64_t n, std::string& out) {
  append_key(key, out);
  append_int(n, out);
}

void append_field(std::string_view key, uint64_t n, std::string& out) {
  append_key(key, out);
  append_uint(n, out);
}

void append_field(std::string_view key, bool b, std::string& out) {
  append_key(key, out);
  out += b ? "true" : "false";
}

}  // namespace trace
