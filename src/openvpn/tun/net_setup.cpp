// tun/net_setup.cpp: ifconfig / routes / redirect-gateway with an undo log.
#include "openvpn/tun/net_setup.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

namespace ovpn::tun {
namespace {

IpPrefix prefix(const char* addr, std::uint8_t len)
{
    return IpPrefix{*IpAddr::parse(addr), len};
}

} // namespace

IpAddr NetSetup::vpn_gateway(const NetPlan& plan)
{
    if (plan.route_gateway.is_set())
        return plan.route_gateway;
    if (plan.ifconfig && plan.topology != Topology::Subnet)
        return plan.ifconfig->remote_or_netmask;
    return {};
}

Status<> NetSetup::apply_link(const NetPlan& plan)
{
    auto idx = nl_.ifindex(plan.ifname);
    if (!idx)
        return Err{idx.error()};
    auto st = nl_.set_link(*idx, plan.mtu, true);
    if (!st)
        return st;
    if (plan.ifconfig) {
        const auto& ic = *plan.ifconfig;
        IpAddr peer;
        std::uint8_t len = 32;
        if (plan.topology == Topology::Subnet) {
            auto l = netmask_to_len(ic.remote_or_netmask.as_v4());
            if (!l)
                return Err{strfmt("ifconfig: bad netmask %s", ic.remote_or_netmask.to_string().c_str())};
            len = *l;
        } else {
            peer = ic.remote_or_netmask;
        }
        st = nl_.add_addr(*idx, ic.local, len, peer);
        if (!st)
            return st;
        undo_.push_back(Undo{Undo::Kind::Addr, {}, *idx, ic.local, peer, len});
        log_.logf(Verb::Info, "net_addr_v4_add: %s/%u dev %s", ic.local.to_string().c_str(), len,
                  plan.ifname.c_str());
    }
    if (plan.ifconfig_ipv6) {
        const auto& ic = *plan.ifconfig_ipv6;
        st = nl_.add_addr(*idx, ic.local, ic.prefixlen);
        if (!st)
            return st;
        undo_.push_back(Undo{Undo::Kind::Addr, {}, *idx, ic.local, {}, ic.prefixlen});
        log_.logf(Verb::Info, "net_addr_v6_add: %s/%u dev %s", ic.local.to_string().c_str(), ic.prefixlen,
                  plan.ifname.c_str());
    }
    return Ok{};
}

Status<> NetSetup::add_route_logged(const Route& r)
{
    auto st = nl_.add_route(r);
    if (!st) {
        log_.logf(Verb::Error, "ERROR: Linux route add command failed: %s", st.error().c_str());
        return st;
    }
    undo_.push_back(Undo{Undo::Kind::Route, r, 0, {}, {}, 0});
    log_.logf(Verb::Info, "net_route_add: %s", r.to_string().c_str());
    return Ok{};
}

void NetSetup::bypass_route(const IpAddr& host)
{
    if (!host.is_set())
        return;
    auto via = nl_.lookup(host);
    if (!via || !via->gateway.is_set())
        return; // on-link or unreachable: nothing to bypass
    Route r;
    r.dst = IpPrefix{host, static_cast<std::uint8_t>(host.family == AF_INET ? 32 : 128)};
    r.gateway = via->gateway;
    r.ifindex = via->ifindex;
    (void)add_route_logged(r);
}

void NetSetup::redirect_v4(const NetPlan& plan, int ifindex)
{
    const auto& rg = plan.redirect;
    const IpAddr gw = vpn_gateway(plan);
    if (!gw.is_set() && rg.reroute) {
        log_.write(Verb::Error, "NOTE: unable to redirect IPv4 default gateway -- VPN gateway parameter "
                                "(--route-gateway or --ifconfig) is missing");
        return;
    }
    if (!rg.local && plan.remote_host.family == AF_INET)
        bypass_route(plan.remote_host);
    if (rg.bypass_dhcp && plan.dhcp_server.is_set())
        bypass_route(plan.dhcp_server);
    if (!rg.reroute)
        return; // --redirect-private: the default route stays (2.6: no RG_REROUTE_GW)
    if (rg.def1) {
        for (const char* net : {"0.0.0.0", "128.0.0.0"})
            (void)add_route_logged(Route{prefix(net, 1), gw, ifindex, std::nullopt});
        return;
    }
    // Without def1 the default route itself is replaced, and put back by
    // restore().
    auto old = nl_.default_route(AF_INET);
    if (old) {
        if (nl_.del_route(*old))
            undo_.push_back(Undo{Undo::Kind::ReAddRoute, *old, 0, {}, {}, 0});
        else
            log_.write(Verb::Error, "redirect-gateway: could not delete the old default route");
    }
    (void)add_route_logged(Route{prefix("0.0.0.0", 0), gw, ifindex, std::nullopt});
}

void NetSetup::redirect_v6(const NetPlan& plan, int ifindex)
{
    IpAddr gw = plan.route_ipv6_gateway;
    if (!gw.is_set() && plan.ifconfig_ipv6)
        gw = plan.ifconfig_ipv6->remote;
    if (!plan.redirect.local && plan.remote_host.family == AF_INET6)
        bypass_route(plan.remote_host);
    // 2.6's four routes cover everything routable without touching ::/0.
    const std::pair<const char*, std::uint8_t> nets[] = {
        {"::", 3}, {"2000::", 4}, {"3000::", 4}, {"fc00::", 7}};
    for (const auto& [net, len] : nets)
        (void)add_route_logged(Route{prefix(net, len), gw, ifindex, std::nullopt});
}

Status<> NetSetup::apply_routes(const NetPlan& plan)
{
    auto idx = nl_.ifindex(plan.ifname);
    if (!idx)
        return Err{idx.error()};
    const IpAddr gw4 = vpn_gateway(plan);
    for (const auto& rs : plan.routes) {
        Route r{rs.dst, rs.gateway.is_set() ? rs.gateway : gw4, 0, rs.metric ? rs.metric : plan.route_metric};
        if (!rs.gateway.is_set() || rs.gateway == gw4)
            r.ifindex = *idx;
        (void)add_route_logged(r);
    }
    IpAddr gw6 = plan.route_ipv6_gateway;
    if (!gw6.is_set() && plan.ifconfig_ipv6)
        gw6 = plan.ifconfig_ipv6->remote;
    for (const auto& rs : plan.routes_ipv6) {
        Route r{rs.dst, rs.gateway.is_set() ? rs.gateway : gw6, *idx,
                rs.metric ? rs.metric : plan.route_metric};
        (void)add_route_logged(r);
    }
    if (plan.redirect.enabled && !plan.redirect.no_ipv4)
        redirect_v4(plan, *idx);
    if (plan.redirect.ipv6)
        redirect_v6(plan, *idx);
    return Ok{};
}

void NetSetup::restore()
{
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
        Status<> st = Ok{};
        switch (it->kind) {
        case Undo::Kind::Route:
            st = nl_.del_route(it->route);
            break;
        case Undo::Kind::ReAddRoute:
            st = nl_.add_route(it->route);
            break;
        case Undo::Kind::Addr:
            st = nl_.del_addr(it->ifindex, it->local, it->prefixlen, it->peer);
            break;
        }
        if (!st)
            log_.logf(Verb::Error, "restore: %s", st.error().c_str());
    }
    undo_.clear();
}

} // namespace ovpn::tun
