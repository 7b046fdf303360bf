// crypto/key_files.hpp: the PEM key files of tls-crypt-v2 and auth-token
// (protocol-facts §3.4, §12), read and written in 2.6's exact format.
//
//   tls-crypt-v2 server key: "OpenVPN tls-crypt-v2 server key", 128 bytes
//   tls-crypt-v2 client key: "OpenVPN tls-crypt-v2 client key", Kc[256] || WKc
//   auth-token server key:   "OpenVPN auth-token server key", 128 bytes
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/crypto/static_key.hpp"

namespace ovpn::crypto {

inline constexpr std::string_view kTlsCryptV2ServerLabel = "OpenVPN tls-crypt-v2 server key";
inline constexpr std::string_view kTlsCryptV2ClientLabel = "OpenVPN tls-crypt-v2 client key";
inline constexpr std::string_view kAuthTokenLabel = "OpenVPN auth-token server key";

// parse_tls_crypt_v2_server_key: the 128-byte server key.
Result<SecureBytes> parse_tls_crypt_v2_server_key(std::string_view text);

struct TlsCryptV2ClientKey {
    StaticKey kc;                  // used like a tls-crypt key (client = Inverse)
    std::vector<std::uint8_t> wkc; // opaque, sent to the server
};
// parse_tls_crypt_v2_client_key: Kc and WKc; checks WKc's trailing length.
Result<TlsCryptV2ClientKey> parse_tls_crypt_v2_client_key(std::string_view text);
std::string format_tls_crypt_v2_client_key(const TlsCryptV2ClientKey& key);

// parse_auth_token_key: the 128-byte auth-token server key.
Result<SecureBytes> parse_auth_token_key(std::string_view text);

} // namespace ovpn::crypto
