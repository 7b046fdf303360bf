// session/tls_config.hpp: from the options to what the TLS control channel
// needs, the same for a client, a p2p peer and a server: the TLS context's
// configuration (certificates, keys, versions, verification) and the
// control-channel wrapping (tls-auth, tls-crypt, tls-crypt-v2 client side).
// Files named by options are read here, at start-up (and again per session
// without --persist-key).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/control/control_wrap.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

class Management;

// read_file_ref: an option's inline block or the file it names.
Result<std::string> read_file_ref(const options::FileRef& f);
// read_secret_ref: the same for key material and passwords, kept in
// SecureBytes from the file on (core/secure_file.hpp).
Result<SecureBytes> read_secret_ref(const options::FileRef& f);

// make_tls_config: --ca/--cert/--key/--extra-certs/--pkcs12, --crl-verify,
// --tls-version-min/max, --tls-cipher(suites), --tls-groups,
// --verify-client-cert, --verify-x509-name, --remote-cert-tls (and
// --ns-cert-type as its alias). An encrypted key is unlocked with --askpass
// or from the terminal. The role is the TLS one (--tls-server or a server).
// With `log`, 2.6's warning for each --tls-cipher name written OpenSSL's way
// where an IANA name exists.
//
// With --management-external-cert the certificate comes from the management
// client (>NEED-CERTIFICATE:), and with --management-external-key the key
// signs through it (session/external_key.hpp): both need `mgmt` (and `log`
// for the signing failures).
Result<control::TlsConfig> make_tls_config(const options::Options& o, Logger* log = nullptr,
                                           Management* mgmt = nullptr);

// is_key_failure: make_tls_config's error is about the private key (a wrong
// passphrase, a PKCS#11 object that cannot be used): 2.6's init_ssl leaves
// its context uninitialised then, and the client restarts unless
// --auth-retry none (do_init_crypto_tls_c1) instead of exiting.
bool is_key_failure(std::string_view error);

// WrapKey: the control-channel wrapping of a configuration with its key
// material read and parsed, so sessions made later (a server's clients, a
// client's restarts under --persist-key) need no file access: 2.6 reads
// these keys once, before the privilege drop.
struct WrapKey {
    enum class Kind : std::uint8_t { None, TlsAuth, TlsCrypt, TlsCryptV2Client, TlsCryptV2Server };
    Kind kind = Kind::None;
    SecureBytes key;               // static key (tls-auth, tls-crypt), Kc, or the v2 server key
    std::vector<std::uint8_t> wkc; // tls-crypt-v2 client: the wrapped client key
    std::optional<int> key_direction;
    std::string digest = "SHA1"; // tls-auth: --auth
    bool server = false;         // our TLS role
};

// load_wrap_key: tls-auth / tls-crypt / tls-crypt-v2 from the connection
// entry (or the top level), or none. A tls-crypt-v2 server key only for a
// --mode server (2.6 has no p2p tls-crypt-v2 server).
Result<WrapKey> load_wrap_key(const options::Options& o, const options::ConnectionEntry& ce);

// make_control_wrap: a fresh wrap for one session from loaded key material.
// `wall_secs`: the packet-id time of this session (unix seconds).
Result<std::unique_ptr<control::ControlWrap>> make_control_wrap(const WrapKey& k, std::uint32_t wall_secs);

// make_control_wrap: load_wrap_key and make_control_wrap at once.
Result<std::unique_ptr<control::ControlWrap>>
make_control_wrap(const options::Options& o, const options::ConnectionEntry& ce, std::uint32_t wall_secs);

} // namespace ovpn::session
