// Helpers shared by the wire and crypto unit tests: hex and vector files.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/hex.hpp"

namespace ovpn::test {

// unhex: every non-hex character separates ("00:11 22" is fine).
inline std::vector<std::uint8_t> unhex(std::string_view s)
{
    std::vector<std::uint8_t> out;
    decode_hex(s, HexPolicy::SkipOther, [&](std::uint8_t b) {
        out.push_back(b);
        return true;
    });
    return out;
}

template <typename T> std::string hex(const T& b)
{
    static const char k[] = "0123456789abcdef";
    std::string s;
    for (std::uint8_t c : b) {
        s += k[c >> 4];
        s += k[c & 15];
    }
    return s;
}

inline std::string read_text(const std::string& rel)
{
    std::ifstream in(std::string(OVPN_SOURCE_DIR) + "/tests/vectors/" + rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace ovpn::test
