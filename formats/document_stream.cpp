#include "formats/document_stream.h"

#include <algorithm>
#include <cstring>

#include "formats/json_scan.h"

namespace trace::formats {

namespace {

constexpr size_t kNpos = std::string_view::npos;

// Keys before the record array are copied for the replay; a document whose opening is
// bigger than this (megabytes of metadata before the records) is read whole instead.
constexpr size_t kMaxPrefix = size_t(1) << 20;

// A request's keys: resourceSpans or Tempo's batches hold the ResourceSpans; the first
// of a key written twice wins. The other request keys are read by the loader (the
// wrappers, logs in a traces request); keys it does not know it ignores.
KeyRole otlp_traces_role(std::string_view key, std::string_view records_key, bool /*had_elements*/) {
  if (key == "resourceSpans" || key == "batches") {
    if (records_key.empty()) return KeyRole::kRecords;
    return key == records_key ? KeyRole::kInert : KeyRole::kOther;
  }
  if (key == "result" || key == "trace" || key == "resourceLogs") return KeyRole::kOther;
  return KeyRole::kInert;
}

KeyRole otlp_logs_role(std::string_view key, std::string_view records_key, bool /*had_elements*/) {
  if (key == "resourceLogs") return records_key.empty() ? KeyRole::kRecords : KeyRole::kInert;
  if (key == "resourceSpans") return KeyRole::kOther;
  return KeyRole::kInert;
}

// The query envelope {"data":[traces],"total":0,"limit":0,"offset":0,"errors":null}. The
// loader reports errors only when it read no span (a failed query saved to a file); here
// they are ignored after a data array with traces in it (traces without a single span
// and errors besides are the one document read differently). A root holding a bare
// Trace's fields (spans, traceID, processes) is left to the whole path.
KeyRole jaeger_role(std::string_view key, std::string_view records_key, bool had_elements) {
  if (key == "data") return records_key.empty() ? KeyRole::kRecords : KeyRole::kOther;
  if (key == "errors") return had_elements ? KeyRole::kInert : KeyRole::kInertIfEmpty;
  if (key == "spans" || key == "traceID" || key == "processes") return KeyRole::kOther;
  return KeyRole::kInert;
}

// Chrome is not streamed: its loader reads each event twice, the second time after
// sorting the whole file's events per thread (names and args are read from the text
// again), and settles B/E pairs and the clock over the whole file, so it needs the whole
// text in memory. A regular file is read into a buffer of exactly its size.
constexpr DocumentShape kShapes[] = {
    {"otlp-traces", true, false, true, "ResourceSpans", otlp_traces_role},
    {"otlp-logs", true, false, false, "ResourceLogs", otlp_logs_role},
    {"jaeger", true, true, false, "trace", jaeger_role},
    {"zipkin", false, true, false, "element", nullptr},
};

bool starts_value(char c) {
  return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

// null, or an array with nothing in it.
bool is_empty_value(std::string_view value) {
  if (value == "null") return true;
  if (value.empty() || value.front() != '[') return false;
  return skip_whitespace(value, 1) == value.size() - 1 && value.back() == ']';
}

// `open`, `elements` and `close` end to end in `out`.
void wrap(std::string_view open, std::string_view elements, std::string_view close, PaddedBuffer& out) {
  out.resize(0);
  out.reserve(open.size() + elements.size() + close.size());
  char* w = out.data();
  std::memcpy(w, open.data(), open.size());
  std::memcpy(w + open.size(), elements.data(), elements.size());
  std::memcpy(w + open.size() + elements.size(), close.data(), close.size());
  out.resize(open.size() + elements.size() + close.size());
}

}  // namespace

const DocumentShape* document_shape(std::string_view format) {
  for (const DocumentShape& shape : kShapes)
    if (shape.format == format) return &shape;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// DocumentBatch

uint64_t DocumentBatch::input_offset(uint64_t text_offset) const {
  text_offset = std::clamp<uint64_t>(text_offset, open_size, elements_end);
  return offset + (text_offset - open_size);
}

LineCol DocumentBatch::locate(uint64_t text_offset) const {
  text_offset = std::clamp<uint64_t>(text_offset, open_size, elements_end);
  const char* at = text.data() + text_offset;
  const char* last = nullptr;
  uint64_t lines = 0;
  for (const char* p = text.data() + open_size; (p = static_cast<const char*>(std::memchr(p, '\n', at - p))); ++p) {
    ++lines;
    last = p;
  }
  LineCol result;
  result.line = line + lines;
  result.column = last != nullptr ? static_cast<uint64_t>(at - last) : input_offset(text_offset) - line_start + 1;
  return result;
}

size_t DocumentBatch::element_at(uint64_t text_offset) const {
  auto it = std::upper_bound(elements.begin(), elements.end(), text_offset,
                             [](uint64_t at, const Element& element) { return at < element.begin; });
  return it == elements.begin() ? 0 : static_cast<size_t>(it - elements.begin()) - 1;
}

void DocumentBatch::slice(size_t from, size_t to, DocumentBatch& out) const {
  size_t begin = elements[from].begin;
  size_t end = elements[to - 1].end;
  std::string_view whole = text.view();
  wrap(whole.substr(0, open_size), whole.substr(begin, end - begin), whole.substr(elements_end), out.text);
  out.seq = seq;
  out.open_size = open_size;
  out.elements_end = open_size + (end - begin);
  out.offset = input_offset(begin);
  LineCol at = locate(begin);
  out.line = at.line;
  out.line_start = out.offset - (at.column - 1);
  out.elements.clear();
  for (size_t i = from; i < to; ++i)
    out.elements.push_back({elements[i].begin - begin + open_size, elements[i].end - begin + open_size});
}

// ---------------------------------------------------------------------------------------
// DocumentSplitter

DocumentSplitter::DocumentSplitter(const DocumentShape& shape, Read read, std::string_view already_read,
                                   size_t batch_bytes)
    : shape_(shape),
      read_(std::move(read)),
      batch_bytes_(std::max<size_t>(batch_bytes, 1)),
      read_step_(std::max<size_t>(batch_bytes_ / 4, 4096)) {
  win_.reserve(std::max({already_read.size(), 2 * batch_bytes_ + read_step_, size_t(64)}));
  win_.assign(already_read);
  const void* nul = std::memchr(win_.data(), '\0', win_.size());
  limit_ = nul != nullptr ? static_cast<const char*>(nul) - win_.data() : win_.size();
}

bool DocumentSplitter::read_more(size_t at_least) {
  // Nothing after a NUL byte is JSON: the scan stops there (the whole path reports it).
  if (eof_ || limit_ < win_.size()) return false;
  // A quarter batch at a time: when the window is full, little has been read past the
  // last batch handed out, and that little is what moves to the front. (Filling the
  // window at every read moved the batch in progress: every byte of the input, once.)
  // A caller short of a whole element asks for as much again as it scanned of it, so
  // that an element is scanned again only as often as its length doubles.
  size_t want = std::max(read_step_, at_least);
  if (win_.capacity() - win_.size() < want && keep_ > 0) {
    count_lines_to(keep_);
    size_t kept = win_.size() - keep_;
    std::memmove(win_.data(), win_.data() + keep_, kept);
    base_ += keep_;
    pos_ -= keep_;
    counted_ -= keep_;
    limit_ -= keep_;
    keep_ = 0;
    win_.resize(kept);
  }
  if (win_.capacity() - win_.size() < want) win_.reserve(std::max(win_.capacity() * 2, win_.size() + want));
  size_t size = win_.size();
  size_t got = read_(win_.data() + size, want);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  win_.resize(size + got);
  const void* nul = std::memchr(win_.data() + size, '\0', got);
  limit_ = nul != nullptr ? static_cast<const char*>(nul) - win_.data() : win_.size();
  return true;
}

bool DocumentSplitter::skip_ws() {
  for (;;) {
    pos_ = skip_whitespace(data(), pos_);
    if (pos_ < limit_) return true;
    if (!read_more()) return false;
  }
}

size_t DocumentSplitter::value_end(size_t start) {
  uint64_t at = base_ + start;
  for (;;) {
    start = static_cast<size_t>(at - base_);
    std::string_view text = data();
    char first = text[start];
    size_t end = find_value_end(text, start);
    // A number or literal ends at the data's end only if the input does.
    bool bounded = first == '{' || first == '[' || first == '"';
    if (end != kNpos && (bounded || end < text.size())) return end;
    if (!read_more(text.size() - start)) return end;
  }
}

void DocumentSplitter::count_lines_to(size_t index) {
  if (index <= counted_) return;
  const char* end = win_.data() + index;
  for (const char* p = win_.data() + counted_; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p) {
    ++line_;
    line_start_ = base_ + static_cast<uint64_t>(p - win_.data()) + 1;
  }
  counted_ = index;
}

// A member's key and colon, up to its value: the key's raw text. False for broken
// layout, or a key with escapes (the loader unescapes it; the splitter does not).
bool DocumentSplitter::read_key(std::string& key) {
  if (!skip_ws() || win_.data()[pos_] != '"') return false;
  size_t key_end = value_end(pos_);
  if (key_end == kNpos) return false;
  key.assign(win_.data() + pos_ + 1, key_end - pos_ - 2);
  if (key.find('\\') != std::string::npos) return false;
  pos_ = key_end;
  if (!skip_ws() || win_.data()[pos_] != ':') return false;
  ++pos_;
  return skip_ws();
}

bool DocumentSplitter::trouble() {
  state_ = State::kTrouble;
  return false;
}

bool DocumentSplitter::open() {
  keep_ = 0;  // nothing is dropped until the document turns out to be streamed
  if (!skip_ws()) return false;
  count_lines_to(pos_);
  document_line_ = line_;
  document_offset_ = base_ + pos_;
  char first = win_.data()[pos_];
  if (first == '[' && shape_.array_form) {
    open_.push_back('[');
    close_ = "]";
  } else if (first == '{' && shape_.object_form) {
    ++pos_;
    std::string key;
    for (;;) {
      if (!read_key(key)) return false;
      KeyRole role = shape_.role(key, records_key_, false);
      if (role == KeyRole::kRecords) {
        if (win_.data()[pos_] != '[') return false;  // null, or no array: the whole path says
        records_key_ = key;
        break;
      }
      if (role == KeyRole::kOther) return false;
      size_t end = value_end(pos_);
      if (end == kNpos) return false;
      if (role == KeyRole::kInertIfEmpty && !is_empty_value(std::string_view(win_.data() + pos_, end - pos_)))
        return false;
      pos_ = end;
      // '}' here: an object without the record array, which the whole path reads.
      if (!skip_ws() || win_.data()[pos_] != ',') return false;
      ++pos_;
    }
    open_.push_back('{');
    open_.push_back('"');
    open_.append(records_key_);
    open_.push_back('"');
    open_.push_back(':');
    open_.push_back('[');
    close_ = "]}";
  } else {
    return false;
  }
  ++pos_;  // past '['
  if (pos_ > kMaxPrefix) return false;
  elements_from_ = base_ + pos_;
  prefix_.assign(win_.data(), pos_);  // base_ is 0: nothing was dropped
  count_lines_to(pos_);
  elements_line_ = line_;
  elements_line_start_ = line_start_;
  keep_ = pos_;
  state_ = State::kElements;
  return true;
}

void DocumentSplitter::take_all(PaddedBuffer& out) { out.assign(win_.view()); }

bool DocumentSplitter::next(DocumentBatch& batch) {
  if (state_ != State::kElements) return false;
  // pos_ is just after '[' or at the element after a comma; keep_ is there too.
  if (!skip_ws()) return trouble();
  keep_ = pos_;
  count_lines_to(pos_);
  uint64_t first = base_ + pos_;
  uint64_t line = line_;
  uint64_t line_start = line_start_;
  batch.elements.clear();
  uint64_t last_end = first;
  bool closed = false;
  if (win_.data()[pos_] == ']' && !had_elements_) {
    closed = true;  // an empty array
  } else {
    for (;;) {
      if (!starts_value(win_.data()[pos_])) return trouble();
      uint64_t begin = base_ + pos_;
      size_t end = value_end(pos_);
      // Cut off by the end of the input: the batch is left unread, for the whole path.
      if (end == kNpos || end <= pos_) return trouble();
      last_end = base_ + end;
      batch.elements.push_back({static_cast<size_t>(begin - first), static_cast<size_t>(last_end - first)});
      pos_ = end;
      if (!skip_ws()) return trouble();
      char c = win_.data()[pos_];
      if (c == ']') {
        closed = true;
        break;
      }
      if (c != ',') return trouble();
      ++pos_;
      // A comma must be followed by an element ("[a,]" is no JSON).
      if (!skip_ws() || !starts_value(win_.data()[pos_])) return trouble();
      if (last_end - first >= batch_bytes_) break;
    }
    had_elements_ = true;
    size_t size = static_cast<size_t>(last_end - first);
    size_t from = static_cast<size_t>(first - base_);
    wrap(open_, std::string_view(win_.data() + from, size), close_, batch.text);
    batch.seq = next_seq_++;
    batch.open_size = open_.size();
    batch.elements_end = open_.size() + size;
    batch.offset = first;
    batch.line = line;
    batch.line_start = line_start;
    for (DocumentBatch::Element& element : batch.elements) {
      element.begin += open_.size();
      element.end += open_.size();
    }
  }
  keep_ = pos_;  // the next element, or the closing ']'
  if (closed) {
    ++pos_;
    if (read_suffix()) read_trailing();
  }
  return !batch.elements.empty();
}

// The keys after the record array, up to the closing '}'.
bool DocumentSplitter::read_suffix() {
  if (close_.size() == 1) return true;  // the array form
  std::string key;
  for (;;) {
    if (!skip_ws()) return trouble();
    char c = win_.data()[pos_];
    if (c == '}') {
      ++pos_;
      return true;
    }
    if (c != ',') return trouble();
    ++pos_;
    if (!read_key(key) || !starts_value(win_.data()[pos_])) return trouble();
    KeyRole role = shape_.role(key, records_key_, had_elements_);
    if (role == KeyRole::kOther || role == KeyRole::kRecords) return trouble();
    size_t end = value_end(pos_);
    if (end == kNpos || end <= pos_) return trouble();
    if (role == KeyRole::kInertIfEmpty && !is_empty_value(std::string_view(win_.data() + pos_, end - pos_)))
      return trouble();
    pos_ = end;
  }
}

// What follows the document: nothing but whitespace, or more text.
void DocumentSplitter::read_trailing() {
  rest_ = base_ + pos_;
  bool newline = false;
  for (;;) {
    size_t next = skip_whitespace(data(), pos_);
    if (std::memchr(win_.data() + pos_, '\n', next - pos_) != nullptr) newline = true;
    pos_ = next;
    if (pos_ < limit_) {
      state_ = State::kMore;
      more_on_next_line_ = newline;
      return;
    }
    if (!read_more()) break;
  }
  state_ = limit_ < win_.size() ? State::kTrouble : State::kEnded;
}

void DocumentSplitter::append_blank(PaddedBuffer& out, uint64_t from, uint64_t to, uint64_t from_line,
                                    uint64_t to_line, uint64_t to_line_start) {
  if (to <= from) return;
  size_t size = out.size();
  char* w = out.data() + size;
  size_t length = static_cast<size_t>(to - from);
  std::memset(w, ' ', length);
  // The same number of line breaks, the last one where it was: lines and columns after
  // the blanked bytes stay what they were.
  uint64_t lines = to_line - from_line;
  if (lines > 0) {
    w[to_line_start - 1 - from] = '\n';
    for (uint64_t i = 0; i + 1 < lines; ++i) w[i] = '\n';
  }
  out.resize(size + length);
}

void DocumentSplitter::take_replay(PaddedBuffer& out, const DocumentBatch* failed) {
  count_lines_to(keep_);
  uint64_t resume = base_ + keep_;
  size_t tail = win_.size() - keep_;
  out = PaddedBuffer();
  out.reserve(static_cast<size_t>(resume) + tail + 1);
  out.assign(prefix_);
  if (failed != nullptr) {
    uint64_t failed_end = failed->input_offset(failed->elements_end);
    append_blank(out, elements_from_, failed->offset, elements_line_, failed->line, failed->line_start);
    size_t size = out.size();
    size_t length = failed->elements_end - failed->open_size;
    std::memcpy(out.data() + size, failed->text.data() + failed->open_size, length);
    out.resize(size + length);
    LineCol end = failed->locate(failed->elements_end);
    append_blank(out, failed_end, resume, end.line, line_, line_start_);
  } else {
    append_blank(out, elements_from_, resume, elements_line_, line_, line_start_);
  }
  size_t size = out.size();
  std::memcpy(out.data() + size, win_.data() + keep_, tail);
  out.resize(size + tail);
}

void DocumentSplitter::take_rest(PaddedBuffer& out, uint64_t& offset, uint64_t& line) {
  size_t from = static_cast<size_t>(rest_ - base_);
  count_lines_to(from);
  offset = rest_;
  line = line_;
  out.assign(std::string_view(win_.data() + from, win_.size() - from));
}

// ---------------------------------------------------------------------------------------
// BatchQueue

bool BatchQueue::take(DocumentBatch& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (over_) return false;
  return splitter_.next(batch);
}

void BatchQueue::end_work() {
  std::lock_guard<std::mutex> lock(mutex_);
  over_ = true;
}

}  // namespace trace::formats
