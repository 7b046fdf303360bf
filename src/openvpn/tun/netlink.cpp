// tun/netlink.cpp: rtnetlink through libnl-3 route. Objects are built,
// sent with an ACK, and freed in each call; nothing is cached.
#include "openvpn/tun/netlink.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cstring>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "openvpn/core/log.hpp"

namespace ovpn::tun {

// ---- IpAddr / IpPrefix helpers ----

IpAddr IpAddr::v4(in_addr a)
{
    IpAddr r;
    r.family = AF_INET;
    std::memcpy(r.bytes, &a, 4);
    return r;
}

IpAddr IpAddr::v6(const in6_addr& a)
{
    IpAddr r;
    r.family = AF_INET6;
    std::memcpy(r.bytes, &a, 16);
    return r;
}

std::optional<IpAddr> IpAddr::parse(const std::string& s)
{
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1)
        return v4(a4);
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1)
        return v6(a6);
    return std::nullopt;
}

in_addr IpAddr::as_v4() const noexcept
{
    in_addr a{};
    std::memcpy(&a, bytes, 4);
    return a;
}

in6_addr IpAddr::as_v6() const noexcept
{
    in6_addr a{};
    std::memcpy(&a, bytes, 16);
    return a;
}

std::string IpAddr::to_string() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET || family == AF_INET6)
        inet_ntop(family, bytes, buf, sizeof buf);
    return buf;
}

bool operator==(const IpAddr& a, const IpAddr& b) noexcept
{
    if (a.family != b.family)
        return false;
    return std::memcmp(a.bytes, b.bytes, a.family == AF_INET ? 4 : 16) == 0;
}

std::string IpPrefix::to_string() const
{
    return strfmt("%s/%u", addr.to_string().c_str(), len);
}

std::optional<std::uint8_t> netmask_to_len(in_addr mask)
{
    std::uint32_t m = ntohl(mask.s_addr);
    std::uint8_t len = 0;
    while (len < 32 && (m & (0x80000000u >> len)))
        ++len;
    if (len < 32 && (m << len) != 0)
        return std::nullopt;
    return len;
}

in_addr len_to_netmask(std::uint8_t len)
{
    in_addr a{};
    a.s_addr = htonl(len == 0 ? 0 : len >= 32 ? 0xFFFFFFFFu : ~((1u << (32 - len)) - 1));
    return a;
}

std::string Route::to_string() const
{
    std::string s = dst.to_string();
    if (gateway.is_set())
        s += " via " + gateway.to_string();
    if (ifindex)
        s += strfmt(" dev #%d", ifindex);
    if (metric)
        s += strfmt(" metric %u", *metric);
    return s;
}

// ---- libnl plumbing ----

namespace {

struct NlAddrDel {
    void operator()(nl_addr* a) const noexcept { nl_addr_put(a); }
};
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrDel>;

NlAddrPtr make_nl_addr(const IpAddr& a, int prefixlen = -1)
{
    nl_addr* na = nl_addr_build(a.family, a.bytes, a.family == AF_INET ? 4 : 16);
    if (na && prefixlen >= 0)
        nl_addr_set_prefixlen(na, prefixlen);
    return NlAddrPtr(na);
}

IpAddr from_nl_addr(nl_addr* na)
{
    IpAddr r;
    if (!na)
        return r;
    int fam = nl_addr_get_family(na);
    unsigned len = nl_addr_get_len(na);
    if ((fam == AF_INET && len == 4) || (fam == AF_INET6 && len == 16)) {
        r.family = fam;
        std::memcpy(r.bytes, nl_addr_get_binary_addr(na), len);
    }
    return r;
}

std::string nlerr(int rc)
{
    return nl_geterror(rc);
}

} // namespace

struct Netlink::Impl {
    nl_sock* sk = nullptr;
    ~Impl()
    {
        if (sk)
            nl_socket_free(sk);
    }
};

Netlink::Netlink(std::unique_ptr<Impl> impl) : impl_(std::move(impl))
{
}
Netlink::~Netlink() = default;

Result<std::unique_ptr<Netlink>> Netlink::open()
{
    auto impl = std::make_unique<Impl>();
    impl->sk = nl_socket_alloc();
    if (!impl->sk)
        return Err{std::string("netlink: cannot allocate socket")};
    int rc = nl_connect(impl->sk, NETLINK_ROUTE);
    if (rc < 0)
        return Err{"netlink: connect: " + nlerr(rc)};
    return std::unique_ptr<Netlink>(new Netlink(std::move(impl)));
}

Result<int> Netlink::ifindex(const std::string& ifname)
{
    unsigned idx = if_nametoindex(ifname.c_str());
    if (idx == 0)
        return Err{strfmt("no such network device: %s", ifname.c_str())};
    return static_cast<int>(idx);
}

Status<> Netlink::set_link(int ifindex, std::uint32_t mtu, bool up)
{
    rtnl_link* orig = rtnl_link_alloc();
    rtnl_link* change = rtnl_link_alloc();
    rtnl_link_set_ifindex(orig, ifindex);
    if (mtu)
        rtnl_link_set_mtu(change, mtu);
    if (up)
        rtnl_link_set_flags(change, IFF_UP);
    else
        rtnl_link_unset_flags(change, IFF_UP);
    int rc = rtnl_link_change(impl_->sk, orig, change, 0);
    rtnl_link_put(orig);
    rtnl_link_put(change);
    if (rc < 0)
        return Err{strfmt("RTNETLINK set link #%d mtu %u %s: %s", ifindex, mtu, up ? "up" : "down",
                          nlerr(rc).c_str())};
    return Ok{};
}

static rtnl_addr* build_addr(int ifindex, const IpAddr& local, std::uint8_t prefixlen, const IpAddr& peer)
{
    rtnl_addr* a = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(a, ifindex);
    rtnl_addr_set_family(a, local.family);
    auto l = make_nl_addr(local, prefixlen);
    rtnl_addr_set_local(a, l.get());
    if (peer.is_set()) {
        auto p = make_nl_addr(peer, prefixlen);
        rtnl_addr_set_peer(a, p.get());
    }
    rtnl_addr_set_prefixlen(a, prefixlen);
    return a;
}

Status<> Netlink::add_addr(int ifindex, const IpAddr& local, std::uint8_t prefixlen, const IpAddr& peer)
{
    rtnl_addr* a = build_addr(ifindex, local, prefixlen, peer);
    int rc = rtnl_addr_add(impl_->sk, a, NLM_F_REPLACE);
    rtnl_addr_put(a);
    if (rc < 0)
        return Err{strfmt("RTNETLINK add address %s/%u%s%s: %s", local.to_string().c_str(), prefixlen,
                          peer.is_set() ? " peer " : "", peer.is_set() ? peer.to_string().c_str() : "",
                          nlerr(rc).c_str())};
    return Ok{};
}

Status<> Netlink::del_addr(int ifindex, const IpAddr& local, std::uint8_t prefixlen, const IpAddr& peer)
{
    rtnl_addr* a = build_addr(ifindex, local, prefixlen, peer);
    int rc = rtnl_addr_delete(impl_->sk, a, 0);
    rtnl_addr_put(a);
    if (rc < 0)
        return Err{strfmt("RTNETLINK delete address %s/%u: %s", local.to_string().c_str(), prefixlen,
                          nlerr(rc).c_str())};
    return Ok{};
}

static rtnl_route* build_route(const Route& r)
{
    rtnl_route* rt = rtnl_route_alloc();
    rtnl_route_set_family(rt, r.dst.addr.family);
    rtnl_route_set_table(rt, RT_TABLE_MAIN);
    rtnl_route_set_protocol(rt, RTPROT_BOOT);
    rtnl_route_set_type(rt, r.type);
    rtnl_route_set_scope(rt, r.gateway.is_set() || r.type != RTN_UNICAST ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
    auto dst = make_nl_addr(r.dst.addr, r.dst.len);
    rtnl_route_set_dst(rt, dst.get());
    if (r.metric)
        rtnl_route_set_priority(rt, *r.metric);
    if (r.type == RTN_UNICAST && (r.gateway.is_set() || r.ifindex)) {
        rtnl_nexthop* nh = rtnl_route_nh_alloc();
        if (r.ifindex)
            rtnl_route_nh_set_ifindex(nh, r.ifindex);
        if (r.gateway.is_set()) {
            auto gw = make_nl_addr(r.gateway);
            rtnl_route_nh_set_gateway(nh, gw.get());
        }
        rtnl_route_add_nexthop(rt, nh); // the route owns nh now
    }
    return rt;
}

Status<> Netlink::add_route(const Route& r)
{
    rtnl_route* rt = build_route(r);
    int rc = rtnl_route_add(impl_->sk, rt, NLM_F_EXCL);
    rtnl_route_put(rt);
    if (rc < 0)
        return Err{strfmt("RTNETLINK add route %s: %s", r.to_string().c_str(), nlerr(rc).c_str())};
    return Ok{};
}

Status<> Netlink::del_route(const Route& r)
{
    rtnl_route* rt = build_route(r);
    int rc = rtnl_route_delete(impl_->sk, rt, 0);
    rtnl_route_put(rt);
    if (rc < 0)
        return Err{strfmt("RTNETLINK delete route %s: %s", r.to_string().c_str(), nlerr(rc).c_str())};
    return Ok{};
}

Result<Route> Netlink::default_route(int family)
{
    nl_cache* cache = nullptr;
    int rc = rtnl_route_alloc_cache(impl_->sk, family, 0, &cache);
    if (rc < 0)
        return Err{"RTNETLINK route dump: " + nlerr(rc)};
    std::optional<Route> found;
    for (nl_object* o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o)) {
        auto* rt = reinterpret_cast<rtnl_route*>(o);
        nl_addr* dst = rtnl_route_get_dst(rt);
        if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST ||
            (dst && nl_addr_get_prefixlen(dst) != 0) || rtnl_route_get_nnexthops(rt) < 1)
            continue;
        rtnl_nexthop* nh = rtnl_route_nexthop_n(rt, 0);
        Route r;
        r.dst.addr.family = family;
        r.dst.len = 0;
        r.gateway = from_nl_addr(rtnl_route_nh_get_gateway(nh));
        r.ifindex = rtnl_route_nh_get_ifindex(nh);
        if (rtnl_route_get_priority(rt))
            r.metric = rtnl_route_get_priority(rt);
        found = r;
    }
    nl_cache_free(cache);
    if (!found)
        return Err{std::string("no default route")};
    return *found;
}

namespace {
struct LookupCtx {
    RouteLookup out;
    bool found = false;
    int kernel_errno = 0;
};

// on_route_err: the kernel's refusal (ENETUNREACH without a route), kept
// as its errno; libnl would fold it into a generic code.
int on_route_err(sockaddr_nl*, nlmsgerr* e, void* arg)
{
    static_cast<LookupCtx*>(arg)->kernel_errno = -e->error;
    return NL_STOP;
}

int on_route_msg(nl_msg* msg, void* arg)
{
    auto* ctx = static_cast<LookupCtx*>(arg);
    rtnl_route* rt = nullptr;
    if (rtnl_route_parse(nlmsg_hdr(msg), &rt) < 0 || !rt)
        return NL_SKIP;
    if (rtnl_route_get_nnexthops(rt) > 0) {
        rtnl_nexthop* nh = rtnl_route_nexthop_n(rt, 0);
        ctx->out.ifindex = rtnl_route_nh_get_ifindex(nh);
        ctx->out.gateway = from_nl_addr(rtnl_route_nh_get_gateway(nh));
    }
    ctx->out.prefsrc = from_nl_addr(rtnl_route_get_pref_src(rt));
    ctx->found = true;
    rtnl_route_put(rt);
    return NL_OK;
}
} // namespace

Result<RouteLookup> Netlink::lookup(const IpAddr& dst, int* kernel_errno)
{
    rtmsg rtm{};
    rtm.rtm_family = static_cast<unsigned char>(dst.family);
    rtm.rtm_dst_len = dst.family == AF_INET ? 32 : 128;
    nl_msg* msg = nlmsg_alloc_simple(RTM_GETROUTE, 0);
    if (!msg)
        return Err{std::string("netlink: out of memory")};
    int rc = nlmsg_append(msg, &rtm, sizeof rtm, NLMSG_ALIGNTO);
    if (rc >= 0)
        rc = nla_put(msg, RTA_DST, dst.family == AF_INET ? 4 : 16, dst.bytes);
    // A socket of its own for the GET: its reply (and sequence numbers)
    // never mix with the ACKs the main socket expects.
    struct SockDel {
        void operator()(nl_sock* sk) const noexcept { nl_socket_free(sk); }
    };
    std::unique_ptr<nl_sock, SockDel> sk(nl_socket_alloc());
    if (!sk || nl_connect(sk.get(), NETLINK_ROUTE) < 0) {
        nlmsg_free(msg);
        return Err{std::string("netlink: cannot open a socket for route get")};
    }
    nl_socket_disable_auto_ack(sk.get());
    if (rc >= 0)
        rc = nl_send_auto(sk.get(), msg);
    nlmsg_free(msg);
    if (rc < 0)
        return Err{strfmt("RTNETLINK route get %s: %s", dst.to_string().c_str(), nlerr(rc).c_str())};
    LookupCtx ctx;
    nl_cb* cb = nl_cb_alloc(NL_CB_DEFAULT);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_route_msg, &ctx);
    nl_cb_err(cb, NL_CB_CUSTOM, on_route_err, &ctx);
    rc = nl_recvmsgs(sk.get(), cb);
    nl_cb_put(cb);
    if (kernel_errno)
        *kernel_errno = ctx.kernel_errno;
    if (ctx.kernel_errno)
        return Err{
            strfmt("RTNETLINK route get %s: %s", dst.to_string().c_str(), std::strerror(ctx.kernel_errno))};
    if (rc < 0 || !ctx.found)
        return Err{strfmt("RTNETLINK route get %s: %s", dst.to_string().c_str(),
                          rc < 0 ? nlerr(rc).c_str() : "no route")};
    return ctx.out;
}

} // namespace ovpn::tun
