// core/hex.hpp: hex digits to bytes, for key files and test vectors. One
// decoder, two policies: Strict (only hex digits and whitespace, the form of
// 2.6's static key files) and SkipOther (every non-hex character is a
// separator, for vector files such as "00:11 22").
#pragma once

#include <cstdint>
#include <string_view>

namespace ovpn {

constexpr int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr bool is_hex_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

enum class HexPolicy : std::uint8_t { Strict, SkipOther };
enum class HexStatus : std::uint8_t { Ok, NonHex, OddDigits, SinkFull };

// decode_hex: calls sink(byte) for every pair of digits; the sink returns
// false to stop (SinkFull). The caller owns where the bytes go, so key
// material can land straight in a SecureBytes.
template <typename Sink> HexStatus decode_hex(std::string_view s, HexPolicy policy, Sink&& sink)
{
    int high = -1;
    for (char c : s) {
        const int v = hex_digit(c);
        if (v < 0) {
            if (policy == HexPolicy::SkipOther || is_hex_space(c))
                continue;
            return HexStatus::NonHex;
        }
        if (high < 0) {
            high = v;
            continue;
        }
        if (!sink(static_cast<std::uint8_t>((high << 4) | v)))
            return HexStatus::SinkFull;
        high = -1;
    }
    return high < 0 ? HexStatus::Ok : HexStatus::OddDigits;
}

} // namespace ovpn
