// data/ethernet.cpp: see ethernet.hpp.
#include "openvpn/data/ethernet.hpp"

#include <cstdio>

namespace ovpn::data {

namespace {

std::uint16_t be16(const std::uint8_t* p) noexcept
{
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::uint64_t MacAddr::key() const noexcept
{
    std::uint64_t k = 0;
    for (std::uint8_t x : b)
        k = (k << 8) | x;
    return k;
}

std::optional<EthFrame> parse_ethernet(Bytes frame) noexcept
{
    if (frame.size() < kEthHeaderLen)
        return std::nullopt;
    EthFrame f;
    for (std::size_t i = 0; i < 6; ++i) {
        f.dst.b[i] = frame[i];
        f.src.b[i] = frame[6 + i];
    }
    f.ethertype = be16(frame.data() + 12);
    if (f.ethertype == kEthType8021q) {
        if (frame.size() < kVlanHeaderLen)
            return std::nullopt;
        f.vid = be16(frame.data() + 14) & 0x0fff;
        f.ethertype = be16(frame.data() + 16);
        f.payload = kVlanHeaderLen;
    }
    return f;
}

std::optional<std::size_t> ip_offset(Bytes frame) noexcept
{
    auto f = parse_ethernet(frame);
    if (!f || frame.size() <= f->payload)
        return std::nullopt;
    const unsigned ver = frame[f->payload] >> 4;
    if ((f->ethertype == kEthTypeIpv4 && ver == 4) || (f->ethertype == kEthTypeIpv6 && ver == 6))
        return f->payload;
    return std::nullopt;
}

std::optional<MacAddr> parse_mac(std::string_view s)
{
    if (s.size() != 17)
        return std::nullopt;
    MacAddr m;
    for (std::size_t i = 0; i < 6; ++i) {
        const int hi = hex_digit(s[i * 3]), lo = hex_digit(s[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
            return std::nullopt;
        m.b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return m;
}

std::string mac_string(const MacAddr& m)
{
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m.b[0], m.b[1], m.b[2], m.b[3], m.b[4],
                  m.b[5]);
    return s;
}

} // namespace ovpn::data
