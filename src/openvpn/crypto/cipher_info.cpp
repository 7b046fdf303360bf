#include "openvpn/crypto/cipher_info.hpp"

#include <algorithm>
#include <cctype>

#include "openvpn/crypto/catalog.hpp"
#include "openvpn/wire/evp.hpp"

namespace ovpn::crypto {

namespace {

std::string upper(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

} // namespace

Result<CipherInfo> lookup_cipher(std::string_view name)
{
    const std::string up = upper(name);
    CipherInfo info;
    if (up == "NONE") {
        info.name = "none";
        return info;
    }
    const auto facts = cipher_facts(up);
    if (!facts)
        return Err{"cipher '" + std::string(name) +
                   "' is not supported for the data channel (use a GCM, CHACHA20-POLY1305, CBC, CFB or OFB "
                   "cipher that OpenSSL provides)"};
    info.name = facts->name;
    info.key_len = static_cast<std::size_t>(facts->key_bytes);
    if (facts->mode == CipherMode::Aead) {
        info.alg = up == "AES-128-GCM"         ? data::CipherAlg::Aes128Gcm
                   : up == "AES-192-GCM"       ? data::CipherAlg::Aes192Gcm
                   : up == "AES-256-GCM"       ? data::CipherAlg::Aes256Gcm
                   : up == "CHACHA20-POLY1305" ? data::CipherAlg::Chacha20Poly1305
                                               : data::CipherAlg::OtherAead;
        info.aead = true;
        info.iv_len = 12;
        return info;
    }
    info.alg = data::CipherAlg::CbcHmac;
    info.iv_len = static_cast<std::size_t>(facts->iv_bytes);
    if (facts->mode == CipherMode::CfbOfb)
        info.iv_packet_id = true;
    else
        info.block = static_cast<std::size_t>(facts->block_bytes);
    return info;
}

Result<std::size_t> digest_len(std::string_view auth)
{
    const std::string up = upper(auth);
    if (up == "NONE")
        return std::size_t{0};
    const std::size_t n = wire::digest_size(up);
    if (n == 0)
        return Err{"unsupported digest '" + std::string(auth) + "'"};
    return n;
}

} // namespace ovpn::crypto
