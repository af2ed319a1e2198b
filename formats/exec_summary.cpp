#include "formats/exec_summary.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "formats/seed_reader.h"
#include "src/errors.h"
#include "src/time.h"

namespace trace::formats {

namespace {

constexpr uint32_t kTopLevel = UINT32_MAX;
// Substages are read by recursion: a hostile depth must end in an error, not a stack
// overflow.
constexpr int kMaxStageDepth = 256;

// One StageExecution, read; views live until load() returns.
struct Stage {
  std::string_view id, name, error_type, error_message;
  std::optional<int64_t> duration_ns;
  std::optional<bool> success;
  uint32_t parent = kTopLevel;
  uint32_t metadata_begin = 0;  // into metadata_
  uint32_t metadata_count = 0;
  uint64_t offset = 0;
  uint64_t line = 0;
};

// Reads one get_execution_summary() object per load() (a file holding one, or JSON lines
// of them):
//   {total_duration_ms, stage_count, success, stages: [StageExecution]}
//   StageExecution = {stage_id, stage_name, duration_ms, success, error_type,
//                     error_message, substages: [StageExecution], metadata: {...}}
// Every StageExecution becomes a span: name = stage_name (else stage_id), attribute
// stage.id, then metadata's keys; duration = duration_ms; parent = the enclosing stage;
// success false -> error with error_message (else error_type) and attribute error.type;
// true -> ok.
// The tracker records no start times, so every span has kSpanStartUnknown and
// kSpanClockRelative, and start_ns lays stages out one after the other from 0 within
// their parent (a stage of unknown duration takes no room): a timeline shaped like the
// request, not its real one.
// trace id = the summary's request_id or thread_id, else the one in the metadata of the
// first stage (in document order) that has one, else "summary-<n>" (n = the summary's
// index in the file, from 0).
// span id = stage_id; a stage_id met again in the same summary gets "#2", "#3"...;
// a stage without one is "stage-<n>" (n = its index in document order).
// The summary's own totals are derived from the stages: not read.
class ExecSummaryLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    stages_.clear();
    metadata_.clear();
    lines_.reset(text, where.line);
    trace_id_ = {};
    uint64_t index = documents_++;

    od::object root = SeedReader::start(ctx.parser, doc_, text, "an execution summary");
    SeedReader reader(doc_, text);
    reader.for_each_field(root, "the summary", [&](std::string_view key, od::value value) {
      if (key == "stages") {
        reader.for_each_element(value, "stages", [&](od::value stage) { read_stage(reader, stage, kTopLevel, 1); });
      } else if ((key == "request_id" || key == "thread_id") && trace_id_.empty()) {
        trace_id_ = id_text(reader.any(value));
      }
    });
    reader.expect_end("an execution summary");

    if (trace_id_.empty()) trace_id_ = metadata_trace_id();
    if (trace_id_.empty()) {
      fallback_.assign(fmt::format("summary-{}", index));
      trace_id_ = fallback_;
    }
    assign_span_ids();
    lay_out();
    for (uint32_t i = 0; i < stages_.size(); ++i)
      if (push_span(i, where, sink) == Flow::kStop) return Flow::kStop;
    return Flow::kContinue;
  }

 private:
  // An id given as a string, or as an integer (a Python thread id).
  std::string_view id_text(const Value& value) {
    if (value.kind == ValueKind::kString) return value.text;
    if (value.kind == ValueKind::kInt) {
      id_buffer_.assign(fmt::format("{}", value.integer));
      return id_buffer_;
    }
    return {};
  }

  void read_stage(const SeedReader& reader, od::value value, uint32_t parent, int depth) {
    uint64_t offset = reader.offset_of(value);
    if (depth > kMaxStageDepth)
      throw DocumentError(offset, fmt::format("expected substages nested at most {} deep", kMaxStageDepth));
    // Pushed first, so that substages find their parent; filled by index, as reading the
    // substages grows the vector.
    uint32_t self = static_cast<uint32_t>(stages_.size());
    stages_.push_back({});
    stages_[self].parent = parent;
    stages_[self].offset = offset;
    stages_[self].line = lines_.line_at(offset);
    reader.for_each_field(value, "a stage", [&](std::string_view key, od::value v) {
      Stage& stage = stages_[self];
      if (key == "stage_id") {
        stage.id = reader.string(v, "stage_id");
      } else if (key == "stage_name") {
        stage.name = reader.string(v, "stage_name");
      } else if (key == "duration_ms") {
        stage.duration_ns = reader.duration(v, "duration_ms", kNsPerMs);
      } else if (key == "success") {
        stage.success = reader.boolean(v, "success");
      } else if (key == "error_type") {
        stage.error_type = reader.string(v, "error_type");
      } else if (key == "error_message") {
        stage.error_message = reader.string(v, "error_message");
      } else if (key == "substages") {
        od::json_type type;
        if (auto error = v.type().get(type)) reader.fail("expected substages as an array", error);
        if (type == od::json_type::null) return;
        reader.for_each_element(v, "substages", [&](od::value child) { read_stage(reader, child, self, depth + 1); });
      } else if (key == "metadata") {
        read_metadata(reader, v, self);
      }
    });
  }

  void read_metadata(const SeedReader& reader, od::value value, uint32_t self) {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected metadata as an object", error);
    if (type == od::json_type::null) return;
    uint32_t begin = static_cast<uint32_t>(metadata_.size());
    reader.for_each_field(value, "metadata", [&](std::string_view key, od::value v) {
      metadata_.push_back({key, reader.any(v)});
    });
    stages_[self].metadata_begin = begin;
    stages_[self].metadata_count = static_cast<uint32_t>(metadata_.size()) - begin;
  }

  Attrs metadata_of(const Stage& stage) const {
    return Attrs(metadata_.data() + stage.metadata_begin, stage.metadata_count);
  }

  std::string_view metadata_trace_id() {
    for (const Stage& stage : stages_) {
      for (std::string_view key : {"request_id", "thread_id"}) {
        const Attr* attr = find_attr(metadata_of(stage), key);
        if (attr == nullptr) continue;
        std::string_view id = id_text(attr->value);
        if (!id.empty()) return id;
      }
    }
    return {};
  }

  void assign_span_ids() {
    seen_.clear();
    span_ids_.resize(std::max(span_ids_.size(), stages_.size()));
    for (uint32_t i = 0; i < stages_.size(); ++i) {
      std::string& out = span_ids_[i];
      const Stage& stage = stages_[i];
      if (stage.id.empty()) {
        out.assign(fmt::format("stage-{}", i));
        continue;
      }
      uint32_t count = ++seen_[stage.id];
      out.assign(stage.id);
      if (count > 1) out.append(fmt::format("#{}", count));
    }
  }

  // Starts from 0, each stage after its elder siblings, children from their parent's start.
  void lay_out() {
    starts_.assign(stages_.size(), 0);
    next_child_.assign(stages_.size(), 0);
    int64_t next_top = 0;
    for (uint32_t i = 0; i < stages_.size(); ++i) {
      const Stage& stage = stages_[i];
      int64_t& cursor = stage.parent == kTopLevel ? next_top : next_child_[stage.parent];
      starts_[i] = cursor;
      cursor += stage.duration_ns.value_or(0);
      next_child_[i] = starts_[i];
    }
  }

  Flow push_span(uint32_t i, const SourceRef& where, RecordSink& sink) {
    const Stage& stage = stages_[i];
    Span span;
    span.trace_id = trace_id_;
    span.span_id = span_ids_[i];
    if (stage.parent != kTopLevel) span.parent_id = span_ids_[stage.parent];
    span.name = stage.name.empty() ? stage.id : stage.name;
    span.flags = kSpanStartUnknown | kSpanClockRelative;
    span.start_ns = starts_[i];
    span.duration_ns = stage.duration_ns.value_or(-1);

    attrs_.clear();
    if (!stage.id.empty()) attrs_.push_back({"stage.id", Value::of_string(stage.id)});
    for (const Attr& attr : metadata_of(stage)) attrs_.push_back(attr);
    if (stage.success) {
      span.status = *stage.success ? Status::kOk : Status::kError;
      if (!*stage.success) {
        span.status_message = stage.error_message.empty() ? stage.error_type : stage.error_message;
        if (!stage.error_type.empty()) attrs_.push_back({"error.type", Value::of_string(stage.error_type)});
      }
    }
    span.attrs = attrs_;
    span.src = {where.file_index, stage.line, where.offset + stage.offset, {}};
    return sink.on_span(span);
  }

  od::document doc_;
  LineCounter lines_;
  uint64_t documents_ = 0;
  std::vector<Stage> stages_;
  std::vector<Attr> metadata_;
  std::string_view trace_id_;
  std::string id_buffer_, fallback_;
  std::unordered_map<std::string_view, uint32_t> seen_;
  std::vector<std::string> span_ids_;
  std::vector<int64_t> starts_, next_child_;
  std::vector<Attr> attrs_;
};

}  // namespace

bool sniff_exec_summary(const InputHead& head) {
  if (head.first.first_byte() != '{') return false;
  const HeadKey* stages = head.first.find("stages");
  if (stages == nullptr || stages->type != '[') return false;
  return head.first.has("total_duration_ms") || head.first.has("stage_count");
}

std::unique_ptr<Loader> make_exec_summary_loader(const InputHead& /*head*/) {
  return std::make_unique<ExecSummaryLoader>();
}

}  // namespace trace::formats
