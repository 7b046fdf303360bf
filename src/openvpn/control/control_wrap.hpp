// control/control_wrap.hpp: the control channel's view of the packet wrapping
// (none, tls-auth, tls-crypt, tls-crypt-v2). The wire layer implements the
// formats (wire/tls_auth.hpp, wire/tls_crypt.hpp); this adapter gives the
// control channel one interface over them so it never asks which one runs.
// wrap() turns a plain control packet (wire/control_packet.hpp) into the
// bytes on the wire; unwrap() does the reverse, authenticating and
// replay-checking. A tls-crypt-v2 client also appends its WKc to the packets
// that must carry it (hard reset V3, P_CONTROL_WKC_V1). Each wrap keeps the
// 256-byte key it came from, which dynamic tls-crypt mixes into its key
// (control/dynamic_wrap.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/wire/drop.hpp"
#include "openvpn/wire/tls_auth.hpp"
#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::control {

class ControlWrap {
public:
    virtual ~ControlWrap() = default;
    // overhead: bytes added to a plain packet (without any WKc).
    virtual std::size_t overhead() const noexcept = 0;
    // wrap / unwrap: as wire::TlsAuth; `now` in seconds (packet-id time).
    virtual Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) = 0;
    virtual Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) = 0;
    // wkc: the tls-crypt-v2 wrapped client key to append (empty otherwise).
    virtual Bytes wkc() const noexcept { return {}; }
    // original_key: the 256-byte key 2.6 mixes into the dynamic tls-crypt
    // key (the tls-auth / tls-crypt file, a tls-crypt-v2 Kc); empty for no
    // wrap, and for a tls-crypt-v2 server before the client's WKc arrived.
    virtual Bytes original_key() const noexcept { return {}; }
};

// make_no_wrap: plain packets on the wire (no tls-auth / tls-crypt).
std::unique_ptr<ControlWrap> make_no_wrap();
// make_tls_auth_wrap / make_tls_crypt_wrap: take ownership of the wire
// object; `original`: the 256-byte key it was made from (original_key()).
std::unique_ptr<ControlWrap> make_tls_auth_wrap(wire::TlsAuth ta, SecureBytes original = {});
// wkc non-empty: tls-crypt-v2 client (Kc inside tc; WKc appended on V3/WKC packets).
std::unique_ptr<ControlWrap> make_tls_crypt_wrap(wire::TlsCrypt tc, std::vector<std::uint8_t> wkc = {},
                                                 SecureBytes original = {});
// make_tls_crypt_v2_server_wrap: the server side of tls-crypt-v2 for one
// client. The first HARD_RESET_CLIENT_V3 carries the client's WKc: it is
// opened with the 128-byte server key and Kc becomes this wrap's tls-crypt
// key; WKC_V1 packets have their WKc cut off. Until then every other packet
// is dropped (BadWkc). `session_start`: the packet-id time we send with.
std::unique_ptr<ControlWrap> make_tls_crypt_v2_server_wrap(SecureBytes server_key,
                                                           std::uint32_t session_start);

} // namespace ovpn::control
