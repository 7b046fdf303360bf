// crypto/catalog.hpp: the data-channel ciphers and HMAC digests this
// OpenSSL offers, classified the way OpenVPN 2.6 does it, for --show-ciphers,
// --show-digests, --test-crypto and the option checks.
//
// A cipher is a data-channel cipher when its mode is CBC (not CTS, not an
// AEAD-flagged stitched cipher such as AES-128-CBC-HMAC-SHA1), CFB/OFB (not
// AEAD-flagged), GCM, or it is ChaCha20-Poly1305. Its block size is the one
// of the same algorithm in CBC mode when OpenSSL has that (OpenSSL reports
// 1 for CFB/OFB/GCM); 1 means a stream cipher. Ciphers with blocks under
// 128 bits (64-bit DES/3DES blocks) are "insecure", except
// ChaCha20-Poly1305. Everything is asked of OpenSSL's default library
// context: the list is whatever the loaded providers offer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovpn::crypto {

enum class CipherMode : unsigned char {
    Cbc,    // CBC + HMAC; the only mode --secret (static key) allows
    CfbOfb, // CFB, CFB1, CFB8, OFB + HMAC; the IV carries the packet id
    Aead,   // GCM, ChaCha20-Poly1305
};

struct CipherFacts {
    std::string name;     // 2.6's spelling: "AES-256-GCM", "CHACHA20-POLY1305"
    std::string lib_name; // OpenSSL's first name, the sort key of 2.6's list
    CipherMode mode = CipherMode::Cbc;
    int key_bytes = 0;
    int block_bytes = 1; // 1 = stream cipher
    int iv_bytes = 0;
    bool insecure = false; // block under 128 bits
    // too_long_key: the key is longer than a 64-byte key slot (2.6 then
    // shows "disabled due to key size too large").
    bool too_long_key = false;
};

// cipher_facts: one data-channel cipher by name (any case, 2.6 or OpenSSL
// spelling); nullopt when OpenSSL lacks it or it is not a data-channel
// cipher (ECB, CTR, XTS, CTS, stitched, wrap modes, ...).
std::optional<CipherFacts> cipher_facts(std::string_view name);

// data_channel_ciphers: every data-channel cipher the providers offer,
// sorted by OpenSSL name as 2.6 sorts them.
std::vector<CipherFacts> data_channel_ciphers();

struct DigestFacts {
    std::string name; // 2.6's spelling: OpenSSL 1.1's names ("SHA256", not "SHA2-256")
    int size_bytes = 0;
};

// all_digests: every message digest the providers offer, in OpenSSL's
// enumeration order (2.6 prints them unsorted, in this order).
std::vector<DigestFacts> all_digests();

} // namespace ovpn::crypto
