// dco/availability.cpp: see availability.hpp.
#include "dco/availability.hpp"

#include <fstream>
#include <memory>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

namespace ovpn::dco {
namespace {

struct SockFree {
    void operator()(nl_sock* s) const { nl_socket_free(s); }
};

} // namespace

Availability dco_family_available(const std::string& family)
{
    Availability a;
    std::unique_ptr<nl_sock, SockFree> sock(nl_socket_alloc());
    if (!sock) {
        a.reason = "cannot allocate a netlink socket";
        return a;
    }
    int rc = genl_connect(sock.get());
    if (rc < 0) {
        a.reason = std::string("cannot connect to generic netlink: ") + nl_geterror(rc);
        return a;
    }
    rc = genl_ctrl_resolve(sock.get(), family.c_str());
    if (rc < 0) {
        a.reason = "generic netlink family " + family + " not found: " + nl_geterror(rc);
        return a;
    }
    a.available = true;
    a.family_id = rc;
    return a;
}

std::string dco_module_version()
{
    std::ifstream in("/sys/module/ovpn_dco_v2/version");
    std::string v;
    if (!in || !std::getline(in, v) || v.empty())
        return "N/A";
    return v;
}

} // namespace ovpn::dco
