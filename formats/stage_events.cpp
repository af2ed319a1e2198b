#include "formats/stage_events.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "formats/json_util.h"
#include "formats/seed_reader.h"
#include "src/errors.h"
#include "src/time.h"

namespace trace::formats {

namespace {

enum class Kind : uint8_t { kStage, kTool, kPipeline, kOther };
enum class Phase : uint8_t { kStart, kCompleted, kFailed, kCancelled, kNone };

constexpr std::string_view kEventPrefixes[] = {"stage.", "pipeline.", "tool.", "stream."};

// What the `type` says: "stage.llm.completed" -> {kStage, "llm", kCompleted}.
struct TypeInfo {
  Kind kind = Kind::kOther;
  Phase phase = Phase::kNone;
  std::string_view name;  // the stage's name; empty for the others
};

Phase phase_of(std::string_view suffix) {
  if (suffix == "started") return Phase::kStart;
  if (suffix == "completed") return Phase::kCompleted;
  if (suffix == "failed") return Phase::kFailed;
  if (suffix == "cancelled") return Phase::kCancelled;
  return Phase::kNone;
}

TypeInfo classify(std::string_view type) {
  TypeInfo info;
  if (type.substr(0, 6) == "stage.") {
    // The stage's name is everything between "stage." and the last dot.
    std::string_view rest = type.substr(6);
    size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return info;
    Phase phase = phase_of(rest.substr(dot + 1));
    if (phase == Phase::kNone || phase == Phase::kCancelled) return info;
    return {Kind::kStage, phase, rest.substr(0, dot)};
  }
  if (type.substr(0, 9) == "pipeline.") {
    Phase phase = phase_of(type.substr(9));
    if (phase != Phase::kNone) info = {Kind::kPipeline, phase, {}};
    return info;
  }
  if (type.substr(0, 5) == "tool.") {
    Phase phase = phase_of(type.substr(5));
    if (phase != Phase::kNone && phase != Phase::kCancelled) info = {Kind::kTool, phase, {}};
  }
  return info;
}

// One event, read. Views die with the parser's next document.
struct Event {
  std::string_view type;
  TypeInfo info;
  std::string_view run;  // pipeline_run_id, else trace_id, else request_id: the trace id
  std::string_view stage, tool, topology, pipeline_name;
  std::optional<int64_t> time_ns, duration_ns;
  bool has_error = false;
  std::string_view error_message;
  std::string_view data_json;  // kOther only: the whole `data` object, for the span event
  SourceRef src;                // the event's line, with its text

  std::string_view service() const { return topology.empty() ? pipeline_name : topology; }
};

// An event that is no span of its own, kept on the open span it happened in.
struct HeldEvent {
  std::string name;
  int64_t time_ns = 0;
  std::string data_json;
};

// A stage, tool call or pipeline run whose start was read and whose end was not yet.
struct Open {
  Kind kind = Kind::kStage;
  uint64_t seq = 0;  // opening order, for finish()
  std::string run, span_id, parent_id, name, service;
  std::optional<int64_t> start_ns;
  SourceRef src;  // the opening event's line; its text view is replaced by `text`
  // The opening event's text: finish() reads it again for the attributes of a span that
  // never ended, so that no attribute needs copying while everything goes well.
  simdjson::padded_string text;
  std::vector<HeldEvent> events;
};

// Reads Stageflow's EventSink stream, one {"type", "data", "timestamp"?} event per
// line, and pairs the events into spans:
//   stage.<name>.started + stage.<name>.completed|failed, keyed by (run, name): a span
//     named <name>, child of the run's pipeline span;
//   pipeline.started + pipeline.completed|failed|cancelled: the run's root span, id =
//     the run id, named by pipeline_name (else "pipeline");
//   tool.started + tool.completed|failed, keyed by (run, tool name): a child of the stage
//     that was open in the run when the tool started (the one data.stage names, else the
//     stage opened last), else of the run;
//   anything else (tool.invoked, stream.*, custom.*, stage.wide, ...): an event, with its
//     data as JSON text, on the span open for it (the same stage rule, else the run's
//     pipeline span); dropped when nothing of its run is open.
// run = data.pipeline_run_id (else data.trace_id, else data.request_id) is the trace id.
// start = the opening event's time; duration = data.duration_ms when given, else
// end - start; an end without its start starts duration_ms before the end. Time =
// data.timestamp, else the envelope's timestamp. failed -> error with data.error (a
// string, or {type, message}: error.type becomes an attribute); cancelled -> error
// "cancelled". Attributes: the closing event's data, less status, timestamp, duration_ms,
// pipeline_run_id, error and (on stage events) stage. Spans still open at the end of the
// input are pushed by finish() as incomplete, with the opening event's attributes.
// Span ids: the run id for a pipeline, "<run>/<name>@<line>" for a stage or a tool call
// (the line of its opening event, else of its closing one): unique even when a stage runs
// twice in a run.
// Memory: the open spans only; each is erased when it closes.
class StageEventsLoader final : public Loader {
 public:
  Flow load(std::string_view text, const SourceRef& where, LoadContext& ctx, RecordSink& sink) override {
    Event event;
    read_event(ctx.parser, text, where, event);
    switch (event.info.kind) {
      case Kind::kOther:
        hold_event(event);
        return Flow::kContinue;
      case Kind::kStage:
      case Kind::kTool:
      case Kind::kPipeline:
        if (event.info.phase == Phase::kStart) return open(event, ctx, sink);
        return close(event, sink);
    }
    return Flow::kContinue;
  }

  Flow finish(LoadContext& ctx, RecordSink& sink) override {
    std::vector<Open*> left;
    for (auto& [key, entry] : open_) left.push_back(&entry);
    std::sort(left.begin(), left.end(), [](const Open* a, const Open* b) { return a->seq < b->seq; });
    for (Open* entry : left)
      if (push_incomplete(*entry, ctx, sink) == Flow::kStop) return Flow::kStop;
    open_.clear();
    return Flow::kContinue;
  }

 private:
  void read_event(od::parser& parser, std::string_view text, const SourceRef& where, Event& event) {
    attrs_.clear();
    od::object root = SeedReader::start(parser, doc_, text, "a Stageflow event");
    SeedReader reader(doc_, text);
    // The type decides how data is read, and a sink may write it after data.
    od::value type;
    auto error = root.find_field_unordered("type").get(type);
    if (error == simdjson::NO_SUCH_FIELD) throw DocumentError(0, "expected a \"type\" in the event");
    if (error) reader.fail("expected a field or '}' in the event", error);
    event.type = reader.string(type, "type");
    if (event.type.empty()) reader.fail_value(type, "expected type as a non-empty string", simdjson::SUCCESS);
    if (auto reset_error = root.reset().error()) reader.fail("expected the event", reset_error);
    event.info = classify(event.type);

    std::string_view trace_id, request_id;
    reader.for_each_field(root, "the event", [&](std::string_view key, od::value value) {
      if (key == "data") {
        read_data(reader, value, event, trace_id, request_id);
      } else if (key == "timestamp") {
        std::optional<int64_t> time = reader.time(value, "timestamp");
        if (!event.time_ns) event.time_ns = time;
      }
    });
    reader.expect_end("a Stageflow event");
    if (event.run.empty()) event.run = trace_id.empty() ? request_id : trace_id;
    event.src = where;
    event.src.text = text;
  }

  void read_data(const SeedReader& reader, od::value value, Event& event, std::string_view& trace_id,
                 std::string_view& request_id) {
    od::object data = reader.object(value, "data");
    if (event.info.kind == Kind::kOther) {
      if (auto error = checked_raw_json(data, event.data_json)) reader.fail("expected data as an object", error);
      if (auto error = data.reset().error()) reader.fail("expected data as an object", error);
    }
    reader.for_each_field(data, "data", [&](std::string_view key, od::value v) {
      if (key == "stage") {
        // A stage event's name is in its type; a tool's or pipeline's stage is news.
        event.stage = reader.string(v, "data.stage");
        if (event.info.kind != Kind::kStage && !event.stage.empty())
          attrs_.push_back({key, Value::of_string(event.stage)});
      } else if (key == "status") {
        return;  // the type's suffix says it
      } else if (key == "timestamp") {
        // The event's own time wins over the time a sink stored it.
        if (std::optional<int64_t> time = reader.time(v, "data.timestamp")) event.time_ns = time;
      } else if (key == "duration_ms") {
        event.duration_ns = reader.duration(v, "data.duration_ms", kNsPerMs);
      } else if (key == "pipeline_run_id") {
        event.run = reader.string(v, "data.pipeline_run_id");
      } else if (key == "error") {
        read_error(reader, v, event);
      } else {
        Value any = reader.any(v);
        attrs_.push_back({key, any});
        if (any.kind != ValueKind::kString) return;
        if (key == "trace_id") trace_id = any.text;
        else if (key == "request_id") request_id = any.text;
        else if (key == "topology") event.topology = any.text;
        else if (key == "pipeline_name") event.pipeline_name = any.text;
        else if ((key == "tool" || key == "tool_name") && event.tool.empty()) event.tool = any.text;
      }
    });
  }

  // data.error: a message, or summarize_pipeline_error's {code, type, message, retryable}.
  void read_error(const SeedReader& reader, od::value value, Event& event) {
    od::json_type type;
    if (auto error = value.type().get(type)) reader.fail("expected data.error", error);
    if (type == od::json_type::null) return;
    event.has_error = true;
    if (type != od::json_type::object) {
      Value any = reader.any(value);
      if (any.kind == ValueKind::kString || any.kind == ValueKind::kRawJson) event.error_message = any.text;
      return;
    }
    reader.for_each_field(value, "data.error", [&](std::string_view key, od::value v) {
      Value any = reader.any(v);
      if (key == "message" && any.kind == ValueKind::kString) event.error_message = any.text;
      else if (key == "type") attrs_.push_back({"error.type", any});
      else if (key == "code") attrs_.push_back({"error.code", any});
    });
  }

  // "<kind>\0<run>\0<name>": the key of an open span.
  const std::string& key_of(Kind kind, std::string_view run, std::string_view name) {
    key_.assign(1, static_cast<char>('0' + static_cast<int>(kind)));
    key_.push_back('\0');
    key_.append(run);
    key_.push_back('\0');
    key_.append(name);
    return key_;
  }

  void make_span_id(std::string& out, std::string_view run, std::string_view name, const SourceRef& src) {
    char digits[24];
    // The line is 0 only when unknown; the byte offset is unique too.
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, src.line != 0 ? src.line : src.offset);
    out.assign(run);
    out.push_back('/');
    out.append(name);
    out.append(src.line != 0 ? "@" : "@+");
    out.append(digits, end);
  }

  // The stage a tool call or a loose event belongs to: the one data.stage names (none
  // when it has ended: a stage.wide summary comes after its stage), else the stage of the
  // run opened last.
  Open* open_stage(std::string_view run, std::string_view stage) {
    if (!stage.empty()) {
      auto it = open_.find(key_of(Kind::kStage, run, stage));
      return it != open_.end() ? &it->second : nullptr;
    }
    Open* latest = nullptr;
    for (auto& [key, entry] : open_)
      if (entry.kind == Kind::kStage && entry.run == run && (latest == nullptr || entry.seq > latest->seq))
        latest = &entry;
    return latest;
  }

  std::string_view name_of(const Event& event) const {
    if (event.info.kind == Kind::kPipeline) return event.pipeline_name.empty() ? "pipeline" : event.pipeline_name;
    if (event.info.kind == Kind::kTool) return event.tool.empty() ? "tool" : event.tool;
    return event.info.name;
  }

  Flow open(const Event& event, LoadContext& ctx, RecordSink& sink) {
    std::string_view key_name = event.info.kind == Kind::kPipeline ? std::string_view() : name_of(event);
    std::string key = key_of(event.info.kind, event.run, key_name);
    Open entry;
    entry.kind = event.info.kind;
    entry.seq = next_seq_++;
    entry.run.assign(event.run);
    entry.name.assign(name_of(event));
    entry.service.assign(event.service());
    entry.start_ns = event.time_ns;
    entry.src = event.src;
    entry.text = simdjson::padded_string(event.src.text.data(), event.src.text.size());
    if (event.info.kind == Kind::kPipeline) {
      entry.span_id.assign(event.run);
    } else {
      make_span_id(entry.span_id, event.run, entry.name, event.src);
      if (event.info.kind == Kind::kTool) {
        Open* stage = open_stage(event.run, event.stage);
        entry.parent_id.assign(stage != nullptr ? std::string_view(stage->span_id) : event.run);
      } else {
        entry.parent_id.assign(event.run);
      }
    }
    // Started again before it ended: the first one never ended. Pushed once the new one
    // is safe in the map, as reading its text again reuses the parser.
    auto [it, inserted] = open_.try_emplace(std::move(key));
    if (inserted) {
      it->second = std::move(entry);
      return Flow::kContinue;
    }
    Open unfinished = std::move(it->second);
    it->second = std::move(entry);
    return push_incomplete(unfinished, ctx, sink);
  }

  Flow close(const Event& event, RecordSink& sink) {
    std::string_view key_name = event.info.kind == Kind::kPipeline ? std::string_view() : name_of(event);
    auto it = open_.find(key_of(event.info.kind, event.run, key_name));
    Open* entry = it != open_.end() ? &it->second : nullptr;

    Span span;
    span.trace_id = event.run;
    span.name = entry != nullptr ? std::string_view(entry->name) : name_of(event);
    span.service = event.service();
    if (span.service.empty() && entry != nullptr) span.service = entry->service;
    if (entry != nullptr) {
      span.span_id = entry->span_id;
      span.parent_id = entry->parent_id;
    } else if (event.info.kind == Kind::kPipeline) {
      span.span_id = event.run;
    } else {
      make_span_id(span_id_, event.run, span.name, event.src);
      span.span_id = span_id_;
      if (event.info.kind == Kind::kTool) {
        Open* stage = open_stage(event.run, event.stage);
        parent_id_.assign(stage != nullptr ? std::string_view(stage->span_id) : event.run);
        span.parent_id = parent_id_;
      } else {
        span.parent_id = event.run;
      }
    }

    std::optional<int64_t> start = entry != nullptr ? entry->start_ns : std::nullopt;
    std::optional<int64_t> end = event.time_ns;
    if (event.duration_ns) {
      span.duration_ns = *event.duration_ns;
      if (start) span.start_ns = *start;
      else if (end) span.start_ns = *end - *event.duration_ns;
      else span.flags |= kSpanStartUnknown;
    } else if (start && end) {
      span.start_ns = *start;
      span.duration_ns = *end >= *start ? *end - *start : 0;
    } else if (start) {
      span.start_ns = *start;  // an end without a time: how long is unknown
    } else {
      span.flags |= kSpanStartUnknown;
      if (end) span.start_ns = *end;
    }

    if (event.info.phase == Phase::kCompleted) {
      span.status = Status::kOk;
    } else {
      span.status = Status::kError;
      span.status_message = event.error_message;
      if (event.info.phase == Phase::kCancelled && !event.has_error) span.status_message = "cancelled";
    }
    span.attrs = attrs_;
    if (entry != nullptr) set_events(span, entry->events);
    span.src = event.src;
    Flow flow = sink.on_span(span);
    if (entry != nullptr) open_.erase(it);
    return flow;
  }

  void hold_event(const Event& event) {
    Open* target = open_stage(event.run, event.stage);
    if (target == nullptr) {
      auto it = open_.find(key_of(Kind::kPipeline, event.run, {}));
      if (it != open_.end()) target = &it->second;
    }
    if (target == nullptr) return;
    target->events.push_back({std::string(event.type), event.time_ns.value_or(0), std::string(event.data_json)});
  }

  void set_events(Span& span, const std::vector<HeldEvent>& held) {
    events_.clear();
    event_attrs_.clear();
    event_attrs_.reserve(held.size());
    for (const HeldEvent& e : held) {
      size_t at = event_attrs_.size();
      if (!e.data_json.empty()) event_attrs_.push_back({"data", Value::of_raw_json(e.data_json)});
      events_.push_back({e.time_ns, e.name, Attrs(event_attrs_.data() + at, event_attrs_.size() - at)});
    }
    span.events = events_;
  }

  // A span whose end never came: its opening event is read again for its attributes.
  Flow push_incomplete(const Open& entry, LoadContext& ctx, RecordSink& sink) {
    std::string_view text(entry.text.data(), entry.text.size());
    Event event;
    read_event(ctx.parser, text, entry.src, event);
    Span span;
    span.trace_id = entry.run;
    span.span_id = entry.span_id;
    span.parent_id = entry.parent_id;
    span.name = entry.name;
    span.service = entry.service;
    span.flags = kSpanIncomplete;
    if (entry.start_ns) span.start_ns = *entry.start_ns;
    else span.flags |= kSpanStartUnknown;
    span.attrs = attrs_;
    set_events(span, entry.events);
    span.src = event.src;
    return sink.on_span(span);
  }

  od::document doc_;
  std::unordered_map<std::string, Open> open_;
  uint64_t next_seq_ = 0;

  // Reused per event.
  std::string key_, span_id_, parent_id_;
  std::vector<Attr> attrs_;
  std::vector<SpanEvent> events_;
  std::vector<Attr> event_attrs_;
};

}  // namespace

namespace {

// {"type": "<prefix>...", "data": {...}} with a Stageflow prefix.
bool is_stageflow_event(const JsonPrefix& value) {
  const HeadKey* data = value.find("data");
  const HeadKey* type = value.find("type");
  if (data == nullptr || data->type != '{' || type == nullptr || type->type != '"') return false;
  for (std::string_view prefix : kEventPrefixes)
    if (std::string_view(type->scalar).substr(0, prefix.size()) == prefix) return true;
  return false;
}

}  // namespace

// The first line must be a {"type", "data"} envelope; a stream that opens with a
// custom.* event is still Stageflow's when one of the next lines is a stage, pipeline,
// tool or stream event.
bool sniff_stage_events(const InputHead& head) {
  if (head.first.first_byte() != '{') return false;
  if (is_stageflow_event(head.first)) return true;
  const HeadKey* data = head.first.find("data");
  const HeadKey* type = head.first.find("type");
  if (data == nullptr || data->type != '{' || type == nullptr || type->type != '"') return false;
  if (head.framing != Framing::kLines) return false;
  for (std::string_view line : head.first_lines(20))
    if (is_stageflow_event(JsonPrefix::scan(line))) return true;
  return false;
}

std::unique_ptr<Loader> make_stage_events_loader(const InputHead& /*head*/) {
  return std::make_unique<StageEventsLoader>();
}

}  // namespace trace::formats
