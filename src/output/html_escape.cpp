#include "src/output/html_escape.h"

namespace trace::output {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at text[at] (lead byte >= 0x80), or, when it
// is invalid, 0 with `bad` set to the length of its maximal invalid subpart.
size_t valid_sequence(std::string_view text, size_t at, size_t& bad) {
  auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the first continuation byte
  if (lead >= 0xC2 && lead <= 0xDF) need = 1;
  else if (lead == 0xE0) need = 2, lo = 0xA0;
  else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) need = 2;
  else if (lead == 0xED) need = 2, hi = 0x9F;
  else if (lead == 0xF0) need = 3, lo = 0x90;
  else if (lead >= 0xF1 && lead <= 0xF3) need = 3;
  else if (lead == 0xF4) need = 3, hi = 0x8F;
  else {
    bad = 1;
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (at + k >= text.size()) {
      bad = k;
      return 0;
    }
    unsigned char c = byte(at + k);
    unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (c < min || c > max) {
      bad = k;
      return 0;
    }
  }
  return need + 1;
}

}  // namespace

void append_html_escaped(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t':
        case '\n':
        case '\r': out += static_cast<char>(c); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            // U+2400 + c (U+2421 for DEL): E2 90 80+c.
            unsigned code = c == 0x7f ? 0x21 : c;
            out += "\xE2\x90";
            out += static_cast<char>(0x80 + code);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t bad = 0;
    size_t len = valid_sequence(text, i, bad);
    if (len == 0) {
      out += kReplacement;
      i += bad;
      continue;
    }
    // C1 controls (U+0080..U+009F: C2 80..C2 9F).
    if (len == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) out += kReplacement;
    else out.append(text.substr(i, len));
    i += len;
  }
}

std::string html_escaped(std::string_view text) {
  std::string out;
  append_html_escaped(text, out);
  return out;
}

void append_script_json(std::string_view json, std::string& out) {
  out.reserve(out.size() + json.size());
  for (char c : json) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
}

}  // namespace trace::output
