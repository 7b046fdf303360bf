// app/host_probe.cpp: see host_probe.hpp.
#include "openvpn/app/host_probe.hpp"

#include <cap-ng.h>
#include <linux/capability.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <memory>

#include "dco/availability.hpp"

namespace ovpn::app {
namespace {

struct SockFree {
    void operator()(nl_sock* s) const { nl_socket_free(s); }
};

// link_kind: IFLA_INFO_KIND of interface `name`, nullopt if there is none.
std::optional<std::string> link_kind(const std::string& name)
{
    std::unique_ptr<nl_sock, SockFree> sock(nl_socket_alloc());
    if (!sock || nl_connect(sock.get(), NETLINK_ROUTE) < 0)
        return std::nullopt;
    rtnl_link* link = nullptr;
    if (rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link) < 0 || !link)
        return std::nullopt;
    const char* type = rtnl_link_get_type(link);
    std::string kind = type ? type : "unknown";
    rtnl_link_put(link);
    return kind;
}

} // namespace

options::DcoHost probe_host()
{
    options::DcoHost h;
    h.kernel_family = dco::dco_family_available().available;
    h.iface_kind = link_kind;
    capng_get_caps_process();
    h.cap_setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) != 0;
    h.cap_net_admin_permitted = capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN) != 0;
    return h;
}

} // namespace ovpn::app
