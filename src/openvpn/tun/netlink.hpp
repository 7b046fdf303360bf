// tun/netlink.hpp: rtnetlink through libnl-3 route: link up/MTU, addresses,
// routes and route lookups. Every call is synchronous (start-up, push,
// teardown), never on the packet path. Errors carry libnl's text and name
// the object ("RTNETLINK add route 10.8.0.0/24 via 10.8.0.1: File exists").
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "openvpn/core/result.hpp"

namespace ovpn::tun {

// IpAddr: an IPv4 or IPv6 address without port.
struct IpAddr {
    int family = 0; // AF_INET / AF_INET6; 0 = unset
    std::uint8_t bytes[16]{};

    static IpAddr v4(in_addr a);
    static IpAddr v6(const in6_addr& a);
    // parse: numeric "10.8.0.1" or "fd00::1".
    static std::optional<IpAddr> parse(const std::string& s);
    bool is_set() const noexcept { return family != 0; }
    in_addr as_v4() const noexcept;
    in6_addr as_v6() const noexcept;
    std::string to_string() const;
    friend bool operator==(const IpAddr&, const IpAddr&) noexcept;
};

struct IpPrefix {
    IpAddr addr;
    std::uint8_t len = 0;
    std::string to_string() const; // "10.8.0.0/24"
};

// netmask_to_len: 255.255.255.0 -> 24; nullopt when not contiguous.
std::optional<std::uint8_t> netmask_to_len(in_addr mask);
in_addr len_to_netmask(std::uint8_t len);

struct Route {
    IpPrefix dst;
    IpAddr gateway;  // unset: on-link through `ifindex`
    int ifindex = 0; // 0: let the kernel choose from the gateway
    std::optional<std::uint32_t> metric;
    std::uint8_t type = 1; // RTN_UNICAST; RTN_UNREACHABLE etc. for block routes
    std::string to_string() const;
};

// RouteLookup: what the kernel would use to reach an address (ip route get).
struct RouteLookup {
    IpAddr gateway; // unset when on-link
    int ifindex = 0;
    IpAddr prefsrc;
};

class Netlink {
public:
    // open: a NETLINK_ROUTE socket. Fails without CAP_NET_ADMIN only at the
    // first change, not here.
    static Result<std::unique_ptr<Netlink>> open();
    ~Netlink();
    Netlink(const Netlink&) = delete;
    Netlink& operator=(const Netlink&) = delete;

    Result<int> ifindex(const std::string& ifname);
    // set_link: MTU (0 = unchanged) and up/down.
    Status<> set_link(int ifindex, std::uint32_t mtu, bool up);
    // add_addr: `local/prefixlen`, with a point-to-point `peer` (net30/p2p:
    // IFA_ADDRESS = peer) when set.
    Status<> add_addr(int ifindex, const IpAddr& local, std::uint8_t prefixlen, const IpAddr& peer = {});
    Status<> del_addr(int ifindex, const IpAddr& local, std::uint8_t prefixlen, const IpAddr& peer = {});
    Status<> add_route(const Route& r);
    Status<> del_route(const Route& r);
    // default_route: the main table's default route of `family`
    // (AF_INET/AF_INET6), as a Route ready for del_route / add_route.
    Result<Route> default_route(int family);
    // lookup: ip route get `dst` (for redirect-gateway's bypass route and
    // net_gateway). When the kernel refuses, `kernel_errno` (if given) gets
    // its errno, else 0.
    Result<RouteLookup> lookup(const IpAddr& dst, int* kernel_errno = nullptr);

private:
    struct Impl;
    explicit Netlink(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace ovpn::tun
