// OTLP/JSON pieces read from plain JSON (formats/plain_json.h) without simdjson, for the
// fast paths of the traces and logs loaders. Each mirrors an OtlpReader reading
// (otlp_common.h) for the inputs it accepts, and returns false for any other: a value of
// another type, one OtlpReader would convert or render (an enum or a double written as a
// string, an arrayValue or kvlistValue), or text that is not plain. The loader then reads
// the record the general way, with its checks and messages. A fixed64/int64
// (OtlpReader::read_int64) is plain_json.h's read_plain_int64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/record.h"

namespace trace::formats {

class PlainJsonCursor;

// An enum by name, with or without `prefix`, or by number; numbers outside the table
// are `unknown`, as proto3 keeps them (OtlpReader::read_enum).
bool read_plain_enum(PlainJsonCursor& in, std::string_view prefix, const std::string_view* names, int count,
                     int unknown, int& out);

// An id in canonical form; `buffer` holds it when it had to be rewritten (OtlpReader::read_id).
bool read_plain_id(PlainJsonCursor& in, std::string& buffer, std::string_view& out);

// An AnyValue but arrayValue and kvlistValue (OtlpReader::read_any_value).
bool read_plain_any_value(PlainJsonCursor& in, Value& out);

// A KeyValue[], appended to `out` (OtlpReader::read_attributes).
bool read_plain_attributes(PlainJsonCursor& in, std::vector<Attr>& out);

}  // namespace trace::formats
