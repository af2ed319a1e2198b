#include "formats/chrome_record_args.h"

#include "formats/json_util.h"
#include "formats/plain_json.h"
#include "src/record_names.h"

namespace trace::formats {

void ChromeRecordArgs::clear() {
  present = false;
  trace_id = span_id = parent_id = status_message = level = logger = {};
  status = Status::kUnset;
  kind = SpanKind::kUnspecified;
  severity = 0;
  start_unknown = false;
  events_.clear();
  event_attrs_.clear();
  event_attr_counts_.clear();
}

simdjson::error_code ChromeRecordArgs::read(od::value value) {
  clear();
  od::object object;
  if (auto error = value.get_object().get(object)) return error;
  present = true;
  for (auto result : object) {
    od::field field;
    if (auto error = std::move(result).get(field)) return error;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    od::value v = field.value();
    od::json_type type;
    if (auto error = v.type().get(type)) return error;
    if (key == "severity") {
      int64_t number = 0;
      if (type == od::json_type::number && v.get_int64().get(number) == simdjson::SUCCESS && number > 0 && number <= 24)
        severity = static_cast<uint8_t>(number);
    } else if (key == "start_unknown") {
      bool b = false;
      if (type == od::json_type::boolean && v.get_bool().get(b) == simdjson::SUCCESS) start_unknown = b;
    } else if (key == "events") {
      if (type != od::json_type::array) continue;
      if (auto error = read_events(v)) return error;
    } else if (type == od::json_type::string) {
      std::string_view text;
      if (auto error = v.get_string().get(text)) return error;
      read_string_member(key, text);
    }
  }
  point_events_at_attrs();
  return simdjson::SUCCESS;
}

void ChromeRecordArgs::read_string_member(std::string_view key, std::string_view text) {
  if (key == "trace_id") trace_id = text;
  else if (key == "span_id") span_id = text;
  else if (key == "parent_id") parent_id = text;
  else if (key == "status") status_from_name(text, status);
  else if (key == "status_message") status_message = text;
  else if (key == "kind") kind = span_kind_from_name(text);
  else if (key == "level") level = text;
  else if (key == "logger") logger = text;
}

void ChromeRecordArgs::point_events_at_attrs() {
  size_t begin = 0;
  for (size_t i = 0; i < events_.size(); ++i) {
    events_[i].attrs = Attrs(event_attrs_.data() + begin, event_attr_counts_[i]);
    begin += event_attr_counts_[i];
  }
}

simdjson::error_code ChromeRecordArgs::read_events(od::value value) {
  od::array array;
  if (auto error = value.get_array().get(array)) return error;
  for (auto element : array) {
    od::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) continue;
    SpanEvent event;
    size_t first_attr = event_attrs_.size();
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) return error;
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return error;
      if (key == "time_ns") {
        read_int64_lenient(field.value(), event.time_ns);
      } else if (key == "name") {
        if (field.value().get_string().get(event.name) != simdjson::SUCCESS) event.name = {};
      } else if (key == "attrs") {
        od::object attrs;
        if (field.value().get_object().get(attrs) != simdjson::SUCCESS) continue;
        for (auto attr_result : attrs) {
          od::field attr_field;
          if (auto error = std::move(attr_result).get(attr_field)) return error;
          Attr attr;
          if (auto error = attr_field.unescaped_key().get(attr.key)) return error;
          if (auto error = read_json_value(attr_field.value(), attr.value)) return error;
          event_attrs_.push_back(attr);
        }
      }
    }
    events_.push_back(event);
    event_attr_counts_.push_back(event_attrs_.size() - first_attr);
  }
  return simdjson::SUCCESS;
}

// Mirrors read() member by member; what read() ignores is stepped over, validated.
bool ChromeRecordArgs::read_plain(PlainJsonCursor& in) {
  clear();
  if (!in.begin_object()) return false;
  present = true;
  std::string_view key;
  while (in.next_field(key)) {
    Value v;
    std::string_view text;
    if (key == "severity") {
      if (in.read_number(v)) {
        if (v.kind == ValueKind::kInt && v.integer > 0 && v.integer <= 24) severity = static_cast<uint8_t>(v.integer);
        continue;
      }
    } else if (key == "start_unknown") {
      if (in.read_literal(v)) {
        if (v.kind == ValueKind::kBool) start_unknown = v.boolean;
        continue;
      }
    } else if (key == "events") {
      if (in.at('[')) {
        if (!read_events_plain(in)) return false;
        continue;
      }
    } else if (in.read_string(text)) {
      read_string_member(key, text);
      continue;
    }
    if (!in.skip()) return false;  // another type: ignored
  }
  if (in.failed()) return false;
  point_events_at_attrs();
  return true;
}

bool ChromeRecordArgs::read_events_plain(PlainJsonCursor& in) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    if (!in.at('{')) {
      if (!in.skip()) return false;
      continue;
    }
    in.begin_object();
    SpanEvent event;
    size_t first_attr = event_attrs_.size();
    std::string_view key;
    while (in.next_field(key)) {
      if (key == "time_ns") {
        // What read_int64_lenient refuses is left to read() to decide on.
        if (!read_plain_int64(in, event.time_ns)) return false;
      } else if (key == "name") {
        if (!in.read_string(event.name)) {
          event.name = {};
          if (!in.skip()) return false;
        }
      } else if (key == "attrs" && in.at('{')) {
        in.begin_object();
        Attr attr;
        while (in.next_field(attr.key)) {
          if (!in.read_value(attr.value)) return false;
          event_attrs_.push_back(attr);
        }
        if (in.failed()) return false;
      } else if (!in.skip()) {
        return false;
      }
    }
    if (in.failed()) return false;
    events_.push_back(event);
    event_attr_counts_.push_back(event_attrs_.size() - first_attr);
  }
  return !in.failed();
}

}  // namespace trace::formats
