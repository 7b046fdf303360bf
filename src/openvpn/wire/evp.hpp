// wire/evp.hpp: small RAII wrappers over OpenSSL 3 EVP objects and the few
// one-shot operations the wrappers and the data channel need (HMAC through
// EVP_MAC, a keyed stream/block cipher context, constant-time compare).
// No primitive is implemented here: everything calls EVP. Contexts hold key
// schedules; OpenSSL wipes them when they are freed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::wire {

struct EvpFree {
    void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
    void operator()(EVP_CIPHER* p) const noexcept { EVP_CIPHER_free(p); }
    void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
    void operator()(EVP_KDF* p) const noexcept { EVP_KDF_free(p); }
    void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, EvpFree>;
using MacPtr = std::unique_ptr<EVP_MAC, EvpFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpFree>;
using MdPtr = std::unique_ptr<EVP_MD, EvpFree>;
using KdfPtr = std::unique_ptr<EVP_KDF, EvpFree>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpFree>;

// ct_equal: constant-time comparison of two equally long byte strings
// (false when the lengths differ).
bool ct_equal(Bytes a, Bytes b) noexcept;

// digest_size: output size of the named digest ("SHA1", "SHA256", ...), 0 if unknown.
std::size_t digest_size(const std::string& digest) noexcept;

// Hmac: an HMAC key bound to a digest, reusable for many messages.
// Movable, not copyable. compute() is not thread-safe (one context).
class Hmac {
public:
    // create: fails on an unknown digest or a key OpenSSL refuses.
    static Result<Hmac> create(const std::string& digest, Bytes key);

    std::size_t size() const noexcept { return size_; }
    // compute: HMAC over the concatenation of parts into out[0..size()).
    // Returns false if out is too small or OpenSSL fails.
    bool compute(std::initializer_list<Bytes> parts, MutBytes out) noexcept;

private:
    MacCtxPtr ctx_;
    std::size_t size_ = 0;
};

// CtrCipher: AES-256-CTR (or any cipher without padding) with a fixed key;
// each call sets a fresh IV. Encrypt and decrypt are the same operation for CTR.
class CtrCipher {
public:
    static Result<CtrCipher> create(const char* name, Bytes key);
    // apply: out = cipher(iv, in); out.size() must be >= in.size(). In-place allowed.
    bool apply(Bytes iv, Bytes in, MutBytes out) noexcept;

private:
    CipherCtxPtr ctx_;
};

} // namespace ovpn::wire
