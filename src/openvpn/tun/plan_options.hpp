// tun/plan_options.hpp: the NetPlan that the options ask for. One reading of
// --topology, --ifconfig, --ifconfig-ipv6, --route, --route-ipv6,
// --route-gateway, --route-ipv6-gateway, --route-metric and
// --redirect-gateway for the client (after the push), the p2p peer and the
// server (from their config).
//
// --route follows 2.6: "network [netmask [gateway [metric]]]" where network
// and gateway may be an address, a host name (resolved here, IPv4), or one
// of vpn_gateway, net_gateway, remote_host; "default" in any place means the
// default (netmask 255.255.255.255, gateway vpn_gateway, --route-metric).
// --route-ipv6 is "network/bits [gateway [metric]]", gateway defaulting to
// the --ifconfig-ipv6 remote. A route that does not parse or resolve is
// logged and left out, as 2.6 does ("route: failed to parse/resolve ...");
// a bad --ifconfig is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/tun/net_setup.hpp"

namespace ovpn::tun {

// kDcoRouteMetric: 2.6's DCO_DEFAULT_METRIC, the metric of --route /
// --route-ipv6 routes without one when DCO carries the data, so that the
// iroutes (metric 100) always win.
inline constexpr std::uint32_t kDcoRouteMetric = 200;

struct PlanFacts {
    std::string ifname;
    std::uint32_t mtu = 1500;
    IpAddr remote_host; // the peer's transport address (remote_host, bypass route)
    IpAddr net_gateway; // the default gateway before the VPN (net_gateway)
    // default_metric: the routes' metric when neither the route nor
    // --route-metric gives one (kDcoRouteMetric under DCO, as 2.6).
    std::optional<std::uint32_t> default_metric;
};

Result<NetPlan> plan_from_options(const options::Options& o, const PlanFacts& facts, Logger& log);

} // namespace ovpn::tun
