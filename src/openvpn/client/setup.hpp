// client/setup.hpp: the pure part of the client: from the options to the
// control channel's configuration, the OCC options string and peer-info,
// and the negotiation after the PUSH_REPLY (or, in p2p, after the key
// exchange): cipher (NCP with data-ciphers), EKM, peer-id, cc-exit.
// Reading files named by options happens here too (read_file_ref), at
// start-up only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/sock_addr.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/wire/compress.hpp"
#include "openvpn/wire/key_method2.hpp"

namespace ovpn::client {

// read_file_ref: an option's inline block or the file it names.
Result<std::string> read_file_ref(const options::FileRef& f);

// make_tls_config: --ca/--cert/--key/--extra-certs/--pkcs12,
// --tls-version-min/max, --tls-cipher(suites), --tls-groups,
// --verify-x509-name, --remote-cert-tls (and --ns-cert-type as its alias).
Result<control::TlsConfig> make_tls_config(const options::Options& o);

// ResolvePolicy: what 2.6 does when a remote's name does not resolve
// (--resolv-retry, checked with 2.6.14). Lookups of the name are
// kResolveRetryInterval apart; after `tries` failed ones (0 = never give up)
// the attempt ends: "Could not determine IPv4/IPv6 protocol" and a
// SIGUSR1[soft,...] restart with the next remote, or, when `fatal`
// (--resolv-retry 0), the process exits with 2.6's hint.
//   --resolv-retry 0         1 lookup, fatal
//   --resolv-retry n         (n + 4) / 5 lookups (at least 1), then restart
//   infinite (the default)   one --remote: forever; several: 1, then restart
struct ResolvePolicy {
    int tries = 0;
    bool fatal = false;
};
inline constexpr int kResolveRetryInterval = 5; // seconds
ResolvePolicy resolve_policy(const options::Options& o);

// proto_family: the address family a --proto asks for (udp4 -> V4, tcp6-client
// -> V6, udp/tcp -> Any).
io::Family proto_family(const std::string& proto);

// local_address: where a socket of `ce` binds: --local resolved for `fam`,
// or the wildcard ("::" only for V6, or for Any when any_is_v6: a server's
// dual-stack socket), with --lport (default --port).
Result<io::SockAddr> local_address(const options::ConnectionEntry& ce, io::Family fam, bool tcp,
                                   bool any_is_v6);

// compression_of: the data channel's compression framing from --compress /
// --comp-lzo (local or pushed).
wire::CompressMode compression_of(const options::Options& o);

// make_control_wrap: tls-auth / tls-crypt / tls-crypt-v2 from the
// connection entry (or the top level), or no wrapping. `wall_secs`: the
// packet-id time of this session (unix seconds).
Result<std::unique_ptr<control::ControlWrap>>
make_control_wrap(const options::Options& o, const options::ConnectionEntry& ce, std::uint32_t wall_secs);

// data_ciphers: --data-ciphers or 2.6's default list.
std::string data_ciphers(const options::Options& o);

// iv_proto: the IV_PROTO bits we implement (pull client or p2p).
unsigned iv_proto(const options::Options& o);

// make_peer_info: the peer-info string 2.6 would send for these options.
std::string make_peer_info(const options::Options& o);

// occ_options_string: the OCC string of key-method 2 (§8). 2.6 compares it
// only to warn, so it is close to, not byte-exact with, 2.6's.
std::string occ_options_string(const options::Options& o, const std::string& proto, bool tls_client);

// Negotiated: what the data channel runs with.
struct Negotiated {
    std::string cipher;                   // e.g. "AES-256-GCM"
    std::string auth = "SHA1";            // CBC only
    bool use_ekm = false;                 // tls-ekm key derivation
    bool cc_exit = false;                 // EXIT control message understood
    std::optional<std::uint32_t> peer_id; // P_DATA_V2 with this id
};

// negotiate_pull: after the final PUSH_REPLY was applied to `pushed` (a copy
// of the options). `server_options`: the server's OCC string (poor man's NCP).
Result<Negotiated> negotiate_pull(const options::Options& pushed, const std::string& server_options);

// negotiate_p2p: TLS p2p (no pull): the TLS server's list order wins;
// EKM, DATA_V2 and cc-exit from the peer's IV_PROTO (with bit 5).
Result<Negotiated> negotiate_p2p(const options::Options& o, bool we_are_tls_server,
                                 const std::string& peer_info, const std::string& peer_options);

// static_mode_keys: --secret: the static key file cut by --key-direction
// (or the direction argument of --secret; none = keys[0] both ways) for
// --cipher / --auth (2.6's defaults BF-CBC / SHA1). Clear errors for a bad
// file, an unavailable cipher (BF-CBC without OpenSSL's legacy provider
// names itself) and AEAD ciphers, which static-key mode cannot carry.
// Defined in static_mode.cpp.
Result<data::DataKeys> static_mode_keys(const options::Options& o);

// contains_cipher: case-insensitive membership in a ':'-separated list.
bool contains_cipher(const std::string& list, const std::string& cipher);

} // namespace ovpn::client
