// Making untrusted text safe inside an HTML page: span names, attribute values, file
// names and messages all come from the input and may hold markup, scripts or bytes that
// are not UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace trace::output {

// Appends `text` escaped for HTML text and for a quoted attribute value (either quote):
// & < > " ' become entities; every invalid UTF-8 sequence becomes U+FFFD (one per
// maximal invalid subpart, as Unicode recommends); control characters other than tab,
// newline and carriage return become their visible Control Pictures (U+2400 + code:
// ESC shows as "␛", DEL as "␡"), and C1 controls U+FFFD, so nothing the HTML parser
// treats specially or refuses is ever written.
void append_html_escaped(std::string_view text, std::string& out);
std::string html_escaped(std::string_view text);

// Appends a JSON document for a <script type="application/json"> element: every '<',
// '>' and '&' becomes \u003c, \u003e, \u0026. In JSON those can only appear inside
// strings, where the escapes mean the same characters, so the data is unchanged for
// JSON.parse, while "</script", "<!--" and "<script" can never occur in the element.
void append_script_json(std::string_view json, std::string& out);

}  // namespace trace::output
