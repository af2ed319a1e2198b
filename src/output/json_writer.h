// Small JSON writing primitives shared by the table renderer and record printers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trace::output {

// Appends `text` as a quoted JSON string: '"' and '\\' escaped, control characters as
// \n \r \t \b \f or \u00XX, and every invalid UTF-8 sequence (stray continuation bytes,
// overlong forms, surrogates, code points past U+10FFFF, truncated sequences) replaced
// by U+FFFD, one per maximal invalid subsequence as Unicode recommends. Valid UTF-8 is
// copied as is, so the output is always valid UTF-8 and valid JSON.
void append_json_string(std::string_view text, std::string& out);

// Appends a double in its shortest round-trip form ("0.125", "3", "1e+21"); NaN and
// infinities, which JSON cannot hold, as null.
void append_json_number(double value, std::string& out);

void append_json_number(int64_t value, std::string& out);

// Appends ["a", "b"]: a list of strings, one space after each comma.
void append_json_string_array(const std::vector<std::string>& items, std::string& out);

}  // namespace trace::output
