#include "openvpn/wire/evp.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

namespace ovpn::wire {

bool ct_equal(Bytes a, Bytes b) noexcept
{
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::size_t digest_size(const std::string& digest) noexcept
{
    MdPtr md{EVP_MD_fetch(nullptr, digest.c_str(), nullptr)};
    if (!md)
        return 0;
    return static_cast<std::size_t>(EVP_MD_get_size(md.get()));
}

Result<Hmac> Hmac::create(const std::string& digest, Bytes key)
{
    std::size_t size = digest_size(digest);
    if (size == 0)
        return Err{"unknown digest '" + digest + "'"};
    MacPtr mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
    if (!mac)
        return Err{std::string("HMAC not available")};
    Hmac h;
    h.ctx_.reset(EVP_MAC_CTX_new(mac.get()));
    if (!h.ctx_)
        return Err{std::string("EVP_MAC_CTX_new failed")};
    std::string name = digest;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.data(), 0),
                           OSSL_PARAM_construct_end()};
    // An empty key is legal for HMAC but EVP wants a non-null pointer.
    static const unsigned char kEmpty[1] = {0};
    if (EVP_MAC_init(h.ctx_.get(), key.empty() ? kEmpty : key.data(), key.size(), params) != 1)
        return Err{"HMAC init failed for " + digest};
    h.size_ = size;
    return h;
}

bool Hmac::compute(std::initializer_list<Bytes> parts, MutBytes out) noexcept
{
    if (!ctx_ || out.size() < size_)
        return false;
    // Re-initialising with a null key keeps the key and digest set in create().
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1)
        return false;
    for (Bytes p : parts) {
        if (!p.empty() && EVP_MAC_update(ctx_.get(), p.data(), p.size()) != 1)
            return false;
    }
    std::size_t outl = 0;
    return EVP_MAC_final(ctx_.get(), out.data(), &outl, out.size()) == 1 && outl == size_;
}

Result<CtrCipher> CtrCipher::create(const char* name, Bytes key)
{
    CipherPtr cipher{EVP_CIPHER_fetch(nullptr, name, nullptr)};
    if (!cipher)
        return Err{std::string("cipher not available: ") + name};
    if (static_cast<std::size_t>(EVP_CIPHER_get_key_length(cipher.get())) != key.size())
        return Err{std::string("wrong key length for ") + name};
    CtrCipher c;
    c.ctx_.reset(EVP_CIPHER_CTX_new());
    if (!c.ctx_ || EVP_EncryptInit_ex2(c.ctx_.get(), cipher.get(), key.data(), nullptr, nullptr) != 1)
        return Err{std::string("cipher init failed: ") + name};
    return c;
}

bool CtrCipher::apply(Bytes iv, Bytes in, MutBytes out) noexcept
{
    if (!ctx_ || out.size() < in.size() ||
        iv.size() != static_cast<std::size_t>(EVP_CIPHER_CTX_get_iv_length(ctx_.get())))
        return false;
    if (EVP_EncryptInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), nullptr) != 1)
        return false;
    int outl = 0;
    if (!in.empty() &&
        EVP_EncryptUpdate(ctx_.get(), out.data(), &outl, in.data(), static_cast<int>(in.size())) != 1)
        return false;
    int fin = 0;
    if (EVP_EncryptFinal_ex(ctx_.get(), out.data() + outl, &fin) != 1)
        return false;
    return static_cast<std::size_t>(outl + fin) == in.size();
}

} // namespace ovpn::wire
