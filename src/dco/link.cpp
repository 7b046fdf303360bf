// dco/link.cpp: see link.hpp.
#include "dco/link.hpp"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "dco/genl_socket.hpp"
#include "dco/messages.hpp"
#include "dco/uapi/ovpn_dco_v2.hpp"

namespace ovpn::dco {
namespace {

Bytes ifinfo_bytes(const ifinfomsg& ifi)
{
    return Bytes(reinterpret_cast<const std::uint8_t*>(&ifi), sizeof ifi);
}

std::string nul_string(Bytes b)
{
    std::string s(reinterpret_cast<const char*>(b.data()), b.size());
    if (auto nul = s.find('\0'); nul != std::string::npos)
        s.resize(nul);
    return s;
}

// libnl objects, freed on every path.
struct RouteFree {
    void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct AddrFree {
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct MsgFree {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};

std::size_t addr_len(int family)
{
    return family == AF_INET6 ? 16 : 4;
}

} // namespace

// ---- builders and parser ---------------------------------------------------

Result<SecureBytes> build_newlink(std::string_view name, LinkMode mode, std::uint32_t seq)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
        return Err{std::string("interface name must be 1..15 characters")};
    NlWriter w;
    auto msg = w.begin_msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_PACKET;
    w.put_raw(ifinfo_bytes(ifi));
    w.put_string(IFLA_IFNAME, name);
    auto linkinfo = w.begin_nest(IFLA_LINKINFO, false);
    w.put_string(IFLA_INFO_KIND, uapi::kLinkKind);
    auto data = w.begin_nest(IFLA_INFO_DATA, false);
    w.put_u8(uapi::IFLA_OVPN_MODE, static_cast<std::uint8_t>(mode));
    w.end_nest(data);
    w.end_nest(linkinfo);
    w.end_msg(msg);
    return w.finish();
}

Result<SecureBytes> build_dellink(std::uint32_t ifindex, std::uint32_t seq)
{
    NlWriter w;
    auto msg = w.begin_msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = static_cast<int>(ifindex);
    w.put_raw(ifinfo_bytes(ifi));
    w.end_msg(msg);
    return w.finish();
}

Result<SecureBytes> build_getlink(std::string_view name, std::uint32_t seq)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
        return Err{std::string("interface name must be 1..15 characters")};
    NlWriter w;
    auto msg = w.begin_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    w.put_raw(ifinfo_bytes(ifi));
    w.put_string(IFLA_IFNAME, name);
    w.end_msg(msg);
    return w.finish();
}

Result<std::vector<std::uint8_t>> build_route(const RouteSpec& r, bool add, std::uint32_t seq)
{
    if (r.family != AF_INET && r.family != AF_INET6)
        return Err{std::string("route: family must be AF_INET or AF_INET6")};
    std::unique_ptr<rtnl_route, RouteFree> route(rtnl_route_alloc());
    std::unique_ptr<nl_addr, AddrFree> dst(nl_addr_build(r.family, r.dst.data(), addr_len(r.family)));
    std::unique_ptr<nl_addr, AddrFree> gw(nl_addr_build(r.family, r.gw.data(), addr_len(r.family)));
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (!route || !dst || !gw || !nh) {
        if (nh)
            rtnl_route_nh_free(nh);
        return Err{std::string("route: out of memory")};
    }
    nl_addr_set_prefixlen(dst.get(), r.prefix_len);
    rtnl_route_set_family(route.get(), static_cast<std::uint8_t>(r.family));
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    rtnl_route_set_priority(route.get(), r.metric);
    rtnl_route_set_dst(route.get(), dst.get());
    rtnl_route_nh_set_ifindex(nh, static_cast<int>(r.ifindex));
    rtnl_route_nh_set_gateway(nh, gw.get());
    rtnl_route_add_nexthop(route.get(), nh); // the route owns nh now
    nl_msg* raw = nullptr;
    int flags = NLM_F_REQUEST | NLM_F_ACK;
    int rc = add ? rtnl_route_build_add_request(route.get(), flags, &raw)
                 : rtnl_route_build_del_request(route.get(), flags, &raw);
    if (rc < 0)
        return Err{std::string("route: ") + nl_geterror(rc)};
    std::unique_ptr<nl_msg, MsgFree> msg(raw);
    nlmsghdr* h = nlmsg_hdr(msg.get());
    h->nlmsg_seq = seq;
    h->nlmsg_pid = 0;
    const auto* p = reinterpret_cast<const std::uint8_t*>(h);
    return std::vector<std::uint8_t>(p, p + h->nlmsg_len);
}

Result<LinkInfo> parse_link_reply(Bytes payload)
{
    if (payload.size() < sizeof(ifinfomsg))
        return Err{std::string("RTM_NEWLINK reply too short")};
    ifinfomsg ifi;
    std::memcpy(&ifi, payload.data(), sizeof ifi);
    auto attrs = parse_attrs(payload.subspan(NLMSG_ALIGN(sizeof(ifinfomsg))));
    if (!attrs)
        return Err{"RTM_NEWLINK reply: " + attrs.error()};
    LinkInfo li;
    li.ifindex = static_cast<std::uint32_t>(ifi.ifi_index);
    if (auto n = attrs->get(IFLA_IFNAME))
        li.name = nul_string(*n);
    if (auto info = attrs->get(IFLA_LINKINFO)) {
        auto inner = parse_attrs(*info);
        if (!inner)
            return Err{"IFLA_LINKINFO: " + inner.error()};
        if (auto k = inner->get(IFLA_INFO_KIND))
            li.kind = nul_string(*k);
    }
    return li;
}

// ---- RtnlSocket ------------------------------------------------------------

RtnlSocket::RtnlSocket(std::unique_ptr<NlSocket> s) : sock_(std::move(s))
{
}
RtnlSocket::~RtnlSocket() = default;

Result<std::unique_ptr<RtnlSocket>> RtnlSocket::open()
{
    auto s = NlSocket::open(NETLINK_ROUTE);
    if (!s)
        return Err{s.error()};
    return std::unique_ptr<RtnlSocket>(new RtnlSocket(std::move(*s)));
}

int RtnlSocket::last_errno() const
{
    return sock_->last_errno();
}

Status<> RtnlSocket::send(Result<SecureBytes> msg, std::uint32_t seq, std::string_view what)
{
    if (!msg)
        return Err{std::string(what) + ": " + msg.error()};
    auto r = sock_->transact(*msg, seq, what);
    if (!r)
        return Err{r.error()};
    return Ok{};
}

Result<LinkInfo> RtnlSocket::get_link(std::string_view name)
{
    std::uint32_t seq = sock_->next_seq();
    auto msg = build_getlink(name, seq);
    if (!msg)
        return Err{msg.error()};
    auto replies = sock_->transact(*msg, seq, "RTM_GETLINK " + std::string(name));
    if (!replies)
        return Err{replies.error()};
    for (const auto& r : *replies) {
        if (r.type == RTM_NEWLINK)
            return parse_link_reply(r.payload);
    }
    return Err{"RTM_GETLINK " + std::string(name) + ": no reply"};
}

Result<LinkInfo> RtnlSocket::new_link(std::string_view name, LinkMode mode)
{
    std::uint32_t seq = sock_->next_seq();
    if (auto st = send(build_newlink(name, mode, seq), seq, "RTM_NEWLINK " + std::string(name)); !st)
        return Err{st.error()};
    return get_link(name);
}

Status<> RtnlSocket::del_link(std::uint32_t ifindex)
{
    std::uint32_t seq = sock_->next_seq();
    return send(build_dellink(ifindex, seq), seq, "RTM_DELLINK");
}

Status<> RtnlSocket::add_route(const RouteSpec& r)
{
    std::uint32_t seq = sock_->next_seq();
    auto msg = build_route(r, true, seq);
    if (!msg)
        return Err{msg.error()};
    auto rep = sock_->transact(*msg, seq, "route add " + route_text(r));
    if (!rep)
        return Err{rep.error()};
    return Ok{};
}

Status<> RtnlSocket::del_route(const RouteSpec& r)
{
    std::uint32_t seq = sock_->next_seq();
    auto msg = build_route(r, false, seq);
    if (!msg)
        return Err{msg.error()};
    auto rep = sock_->transact(*msg, seq, "route del " + route_text(r));
    if (!rep)
        return Err{rep.error()};
    return Ok{};
}

// ---- one-shot helpers ------------------------------------------------------

Result<std::uint32_t> create_link(std::string_view name, LinkMode mode)
{
    auto s = RtnlSocket::open();
    if (!s)
        return Err{s.error()};
    auto li = (*s)->new_link(name, mode);
    if (!li)
        return Err{li.error()};
    return li->ifindex;
}

Status<> delete_link(std::uint32_t ifindex)
{
    auto s = RtnlSocket::open();
    if (!s)
        return Err{s.error()};
    return (*s)->del_link(ifindex);
}

Result<std::uint32_t> link_index(std::string_view name)
{
    std::string n(name);
    unsigned idx = if_nametoindex(n.c_str());
    if (idx == 0)
        return Err{"interface " + n + ": " + std::strerror(errno)};
    return static_cast<std::uint32_t>(idx);
}

} // namespace ovpn::dco
