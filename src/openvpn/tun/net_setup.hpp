// tun/net_setup.hpp: turn 2.6's network options (--ifconfig,
// --ifconfig-ipv6, --topology, --route, --route-ipv6, --redirect-gateway,
// pushed or local) into netlink changes, and undo them on exit.
//
// What each topology puts on the device (2.6 on Linux):
//   subnet: local/netmask-length, no peer (ifconfig local netmask)
//   net30 / p2p: local peer remote/32 (ifconfig local remote)
// redirect-gateway def1 adds 0.0.0.0/1 and 128.0.0.0/1 via the VPN gateway
// instead of replacing the default route; without def1 the default route is
// replaced and restored on exit. Unless `local`, a /32 host route to the VPN
// server via the old gateway keeps the tunnel's own packets off the tunnel.
// bypass-dhcp adds the same for the DHCP server when it is not on-link.
// ipv6 adds ::/3 and 2000::/4, 3000::/4, fc00::/7 (2.6's four routes);
// !ipv4 leaves IPv4 alone.
//
// NetSetup records every change it made; restore() reverts them in reverse
// order (routes, then addresses), also when apply() failed half-way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/tun/netlink.hpp"

namespace ovpn::tun {

enum class Topology : std::uint8_t { Net30, P2p, Subnet };

struct IfconfigV4 {
    IpAddr local;
    IpAddr remote_or_netmask; // net30/p2p: the peer; subnet: the netmask
};
struct IfconfigV6 {
    IpAddr local;
    std::uint8_t prefixlen = 64;
    IpAddr remote; // --ifconfig-ipv6 local/bits remote; may be unset
};

// RouteSpec: one --route / --route-ipv6 after resolving "vpn_gateway",
// "net_gateway" and defaults; gateway unset = route-gateway / on-link.
struct RouteSpec {
    IpPrefix dst;
    IpAddr gateway;
    std::optional<std::uint32_t> metric;
};

struct RedirectGateway {
    bool enabled = false; // IPv4 (unless block_ipv4 / !ipv4)
    bool def1 = false;
    bool local = false;
    bool bypass_dhcp = false;
    bool bypass_dns = false;
    bool ipv6 = false;
    bool no_ipv4 = false;     // "!ipv4"
    bool block_local = false; // accepted, not implemented
    bool reroute = true;      // false for --redirect-private alone: bypass routes only
};

struct NetPlan {
    std::string ifname;
    std::uint32_t mtu = 1500;
    Topology topology = Topology::Net30;
    std::optional<IfconfigV4> ifconfig;
    std::optional<IfconfigV6> ifconfig_ipv6;
    IpAddr route_gateway;      // --route-gateway / pushed; default from topology
    IpAddr route_ipv6_gateway; // default: ifconfig_ipv6 remote
    std::vector<RouteSpec> routes;
    std::vector<RouteSpec> routes_ipv6;
    std::optional<std::uint32_t> route_metric; // --route-metric default
    RedirectGateway redirect;
    IpAddr remote_host; // the VPN server's address (for the bypass route)
    IpAddr dhcp_server; // bypass-dhcp
};

class NetSetup {
public:
    // NetSetup: `nl` and `log` must outlive it.
    NetSetup(Netlink& nl, Logger& log) : nl_(nl), log_(log) {}
    ~NetSetup() = default; // restore() is explicit: --persist-tun may keep state

    // apply_link: MTU, link up and addresses (the "ifconfig" step, before
    // the up script).
    Status<> apply_link(const NetPlan& plan);
    // apply_routes: routes and redirect-gateway (after --route-delay / the
    // up script). Route failures are logged and skipped, as in 2.6; only a
    // missing device is an error.
    Status<> apply_routes(const NetPlan& plan);
    // restore: undo everything done, newest first; errors are logged.
    void restore();

    // vpn_gateway: the gateway routes use by default under `plan`
    // (route_vpn_gateway in the script env).
    static IpAddr vpn_gateway(const NetPlan& plan);

private:
    struct Undo {
        enum class Kind : std::uint8_t { Route, Addr, ReAddRoute } kind; // ReAddRoute: we deleted it
        Route route;
        int ifindex = 0;
        IpAddr local, peer;
        std::uint8_t prefixlen = 0;
    };
    Status<> add_route_logged(const Route& r);
    void bypass_route(const IpAddr& host);
    void redirect_v4(const NetPlan& plan, int ifindex);
    void redirect_v6(const NetPlan& plan, int ifindex);

    Netlink& nl_;
    Logger& log_;
    std::vector<Undo> undo_;
};

} // namespace ovpn::tun
