// app/show_gateway.cpp: --show-gateway [v6-target], as 2.6.14: the IPv4
// default gateway and the IPv6 one (for the target, :: when none) in
// route.c's format, then exit 0. A target that does not resolve as IPv6 is
// warned about and :: is used, as 2.6 does.
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "openvpn/app/app.hpp"
#include "openvpn/tun/gateway_info.hpp"

namespace ovpn::app {

namespace {

// v6_target: --show-gateway's argument as an IPv6 address (2.6's
// get_ipv6_addr with M_WARN).
in6_addr v6_target(const options::Options& o, Logger& log)
{
    in6_addr out = IN6ADDR_ANY_INIT;
    const options::Directive* d = o.last("show-gateway");
    if (!d || d->args.empty())
        return out;
    addrinfo hints{};
    hints.ai_family = AF_INET6;
    addrinfo* res = nullptr;
    const int rc = getaddrinfo(d->args[0].c_str(), nullptr, &hints, &res);
    if (rc != 0) {
        log.write(
            Verb::Error, mute::None, Severity::Warning,
            strfmt("RESOLVE: Cannot resolve host address: %s: (%s)", d->args[0].c_str(), gai_strerror(rc)));
        return out;
    }
    std::memcpy(&out, &reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr, sizeof out);
    freeaddrinfo(res);
    return out;
}

} // namespace

int show_gateway(const options::Options& o, Logger& log)
{
    const in6_addr target = v6_target(o, log);
    const tun::GatewayInfo v4 = tun::default_gateway_v4();
    int kernel_errno = 0;
    const tun::GatewayInfo v6 = tun::default_gateway_v6(target, kernel_errno);
    if (kernel_errno) // 2.6's rtnetlink helper says so at warning level
        log.write(
            Verb::Error, mute::None, Severity::Warning,
            strfmt("sitnl_send: rtnl: generic error (%d): %s", -kernel_errno, std::strerror(kernel_errno)));
    for (const tun::GatewayInfo* g : {&v4, &v6})
        if (g->defined)
            log.logf(Verb::Error, "%s", tun::format_gateway(*g).c_str());
    return 0;
}

} // namespace ovpn::app
