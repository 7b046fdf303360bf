// io/socket_setup.hpp: the socket options the UDP and TCP transports share.
#pragma once

#include <optional>
#include <string>

#include "openvpn/io/sock_addr.hpp"

namespace ovpn::io {

// mark_and_bind: apply --mark (SO_MARK) and, when given, bind to the local
// address (SO_REUSEADDR first, as 2.6 does). `proto` names the transport in
// the SO_MARK error ("UDP" or "TCP"). Returns the error text, or nothing.
// Does not close fd on failure; the caller owns it.
std::optional<std::string> mark_and_bind(int fd, const char* proto, int mark,
                                         const std::optional<SockAddr>& bind_addr);

// drain_error_queue: read every report queued on fd (IP_RECVERR) and name
// each as 2.6 does ("ECONNREFUSED", "EMSGSIZE Path-MTU=1400", ...),
// '|'-separated; "" when none was queued.
std::string drain_error_queue(int fd);

} // namespace ovpn::io
