// server/instance.cpp: the helpers of instance.hpp.
#include "openvpn/server/instance.hpp"

#include <arpa/inet.h>

namespace ovpn::server {

// set_peer_env: <prefix>_ip or <prefix>_ip6, and <prefix>_port, as 2.6 names
// a client's address for scripts (an IPv4-mapped address on a dual-stack
// socket is IPv4 there: <prefix>_ip).
void set_peer_env(script::Env& env, const std::string& prefix, const io::SockAddr& a)
{
    const std::string ip = a.ip_string();
    env.set(prefix + (ip.find(':') == std::string::npos ? "_ip" : "_ip6"), ip);
    env.set_int(prefix + "_port", a.port());
}

std::string v4_string(const in_addr& a)
{
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::string v6_string(const in6_addr& a)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    return buf;
}

} // namespace ovpn::server
