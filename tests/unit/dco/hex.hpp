// Test helper: bytes from a hex string with spaces ("08 00 01 00").
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ovpn::dco::test {

inline std::vector<std::uint8_t> hex(std::string_view s)
{
    std::vector<std::uint8_t> out;
    int hi = -1;
    for (char c : s) {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>((hi << 4) | v));
            hi = -1;
        }
    }
    return out;
}

inline std::vector<std::uint8_t> vec(std::span<const std::uint8_t> b)
{
    return {b.begin(), b.end()};
}

} // namespace ovpn::dco::test
