// io/sock_addr.hpp: a socket address (IPv4 or IPv6 plus port) as a value,
// and name resolution for --remote / --local. Formatting follows 2.6's log
// and script conventions: "[AF_INET]10.0.0.1:1194", "[AF_INET6]fd00::1:1194".
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::io {

enum class Family : std::uint8_t { Any, V4, V6 };

struct SockAddr {
    sockaddr_storage ss{};
    socklen_t len = 0;

    bool empty() const noexcept { return len == 0; }
    int family() const noexcept { return ss.ss_family; }
    std::uint16_t port() const noexcept;
    const sockaddr* sa() const noexcept { return reinterpret_cast<const sockaddr*>(&ss); }
    sockaddr* sa() noexcept { return reinterpret_cast<sockaddr*>(&ss); }

    // ip_string: "10.0.0.1" / "fd00::1" (IPv4-mapped IPv6 shown as IPv4).
    std::string ip_string() const;
    // bound_string: 2.6's form for a socket's local address, with
    // "[undef]" for the wildcard: "[AF_INET][undef]:1194".
    std::string bound_string() const;
    // to_string: 2.6's form, "[AF_INET]10.0.0.1:1194".
    std::string to_string() const;

    static SockAddr from_v4(in_addr a, std::uint16_t port);
    static SockAddr from_v6(const in6_addr& a, std::uint16_t port);
    // parse_numeric: a numeric address ("10.0.0.1", "::1") and port; no DNS.
    static Result<SockAddr> parse_numeric(const std::string& host, std::uint16_t port);

    friend bool operator==(const SockAddr& a, const SockAddr& b) noexcept;
};

// LocalEnd: --multihome: the local end of a UDP datagram (IP_PKTINFO /
// IPV6_PKTINFO): our address it came to (port 0; IPv4-mapped on a
// dual-stack socket) and the interface it came in on. A reply sent with it
// leaves from that address through that interface, as 2.6's sendmsg with
// the pktinfo it received. Empty: not known; the kernel picks the source.
struct LocalEnd {
    SockAddr addr;
    unsigned ifindex = 0;
    bool empty() const noexcept { return addr.empty(); }
    // via_string: 2.6's suffix for an address it received on with
    // pktinfo: " (via [AF_INET]10.0.0.2%eth0)", " (via fd00::2%eth0)";
    // "" when empty or the wildcard.
    std::string via_string() const;
    friend bool operator==(const LocalEnd& a, const LocalEnd& b) noexcept
    {
        return a.ifindex == b.ifindex && a.addr == b.addr;
    }
};

enum class SockType : std::uint8_t { Datagram, Stream };

// resolve: getaddrinfo() for host/port (blocking; start-up and reconnect
// only, never on the packet path). An empty host means the wildcard address
// (for binding). Results are in getaddrinfo's order; errors name the host.
Result<std::vector<SockAddr>> resolve(const std::string& host, std::uint16_t port, Family fam, SockType type,
                                      bool passive = false);

} // namespace ovpn::io
