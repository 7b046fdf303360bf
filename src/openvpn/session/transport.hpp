// session/transport.hpp: where a session's transport socket binds, the same
// rules for a client's socket and a server's listening socket.
#pragma once

#include <optional>
#include <string>

#include "openvpn/core/result.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/sock_addr.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// proto_family: the address family a --proto asks for (udp4 -> V4,
// tcp6-client -> V6, udp/tcp -> Any).
io::Family proto_family(const std::string& proto);

// local_address: where a socket of `ce` binds: --local resolved for `fam`,
// or the wildcard ("::" only for V6, or for Any when any_is_v6: a server's
// dual-stack socket), with --lport (default --port).
Result<io::SockAddr> local_address(const options::ConnectionEntry& ce, io::Family fam, bool tcp,
                                   bool any_is_v6);

// mtu_discover: --mtu-disc of `ce` as the kernel's IP_PMTUDISC_* type for
// io's socket configs, or none (the kernel's default, as 2.6 leaves it).
std::optional<int> mtu_discover(const options::ConnectionEntry& ce);

// link_fault_line: 2.6's line for a UDP error it went past, e.g.
// "write UDPv4 []: Network is unreachable (fd=3,code=101)".
std::string link_fault_line(const io::LinkFault& f, bool v6, int fd);

// SocketKnobs: --mark, --sndbuf and --rcvbuf (0: not given) for every link
// socket of a client, p2p peer or server, as 2.6 sets them.
struct SocketKnobs {
    int mark = 0, sndbuf = 0, rcvbuf = 0;
};
SocketKnobs socket_knobs(const options::Options& o);
void apply(const SocketKnobs& k, io::UdpConfig& uc);
void apply(const SocketKnobs& k, io::TcpConfig& tc);

} // namespace ovpn::session
