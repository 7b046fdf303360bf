// crypto/cipher_info.hpp: what the data channel needs to know about a
// --cipher / --auth name: the algorithm class, key, IV/block and tag sizes.
// Names are matched case-insensitively like 2.6 does ("aes-256-gcm" ok);
// canonical names are 2.6's upper-case spellings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::crypto {

struct CipherInfo {
    data::CipherAlg alg = data::CipherAlg::None;
    std::string name;        // canonical, e.g. "AES-256-GCM", "none"
    std::size_t key_len = 0; // bytes
    std::size_t iv_len = 0;  // CBC/CFB/OFB: the IV on the wire; AEAD: 12
    std::size_t block = 1;   // CBC block size; 1 for AEAD, CFB/OFB and none
    bool aead = false;       // GCM or ChaCha20-Poly1305 framing (alg says whether DCO knows it)
    // iv_packet_id: CFB/OFB (alg CbcHmac): the IV is the long packet id
    // (id || time) padded with zeros, the plaintext carries no packet id
    // and has no padding (2.6's --test-crypto and TLS-mode data channel).
    bool iv_packet_id = false;
};

// lookup_cipher: "none", or a data-channel cipher of crypto/catalog.hpp:
// AES-128/192/256-GCM and CHACHA20-POLY1305 (the AEAD ciphers DCO knows),
// any other GCM cipher (ARIA-*-GCM: alg OtherAead, userspace only), and
// CBC, CFB and OFB ciphers with an HMAC (alg CbcHmac). Fails on unknown
// names and other modes (ECB, CTR, XTS, ...). Which modes a configuration
// may use (--secret: CBC only) is the options layer's decision.
Result<CipherInfo> lookup_cipher(std::string_view name);

// digest_len: bytes of an --auth digest; 0 for "none"; fails if unknown.
Result<std::size_t> digest_len(std::string_view auth);

inline constexpr std::size_t kAeadTagLen = 16;
inline constexpr std::size_t kImplicitIvLen = 8;

} // namespace ovpn::crypto
