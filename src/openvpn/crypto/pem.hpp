// crypto/pem.hpp: the PEM-style armour 2.6 uses for tls-crypt-v2 and
// auth-token keys: "-----BEGIN <label>-----", base64 in 64-column lines,
// "-----END <label>-----". Decoded bytes are treated as key material.
#pragma once

#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::crypto {

// pem_encode: armour data under label, 64 base64 characters per line.
std::string pem_encode(std::string_view label, Bytes data);

// pem_decode: find the BEGIN/END pair for label (text before BEGIN is
// ignored), decode the base64 between them (whitespace ignored). Fails on a
// missing marker or invalid base64.
Result<SecureBytes> pem_decode(std::string_view label, std::string_view text);

// base64_decode: plain base64 (whitespace ignored), e.g. --genkey metadata.
Result<SecureBytes> base64_decode(std::string_view text);

} // namespace ovpn::crypto
