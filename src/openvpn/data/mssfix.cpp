// data/mssfix.cpp: TCP MSS clamping for IPv4 and IPv6 SYNs, in place.
#include "openvpn/data/mssfix.hpp"

namespace ovpn::data {
namespace {

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kOptEnd = 0, kOptNop = 1, kOptMss = 2;

std::uint16_t get16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
void put16(std::uint8_t* p, std::uint16_t v)
{
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').
void adjust_checksum(std::uint8_t* csum, std::uint16_t old_v, std::uint16_t new_v)
{
    std::uint32_t sum = static_cast<std::uint16_t>(~get16(csum));
    sum += static_cast<std::uint16_t>(~old_v);
    sum += new_v;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    put16(csum, static_cast<std::uint16_t>(~sum));
}

bool clamp_tcp(MutBytes tcp, std::uint16_t max_mss)
{
    if (tcp.size() < 20 || !(tcp[13] & kTcpSyn))
        return false;
    const std::size_t hlen = static_cast<std::size_t>(tcp[12] >> 4) * 4;
    if (hlen < 20 || hlen > tcp.size())
        return false;
    for (std::size_t i = 20; i < hlen;) {
        const std::uint8_t kind = tcp[i];
        if (kind == kOptEnd)
            break;
        if (kind == kOptNop) {
            ++i;
            continue;
        }
        if (i + 1 >= hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen)
            break;
        if (kind == kOptMss && tcp[i + 1] == 4) {
            const std::uint16_t mss = get16(&tcp[i + 2]);
            if (mss <= max_mss)
                return false;
            put16(&tcp[i + 2], max_mss);
            adjust_checksum(&tcp[16], mss, max_mss);
            return true;
        }
        i += tcp[i + 1];
    }
    return false;
}

} // namespace

bool clamp_mss(MutBytes pkt, std::uint16_t max_mss_v4) noexcept
{
    if (pkt.empty() || max_mss_v4 == 0)
        return false;
    const unsigned ver = pkt[0] >> 4;
    if (ver == 4) {
        if (pkt.size() < 20)
            return false;
        const std::size_t ihl = static_cast<std::size_t>(pkt[0] & 0x0F) * 4;
        const bool fragmented = (get16(&pkt[6]) & 0x3FFF) != 0;
        if (ihl < 20 || ihl > pkt.size() || pkt[9] != kTcp || fragmented)
            return false;
        return clamp_tcp(pkt.subspan(ihl), max_mss_v4);
    }
    if (ver == 6) {
        // Only a TCP header right after the fixed header (no extension
        // headers), as 2.6 does.
        if (pkt.size() < 40 || pkt[6] != kTcp || max_mss_v4 <= 20)
            return false;
        return clamp_tcp(pkt.subspan(40), static_cast<std::uint16_t>(max_mss_v4 - 20));
    }
    return false;
}

std::uint16_t mss_for_mssfix(std::uint16_t mssfix, std::uint16_t overhead) noexcept
{
    const int mss = static_cast<int>(mssfix) - 40 - static_cast<int>(overhead);
    return mss > 0 ? static_cast<std::uint16_t>(mss) : 0;
}

Result<MssfixSetting> resolve_mssfix(const std::vector<std::string>* args, int fragment,
                                     std::optional<int> tun_mtu, bool link_mtu_given)
{
    MssfixSetting s;
    if (args != nullptr && !args->empty()) {
        const std::string& n = (*args)[0];
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 6)
            return Err(std::string("--mssfix: bad size '") + n + "'");
        s.value = std::stoi(n);
        if (args->size() > 1) {
            if ((*args)[1] == "mtu")
                s.encap = true;
            else if ((*args)[1] == "fixed")
                s.fixed = true;
            else
                return Err(std::string("--mssfix: unknown flag '") + (*args)[1] + "' (mtu or fixed)");
        }
        return s;
    }
    if (fragment > 0) {
        s.value = fragment;
        s.encap = false;
        return s;
    }
    const bool tun_mtu_defined = tun_mtu.has_value() || !link_mtu_given;
    if (!tun_mtu_defined)
        return s; // only --link-mtu: no default mssfix
    const int mtu = tun_mtu.value_or(kTunMtuDefault);
    if (mtu == kTunMtuDefault) {
        s.value = kMssfixDefault;
        s.encap = true;
    } else {
        s.value = mtu;
        s.fixed = true;
    }
    return s;
}

std::uint16_t effective_mss(const MssfixSetting& s, const MssfixFrame& f) noexcept
{
    constexpr int kInnerIpTcp = 20 + 20;
    if (s.value <= 0)
        return 0;
    if (s.fixed)
        return s.value > kInnerIpTcp ? static_cast<std::uint16_t>(s.value - kInnerIpTcp) : 0;
    const bool cbc = !f.aead && f.iv_len > 0;
    const int pid = f.long_packet_id ? 8 : 4;
    // Bytes in front of (or around) the encrypted payload.
    int header = (f.tcp ? 2 : 0) + (f.tls ? (f.peer_id ? 4 : 1) : 0);
    if (f.aead)
        header += pid + 16;
    else if (cbc)
        header += static_cast<int>(f.hmac_len + f.iv_len);
    else
        header += pid + static_cast<int>(f.hmac_len);
    if (s.encap)
        header += (f.ipv6 ? 40 : 20) + (f.tcp ? 20 : 8);
    // Bytes inside the encrypted payload besides the inner IP packet.
    int inner = (f.comp_v1 ? 1 : 0) + (f.fragment ? 4 : 0) + (cbc ? pid : 0) + kInnerIpTcp +
                static_cast<int>(f.extra_tun);
    int room = s.value - header;
    if (cbc) {
        const int block = static_cast<int>(f.iv_len);
        room = room / block * block - 1;
    }
    const int mss = room - inner;
    return mss > 0 ? static_cast<std::uint16_t>(mss) : 0;
}

} // namespace ovpn::data
