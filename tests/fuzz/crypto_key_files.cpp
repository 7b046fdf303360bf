// Fuzz: static key files, PEM keys (tls-crypt-v2 server/client, auth-token).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/pem.hpp"
#include "openvpn/crypto/static_key.hpp"

using namespace ovpn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto k = crypto::parse_static_key(text);
    if (k) {
        // A parsed key must write and re-read to the same bytes.
        auto back = crypto::parse_static_key(crypto::format_static_key(*k));
        if (!back ||
            !std::equal(back->bytes.span().begin(), back->bytes.span().end(), k->bytes.span().begin()))
            __builtin_trap();
    }
    (void)crypto::parse_tls_crypt_v2_server_key(text);
    (void)crypto::parse_tls_crypt_v2_client_key(text);
    (void)crypto::parse_auth_token_key(text);
    (void)crypto::base64_decode(text);
    return 0;
}
