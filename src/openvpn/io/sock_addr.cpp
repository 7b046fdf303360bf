// io/sock_addr.cpp: SockAddr formatting/parsing and getaddrinfo().
#include "openvpn/io/sock_addr.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <cstring>

#include "openvpn/core/log.hpp"

namespace ovpn::io {

std::string LocalEnd::via_string() const
{
    bool v4 = addr.family() == AF_INET;
    if (addr.family() == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&addr.ss)->sin6_addr;
        if (IN6_IS_ADDR_UNSPECIFIED(&a))
            return "";
        // IPv4-mapped: shown as IPv4, as to_string shows the peer on a
        // dual-stack socket (2.6: "::ffff:10.0.0.2%eth0")
        v4 = IN6_IS_ADDR_V4MAPPED(&a);
    } else if (!v4 || reinterpret_cast<const sockaddr_in*>(&addr.ss)->sin_addr.s_addr == 0) {
        return "";
    }
    char name[IF_NAMESIZE] = "";
    const char* ifname = ::if_indextoname(ifindex, name) != nullptr ? name : "[undef]";
    return strfmt(" (via %s%s%%%s)", v4 ? "[AF_INET]" : "", addr.ip_string().c_str(), ifname);
}

std::uint16_t SockAddr::port() const noexcept
{
    if (ss.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
    return 0;
}

std::string SockAddr::ip_string() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
    } else if (ss.ss_family == AF_INET6) {
        const auto& a6 = reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a6))
            inet_ntop(AF_INET, &a6.s6_addr[12], buf, sizeof buf);
        else
            inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    }
    return buf;
}

std::string SockAddr::to_string() const
{
    if (ss.ss_family == AF_INET)
        return strfmt("[AF_INET]%s:%u", ip_string().c_str(), port());
    if (ss.ss_family == AF_INET6) {
        const auto& a6 = reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr;
        const char* fam = IN6_IS_ADDR_V4MAPPED(&a6) ? "AF_INET" : "AF_INET6";
        return strfmt("[%s]%s:%u", fam, ip_string().c_str(), port());
    }
    return "[undef]";
}

std::string SockAddr::bound_string() const
{
    bool any = false;
    if (ss.ss_family == AF_INET)
        any = reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr.s_addr == htonl(INADDR_ANY);
    else if (ss.ss_family == AF_INET6)
        any = IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr);
    if (!any)
        return to_string();
    return strfmt("[%s][undef]:%u", ss.ss_family == AF_INET ? "AF_INET" : "AF_INET6", port());
}

SockAddr SockAddr::from_v4(in_addr a, std::uint16_t port)
{
    SockAddr s;
    auto* sin = reinterpret_cast<sockaddr_in*>(&s.ss);
    sin->sin_family = AF_INET;
    sin->sin_addr = a;
    sin->sin_port = htons(port);
    s.len = sizeof(sockaddr_in);
    return s;
}

SockAddr SockAddr::from_v6(const in6_addr& a, std::uint16_t port)
{
    SockAddr s;
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s.ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = a;
    sin6->sin6_port = htons(port);
    s.len = sizeof(sockaddr_in6);
    return s;
}

Result<SockAddr> SockAddr::parse_numeric(const std::string& host, std::uint16_t port)
{
    in_addr a4{};
    if (inet_pton(AF_INET, host.c_str(), &a4) == 1)
        return from_v4(a4, port);
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) == 1)
        return from_v6(a6, port);
    return Err{strfmt("not a numeric address: '%s'", host.c_str())};
}

bool operator==(const SockAddr& a, const SockAddr& b) noexcept
{
    if (a.family() != b.family() || a.port() != b.port())
        return false;
    if (a.family() == AF_INET)
        return reinterpret_cast<const sockaddr_in*>(&a.ss)->sin_addr.s_addr ==
               reinterpret_cast<const sockaddr_in*>(&b.ss)->sin_addr.s_addr;
    if (a.family() == AF_INET6)
        return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&a.ss)->sin6_addr,
                           &reinterpret_cast<const sockaddr_in6*>(&b.ss)->sin6_addr, sizeof(in6_addr)) == 0;
    return a.len == b.len;
}

Result<std::vector<SockAddr>> resolve(const std::string& host, std::uint16_t port, Family fam, SockType type,
                                      bool passive)
{
    addrinfo hints{};
    hints.ai_family = fam == Family::V4 ? AF_INET : fam == Family::V6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = type == SockType::Datagram ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    addrinfo* res = nullptr;
    const std::string service = std::to_string(port);
    int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
    if (rc != 0)
        return Err{
            strfmt("RESOLVE: Cannot resolve host address: %s:%u (%s)", host.c_str(), port, gai_strerror(rc))};
    std::vector<SockAddr> out;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(sockaddr_storage))
            continue;
        SockAddr s;
        std::memcpy(&s.ss, ai->ai_addr, ai->ai_addrlen);
        s.len = ai->ai_addrlen;
        out.push_back(s);
    }
    freeaddrinfo(res);
    if (out.empty())
        return Err{strfmt("RESOLVE: no usable address for %s:%u", host.c_str(), port)};
    return out;
}

} // namespace ovpn::io
