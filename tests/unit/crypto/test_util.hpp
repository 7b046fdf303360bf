// Helpers shared by the wire and crypto unit tests: hex and vector files.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ovpn::test {

inline std::vector<std::uint8_t> unhex(std::string_view s)
{
    std::vector<std::uint8_t> out;
    int high = -1;
    for (char c : s) {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            continue;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
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
