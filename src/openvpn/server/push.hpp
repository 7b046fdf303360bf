// server/push.hpp: the PUSH_REPLY for one client, pure. The configured
// --push options first (the helpers already added topology, route-gateway,
// ping and ping-restart), then the per-client ones in 2.6's order
// (push.c:prepare_push_reply): ifconfig-ipv6, ifconfig, peer-id, auth-token, cipher,
// protocol-flags / key-derivation. Split into messages of at most 940 bytes
// with push-continuation, as 2.6 does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/server/ncp.hpp"

namespace ovpn::server {

struct PushInput {
    std::vector<std::string> configured;      // --push, in order
    std::optional<std::string> ifconfig;      // "ifconfig a b" from the pool
    std::optional<std::string> ifconfig_ipv6; // "ifconfig-ipv6 a/bits b"
    std::optional<std::uint32_t> peer_id;     // when the client has DATA_V2
    std::optional<std::string> auth_token;    // "auth-token <token>" (--auth-gen-token)
    NcpResult ncp;
};

// push_options: the option lines of the reply, in order.
std::vector<std::string> push_options(const PushInput& in);
// build_push_messages: the PUSH_REPLY message(s).
Result<std::vector<std::string>> build_push_messages(const PushInput& in, std::size_t max_len = 940);

} // namespace ovpn::server
