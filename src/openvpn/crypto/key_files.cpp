#include "openvpn/crypto/key_files.hpp"

#include "openvpn/crypto/pem.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"

namespace ovpn::crypto {

namespace {

Result<SecureBytes> parse_fixed(std::string_view label, std::string_view text, std::size_t len)
{
    auto r = pem_decode(label, text);
    if (!r)
        return r;
    if (r->size() != len)
        return Err{std::string(label) + ": expected " + std::to_string(len) + " bytes, found " +
                   std::to_string(r->size())};
    return r;
}

} // namespace

Result<SecureBytes> parse_tls_crypt_v2_server_key(std::string_view text)
{
    return parse_fixed(kTlsCryptV2ServerLabel, text, wire::kTlsCryptV2ServerKeyLen);
}

Result<SecureBytes> parse_auth_token_key(std::string_view text)
{
    return parse_fixed(kAuthTokenLabel, text, 128);
}

Result<TlsCryptV2ClientKey> parse_tls_crypt_v2_client_key(std::string_view text)
{
    auto r = pem_decode(kTlsCryptV2ClientLabel, text);
    if (!r)
        return Err{r.error()};
    const std::size_t n = r->size();
    if (n < kStaticKeyLen + wire::kTlsCryptV2MinWkcLen || n > kStaticKeyLen + wire::kTlsCryptV2MaxWkcLen)
        return Err{std::string("tls-crypt-v2 client key: bad size ") + std::to_string(n)};
    Bytes all = r->span();
    Bytes wkc = all.subspan(kStaticKeyLen);
    const std::size_t len = (std::size_t{wkc[wkc.size() - 2]} << 8) | wkc[wkc.size() - 1];
    if (len != wkc.size())
        return Err{std::string("tls-crypt-v2 client key: wrapped key length mismatch")};
    TlsCryptV2ClientKey key;
    key.kc.bytes = SecureBytes(all.first(kStaticKeyLen));
    key.wkc.assign(wkc.begin(), wkc.end());
    return key;
}

std::string format_tls_crypt_v2_client_key(const TlsCryptV2ClientKey& key)
{
    SecureBytes all(key.kc.bytes.size() + key.wkc.size());
    std::copy(key.kc.bytes.span().begin(), key.kc.bytes.span().end(), all.data());
    std::copy(key.wkc.begin(), key.wkc.end(), all.data() + key.kc.bytes.size());
    return pem_encode(kTlsCryptV2ClientLabel, all);
}

} // namespace ovpn::crypto
