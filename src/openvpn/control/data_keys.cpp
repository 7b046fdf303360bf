#include "openvpn/control/data_keys.hpp"

#include <algorithm>
#include <cctype>

namespace ovpn::control {

namespace {

std::string upper(std::string_view s)
{
    std::string u(s);
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
    return u;
}

constexpr std::size_t kSlot = 64;
constexpr std::size_t kImplicitIvLen = 8;

} // namespace

std::optional<CipherInfo> lookup_data_cipher(std::string_view name)
{
    using data::CipherAlg;
    static const CipherInfo kTable[] = {
        {CipherAlg::Aes128Gcm, "AES-128-GCM", 16},
        {CipherAlg::Aes192Gcm, "AES-192-GCM", 24},
        {CipherAlg::Aes256Gcm, "AES-256-GCM", 32},
        {CipherAlg::Chacha20Poly1305, "CHACHA20-POLY1305", 32},
        {CipherAlg::CbcHmac, "AES-128-CBC", 16},
        {CipherAlg::CbcHmac, "AES-192-CBC", 24},
        {CipherAlg::CbcHmac, "AES-256-CBC", 32},
        {CipherAlg::CbcHmac, "BF-CBC", 16},
        {CipherAlg::None, "none", 0},
    };
    const std::string u = upper(name);
    for (const auto& c : kTable) {
        if (upper(c.name) == u)
            return c;
    }
    return std::nullopt;
}

std::optional<std::size_t> digest_len(std::string_view auth)
{
    const std::string u = upper(auth);
    if (u == "SHA1" || u == "SHA-1")
        return 20;
    if (u == "SHA224" || u == "SHA-224")
        return 28;
    if (u == "SHA256" || u == "SHA-256")
        return 32;
    if (u == "SHA384" || u == "SHA-384")
        return 48;
    if (u == "SHA512" || u == "SHA-512")
        return 64;
    if (u == "MD5")
        return 16;
    if (u == "NONE")
        return 0;
    return std::nullopt;
}

Result<data::DataKeys> make_data_keys(Bytes key_block, std::uint8_t key_id, std::string_view cipher,
                                      std::string_view auth, bool is_tls_client)
{
    if (key_block.size() != kKeyBlockLen)
        return Err(std::string("key block must be 256 bytes"));
    auto ci = lookup_data_cipher(cipher);
    if (!ci)
        return Err("unsupported data cipher '" + std::string(cipher) + "'");
    data::DataKeys k;
    k.key_id = key_id;
    k.cipher = ci->alg;
    k.cipher_name = ci->name;
    std::size_t hmac_len = 0;
    if (data::is_aead(ci->alg)) {
        k.auth_name = "none";
    } else {
        auto d = digest_len(auth);
        if (!d)
            return Err("unsupported --auth digest '" + std::string(auth) + "'");
        hmac_len = *d;
        k.auth_name = upper(auth);
    }
    // keys[0] = client->server, keys[1] = server->client
    auto fill = [&](data::DirectionKeys& dk, int idx) {
        Bytes c = key_block.subspan(idx ? 128 : 0, kSlot);
        Bytes h = key_block.subspan(idx ? 192 : 64, kSlot);
        dk.cipher_key = SecureBytes(c.first(ci->key_len));
        if (data::is_aead(ci->alg))
            dk.implicit_iv = SecureBytes(h.first(kImplicitIvLen));
        else if (hmac_len > 0)
            dk.hmac_key = SecureBytes(h.first(hmac_len));
    };
    fill(k.encrypt, is_tls_client ? 0 : 1);
    fill(k.decrypt, is_tls_client ? 1 : 0);
    return k;
}

} // namespace ovpn::control
