// wire/tls_crypt_v2.hpp: the tls-crypt-v2 wrapped client key (WKc) and the
// packets that carry it (protocol-facts §3.4, §3.6).
//
// A tls-crypt-v2 server key is one 128-byte `struct key`: Ke = bytes 0..31
// (AES-256-CTR), Ka = bytes 64..95 (HMAC-SHA256). A client key Kc is a
// 256-byte static key used like a tls-crypt key (wire/tls_crypt.hpp). The
// server hands each client Kc together with WKc, which only the server can open:
//
//   WKc = T[32] || AES-256-CTR(Ke, iv = T[0..16), Kc[256] || metadata[m]) || len[u16]
//   T   = HMAC-SHA256(Ka, len || Kc || metadata),   len = 32 + 256 + m + 2 <= 1024
//
// metadata[0] is its type: 0x00 user bytes, 0x01 timestamp (u64 BE unix time).
// A P_CONTROL_HARD_RESET_CLIENT_V3 / P_CONTROL_WKC_V1 packet is a tls-crypt
// packet with WKc appended; its last two bytes are WKc's length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::wire {

inline constexpr std::size_t kTlsCryptV2ServerKeyLen = 128;
inline constexpr std::size_t kTlsCryptV2ClientKeyLen = 256;
inline constexpr std::size_t kTlsCryptV2TagLen = 32;
inline constexpr std::size_t kTlsCryptV2MaxWkcLen = 1024;
inline constexpr std::size_t kTlsCryptV2MinWkcLen = kTlsCryptV2TagLen + kTlsCryptV2ClientKeyLen + 2;
inline constexpr std::size_t kTlsCryptV2MaxMetadataLen = kTlsCryptV2MaxWkcLen - kTlsCryptV2MinWkcLen;
inline constexpr std::uint8_t kMetadataTypeUser = 0x00;
inline constexpr std::uint8_t kMetadataTypeTimestamp = 0x01;

enum class WkcError : std::uint8_t {
    BadServerKey, // not 128 bytes
    BadClientKey, // not 256 bytes
    TooLong,      // metadata makes WKc exceed 1024 bytes
    TooShort,     // packet or WKc shorter than its minimum
    BadLength,    // the trailing u16 disagrees with the actual size
    BadTag,       // HMAC mismatch: wrong server key or tampered
    Crypto,       // OpenSSL refused
};
const char* to_string(WkcError e) noexcept;

struct UnwrappedClientKey {
    SecureBytes kc;                     // 256 bytes
    std::vector<std::uint8_t> metadata; // type byte first; may be empty
};

// wrap_client_key: build WKc for client key kc and metadata (type byte
// included) with the 128-byte server key.
Result<std::vector<std::uint8_t>, WkcError> wrap_client_key(Bytes server_key, Bytes kc, Bytes metadata);

// unwrap_client_key: open a WKc (exactly the blob, trailing length included).
Result<UnwrappedClientKey, WkcError> unwrap_client_key(Bytes server_key, Bytes wkc);

// split_wkc: for a HARD_RESET_CLIENT_V3 / CONTROL_WKC_V1 packet, return the
// tls-crypt part and the appended WKc. Checks only the lengths.
struct WkcSplit {
    Bytes packet;
    Bytes wkc;
};
Result<WkcSplit, WkcError> split_wkc(Bytes packet);

// open_wkc_packet: server side of a HARD_RESET_CLIENT_V3 / CONTROL_WKC_V1:
// cut WKc off and unwrap it. `packet` is then the tls-crypt part to unwrap
// with TlsCrypt::create(key.kc, Role::Server, ...). Any failure: drop silently.
struct OpenedWkcPacket {
    Bytes packet;
    Bytes wkc;
    UnwrappedClientKey key;
};
Result<OpenedWkcPacket, WkcError> open_wkc_packet(Bytes server_key, Bytes packet);

// timestamp_metadata: the 9-byte metadata 2.6 writes when none is given.
std::vector<std::uint8_t> timestamp_metadata(std::int64_t unix_time);

} // namespace ovpn::wire
