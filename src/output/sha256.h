// SHA-256 (FIPS 180-4) and base64, for the HTML report's Content-Security-Policy, which
// names the hash of the one inline script allowed to run.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace trace::output {

std::array<uint8_t, 32> sha256(std::string_view data);

// Standard base64 (RFC 4648 §4) with '=' padding.
std::string base64(const uint8_t* data, size_t size);

}  // namespace trace::output
