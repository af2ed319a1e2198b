#include "formats/chrome_record_args.h"

#include "formats/json_util.h"
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
      if (key == "trace_id") trace_id = text;
      else if (key == "span_id") span_id = text;
      else if (key == "parent_id") parent_id = text;
      else if (key == "status") status_from_name(text, status);
      else if (key == "status_message") status_message = text;
      else if (key == "kind") kind = span_kind_from_name(text);
      else if (key == "level") level = text;
      else if (key == "logger") logger = text;
    }
  }
  // The attributes' vector has stopped growing: the events can point into it now.
  size_t begin = 0;
  for (size_t i = 0; i < events_.size(); ++i) {
    events_[i].attrs = Attrs(event_attrs_.data() + begin, event_attr_counts_[i]);
    begin += event_attr_counts_[i];
  }
  return simdjson::SUCCESS;
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

}  // namespace trace::formats
