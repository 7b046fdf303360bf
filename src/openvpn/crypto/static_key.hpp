// crypto/static_key.hpp: "OpenVPN Static key V1" files (protocol-facts §3.1)
// and the key-direction slices (§3.1-3.3).
//
// The 256 bytes are two `struct key { cipher[64]; hmac[64]; }`:
//
//   0        64       128      192      256
//   | c[0]   | h[0]   | c[1]   | h[1]   |
//
// An algorithm uses the first key_len bytes of a cipher slot and the first
// digest_len bytes of an hmac slot. key-direction 0 (Normal) sends with
// keys[0] and receives with keys[1], 1 (Inverse) the other way round, and no
// direction (Bidirectional) uses keys[0] both ways.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::crypto {

inline constexpr std::size_t kStaticKeyLen = 256;
inline constexpr std::size_t kKeySlotLen = 64;

enum class KeyDirection : std::uint8_t { Bidirectional, Normal, Inverse };

// parse_key_direction: "0" -> Normal, "1" -> Inverse; anything else fails.
Result<KeyDirection> parse_key_direction(std::string_view s);

struct StaticKey {
    SecureBytes bytes; // exactly kStaticKeyLen

    // cipher/hmac: the 64-byte slot of keys[idx] (idx 0 or 1).
    Bytes cipher(int idx) const noexcept { return bytes.span().subspan(idx ? 128 : 0, kKeySlotLen); }
    Bytes hmac(int idx) const noexcept { return bytes.span().subspan(idx ? 192 : 64, kKeySlotLen); }
};

// KeySlices: the send and receive halves picked by a key direction.
struct KeySlices {
    Bytes send_cipher, send_hmac; // 64 bytes each
    Bytes recv_cipher, recv_hmac;
};
KeySlices key_slices(const StaticKey& key, KeyDirection dir) noexcept;

// parse_static_key: read 2.6's text format. Everything before the BEGIN line
// is ignored (comments), whitespace between hex digits is allowed, the END
// line is required and exactly 256 bytes must be present. Errors name the problem.
Result<StaticKey> parse_static_key(std::string_view text);

// format_static_key: the file text exactly as 2.6's --genkey writes it
// (three comment lines, BEGIN, 16 lines of 32 hex digits, END).
std::string format_static_key(const StaticKey& key);

// generate_static_key: 256 bytes from RAND_bytes.
Result<StaticKey> generate_static_key();

} // namespace ovpn::crypto
