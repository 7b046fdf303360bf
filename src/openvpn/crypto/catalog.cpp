// crypto/catalog.cpp: see catalog.hpp.
#include "openvpn/crypto/catalog.hpp"

#include <algorithm>
#include <cstring>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "openvpn/wire/evp.hpp"

namespace ovpn::crypto {
namespace {

constexpr int kMaxKeyBytes = 64; // one key slot of the key block

// kSpellings: the names 2.6 shows in place of OpenSSL's own.
struct Spelling {
    const char* ours;
    const char* lib;
};
constexpr Spelling kSpellings[] = {
    {"AES-128-GCM", "id-aes128-GCM"},
    {"AES-192-GCM", "id-aes192-GCM"},
    {"AES-256-GCM", "id-aes256-GCM"},
    {"CHACHA20-POLY1305", "ChaCha20-Poly1305"},
};

// kDigestSpellings: 2.6 shows OpenSSL 1.1's digest names.
constexpr Spelling kDigestSpellings[] = {
    {"BLAKE2s256", "BLAKE2S-256"}, {"BLAKE2b512", "BLAKE2B-512"},  {"RIPEMD160", "RIPEMD-160"},
    {"SHA224", "SHA2-224"},        {"SHA256", "SHA2-256"},         {"SHA384", "SHA2-384"},
    {"SHA512", "SHA2-512"},        {"SHA512-224", "SHA2-512/224"}, {"SHA512-256", "SHA2-512/256"},
    {"SHAKE128", "SHAKE-128"},     {"SHAKE256", "SHAKE-256"},
};

std::string digest_to_ours(const char* lib)
{
    for (const auto& s : kDigestSpellings)
        if (std::strcmp(lib, s.lib) == 0)
            return s.ours;
    return lib;
}

std::string to_ours(const std::string& lib)
{
    for (const auto& s : kSpellings)
        if (lib == s.lib)
            return s.ours;
    return lib;
}

std::string to_lib(std::string_view name)
{
    for (const auto& s : kSpellings)
        if (name == s.ours)
            return s.lib;
    return std::string(name);
}

wire::CipherPtr fetch(const std::string& name)
{
    wire::CipherPtr c{EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr)};
    if (!c)
        ERR_clear_error(); // a failed fetch leaves an error on the queue
    return c;
}

std::optional<CipherMode> mode_of(const EVP_CIPHER* c)
{
    const unsigned long flags = EVP_CIPHER_get_flags(c);
    const bool aead_flag = (flags & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
    const int mode = EVP_CIPHER_get_mode(c);
    if (mode == EVP_CIPH_GCM_MODE || EVP_CIPHER_get_nid(c) == NID_chacha20_poly1305)
        return CipherMode::Aead;
    if (mode == EVP_CIPH_CBC_MODE && !aead_flag && (flags & EVP_CIPH_FLAG_CTS) == 0)
        return CipherMode::Cbc;
    if ((mode == EVP_CIPH_CFB_MODE || mode == EVP_CIPH_OFB_MODE) && !aead_flag)
        return CipherMode::CfbOfb;
    return std::nullopt;
}

// block_bytes: OpenSSL says 1 for CFB/OFB/GCM; the block of the same
// algorithm in CBC mode is the real one (AES-128-GCM -> AES-128-CBC).
int block_bytes(const EVP_CIPHER* c, const std::string& ours)
{
    const std::size_t dash = ours.rfind('-');
    if (dash != std::string::npos && ours.size() - dash >= 4)
        if (auto cbc = fetch(to_lib(ours.substr(0, dash) + "-CBC")))
            return EVP_CIPHER_get_block_size(cbc.get());
    return EVP_CIPHER_get_block_size(c);
}

std::optional<CipherFacts> facts_of(const EVP_CIPHER* c)
{
    const char* lib = EVP_CIPHER_get0_name(c);
    const auto mode = mode_of(c);
    if (!lib || !mode)
        return std::nullopt;
    CipherFacts f;
    f.lib_name = lib;
    f.name = to_ours(f.lib_name);
    f.mode = *mode;
    f.key_bytes = EVP_CIPHER_get_key_length(c);
    f.iv_bytes = EVP_CIPHER_get_iv_length(c);
    f.block_bytes = block_bytes(c, f.name);
    f.insecure = f.block_bytes < 16 && EVP_CIPHER_get_nid(c) != NID_chacha20_poly1305;
    f.too_long_key = f.key_bytes > kMaxKeyBytes;
    return f;
}

} // namespace

std::optional<CipherFacts> cipher_facts(std::string_view name)
{
    std::string lib = to_lib(name);
    for (const auto& s : kSpellings) // case-insensitive like OpenSSL's fetch
        if (strcasecmp(lib.c_str(), s.ours) == 0)
            lib = s.lib;
    auto c = fetch(lib);
    if (!c)
        return std::nullopt;
    return facts_of(c.get());
}

std::vector<CipherFacts> data_channel_ciphers()
{
    std::vector<std::string> names;
    EVP_CIPHER_do_all_provided(
        nullptr,
        [](EVP_CIPHER* c, void* arg) {
            if (const char* n = c ? EVP_CIPHER_get0_name(c) : nullptr)
                static_cast<std::vector<std::string>*>(arg)->emplace_back(n);
        },
        &names);
    std::vector<CipherFacts> out;
    for (const auto& n : names)
        if (auto c = fetch(n))
            if (auto f = facts_of(c.get()))
                out.push_back(std::move(*f));
    std::sort(out.begin(), out.end(),
              [](const CipherFacts& a, const CipherFacts& b) { return a.lib_name < b.lib_name; });
    return out;
}

std::vector<DigestFacts> all_digests()
{
    std::vector<DigestFacts> out;
    EVP_MD_do_all_provided(
        nullptr,
        [](EVP_MD* md, void* arg) {
            if (const char* n = md ? EVP_MD_get0_name(md) : nullptr)
                static_cast<std::vector<DigestFacts>*>(arg)->push_back(
                    {digest_to_ours(n), EVP_MD_get_size(md)});
        },
        &out);
    return out;
}

} // namespace ovpn::crypto
