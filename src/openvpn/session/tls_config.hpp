// session/tls_config.hpp: from the options to what the TLS control channel
// needs, the same for a client, a p2p peer and a server: the TLS context's
// configuration (certificates, keys, versions, verification) and the
// control-channel wrapping (tls-auth, tls-crypt, tls-crypt-v2 client side).
// Files named by options are read here, at start-up (and again per session
// without --persist-key).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "openvpn/control/control_wrap.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// read_file_ref: an option's inline block or the file it names.
Result<std::string> read_file_ref(const options::FileRef& f);

// make_tls_config: --ca/--cert/--key/--extra-certs/--pkcs12, --crl-verify,
// --tls-version-min/max, --tls-cipher(suites), --tls-groups,
// --verify-client-cert, --verify-x509-name, --remote-cert-tls (and
// --ns-cert-type as its alias). An encrypted key is unlocked with --askpass
// or from the terminal. The role is the TLS one (--tls-server or a server).
Result<control::TlsConfig> make_tls_config(const options::Options& o);

// make_control_wrap: tls-auth / tls-crypt / tls-crypt-v2 (client side) from
// the connection entry (or the top level), or no wrapping. `wall_secs`: the
// packet-id time of this session (unix seconds). A server's tls-crypt-v2
// wrap is made per client by the server.
Result<std::unique_ptr<control::ControlWrap>>
make_control_wrap(const options::Options& o, const options::ConnectionEntry& ce, std::uint32_t wall_secs);

} // namespace ovpn::session
