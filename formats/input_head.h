// What detection knows about an input before any loader runs: its first bytes and the
// key paths of its first JSON value, read tolerantly from a prefix (the value may be
// far larger than the head).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trace::formats {

// How JSON texts are laid out in a file.
enum class Framing {
  kDocument,        // one JSON text (possibly huge, possibly an unterminated array)
  kLines,           // one JSON text per line (JSON lines, NDJSON, OTLP file exporter)
  kDocumentStream,  // several JSON texts that span lines, back to back
};

// One key path seen in the first value. Paths join object keys with '.', and an array
// contributes "[]" for its first element only: "data[].traceID", "[].ph", "type".
struct HeadKey {
  std::string path;
  std::string scalar;  // the value's text when it is a short scalar (strings unquoted)
  char type = 0;       // first byte of the value: '"', '{', '[', 't', 'f', 'n', or a digit/'-'
};

class JsonPrefix {
 public:
  // Scans the first JSON value of `text` as far as it goes.
  static JsonPrefix scan(std::string_view text);

  bool has(std::string_view path) const { return find(path) != nullptr; }
  const HeadKey* find(std::string_view path) const;
  // The scalar text at `path`, or "" when absent or not a scalar.
  std::string_view scalar(std::string_view path) const;
  const std::vector<HeadKey>& keys() const { return keys_; }
  char first_byte() const { return first_byte_; }
  // Bytes from the start of the text to the end of the first value; 0 if it did not end.
  size_t value_end() const { return value_end_; }

 private:
  std::vector<HeadKey> keys_;
  char first_byte_ = 0;
  size_t value_end_ = 0;
};

struct InputHead {
  std::string path;       // as given by the user; "-" for stdin
  std::string_view bytes;  // the first bytes of the input (up to 64 KiB), BOM removed
  bool whole = false;      // bytes is the whole input
  Framing framing = Framing::kDocument;
  JsonPrefix first;  // the first JSON value

  // The complete lines of `bytes` (for JSON-lines framing), at most `max` of them.
  std::vector<std::string_view> first_lines(size_t max) const;
};

}  // namespace trace::formats
