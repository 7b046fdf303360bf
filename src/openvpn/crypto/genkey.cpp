#include "openvpn/crypto/genkey.hpp"

#include <openssl/rand.h>

#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/pem.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"

namespace ovpn::crypto {

namespace {

Result<std::string> random_pem(std::string_view label, std::size_t len)
{
    SecureBytes key(len);
    if (RAND_bytes(key.data(), static_cast<int>(len)) != 1)
        return Err{std::string("RAND_bytes failed")};
    return pem_encode(label, key);
}

Result<std::string> v2_client(const GenkeyInput& in)
{
    if (in.server_key_text.empty())
        return Err{std::string("--genkey tls-crypt-v2-client requires a server key (--tls-crypt-v2)")};
    auto server = parse_tls_crypt_v2_server_key(in.server_key_text);
    if (!server)
        return Err{"tls-crypt-v2 server key: " + server.error()};
    std::vector<std::uint8_t> metadata;
    if (in.metadata_base64) {
        auto md = base64_decode(*in.metadata_base64);
        if (!md)
            return Err{std::string("tls-crypt-v2 metadata: ") + md.error()};
        metadata.push_back(wire::kMetadataTypeUser);
        metadata.insert(metadata.end(), md->span().begin(), md->span().end());
    } else {
        metadata = wire::timestamp_metadata(in.now_unix);
    }
    if (metadata.size() > wire::kTlsCryptV2MaxMetadataLen)
        return Err{std::string("tls-crypt-v2 metadata too long (max ") +
                   std::to_string(wire::kTlsCryptV2MaxMetadataLen - 1) + " bytes)"};
    auto kc = generate_static_key();
    if (!kc)
        return Err{kc.error()};
    auto wkc = wire::wrap_client_key(*server, kc->bytes, metadata);
    if (!wkc)
        return Err{std::string(wire::to_string(wkc.error()))};
    TlsCryptV2ClientKey key{std::move(*kc), std::move(*wkc)};
    return format_tls_crypt_v2_client_key(key);
}

} // namespace

Result<GenkeyType> parse_genkey_type(std::string_view s)
{
    if (s == "secret")
        return GenkeyType::Secret;
    if (s == "tls-auth")
        return GenkeyType::TlsAuth;
    if (s == "tls-crypt")
        return GenkeyType::TlsCrypt;
    if (s == "tls-crypt-v2-server")
        return GenkeyType::TlsCryptV2Server;
    if (s == "tls-crypt-v2-client")
        return GenkeyType::TlsCryptV2Client;
    if (s == "auth-token")
        return GenkeyType::AuthToken;
    return Err{"unknown --genkey type '" + std::string(s) + "'"};
}

Result<std::string> genkey_text(GenkeyType type, const GenkeyInput& in)
{
    switch (type) {
    case GenkeyType::Secret:
    case GenkeyType::TlsAuth:
    case GenkeyType::TlsCrypt: {
        auto key = generate_static_key();
        if (!key)
            return Err{key.error()};
        return format_static_key(*key);
    }
    case GenkeyType::TlsCryptV2Server:
        return random_pem(kTlsCryptV2ServerLabel, wire::kTlsCryptV2ServerKeyLen);
    case GenkeyType::AuthToken:
        return random_pem(kAuthTokenLabel, 128);
    case GenkeyType::TlsCryptV2Client:
        return v2_client(in);
    }
    return Err{std::string("unknown --genkey type")};
}

} // namespace ovpn::crypto
