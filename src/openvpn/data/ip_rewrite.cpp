// data/ip_rewrite.cpp: see ip_rewrite.hpp.
#include "openvpn/data/ip_rewrite.hpp"

#include <cstring>

namespace ovpn::data {

namespace {

constexpr std::size_t kIp6Header = 40;
constexpr std::size_t kIcmp6Header = 8;
constexpr std::uint8_t kProtoIcmp6 = 58;
constexpr std::uint8_t kIcmp6DestUnreachable = 1;
constexpr std::uint8_t kIcmp6NoRoute = 0;

void put16(std::uint8_t* p, std::uint16_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

// icmp6_checksum: over the pseudo header (addresses, upper-layer length,
// next header) and the ICMPv6 message `msg` (its checksum field zero).
std::uint16_t icmp6_checksum(const std::uint8_t* src, const std::uint8_t* dst,
                             std::span<const std::uint8_t> msg) noexcept
{
    std::uint8_t pseudo[8] = {};
    const auto len = static_cast<std::uint32_t>(msg.size());
    pseudo[0] = static_cast<std::uint8_t>(len >> 24);
    pseudo[1] = static_cast<std::uint8_t>(len >> 16);
    pseudo[2] = static_cast<std::uint8_t>(len >> 8);
    pseudo[3] = static_cast<std::uint8_t>(len);
    pseudo[7] = kProtoIcmp6;
    std::uint32_t sum = internet_checksum_add(0, {src, 16});
    sum = internet_checksum_add(sum, {dst, 16});
    sum = internet_checksum_add(sum, pseudo);
    return fold_checksum(internet_checksum_add(sum, msg));
}

} // namespace

std::uint32_t internet_checksum_add(std::uint32_t sum, std::span<const std::uint8_t> b) noexcept
{
    std::size_t i = 0;
    for (; i + 1 < b.size(); i += 2)
        sum += static_cast<std::uint32_t>(b[i] << 8 | b[i + 1]);
    if (i < b.size())
        sum += static_cast<std::uint32_t>(b[i] << 8);
    return sum;
}

std::uint16_t fold_checksum(std::uint32_t sum) noexcept
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

bool is_ipv6_packet(std::span<const std::uint8_t> pkt) noexcept
{
    return pkt.size() >= kIp6Header && (pkt[0] >> 4) == 6;
}

bool icmp6_unreachable(std::span<const std::uint8_t> pkt, const in6_addr& src, PacketBuf& out) noexcept
{
    if (!is_ipv6_packet(pkt))
        return false;
    const std::size_t quote = std::min(pkt.size(), kIcmp6QuoteMax);
    out.reset();
    auto b = out.append(kIp6Header + kIcmp6Header + quote);
    if (b.empty())
        return false;
    std::memcpy(b.data(), pkt.data(), 4); // version, traffic class, flow label
    put16(b.data() + 4, static_cast<std::uint16_t>(kIcmp6Header + quote));
    b[6] = kProtoIcmp6;
    b[7] = pkt[7]; // hop limit, as the refused packet's
    std::memcpy(b.data() + 8, src.s6_addr, 16);
    std::memcpy(b.data() + 24, pkt.data() + 8, 16); // back to its source
    std::uint8_t* icmp = b.data() + kIp6Header;
    std::memset(icmp, 0, kIcmp6Header);
    icmp[0] = kIcmp6DestUnreachable;
    icmp[1] = kIcmp6NoRoute;
    std::memcpy(icmp + kIcmp6Header, pkt.data(), quote);
    put16(icmp + 2, icmp6_checksum(b.data() + 8, b.data() + 24, {icmp, kIcmp6Header + quote}));
    return true;
}

std::optional<std::uint8_t> ipv4_tos(std::span<const std::uint8_t> pkt) noexcept
{
    if (pkt.size() < 20 || (pkt[0] >> 4) != 4)
        return std::nullopt;
    return pkt[1];
}

} // namespace ovpn::data
