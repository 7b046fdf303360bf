// dco/link.cpp: see link.hpp.
#include "dco/link.hpp"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "dco/genl_socket.hpp"
#include "dco/messages.hpp"
#include "dco/uapi/ovpn_dco_v2.hpp"

namespace ovpn::dco {
namespace {

Bytes ifinfo_bytes(const ifinfomsg& ifi)
{
    return Bytes(reinterpret_cast<const std::uint8_t*>(&ifi), sizeof ifi);
}

Status<> rtnl_transact(Result<SecureBytes> (*build)(std::uint32_t seq, const void* arg), const void* arg,
                       std::string_view what)
{
    auto sock = NlSocket::open(NETLINK_ROUTE);
    if (!sock)
        return Err{sock.error()};
    std::uint32_t seq = (*sock)->next_seq();
    auto msg = build(seq, arg);
    if (!msg)
        return Err{std::string(what) + ": " + msg.error()};
    auto r = (*sock)->transact(*msg, seq, what);
    if (!r)
        return Err{r.error()};
    return Ok{};
}

struct NewLinkArgs {
    std::string_view name;
    LinkMode mode;
};

} // namespace

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

Result<std::uint32_t> create_link(std::string_view name, LinkMode mode)
{
    NewLinkArgs args{name, mode};
    auto build = [](std::uint32_t seq, const void* a) {
        const auto* na = static_cast<const NewLinkArgs*>(a);
        return build_newlink(na->name, na->mode, seq);
    };
    if (auto st = rtnl_transact(build, &args, "RTM_NEWLINK " + std::string(name)); !st)
        return Err{st.error()};
    return link_index(name);
}

Status<> delete_link(std::uint32_t ifindex)
{
    auto build = [](std::uint32_t seq, const void* a) {
        return build_dellink(*static_cast<const std::uint32_t*>(a), seq);
    };
    return rtnl_transact(build, &ifindex, "RTM_DELLINK");
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
