// control/data_keys.hpp: from the 256-byte key block of one key state to the
// data::DataKeys the data plane installs (protocol-facts.md §5.1). The block
// comes from the TLS exporter (EKM, §5.3) or 2.6's PRF (§5.2); this file only
// slices it by cipher and direction:
//
//   0         64        128       192       256
//   | c->s key| c->s hmac/iv | s->c key | s->c hmac/iv |
//
// "c"/"s" are the TLS client and server (also in p2p). AEAD uses the first
// 8 bytes of the hmac slot as the implicit IV.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::control {

inline constexpr std::size_t kKeyBlockLen = 256;
inline constexpr std::string_view kEkmDataKeysLabel = "EXPORTER-OpenVPN-datakeys";

struct CipherInfo {
    data::CipherAlg alg;
    std::string name;    // canonical 2.6 name, e.g. "AES-256-GCM"
    std::size_t key_len; // bytes
};

// lookup_data_cipher: case-insensitive; AEAD ciphers and the common CBC ones
// (AES-128/192/256-CBC, BF-CBC) and "none". nullopt if unknown.
std::optional<CipherInfo> lookup_data_cipher(std::string_view name);

// digest_len: HMAC key length for --auth (SHA1 20, SHA256 32, SHA512 64...),
// nullopt if unknown.
std::optional<std::size_t> digest_len(std::string_view auth);

// make_data_keys: slice a key block. is_tls_client picks the direction.
// auth is the --auth digest (ignored for AEAD).
Result<data::DataKeys> make_data_keys(Bytes key_block, std::uint8_t key_id, std::string_view cipher,
                                      std::string_view auth, bool is_tls_client);

} // namespace ovpn::control
