// Where each record of a big document starts: its byte offset and line in the input.
// A Jaeger or Zipkin download holds thousands of spans in one pretty-printed JSON text;
// grep's context and the error messages want each span's own line, not the document's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "src/record.h"

namespace trace::formats {

// Lines are counted forward from the last record located, so locating every record of
// a document costs one pass over its bytes, and only when the caller knows lines at all.
class RecordLocator {
 public:
  // `text` is the document a loader was given and `where` locates its first byte.
  void reset(std::string_view text, const SourceRef& where) {
    text_ = text;
    where_ = where;
    line_ = where.line;
    counted_to_ = 0;
  }

  // The SourceRef of the record whose JSON starts at `p` (a pointer into the text). The
  // record's text stays the document's own (a JSON-lines line), as it is all there is.
  SourceRef at(const char* p) {
    if (p < text_.data() || p > text_.data() + text_.size()) return where_;
    uint64_t offset = static_cast<uint64_t>(p - text_.data());
    SourceRef ref = where_;
    ref.offset = where_.offset + offset;
    if (where_.line == 0) return ref;
    if (offset < counted_to_) {  // records out of order: count again from the start
      line_ = where_.line;
      counted_to_ = 0;
    }
    line_ += static_cast<uint64_t>(std::count(text_.data() + counted_to_, p, '\n'));
    counted_to_ = offset;
    ref.line = line_;
    return ref;
  }

 private:
  std::string_view text_;
  SourceRef where_;
  uint64_t line_ = 0;
  uint64_t counted_to_ = 0;
};

}  // namespace trace::formats
