#include "openvpn/crypto/cipher_info.hpp"

#include <algorithm>
#include <cctype>

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
    wire::CipherPtr c{EVP_CIPHER_fetch(nullptr, up.c_str(), nullptr)};
    if (!c)
        return Err{"unsupported cipher '" + std::string(name) + "'"};
    info.name = up;
    info.key_len = static_cast<std::size_t>(EVP_CIPHER_get_key_length(c.get()));
    const int mode = EVP_CIPHER_get_mode(c.get());
    if (up == "AES-128-GCM" || up == "AES-192-GCM" || up == "AES-256-GCM" || up == "CHACHA20-POLY1305") {
        info.alg = up == "AES-128-GCM"   ? data::CipherAlg::Aes128Gcm
                   : up == "AES-192-GCM" ? data::CipherAlg::Aes192Gcm
                   : up == "AES-256-GCM" ? data::CipherAlg::Aes256Gcm
                                         : data::CipherAlg::Chacha20Poly1305;
        info.iv_len = 12;
        return info;
    }
    if (mode != EVP_CIPH_CBC_MODE)
        return Err{"cipher '" + std::string(name) +
                   "' is not supported for the data channel (use GCM, "
                   "CHACHA20-POLY1305 or a CBC cipher)"};
    info.alg = data::CipherAlg::CbcHmac;
    info.block = static_cast<std::size_t>(EVP_CIPHER_get_block_size(c.get()));
    info.iv_len = static_cast<std::size_t>(EVP_CIPHER_get_iv_length(c.get()));
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
