#include "formats/genai_trace.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "formats/seed_reader.h"
#include "src/errors.h"
#include "src/time.h"

namespace trace::formats {

namespace {

constexpr uint32_t kNoOperation = UINT32_MAX;
constexpr std::string_view kPartSuffix = "_part_";

// One operation record: a span to be. Views point into the text or the parser's string
// buffer, both alive until load() returns.
struct Operation {
  std::string_view trace_id, operation, processor;
  Value thread_id, call_depth;  // kNull when absent
  std::optional<int64_t> start_ns, end_ns, duration_ns;
  uint64_t offset = 0;
  uint64_t line = 0;
  uint32_t first_part = 0;  // into parts_order_
  uint32_t part_count = 0;
};

// One part record: an input or output event of the operation with the same trace_id.
struct Part {
  std::string_view trace_id, type, mimetype;
  std::optional<int64_t> time_ns;
  Value part_index, output_index, size;
  uint32_t operation = kNoOperation;
};

// "trace_1a2b3c4d_part_2" -> "trace_1a2b3c4d"; ids without the suffix come back as they are.
std::string_view strip_part_suffix(std::string_view id) {
  size_t at = id.rfind(kPartSuffix);
  if (at == std::string_view::npos || at == 0) return id;
  std::string_view digits = id.substr(at + kPartSuffix.size());
  if (digits.empty()) return id;
  for (char c : digits)
    if (c < '0' || c > '9') return id;
  return id.substr(0, at);
}

// Reads one TracingProcessor export per load():
//   {session_info: {processor, ...}, execution_trace: [operation | part ...], timing_summary}
// Operation records (they have `operation`) become spans; part records (they have `type`)
// become the events of the operation with the same trace_id. A part may in principle be
// read before its operation, so spans are pushed at the end of the document, in the order
// their records were written (a processor_call before its process_part_<n> children).
//   trace id = trace_id with every `_part_<n>` suffix stripped; span id = trace_id;
//   parent   = trace_id with one suffix stripped, when it had one;
//   name = operation; service = processor (else session_info.processor);
//   start = start_time, duration = end_time - start_time (else `duration`); a record
//   without either is incomplete; attributes thread_id, call_depth.
// Parts of no operation in the document are dropped. timing_summary is derived from the
// records, so it is not read.
class GenaiTraceLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    operations_.clear();
    parts_.clear();
    by_trace_id_.clear();
    session_processor_ = {};
    lines_.reset(text, where.line);

    od::object root = SeedReader::start(ctx.parser, doc_, text, "a TracingProcessor export");
    SeedReader reader(doc_, text);
    reader.for_each_field(root, "the export", [&](std::string_view key, od::value value) {
      if (key == "execution_trace") {
        reader.for_each_element(value, "execution_trace", [&](od::value record) { read_record(reader, record); });
      } else if (key == "session_info") {
        read_session(reader, value);
      }
    });
    reader.expect_end("a TracingProcessor export");

    attach_parts();
    for (const Operation& operation : operations_)
      if (push_span(operation, where, sink) == Flow::kStop) return Flow::kStop;
    return Flow::kContinue;
  }

 private:
  void read_session(const SeedReader& reader, od::value value) {
    reader.for_each_field(value, "session_info", [&](std::string_view key, od::value v) {
      if (key == "processor") session_processor_ = reader.string(v, "session_info.processor");
    });
  }

  void read_record(const SeedReader& reader, od::value value) {
    uint64_t offset = reader.offset_of(value);
    Operation op;
    Part part;
    std::string_view trace_id;
    reader.for_each_field(value, "an execution_trace record", [&](std::string_view key, od::value v) {
      if (key == "trace_id") {
        trace_id = reader.string(v, "trace_id");
      } else if (key == "operation") {
        op.operation = reader.string(v, "operation");
      } else if (key == "processor") {
        op.processor = reader.string(v, "processor");
      } else if (key == "start_time") {
        op.start_ns = reader.time(v, "start_time");
      } else if (key == "end_time") {
        op.end_ns = reader.time(v, "end_time");
      } else if (key == "duration") {
        op.duration_ns = reader.duration(v, "duration", kNsPerSecond);
      } else if (key == "thread_id") {
        op.thread_id = reader.any(v);
      } else if (key == "call_depth") {
        op.call_depth = reader.any(v);
      } else if (key == "type") {
        part.type = reader.string(v, "type");
      } else if (key == "mimetype") {
        part.mimetype = reader.string(v, "mimetype");
      } else if (key == "timestamp") {
        part.time_ns = reader.time(v, "timestamp");
      } else if (key == "part_index") {
        part.part_index = reader.any(v);
      } else if (key == "output_index") {
        part.output_index = reader.any(v);
      } else if (key == "size") {
        part.size = reader.any(v);
      }
    });
    bool is_operation = !op.operation.empty();
    if (!is_operation && part.type.empty()) return;  // neither kind: a record of a newer version
    if (trace_id.empty())
      throw DocumentError(offset, is_operation ? "expected trace_id in an operation record"
                                               : "expected trace_id in a part record");
    if (is_operation) {
      op.trace_id = trace_id;
      op.offset = offset;
      op.line = lines_.line_at(offset);
      by_trace_id_.emplace(trace_id, static_cast<uint32_t>(operations_.size()));
      operations_.push_back(op);
    } else {
      part.trace_id = trace_id;
      parts_.push_back(part);
    }
  }

  // Groups the parts by operation, keeping their order (a counting sort).
  void attach_parts() {
    for (Part& part : parts_) {
      auto it = by_trace_id_.find(part.trace_id);
      if (it == by_trace_id_.end()) continue;
      part.operation = it->second;
      ++operations_[it->second].part_count;
    }
    uint32_t next = 0;
    for (Operation& op : operations_) {
      op.first_part = next;
      next += op.part_count;
      op.part_count = 0;
    }
    parts_order_.resize(next);
    for (uint32_t i = 0; i < parts_.size(); ++i) {
      uint32_t owner = parts_[i].operation;
      if (owner == kNoOperation) continue;
      Operation& op = operations_[owner];
      parts_order_[op.first_part + op.part_count++] = i;
    }
  }

  Flow push_span(const Operation& op, const SourceRef& where, RecordSink& sink) {
    Span span;
    std::string_view parent = strip_part_suffix(op.trace_id);
    std::string_view root = op.trace_id;
    for (std::string_view shorter = parent; shorter.size() < root.size(); shorter = strip_part_suffix(root))
      root = shorter;
    span.trace_id = root;
    span.span_id = op.trace_id;
    if (parent.size() < op.trace_id.size()) span.parent_id = parent;
    span.name = op.operation;
    span.service = op.processor.empty() ? session_processor_ : op.processor;

    if (op.start_ns) {
      span.start_ns = *op.start_ns;
    } else {
      span.flags |= kSpanStartUnknown;
    }
    if (op.start_ns && op.end_ns) {
      // An end before the start (a clock step) reads as zero length.
      span.duration_ns = *op.end_ns >= *op.start_ns ? *op.end_ns - *op.start_ns : 0;
    } else if (op.duration_ns) {
      span.duration_ns = *op.duration_ns;
    } else {
      span.flags |= kSpanIncomplete;
    }

    attrs_.clear();
    if (op.thread_id.kind != ValueKind::kNull) attrs_.push_back({"thread_id", op.thread_id});
    if (op.call_depth.kind != ValueKind::kNull) attrs_.push_back({"call_depth", op.call_depth});
    span.attrs = attrs_;

    // Every attribute first, then the events' views into it: the vector must not grow
    // after a view is taken.
    events_.clear();
    event_attrs_.clear();
    event_attrs_.reserve(size_t(op.part_count) * 4);
    for (uint32_t i = 0; i < op.part_count; ++i) {
      const Part& part = parts_[parts_order_[op.first_part + i]];
      size_t begin = event_attrs_.size();
      if (!part.mimetype.empty()) event_attrs_.push_back({"mimetype", Value::of_string(part.mimetype)});
      if (part.part_index.kind != ValueKind::kNull) event_attrs_.push_back({"part_index", part.part_index});
      if (part.output_index.kind != ValueKind::kNull) event_attrs_.push_back({"output_index", part.output_index});
      if (part.size.kind != ValueKind::kNull) event_attrs_.push_back({"size", part.size});
      events_.push_back({part.time_ns.value_or(0), part.type,
                         Attrs(event_attrs_.data() + begin, event_attrs_.size() - begin)});
    }
    span.events = events_;
    span.src = {where.file_index, op.line, where.offset + op.offset, {}};
    return sink.on_span(span);
  }

  od::document doc_;
  LineCounter lines_;
  std::string_view session_processor_;
  std::vector<Operation> operations_;
  std::vector<Part> parts_;
  std::vector<uint32_t> parts_order_;
  std::unordered_map<std::string_view, uint32_t> by_trace_id_;

  // Reused while pushing spans.
  std::vector<Attr> attrs_;
  std::vector<SpanEvent> events_;
  std::vector<Attr> event_attrs_;
};

}  // namespace

bool sniff_genai_trace(const InputHead& head) {
  if (head.first.first_byte() != '{') return false;
  const HeadKey* trace = head.first.find("execution_trace");
  if (trace == nullptr || trace->type != '[') return false;
  // session_info is written first; a hand-made export may lack it, its records not.
  return head.first.has("session_info") || head.first.has("execution_trace[].trace_id");
}

std::unique_ptr<Loader> make_genai_trace_loader(const InputHead& /*head*/) {
  return std::make_unique<GenaiTraceLoader>();
}

}  // namespace trace::formats
