// control/dynamic_wrap.hpp: dynamic tls-crypt (2.6.1+, IV_PROTO bit 9,
// protocol-facts §3.5): once the first data key of a session exists, both
// ends derive a tls-crypt key from that TLS session and wrap every control
// packet of a later key id (the soft reset onwards) with it, whatever the
// session's own wrap is (none, tls-auth, tls-crypt, tls-crypt-v2):
//
//   K = EKM("EXPORTER-OpenVPN-dynamic-tls-crypt", 256 bytes)   (key id 0's TLS)
//   K ^= the session's original 256-byte key  (tls-auth / tls-crypt file,
//        tls-crypt-v2 Kc; nothing with no wrap)
//   K is a tls-crypt key (wire/tls_crypt.hpp): the server sends with keys[0],
//   the client with keys[1]; its packet ids start at 1, one counter and one
//   replay window for every later key id of the session.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "openvpn/control/control_wrap.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::control {

inline constexpr std::string_view kDynTlsCryptLabel = "EXPORTER-OpenVPN-dynamic-tls-crypt";
inline constexpr std::size_t kDynTlsCryptKeyLen = 256;

// mix_dynamic_key: the 256-byte key from the exporter's output `ekm` and
// the session's `original` wrap key (empty: none). Err on wrong sizes.
Result<SecureBytes> mix_dynamic_key(Bytes ekm, Bytes original);

// make_dynamic_wrap: the tls-crypt wrap of the renegotiations, from the
// established TLS session of key id 0 (or from its exporter output `ekm`).
// `wall_secs`: the packet ids' time.
Result<std::unique_ptr<ControlWrap>> make_dynamic_wrap(const TlsSession& tls, Bytes original, bool is_server,
                                                       std::uint32_t wall_secs);
Result<std::unique_ptr<ControlWrap>> make_dynamic_wrap_from_ekm(Bytes ekm, Bytes original, bool is_server,
                                                                std::uint32_t wall_secs);

} // namespace ovpn::control
