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

} // namespace ovpn::io
