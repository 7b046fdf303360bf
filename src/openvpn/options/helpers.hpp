// options/helpers.hpp: what 2.6 does after reading all options and before
// checking them: expand the helper directives into the options they stand
// for, as 2.6's helper.c does:
//
//   --server net mask [nopool]  -> mode server, tls-server, ifconfig, an
//        address pool and pushes (topology, route or route-gateway);
//   --server-ipv6 net/bits      -> ifconfig-ipv6 (+1, +2), ifconfig-ipv6-pool;
//   --server-bridge ...         -> mode server, tls-server, pool, push;
//   --client                    -> pull + tls-client;
//   --keepalive p t             -> ping/ping-restart (servers push them);
//   --tcp-nodelay (server)      -> push "socket-flags TCP_NODELAY";
// and build Options::connections from the <connection> blocks or remotes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

// finalize: expand helpers; errors are "Options error: ..." sentences.
Status<> finalize(Options& o, Logger& log);

// is_one_shot: --version, --help, --genkey, --show-* (nothing else runs).
bool is_one_shot(const Options& o);

// entry_proto: the protocol a connection entry connects with: its remote's
// own (--remote host port proto), else its --proto.
const std::string& entry_proto(const ConnectionEntry& e);

// proto_is_tcp: tcp, tcp4, tcp6, tcp-client, tcp6-server, ...
bool proto_is_tcp(const std::string& proto);

// effective_dev_type: "tun", "tap" or "null" from --dev/--dev-type (2.6 rules),
// or empty when --dev is missing.
std::string effective_dev_type(const Options& o);

// IPv4 helpers shared with validation (host byte order).
std::optional<std::uint32_t> parse_ipv4(const std::string& s);
std::string ipv4_string(std::uint32_t a);
// netbits: the prefix length of a contiguous mask, or nullopt.
std::optional<int> netbits(std::uint32_t mask);

} // namespace ovpn::options
