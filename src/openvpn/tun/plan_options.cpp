// tun/plan_options.cpp: see plan_options.hpp.
#include "openvpn/tun/plan_options.hpp"

#include <cstdlib>

#include "openvpn/io/sock_addr.hpp"
#include "openvpn/options/helpers.hpp"

namespace ovpn::tun {

namespace {

constexpr Verb kV1 = Verb::Error;

// topology_of: what --ifconfig means on the device. On tap it is always
// "address netmask" (2.6: --topology does not apply to tap).
Topology topology_of(const options::Options& o)
{
    if (options::effective_dev_type(o) == "tap")
        return Topology::Subnet;
    switch (o.topology.value_or(options::Topology::Net30)) {
    case options::Topology::Subnet:
        return Topology::Subnet;
    case options::Topology::P2P:
        return Topology::P2p;
    case options::Topology::Net30:
        break;
    }
    return Topology::Net30;
}

// parse_uint: a whole decimal number in [0, max], or nullopt.
std::optional<std::uint32_t> parse_uint(const std::string& s, std::uint32_t max)
{
    if (s.empty() || s.size() > 10)
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > max)
        return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

struct Resolver {
    const NetPlan& plan;
    const PlanFacts& facts;

    // address: a numeric address, a keyword, or a host name (IPv4 only,
    // like 2.6's --route).
    std::optional<IpAddr> address(const std::string& s) const
    {
        if (s == "vpn_gateway")
            return plan.route_gateway.is_set() ? std::optional<IpAddr>(plan.route_gateway) : std::nullopt;
        if (s == "net_gateway")
            return facts.net_gateway.is_set() ? std::optional<IpAddr>(facts.net_gateway) : std::nullopt;
        if (s == "remote_host")
            return facts.remote_host.is_set() ? std::optional<IpAddr>(facts.remote_host) : std::nullopt;
        if (auto a = IpAddr::parse(s))
            return a;
        auto r = io::resolve(s, 0, io::Family::V4, io::SockType::Datagram);
        if (!r || r->empty())
            return std::nullopt;
        return IpAddr::parse(r->front().ip_string());
    }
};

bool is_default(const std::vector<std::string>& a, std::size_t i)
{
    return a.size() <= i || a[i] == "default";
}

std::optional<RouteSpec> route_v4(const options::Route& r, const Resolver& res)
{
    const auto& a = r.args;
    if (a.empty())
        return std::nullopt;
    auto dst = res.address(a[0]);
    if (!dst || dst->family != AF_INET)
        return std::nullopt;
    RouteSpec rs;
    rs.dst.addr = *dst;
    rs.dst.len = 32;
    if (!is_default(a, 1)) {
        auto m = IpAddr::parse(a[1]);
        if (!m || m->family != AF_INET)
            return std::nullopt;
        auto len = netmask_to_len(m->as_v4());
        if (!len)
            return std::nullopt;
        rs.dst.len = *len;
    }
    if (!is_default(a, 2) && a[2] != "vpn_gateway") {
        auto g = res.address(a[2]);
        if (!g || g->family != AF_INET)
            return std::nullopt;
        rs.gateway = *g;
    }
    if (!is_default(a, 3)) {
        auto m = parse_uint(a[3], 255);
        if (!m)
            return std::nullopt;
        rs.metric = *m;
    }
    return rs;
}

std::optional<RouteSpec> route_v6(const options::Route& r)
{
    const auto& a = r.args;
    if (a.empty())
        return std::nullopt;
    const auto slash = a[0].find('/');
    auto dst = IpAddr::parse(a[0].substr(0, slash));
    if (!dst || dst->family != AF_INET6)
        return std::nullopt;
    RouteSpec rs;
    rs.dst.addr = *dst;
    rs.dst.len = 128;
    if (slash != std::string::npos) {
        auto len = parse_uint(a[0].substr(slash + 1), 128);
        if (!len)
            return std::nullopt;
        rs.dst.len = static_cast<std::uint8_t>(*len);
    }
    if (!is_default(a, 1) && a[1] != "vpn_gateway") {
        auto g = IpAddr::parse(a[1]);
        if (!g || g->family != AF_INET6)
            return std::nullopt;
        rs.gateway = *g;
    }
    if (!is_default(a, 2)) {
        auto m = parse_uint(a[2], 0xffffffffu);
        if (!m)
            return std::nullopt;
        rs.metric = *m;
    }
    return rs;
}

std::string joined(const std::vector<std::string>& a)
{
    std::string s;
    for (const auto& w : a)
        s += (s.empty() ? "" : " ") + w;
    return s;
}

} // namespace

Result<NetPlan> plan_from_options(const options::Options& o, const PlanFacts& facts, Logger& log)
{
    NetPlan plan;
    plan.ifname = facts.ifname;
    plan.mtu = facts.mtu;
    plan.topology = topology_of(o);
    plan.remote_host = facts.remote_host;
    if (o.ifconfig) {
        auto l = IpAddr::parse(o.ifconfig->first);
        auto r = IpAddr::parse(o.ifconfig->second);
        if (!l || !r)
            return Err("bad --ifconfig " + o.ifconfig->first + " " + o.ifconfig->second);
        plan.ifconfig = IfconfigV4{*l, *r};
    }
    if (o.ifconfig_ipv6) {
        const std::string& a = o.ifconfig_ipv6->first;
        const auto slash = a.find('/');
        auto l = IpAddr::parse(a.substr(0, slash));
        if (!l || l->family != AF_INET6)
            return Err("bad --ifconfig-ipv6 " + a);
        IfconfigV6 v6;
        v6.local = *l;
        if (slash != std::string::npos) {
            auto bits = parse_uint(a.substr(slash + 1), 128);
            if (!bits)
                return Err("bad --ifconfig-ipv6 " + a);
            v6.prefixlen = static_cast<std::uint8_t>(*bits);
        }
        if (auto r = IpAddr::parse(o.ifconfig_ipv6->second))
            v6.remote = *r;
        plan.ifconfig_ipv6 = v6;
    }
    if (o.route_gateway)
        if (auto g = IpAddr::parse(*o.route_gateway))
            plan.route_gateway = *g;
    if (o.route_ipv6_gateway)
        if (auto g = IpAddr::parse(*o.route_ipv6_gateway))
            plan.route_ipv6_gateway = *g;
    plan.route_metric = facts.default_metric;
    if (o.route_metric && *o.route_metric > 0) // 2.6: --route-metric 0 keeps the default
        plan.route_metric = static_cast<std::uint32_t>(*o.route_metric);
    const Resolver res{plan, facts};
    for (const auto& r : o.routes) {
        if (auto rs = route_v4(r, res))
            plan.routes.push_back(*rs);
        else
            log.logf(kV1, "route: failed to parse/resolve route for host/network: %s",
                     joined(r.args).c_str());
    }
    for (const auto& r : o.routes_ipv6) {
        if (auto rs = route_v6(r))
            plan.routes_ipv6.push_back(*rs);
        else
            log.logf(kV1, "route-ipv6: failed to parse route for network: %s", joined(r.args).c_str());
    }
    // --redirect-private: the same flags, without moving the default route
    // (2.6 sets RG_ENABLE alone; "ipv6" still redirects IPv6).
    std::vector<std::string> flags;
    for (const auto* given : {&o.redirect_gateway, &o.redirect_private})
        if (*given)
            flags.insert(flags.end(), (*given)->begin(), (*given)->end());
    if (o.redirect_gateway || o.redirect_private) {
        plan.redirect.enabled = true;
        plan.redirect.reroute = o.redirect_gateway.has_value();
        for (const auto& f : flags) {
            plan.redirect.def1 = plan.redirect.def1 || f == "def1";
            plan.redirect.local = plan.redirect.local || f == "local";
            plan.redirect.bypass_dhcp = plan.redirect.bypass_dhcp || f == "bypass-dhcp";
            plan.redirect.ipv6 = plan.redirect.ipv6 || f == "ipv6";
            plan.redirect.no_ipv4 = plan.redirect.no_ipv4 || f == "!ipv4";
            if (f == "block-local" || f == "bypass-dns")
                log.logf(
                    kV1,
                    "WARNING: --redirect-gateway %s is not implemented by this build; ignoring that flag",
                    f.c_str());
        }
    }
    return plan;
}

} // namespace ovpn::tun
