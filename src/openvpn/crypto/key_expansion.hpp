// crypto/key_expansion.hpp: data-channel keys from a finished key exchange
// (protocol-facts §5).
//
// Two ways to get the 256-byte key block (same layout as a static key):
//   - the old OpenVPN PRF (TLS 1.0 PRF = P_MD5 xor P_SHA1) over the
//     key-method-2 randoms:
//       master = PRF(client.pre_master, "OpenVPN master secret"
//                    || client.random1 || server.random1, 48)
//       block  = PRF(master, "OpenVPN key expansion" || client.random2
//                    || server.random2 || client_sid || server_sid, 256)
//   - TLS-EKM: SSL_export_keying_material(label kEkmLabel, 256 bytes, no
//     context) -- the caller owns the SSL* and passes the exported bytes.
// Then per direction: keys[0] = client->server, keys[1] = server->client.
// Cipher key = first key_len bytes of the cipher slot; AEAD implicit IV =
// first 8 bytes of the HMAC slot; CBC HMAC key = first digest_len bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::crypto {

inline constexpr std::string_view kEkmLabel = "EXPORTER-OpenVPN-datakeys";
inline constexpr std::size_t kKeyBlockLen = 256;

// tls1_prf: the TLS 1.0/1.1 PRF (EVP_KDF "TLS1-PRF" with MD5-SHA1).
Result<SecureBytes> tls1_prf(Bytes secret, Bytes seed, std::size_t len);

// The key-method-2 random material (control helper's key_method2 parses it).
struct ClientKeySource {
    std::array<std::uint8_t, 48> pre_master{};
    std::array<std::uint8_t, 32> random1{};
    std::array<std::uint8_t, 32> random2{};
};
struct ServerKeySource {
    std::array<std::uint8_t, 32> random1{};
    std::array<std::uint8_t, 32> random2{};
};

// prf_key_block: the 256-byte block with the old PRF. Session ids are those
// of the TLS client and the TLS server.
Result<StaticKey> prf_key_block(const ClientKeySource& client, const ServerKeySource& server,
                                const wire::SessionId& client_sid, const wire::SessionId& server_sid);

// ekm_key_block: wrap the 256 exported bytes (fails on another length).
Result<StaticKey> ekm_key_block(Bytes exported);

// make_data_keys: the DataKeys one side installs. cipher: 2.6 name
// ("AES-256-GCM", "CHACHA20-POLY1305", "AES-256-CBC", "none", ...);
// auth: digest name for CBC/none ("SHA256", ...), ignored for AEAD.
// role: the TLS role (a p2p tls-server is Server).
Result<data::DataKeys> make_data_keys(const StaticKey& block, wire::Role role, std::uint8_t key_id,
                                      std::string_view cipher, std::string_view auth);

// static_data_keys: --secret mode: keys from a static key file with a key
// direction (none: keys[0] both ways). Key id 0.
Result<data::DataKeys> static_data_keys(const StaticKey& key, KeyDirection dir, std::string_view cipher,
                                        std::string_view auth);

} // namespace ovpn::crypto
