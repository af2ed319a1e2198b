// Pieces of OTLP/JSON shared by the traces and logs loaders: AnyValue and KeyValue[]
// into Attrs, ids into canonical lower-case hex, int64 times, and located errors.
// Format facts: ../shared/FORMATS.md §1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "src/record.h"

namespace trace::formats {

namespace od = simdjson::ondemand;

// Strings the loader builds itself (lower-cased ids, arrays rendered as JSON) and hands
// out as string_views. A deque never moves its elements, so views stay valid while more
// strings are taken; rewinding reuses the strings' capacity, so the steady state does
// not allocate.
class ScratchStrings {
 public:
  // A cleared string that stays put until rewind() goes below it.
  std::string& take() {
    if (used_ == pool_.size()) pool_.emplace_back();
    std::string& s = pool_[used_++];
    s.clear();
    return s;
  }
  size_t mark() const { return used_; }
  void rewind(size_t mark) { used_ = mark; }

 private:
  std::deque<std::string> pool_;
  size_t used_ = 0;
};

// Reads the parts of one OTLP document. Every failure throws DocumentError with an
// offset relative to `text`: at the offending value for a wrong type ("expected
// startTimeUnixNano as a decimal string or number"), at the parser's position for
// broken JSON (with simdjson's own words in parentheses).
class OtlpReader {
 public:
  OtlpReader(od::document& doc, std::string_view text, ScratchStrings& scratch)
      : doc_(doc), text_(text), scratch_(scratch) {}

  [[noreturn]] void fail(std::string_view expected, simdjson::error_code error) const;
  // A wrong type is reported where the value starts; any other error where parsing stopped.
  [[noreturn]] void fail_value(od::value& value, std::string_view expected,
                               simdjson::error_code error) const;

  // `value` as an object; `what` names it in messages ("Span", "Status").
  od::object get_object(od::value value, std::string_view what) const;

  // Calls on_field(key, value) for each field of the object, in the order written;
  // `what` names it in messages. on_field may return bool: false stops the walk, and
  // for_each_field then returns false.
  template <class OnField>
  bool for_each_field(od::object& object, std::string_view what, OnField&& on_field) const;
  template <class OnField>
  bool for_each_field(od::value value, std::string_view what, OnField&& on_field) const {
    od::object object = get_object(value, what);
    return for_each_field(object, what, on_field);
  }

  // Calls on_element(value) for each element of `value`, which must be an array; `field`
  // names it in messages ("spans", "attributes"). Stops like for_each_field.
  template <class OnElement>
  bool for_each_element(od::value value, std::string_view field, OnElement&& on_element) const;

  // Appends a KeyValue[] to `out`. Strings are views into the parser's buffer; arrays
  // and kvlists become plain JSON text in the scratch strings.
  void read_attributes(od::value value, std::string_view field, std::vector<Attr>& out) const;

  // One AnyValue: stringValue, intValue (string or number), doubleValue (number or
  // "NaN"/"Infinity"), boolValue, bytesValue (base64 text, kept as a string),
  // arrayValue / kvlistValue (as plain JSON: ["a",1] and {"k":true}); an empty AnyValue
  // is null.
  Value read_any_value(od::value value) const;

  // Reads a Resource ({attributes, droppedAttributesCount}) into `attrs`.
  void read_resource(od::value value, std::vector<Attr>& attrs) const;

  // Hands the field `key` of the object `value` (`what` names it in messages) to `read`
  // wherever it stands, then returns the object rewound, so the records that follow can
  // carry what it said (a resource, a scope). Exporters write such fields first, where
  // this costs one key comparison; elsewhere, one extra skim of the object.
  template <class Read>
  od::object read_field_first(od::value value, std::string_view what, std::string_view key, Read&& read) const {
    od::object object = get_object(value, what);
    od::value field;
    auto error = object.find_field_unordered(key).get(field);
    if (error == simdjson::SUCCESS) {
      read(field);
    } else if (error != simdjson::NO_SUCH_FIELD) {
      fail(std::string("expected a field or '}' in ") + std::string(what), error);
    }
    if (auto reset_error = object.reset().error()) fail(std::string("expected ") + std::string(what), reset_error);
    return object;
  }

  // read_field_first for the `resource` of a ResourceSpans / ResourceLogs object.
  od::object read_resource_first(od::value value, std::string_view what, std::vector<Attr>& attrs) const {
    attrs.clear();
    return read_field_first(value, what, "resource", [&](od::value resource) { read_resource(resource, attrs); });
  }

  // An id as canonical lower-case hex: hex of any case is lower-cased, base64 (old OTLP
  // and Jaeger v3 output) of 16 or 8 bytes is re-encoded as hex, anything else is kept
  // as written. `buffer` holds the result when it had to be rewritten.
  std::string_view read_id(od::value value, std::string_view field, std::string& buffer) const;

  // A fixed64/int64 given as a decimal string or a number.
  int64_t read_int64(od::value value, std::string_view field) const;

  // A string field; `field` names it in messages.
  std::string_view read_string(od::value value, std::string_view field) const;

  // An enum given as its number or its name: names[i] is the value i's name without
  // `prefix` ("SERVER" for "SPAN_KIND_SERVER"); names are accepted with or without it.
  // Numbers outside the table give `unknown` (proto3 keeps unknown enum values).
  int read_enum(od::value value, std::string_view field, std::string_view prefix,
                const std::string_view* names, int count, int unknown) const;

  std::string_view text() const { return text_; }
  // The text from where `value` starts to its end, for a reader of its own (the plain-JSON
  // fast paths); `value` is not consumed.
  std::string_view text_from(od::value& value) const {
    return text_.substr(static_cast<size_t>(value.raw_json_token().data() - text_.data()));
  }

 private:
  class NestingGuard;
  void append_any_value_json(od::value value, std::string& out) const;
  void append_array_json(od::value value, std::string& out) const;
  void append_kvlist_json(od::value value, std::string& out) const;
  uint64_t location_offset() const;

  od::document& doc_;
  std::string_view text_;
  ScratchStrings& scratch_;
  mutable int nesting_ = 0;  // arrayValue / kvlistValue levels being rendered
};

// A key written twice in one object: the first wins, as it must for the resource and
// the scope (looked up before the rest of their object is read). A reader gives each key
// it reads a bit and asks before reading the value; a later duplicate is skipped unread.
class SeenKeys {
 public:
  bool first(int bit) {
    bool fresh = (bits_ >> bit & 1u) == 0;
    bits_ |= 1u << bit;
    return fresh;
  }

 private:
  uint32_t bits_ = 0;
};

// arrayValue / kvlistValue inside one another deeper than this is refused (an ElementError).
inline constexpr int kMaxAnyValueNesting = 100;

// How a value reads after "found" in a message: a scalar as written (cut when long),
// "an object" or "an array" for containers.
std::string describe_json(std::string_view token);

// The resource's service.name as a string, or "" (spans and logs group by it).
std::string_view service_name(Attrs resource_attrs);

// Canonical form of an id's text (see OtlpReader::read_id).
std::string_view canonical_id(std::string_view id, std::string& buffer);

// True for "" and all-zero ids, which OTLP uses for "no parent".
bool is_null_id(std::string_view id);

namespace detail {

// Runs a walk callback; a callback returning void always asks to continue.
template <class F, class... Args>
bool keep_walking(F& callback, Args&&... args) {
  if constexpr (std::is_same_v<std::invoke_result_t<F&, Args...>, bool>) {
    return callback(std::forward<Args>(args)...);
  } else {
    callback(std::forward<Args>(args)...);
    return true;
  }
}

}  // namespace detail

template <class OnField>
bool OtlpReader::for_each_field(od::object& object, std::string_view what, OnField&& on_field) const {
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) {
      fail(std::string("expected a field or '}' in ") + std::string(what), error);
    }
    // Keys are read in place: OTLP keys never need unescaping, and the rare one that
    // does takes the copying path.
    const char* raw = field.key().raw();
    const char* end = raw;
    while (*end != '"' && *end != '\\') ++end;
    std::string_view key(raw, static_cast<size_t>(end - raw));
    if (*end == '\\') {
      if (auto error = field.unescaped_key().get(key)) {
        fail(std::string("expected a key in ") + std::string(what), error);
      }
    }
    if (!detail::keep_walking(on_field, key, field.value())) return false;
  }
  return true;
}

template <class OnElement>
bool OtlpReader::for_each_element(od::value value, std::string_view field, OnElement&& on_element) const {
  od::array array;
  if (auto error = value.get_array().get(array)) {
    fail_value(value, std::string("expected ") + std::string(field) + " as an array", error);
  }
  for (auto element_result : array) {
    od::value element;
    if (auto error = std::move(element_result).get(element)) {
      fail(std::string("expected a value or ']' in ") + std::string(field), error);
    }
    if (!detail::keep_walking(on_element, element)) return false;
  }
  return true;
}

}  // namespace trace::formats
