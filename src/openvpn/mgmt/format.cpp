// mgmt/format.cpp: C-compatible number parsing and address printing.
#include "openvpn/mgmt/format.hpp"

#include <arpa/inet.h>

#include <climits>

namespace ovpn::mgmt {

namespace {

bool is_c_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

// scan_digits: strtoul's core from `i` (after spaces): sign, digits,
// saturating at UINT64_MAX. False when no digit follows.
bool scan_digits(std::string_view s, std::size_t i, bool& negative, std::uint64_t& value)
{
    negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
        return false;
    value = 0;
    bool overflow = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        if (value > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            value = value * 10 + d;
    }
    if (overflow)
        value = UINT64_MAX;
    return true;
}

std::size_t skip_space(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size() && is_c_space(s[i]))
        ++i;
    return i;
}

} // namespace

int c_atoi(std::string_view s) noexcept
{
    bool neg = false;
    std::uint64_t v = 0;
    if (!scan_digits(s, skip_space(s), neg, v))
        return 0;
    if (neg)
        return v > static_cast<std::uint64_t>(INT_MAX) + 1 ? INT_MIN
                                                           : static_cast<int>(-static_cast<long long>(v));
    return v > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(v);
}

bool scan_ulong(std::string_view s, std::uint64_t& out) noexcept
{
    bool neg = false;
    std::uint64_t v = 0;
    if (!scan_digits(s, skip_space(s), neg, v))
        return false;
    out = neg && v != UINT64_MAX ? ~v + 1 : v;
    return true;
}

bool scan_uint(std::string_view s, unsigned& out) noexcept
{
    std::uint64_t v = 0;
    if (!scan_ulong(s, v))
        return false;
    out = static_cast<unsigned>(v);
    return true;
}

bool buf_parse(std::string_view s, std::size_t& pos, char delim, std::size_t size, std::string& out)
{
    out.clear();
    bool eol = false;
    std::size_t n = 0;
    char c = 0;
    do {
        if (pos < s.size()) {
            c = s[pos++];
        } else {
            eol = true;
            c = 0;
        }
        if (c == delim)
            c = 0;
        if (n >= size)
            break;
        ++n;
        if (c)
            out.push_back(c);
    } while (c);
    if (out.size() > size - 1)
        out.resize(size - 1);
    return !(eol && out.empty());
}

std::optional<std::uint32_t> parse_ipv4(std::string_view s)
{
    std::string z(s);
    in_addr a{};
    if (z.empty() || inet_aton(z.c_str(), &a) == 0)
        return std::nullopt;
    return ntohl(a.s_addr);
}

std::string print_ipv4(std::uint32_t host_order)
{
    in_addr a{};
    a.s_addr = htonl(host_order);
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

namespace {

// ip_port: "ip,port" for a defined address, "," otherwise (2.6's
// print_sockaddr_ex with "," as separator, family hidden, port shown).
std::string ip_port(const sockaddr* sa)
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa && sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        if (in->sin_addr.s_addr == 0)
            return ",";
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        return std::string(buf) + "," + std::to_string(ntohs(in->sin_port));
    }
    if (sa && sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
            return ",";
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        return std::string(buf) + "," + std::to_string(ntohs(in6->sin6_port));
    }
    return ",";
}

} // namespace

std::string state_tail(const in_addr* tun4, const in6_addr* tun6, const sockaddr* local,
                       const sockaddr* remote)
{
    std::string t = ",";
    if (tun4 && tun4->s_addr != 0)
        t += print_ipv4(ntohl(tun4->s_addr));
    t += "," + ip_port(remote);
    t += "," + ip_port(local);
    if (tun6 && !IN6_IS_ADDR_UNSPECIFIED(tun6)) {
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, tun6, buf, sizeof buf);
        t += ",";
        t += buf;
    }
    return t;
}

} // namespace ovpn::mgmt
