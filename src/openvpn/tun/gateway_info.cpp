// tun/gateway_info.cpp: see gateway_info.hpp.
#include "openvpn/tun/gateway_info.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>
#include <memory>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "openvpn/core/log.hpp"

namespace ovpn::tun {

namespace {

struct SockDel {
    void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
};
struct CacheDel {
    void operator()(nl_cache* c) const noexcept { nl_cache_free(c); }
};
using CachePtr = std::unique_ptr<nl_cache, CacheDel>;

// Caches: the links and addresses, dumped once for the interface scan.
struct Caches {
    std::unique_ptr<nl_sock, SockDel> sk;
    CachePtr links, addrs;
};

bool load(Caches& c)
{
    c.sk.reset(nl_socket_alloc());
    if (!c.sk || nl_connect(c.sk.get(), NETLINK_ROUTE) < 0)
        return false;
    nl_cache* links = nullptr;
    nl_cache* addrs = nullptr;
    if (rtnl_link_alloc_cache(c.sk.get(), AF_UNSPEC, &links) < 0)
        return false;
    c.links.reset(links);
    if (rtnl_addr_alloc_cache(c.sk.get(), &addrs) < 0)
        return false;
    c.addrs.reset(addrs);
    return true;
}

std::string ifname(int ifindex)
{
    char name[IF_NAMESIZE] = {};
    return ifindex > 0 && if_indextoname(static_cast<unsigned>(ifindex), name) ? name : "";
}

std::array<std::uint8_t, 6> hwaddr_of(rtnl_link* link)
{
    std::array<std::uint8_t, 6> hw{}; // a device without one reads as zeros
    nl_addr* a = link ? rtnl_link_get_addr(link) : nullptr;
    if (a && nl_addr_get_len(a) >= hw.size())
        std::memcpy(hw.data(), nl_addr_get_binary_addr(a), hw.size());
    return hw;
}

// matches: whether IPv4 address `a` on a device is the one 2.6's scan
// picks for `g` (up; for ON_LINK on the route's device, else in the
// gateway's subnet), setting the netmask when it is.
bool matches(rtnl_addr* a, const std::string& name, rtnl_link* link, const std::string& route_dev,
             GatewayInfo& g)
{
    if (!link || !(rtnl_link_get_flags(link) & IFF_UP))
        return false;
    if (g.on_link)
        return name == route_dev;
    nl_addr* local = rtnl_addr_get_local(a);
    if (!local || nl_addr_get_len(local) != 4)
        return false;
    const unsigned len = rtnl_addr_get_prefixlen(a);
    std::uint32_t mine = 0;
    std::memcpy(&mine, nl_addr_get_binary_addr(local), 4);
    const std::uint32_t mask = len_to_netmask(static_cast<std::uint8_t>(len)).s_addr;
    if (((mine ^ g.gateway.as_v4().s_addr) & mask) != 0)
        return false;
    g.netlen = static_cast<std::uint8_t>(len);
    return true;
}

// scan_interfaces: the device part of the IPv4 facts.
void scan_interfaces(GatewayInfo& g, const std::string& route_dev)
{
    Caches c;
    if (!load(c))
        return;
    for (nl_object* o = nl_cache_get_first(c.addrs.get()); o; o = nl_cache_get_next(o)) {
        auto* a = reinterpret_cast<rtnl_addr*>(o);
        if (rtnl_addr_get_family(a) != AF_INET)
            continue;
        rtnl_link* link = rtnl_link_get(c.links.get(), rtnl_addr_get_ifindex(a));
        const char* label = rtnl_addr_get_label(a); // SIOCGIFCONF's name
        const std::string name = label && *label ? label : ifname(rtnl_addr_get_ifindex(a));
        const bool hit = matches(a, name, link, route_dev, g);
        if (hit) {
            g.iface = name;
            g.hwaddr = hwaddr_of(link);
        }
        if (link)
            rtnl_link_put(link);
        if (hit)
            return;
    }
}

} // namespace

GatewayInfo default_gateway_v4()
{
    GatewayInfo g;
    g.gateway.family = AF_INET;
    auto nl = Netlink::open();
    if (!nl)
        return g;
    g.defined = true; // 2.6 reports 0.0.0.0 when there is no default route
    std::string route_dev;
    if (auto r = (*nl)->default_route(AF_INET)) {
        if (r->gateway.is_set())
            g.gateway = r->gateway;
        route_dev = ifname(r->ifindex);
        g.on_link = !r->gateway.is_set() && !route_dev.empty();
    }
    scan_interfaces(g, route_dev);
    return g;
}

GatewayInfo default_gateway_v6(const in6_addr& target, int& kernel_errno)
{
    GatewayInfo g;
    kernel_errno = 0;
    auto nl = Netlink::open();
    if (!nl)
        return g;
    auto r = (*nl)->lookup(IpAddr::v6(target), &kernel_errno);
    if (!r)
        return g;
    g.iface = ifname(r->ifindex);
    g.defined = r->gateway.is_set() || !g.iface.empty();
    g.on_link = !r->gateway.is_set();
    g.gateway = g.on_link ? IpAddr::v6(target) : r->gateway;
    return g;
}

std::string format_gateway(const GatewayInfo& g)
{
    const bool v6 = g.gateway.family == AF_INET6;
    std::string out = v6 ? "ROUTE6_GATEWAY" : "ROUTE_GATEWAY";
    // IPv4 shows ON_LINK instead of the address, IPv6 after it (as 2.6).
    if (v6 || !g.on_link)
        out += " " + g.gateway.to_string();
    if (g.on_link)
        out += " ON_LINK";
    if (g.netlen) {
        char mask[INET_ADDRSTRLEN] = {};
        const in_addr m = len_to_netmask(*g.netlen);
        inet_ntop(AF_INET, &m, mask, sizeof mask);
        out += std::string("/") + mask;
    }
    if (!g.iface.empty())
        out += " IFACE=" + g.iface;
    if (g.hwaddr) {
        const auto& h = *g.hwaddr;
        out += strfmt(" HWADDR=%02x:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2], h[3], h[4], h[5]);
    }
    return out;
}

} // namespace ovpn::tun
