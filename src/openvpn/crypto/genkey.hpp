// crypto/genkey.hpp: the file text of 2.6's `--genkey <type>` outputs, so the
// CLI only writes what these functions return (to the file, or stdout when
// no file was given, as 2.6 does).
//
//   secret | tls-auth | tls-crypt  "OpenVPN Static key V1", 256 random bytes
//   tls-crypt-v2-server            PEM, 128 random bytes
//   tls-crypt-v2-client            PEM, random Kc || WKc (needs the server key)
//   auth-token                     PEM, 128 random bytes
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"

namespace ovpn::crypto {

enum class GenkeyType : std::uint8_t {
    Secret,
    TlsAuth,
    TlsCrypt,
    TlsCryptV2Server,
    TlsCryptV2Client,
    AuthToken
};

// parse_genkey_type: the first --genkey argument as 2.6 spells it
// ("secret", "tls-auth", "tls-crypt", "tls-crypt-v2-server",
// "tls-crypt-v2-client", "auth-token").
Result<GenkeyType> parse_genkey_type(std::string_view s);

struct GenkeyInput {
    // tls-crypt-v2-client only: the text of the --tls-crypt-v2 server key file.
    std::string server_key_text;
    // tls-crypt-v2-client only: --genkey's optional base64 metadata argument;
    // stored as user metadata (type 0x00). Absent: a timestamp (type 0x01).
    std::optional<std::string> metadata_base64;
    // tls-crypt-v2-client only: the unix time for the timestamp metadata.
    std::int64_t now_unix = 0;
};

// genkey_text: the complete file text. Fails (with 2.6-like messages) on a
// missing or bad server key, bad base64 or metadata that is too long.
// The returned string holds key material: the caller writes it and lets it go.
Result<std::string> genkey_text(GenkeyType type, const GenkeyInput& in);

} // namespace ovpn::crypto
