// data/client_nat.cpp: see client_nat.hpp.
#include "openvpn/data/client_nat.hpp"

#include <arpa/inet.h>

namespace ovpn::data {

namespace {

constexpr std::uint8_t kTcp = 6, kUdp = 17;

std::uint32_t get32(const std::uint8_t* p) noexcept
{
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

void put32(std::uint8_t* p, std::uint32_t v) noexcept
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// adjust: RFC 1624 incremental update of the 16-bit checksum at `c` for an
// address that went from `was` to `now`.
void adjust(std::uint8_t* c, std::uint32_t was, std::uint32_t now) noexcept
{
    std::uint32_t sum = static_cast<std::uint16_t>(~(c[0] << 8 | c[1]));
    sum += static_cast<std::uint16_t>(~(was >> 16)) + static_cast<std::uint16_t>(~was);
    sum += (now >> 16) + (now & 0xffff);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    const auto v = static_cast<std::uint16_t>(~sum);
    c[0] = static_cast<std::uint8_t>(v >> 8);
    c[1] = static_cast<std::uint8_t>(v);
}

// l4_checksum: where the TCP or UDP checksum of the packet is (nullptr: none
// to adjust: another protocol, a later fragment, too short, or UDP without
// a checksum).
std::uint8_t* l4_checksum(std::span<std::uint8_t> pkt, std::size_t ihl) noexcept
{
    const bool first_fragment = ((pkt[6] & 0x1f) | pkt[7]) == 0;
    if (!first_fragment)
        return nullptr;
    if (pkt[9] == kTcp && pkt.size() >= ihl + 20)
        return pkt.data() + ihl + 16;
    if (pkt[9] == kUdp && pkt.size() >= ihl + 8 && (pkt[ihl + 6] | pkt[ihl + 7]) != 0)
        return pkt.data() + ihl + 6;
    return nullptr;
}

std::optional<std::uint32_t> ipv4(const std::string& s)
{
    in_addr a{}; // inet_aton, as 2.6's getaddr: "1.2.3" is 1.2.0.3
    if (::inet_aton(s.c_str(), &a) == 0)
        return std::nullopt;
    return ntohl(a.s_addr);
}

} // namespace

Result<ClientNatRule> parse_client_nat(const std::vector<std::string>& args)
{
    if (args.size() != 4 || (args[0] != "snat" && args[0] != "dnat"))
        return Err(std::string("client-nat: type must be 'snat' or 'dnat'"));
    ClientNatRule r;
    r.dnat = args[0] == "dnat";
    auto net = ipv4(args[1]), mask = ipv4(args[2]), foreign = ipv4(args[3]);
    if (!net)
        return Err("client-nat: bad network: " + args[1]);
    if (!mask)
        return Err("client-nat: bad netmask: " + args[2]);
    if (!foreign)
        return Err("client-nat: bad foreign network: " + args[3]);
    r.network = *net;
    r.netmask = *mask;
    r.foreign = *foreign;
    return r;
}

bool client_nat(std::span<const ClientNatRule> rules, std::span<std::uint8_t> pkt, NatDirection dir) noexcept
{
    if (pkt.size() < 20 || (pkt[0] >> 4) != 4)
        return false;
    const std::size_t ihl = std::size_t{pkt[0] & 0x0fu} * 4;
    if (ihl < 20 || pkt.size() < ihl)
        return false;
    const bool to_peer = dir == NatDirection::ToPeer;
    std::uint8_t* l4 = l4_checksum(pkt, ihl);
    unsigned done = 0; // bit 1: source rewritten, bit 2: destination
    for (const ClientNatRule& r : rules) {
        const bool dst = r.dnat == to_peer; // 2.6: type ^ direction picks the destination
        const unsigned bit = dst ? 2 : 1;
        std::uint8_t* field = pkt.data() + (dst ? 16 : 12);
        const std::uint32_t was = get32(field);
        const std::uint32_t from = to_peer ? r.network : r.foreign, to = to_peer ? r.foreign : r.network;
        if ((done & bit) != 0 || (was & r.netmask) != from)
            continue;
        const std::uint32_t now = (was & ~r.netmask) | to;
        put32(field, now);
        adjust(pkt.data() + 10, was, now);
        if (l4 != nullptr)
            adjust(l4, was, now);
        done |= bit;
    }
    return done != 0;
}

} // namespace ovpn::data
