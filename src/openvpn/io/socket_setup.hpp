// io/socket_setup.hpp: the socket options the UDP and TCP transports share.
#pragma once

#include <optional>
#include <string>

#include "openvpn/io/sock_addr.hpp"

namespace ovpn::io {

// mtu_discover_type: --mtu-disc's word ("no", "maybe", "yes") as the
// kernel's IP_PMTUDISC_DONT/WANT/DO (the same values for IPv6), or nothing.
std::optional<int> mtu_discover_type(const std::string& word);

// set_mtu_discover: --mtu-disc on a link socket once it exists, as 2.6's
// phase2_set_socket_flags: IP_MTU_DISCOVER on an IPv4 socket,
// IPV6_MTU_DISCOVER (and IP_, for v4-mapped peers) on an IPv6 one.
// `type`: none leaves the kernel's default. Returns 2.6's error text, or
// nothing. (TCP_NODELAY, --socket-flags' one flag, is set on every TCP link
// socket by this build: see io/tcp_socket.cpp.)
std::optional<std::string> set_mtu_discover(int fd, std::optional<int> type);

// mark_and_bind: apply --mark (SO_MARK) and, when given, bind to the local
// address (SO_REUSEADDR first, as 2.6 does). `proto` names the transport in
// the SO_MARK error ("UDP" or "TCP"). Returns the error text, or nothing.
// Does not close fd on failure; the caller owns it.
std::optional<std::string> mark_and_bind(int fd, const char* proto, int mark,
                                         const std::optional<SockAddr>& bind_addr);

// set_buffers: --sndbuf/--rcvbuf (SO_SNDBUF/SO_RCVBUF); 0 leaves the
// kernel's default. 2.6 ignores a refusal, and so does this.
void set_buffers(int fd, int sndbuf, int rcvbuf);

// set_ip_tos: IP_TOS on fd; errors ignored (2.6's --passtos ignores them).
void set_ip_tos(int fd, int tos);

// drain_error_queue: read every report queued on fd (IP_RECVERR) and name
// each as 2.6 does ("ECONNREFUSED", "EMSGSIZE Path-MTU=1400", ...),
// '|'-separated; "" when none was queued.
std::string drain_error_queue(int fd);

} // namespace ovpn::io
