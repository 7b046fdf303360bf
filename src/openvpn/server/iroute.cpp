#include "openvpn/server/iroute.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace ovpn::server {

Result<data::IRoute> parse_iroute(std::string_view spec)
{
    data::IRoute r;
    const std::string s(spec);
    const auto sp = s.find(' ');
    const std::string net = s.substr(0, sp);
    if (net.find(':') != std::string::npos) {
        r.family = AF_INET6;
        const auto slash = net.find('/');
        const std::string a = net.substr(0, slash);
        int bits = 128;
        if (slash != std::string::npos) {
            const std::string b = net.substr(slash + 1);
            char* end = nullptr;
            const long v = std::strtol(b.c_str(), &end, 10);
            if (b.empty() || *end != '\0' || v < 0 || v > 128)
                return Err("--iroute-ipv6: Bad IPv6 prefix specification: " + s);
            bits = static_cast<int>(v);
        }
        in6_addr a6{};
        if (sp != std::string::npos || inet_pton(AF_INET6, a.c_str(), &a6) != 1)
            return Err("--iroute-ipv6: Bad IPv6 prefix specification: " + s);
        std::memcpy(r.addr.data(), a6.s6_addr, 16);
        r.prefix_len = static_cast<std::uint8_t>(bits);
    } else {
        r.family = AF_INET;
        in_addr a4{}, m4{};
        m4.s_addr = 0xffffffffu;
        const std::string mask = sp == std::string::npos ? std::string() : s.substr(sp + 1);
        if (inet_pton(AF_INET, net.c_str(), &a4) != 1 ||
            (!mask.empty() && inet_pton(AF_INET, mask.c_str(), &m4) != 1))
            return Err("--iroute: Bad network/netmask: " + s);
        const std::uint32_t m = ntohl(m4.s_addr);
        const std::uint32_t inv = ~m;
        if ((inv & (inv + 1)) != 0) // not of the form 1...10...0
            return Err("--iroute: Bad network/netmask: " + s);
        int bits = 0;
        for (std::uint32_t x = m; x & 0x80000000u; x <<= 1)
            ++bits;
        std::memcpy(r.addr.data(), &a4.s_addr, 4);
        r.prefix_len = static_cast<std::uint8_t>(bits);
    }
    const unsigned host = r.family == AF_INET ? 32 : 128;
    for (unsigned bit = r.prefix_len; bit < host; ++bit)
        r.addr[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return r;
}

std::string iroute_string(const data::IRoute& r)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(r.family, r.addr.data(), buf, sizeof buf);
    return std::string(buf) + "/" + std::to_string(r.prefix_len);
}

} // namespace ovpn::server
