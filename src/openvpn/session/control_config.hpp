// session/control_config.hpp: the control channel's configuration of one
// session from the options, for every role: a client or p2p peer builds one
// per connection attempt, a server one per client instance.
//
// What depends on the role, as in 2.6 (init.c do_init_crypto_tls):
//   TLS role         server for --tls-server and --mode server
//   --reneg-sec max  a --mode server takes up to 10 % off per instance
//                    (session/reneg.hpp); a client or p2p peer uses max
//   --reneg-sec max min   max - (r mod (max - min)), every role
//   OCC string       "TCPv4_SERVER" for a server over TCP, else
//                    "TCPv4_CLIENT" / "UDPv4"; tls-client unless TLS server
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

struct ControlSetup {
    std::shared_ptr<const control::TlsContext> tls;
    std::unique_ptr<control::ControlWrap> wrap; // session/tls_config.hpp
    bool tcp = false;                           // the session's transport
    std::string peer_info;                      // what a client sends; empty for a server
    // random: the reneg-sec jitter's random number; nullopt: a fresh one.
    std::optional<std::uint32_t> random;
};

// make_control_config: timeouts and windows (--tls-timeout, --hand-window,
// --tran-window), renegotiation (--reneg-sec, --reneg-bytes, --reneg-pkts),
// the TLS role and the OCC options string. Err for a --reneg-sec that is not
// a number (admission refuses those earlier).
Result<control::ControlConfig> make_control_config(const options::Options& o, ControlSetup s);

} // namespace ovpn::session
