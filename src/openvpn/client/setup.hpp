// client/setup.hpp: the pure part of the client (and p2p peer): its
// peer-info, the --secret keys, and the
// negotiation after the PUSH_REPLY (or, in p2p, after the key exchange):
// cipher (NCP with data-ciphers), EKM, peer-id, cc-exit. What a server
// shares with it (TLS and control configuration, data-channel options,
// binding) is in session/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::client {

// iv_proto: the IV_PROTO bits we implement (pull client or p2p).
unsigned iv_proto(const options::Options& o);

// make_peer_info: the peer-info string 2.6 would send for these options.
// `dco`: the data channel will be offloaded, so (as 2.6 with
// COMP_F_ALLOW_NOCOMP_ONLY) no compression capability is announced, not
// even the stubs.
std::string make_peer_info(const options::Options& o, bool dco = false);

// Negotiated: what the data channel runs with.
struct Negotiated {
    std::string cipher;                   // e.g. "AES-256-GCM"
    std::string auth = "SHA1";            // CBC only
    bool use_ekm = false;                 // tls-ekm key derivation
    bool cc_exit = false;                 // EXIT control message understood
    bool dyn_tls_crypt = false;           // renegotiations under dynamic tls-crypt
    std::optional<std::uint32_t> peer_id; // P_DATA_V2 with this id
};

// negotiate_pull: after the final PUSH_REPLY was applied to `pushed` (a copy
// of the options). `server_options`: the server's OCC string (poor man's NCP).
// Dynamic tls-crypt when "protocol-flags" carries dyn-tls-crypt.
Result<Negotiated> negotiate_pull(const options::Options& pushed, const std::string& server_options);

// negotiate_p2p: TLS p2p (no pull): the TLS server's list order wins;
// EKM, DATA_V2, cc-exit and dynamic tls-crypt from the peer's IV_PROTO
// (with bit 5).
Result<Negotiated> negotiate_p2p(const options::Options& o, bool we_are_tls_server,
                                 const std::string& peer_info, const std::string& peer_options);

// static_mode_keys: --secret: the static key file cut by --key-direction
// (or the direction argument of --secret; none = keys[0] both ways) for
// --cipher / --auth (2.6's defaults BF-CBC / SHA1). Clear errors for a bad
// file, an unavailable cipher (BF-CBC without OpenSSL's legacy provider
// names itself) and AEAD ciphers, which static-key mode cannot carry.
// Defined in static_mode.cpp.
Result<data::DataKeys> static_mode_keys(const options::Options& o);

} // namespace ovpn::client
