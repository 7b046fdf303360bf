// tun/gateway_info.hpp: the host's default gateway as 2.6 reports it
// (--show-gateway; route.c's route_gateway_info on Linux).
//
// IPv4: the main table's default route; its gateway, or ON_LINK when the
// route has none, then the first interface that is up and has an IPv4
// address in the gateway's subnet (for ON_LINK: on the route's device) gives
// the netmask (not for ON_LINK), the name and the hardware address. Without
// a default route 2.6 still reports "ROUTE_GATEWAY 0.0.0.0", and so do we.
// IPv6: `ip route get` for the target (:: when none); a route without a
// gateway is ON_LINK with the target as its address. No netmask or hardware
// address for IPv6, as 2.6 on Linux.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "openvpn/tun/netlink.hpp"

namespace ovpn::tun {

struct GatewayInfo {
    bool defined = false; // nothing is printed when false
    bool on_link = false;
    IpAddr gateway;                     // 0.0.0.0 / the target when on-link
    std::optional<std::uint8_t> netlen; // IPv4 only: the interface's prefix
    std::string iface;                  // empty: unknown
    std::optional<std::array<std::uint8_t, 6>> hwaddr;
};

// default_gateway_v4: the IPv4 facts above, read through rtnetlink.
GatewayInfo default_gateway_v4();

// default_gateway_v6: the IPv6 facts for `target`; when the kernel refuses
// the lookup, `kernel_errno` gets its errno (ENETUNREACH without a route).
GatewayInfo default_gateway_v6(const in6_addr& target, int& kernel_errno);

// format_gateway: 2.6's line, "ROUTE_GATEWAY 192.0.2.1/255.255.255.0
// IFACE=eth0 HWADDR=02:..." or "ROUTE6_GATEWAY fd00::1 IFACE=eth0".
std::string format_gateway(const GatewayInfo& g);

} // namespace ovpn::tun
