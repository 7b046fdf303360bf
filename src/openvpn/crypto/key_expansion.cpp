#include "openvpn/crypto/key_expansion.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/wire/evp.hpp"

namespace ovpn::crypto {

namespace {

constexpr std::string_view kMasterLabel = "OpenVPN master secret";
constexpr std::string_view kExpansionLabel = "OpenVPN key expansion";

void append(SecureBytes& out, std::size_t& pos, Bytes b)
{
    std::copy(b.begin(), b.end(), out.data() + pos);
    pos += b.size();
}

// direction_keys: one direction's slices for cipher/auth from keys[idx].
Result<data::DirectionKeys> direction_keys(const StaticKey& block, int idx, const CipherInfo& c,
                                           std::size_t hmac_len)
{
    data::DirectionKeys d;
    d.cipher_key = SecureBytes(block.cipher(idx).first(c.key_len));
    if (c.aead)
        d.implicit_iv = SecureBytes(block.hmac(idx).first(kImplicitIvLen));
    else
        d.hmac_key = SecureBytes(block.hmac(idx).first(hmac_len));
    return d;
}

Result<data::DataKeys> build(const StaticKey& block, int enc_idx, int dec_idx, std::uint8_t key_id,
                             std::string_view cipher, std::string_view auth)
{
    if (block.bytes.size() != kKeyBlockLen)
        return Err{std::string("key block must be 256 bytes")};
    auto c = lookup_cipher(cipher);
    if (!c)
        return Err{c.error()};
    std::size_t hmac_len = 0;
    data::DataKeys keys;
    keys.key_id = key_id;
    keys.cipher = c->alg;
    keys.cipher_name = c->name;
    keys.auth_name = "none";
    if (!c->aead) {
        auto h = digest_len(auth);
        if (!h)
            return Err{h.error()};
        hmac_len = *h;
        if (hmac_len > kKeySlotLen || c->key_len > kKeySlotLen)
            return Err{std::string("key or digest longer than a key slot")};
        if (hmac_len > 0) {
            keys.auth_name = std::string(auth);
            for (auto& ch : keys.auth_name)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        }
    }
    auto e = direction_keys(block, enc_idx, *c, hmac_len);
    auto d = direction_keys(block, dec_idx, *c, hmac_len);
    keys.encrypt = std::move(*e);
    keys.decrypt = std::move(*d);
    return keys;
}

} // namespace

Result<SecureBytes> tls1_prf(Bytes secret, Bytes seed, std::size_t len)
{
    wire::KdfPtr kdf{EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr)};
    if (!kdf)
        return Err{std::string("TLS1-PRF not available")};
    wire::KdfCtxPtr ctx{EVP_KDF_CTX_new(kdf.get())};
    if (!ctx)
        return Err{std::string("EVP_KDF_CTX_new failed")};
    char digest[] = "MD5-SHA1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, const_cast<std::uint8_t*>(secret.data()),
                                          secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<std::uint8_t*>(seed.data()),
                                          seed.size()),
        OSSL_PARAM_construct_end()};
    SecureBytes out(len);
    if (EVP_KDF_derive(ctx.get(), out.data(), len, params) != 1)
        return Err{std::string("TLS1-PRF failed (MD5 unavailable, e.g. FIPS mode? use TLS-EKM)")};
    return out;
}

Result<StaticKey> prf_key_block(const ClientKeySource& client, const ServerKeySource& server,
                                const wire::SessionId& client_sid, const wire::SessionId& server_sid)
{
    SecureBytes seed1(kMasterLabel.size() + 64);
    std::size_t pos = 0;
    append(seed1, pos, as_bytes(kMasterLabel));
    append(seed1, pos, client.random1);
    append(seed1, pos, server.random1);
    auto master = tls1_prf(client.pre_master, seed1, 48);
    if (!master)
        return Err{master.error()};
    SecureBytes seed2(kExpansionLabel.size() + 64 + 16);
    pos = 0;
    append(seed2, pos, as_bytes(kExpansionLabel));
    append(seed2, pos, client.random2);
    append(seed2, pos, server.random2);
    append(seed2, pos, client_sid);
    append(seed2, pos, server_sid);
    auto block = tls1_prf(*master, seed2, kKeyBlockLen);
    if (!block)
        return Err{block.error()};
    return StaticKey{std::move(*block)};
}

Result<StaticKey> ekm_key_block(Bytes exported)
{
    if (exported.size() != kKeyBlockLen)
        return Err{std::string("TLS-EKM output must be 256 bytes")};
    return StaticKey{SecureBytes(exported)};
}

Result<data::DataKeys> make_data_keys(const StaticKey& block, wire::Role role, std::uint8_t key_id,
                                      std::string_view cipher, std::string_view auth)
{
    // The TLS client encrypts with keys[0] (client->server), the server with keys[1].
    const int enc = role == wire::Role::Client ? 0 : 1;
    return build(block, enc, 1 - enc, key_id, cipher, auth);
}

Result<data::DataKeys> static_data_keys(const StaticKey& key, KeyDirection dir, std::string_view cipher,
                                        std::string_view auth)
{
    const int enc = dir == KeyDirection::Inverse ? 1 : 0;
    const int dec = dir == KeyDirection::Normal ? 1 : 0;
    return build(key, enc, dec, 0, cipher, auth);
}

} // namespace ovpn::crypto
