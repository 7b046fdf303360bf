// gen_cert.hpp: certificates made in the test with OpenSSL's EVP/X509 APIs
// (EC P-256 keys), for the certificate check tests.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/core/secure.hpp"

namespace ovpn::testcert {

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
    void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

inline Key new_key()
{
    return Key(EVP_EC_gen("P-256"));
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Spec {
    Spec() = default;
    Spec(Pairs subj, Pairs e = {}) : subject(std::move(subj)), ext(std::move(e)) {}
    Pairs subject = {{"CN", "peer"}};
    // extensions as openssl.cnf writes them: {"keyUsage", "digitalSignature"}
    Pairs ext;
    long serial = 1;
};

// make: a certificate for `key` per `spec`, signed by `issuer_key` with
// `issuer` as issuer (self-signed when issuer is null).
inline Cert make(const Spec& spec, EVP_PKEY* key, X509* issuer = nullptr, EVP_PKEY* issuer_key = nullptr)
{
    Cert x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), spec.serial);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600L * 24 * 365);
    X509_set_pubkey(x.get(), key);
    X509_NAME* n = X509_get_subject_name(x.get());
    for (const auto& [f, v] : spec.subject)
        X509_NAME_add_entry_by_txt(n, f.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : n);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    for (const auto& [name, value] : spec.ext) {
        X509_EXTENSION* e = X509V3_EXT_conf(nullptr, &ctx, name.c_str(), value.c_str());
        if (e != nullptr) {
            X509_add_ext(x.get(), e, -1);
            X509_EXTENSION_free(e);
        }
    }
    X509_sign(x.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
    return x;
}

inline std::string pem_of(X509* x)
{
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    std::string s(p, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
}

inline SecureBytes key_pem_of(EVP_PKEY* k)
{
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    SecureBytes s(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)));
    BIO_free(b);
    return s;
}

} // namespace ovpn::testcert
