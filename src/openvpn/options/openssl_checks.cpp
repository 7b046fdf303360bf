// options/openssl_checks.cpp: the validate.hpp checks that need OpenSSL:
// cipher and digest names, and the referenced key and certificate files.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "openvpn/crypto/catalog.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/pem.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/crypto/tls_names.hpp"
#include "openvpn/options/validate.hpp"

namespace ovpn::options {
namespace {

template <typename T, void (*F)(T*)> struct Free {
    void operator()(T* p) const { F(p); }
};
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;

std::string at_of(const FileRef& f)
{
    return strfmt("--%s %s (%s:%d)", f.option.c_str(), f.is_inline ? "[inline]" : f.path.c_str(),
                  f.origin.file.c_str(), f.origin.line);
}

// Loaded: a file's text, or the error that reading it gave.
struct Loaded {
    std::string text;
    std::string error;
};

Loaded load(const Options& o, const FileRef& f)
{
    if (f.is_inline)
        return {f.content, ""};
    std::ifstream in(resolve_path(o, f.path), std::ios::binary);
    if (!in) {
        const int err = errno;
        return {"", strfmt("Options error: --%s fails with '%s': %s (errno=%d) (%s:%d)", f.option.c_str(),
                           f.path.c_str(), std::strerror(err), err, f.origin.file.c_str(), f.origin.line)};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return {ss.str(), ""};
}

BioPtr mem_bio(const std::string& text)
{
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

int no_passphrase(char*, int, int, void*)
{
    return -1; // never prompt: an encrypted key is reported, not unlocked
}

std::string ssl_error()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
        return "no PEM data found";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

int count_certs(const std::string& text)
{
    auto bio = mem_bio(text);
    int n = 0;
    while (X509Ptr c{PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr)})
        ++n;
    ERR_clear_error();
    return n;
}

X509Ptr first_cert(const std::string& text)
{
    auto bio = mem_bio(text);
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
}

std::string check_cert_list(const FileRef& f, const std::string& text, const char* what)
{
    if (count_certs(text) == 0)
        return strfmt("Options error: Cannot load %s from %s: %s", what, at_of(f).c_str(),
                      ssl_error().c_str());
    return "";
}

std::string check_key(const FileRef& f, const std::string& text, X509* cert)
{
    if (text.find("ENCRYPTED") != std::string::npos)
        return ""; // needs --askpass at start-up; not checked here
    auto bio = mem_bio(text);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        return strfmt("Options error: Cannot load private key from %s: %s", at_of(f).c_str(),
                      ssl_error().c_str());
    if (cert && X509_check_private_key(cert, key.get()) != 1) {
        ERR_clear_error();
        return strfmt("Options error: Private key in %s does not match the certificate (--cert)",
                      at_of(f).c_str());
    }
    return "";
}

std::string check_dh(const FileRef& f, const std::string& text)
{
    auto bio = mem_bio(text);
    PkeyPtr params(PEM_read_bio_Parameters(bio.get(), nullptr));
    if (!params)
        return strfmt("Options error: Cannot load DH parameters from %s: %s", at_of(f).c_str(),
                      ssl_error().c_str());
    return "";
}

std::string check_crl(const FileRef& f, const std::string& text)
{
    auto bio = mem_bio(text);
    X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, no_passphrase, nullptr);
    if (!crl)
        return strfmt("Options error: CRL: cannot read CRL from %s: %s", at_of(f).c_str(),
                      ssl_error().c_str());
    X509_CRL_free(crl);
    return "";
}

std::string check_pkcs12(const FileRef& f, const std::string& text)
{
    std::string der = text;
    if (f.is_inline) {
        auto raw = crypto::base64_decode(text);
        if (!raw)
            return strfmt("Options error: Error decoding inline PKCS#12 from %s", at_of(f).c_str());
        der.assign(reinterpret_cast<const char*>(raw->data()), raw->size());
    }
    auto bio = mem_bio(der);
    PKCS12* p12 = d2i_PKCS12_bio(bio.get(), nullptr);
    if (!p12)
        return strfmt("Options error: Error reading PKCS#12 file %s: %s", at_of(f).c_str(),
                      ssl_error().c_str());
    PKCS12_free(p12);
    return "";
}

std::string check_static_key(const FileRef& f, const std::string& text)
{
    auto k = crypto::parse_static_key(text);
    if (!k)
        return strfmt("Options error: %s: %s", at_of(f).c_str(), k.error().c_str());
    return "";
}

std::string check_tls_crypt_v2(const Options& o, const FileRef& f, const std::string& text)
{
    if (o.tls_server) {
        auto k = crypto::parse_tls_crypt_v2_server_key(text);
        return k ? "" : strfmt("Options error: %s: %s", at_of(f).c_str(), k.error().c_str());
    }
    auto k = crypto::parse_tls_crypt_v2_client_key(text);
    return k ? "" : strfmt("Options error: %s: %s", at_of(f).c_str(), k.error().c_str());
}

std::string check_auth_token_key(const FileRef& f, const std::string& text)
{
    auto k = crypto::parse_auth_token_key(text);
    return k ? "" : strfmt("Options error: %s: %s", at_of(f).c_str(), k.error().c_str());
}

// Checker: reads one FileRef and returns "" or an error.
class Checker {
public:
    Checker(const Options& o, std::vector<std::string>& out) : o_(o), out_(out) {}

    template <typename F> void run(const std::optional<FileRef>& f, F&& check)
    {
        if (!f)
            return;
        Loaded l = load(o_, *f);
        std::string err = l.error.empty() ? check(*f, l.text) : l.error;
        if (!err.empty())
            out_.push_back(std::move(err));
    }

private:
    const Options& o_;
    std::vector<std::string>& out_;
};

void check_connection_keys(const Options& o, const ConnectionEntry& ce, Checker& c)
{
    c.run(ce.tls_auth, check_static_key);
    c.run(ce.tls_crypt, check_static_key);
    c.run(ce.tls_crypt_v2,
          [&](const FileRef& f, const std::string& t) { return check_tls_crypt_v2(o, f, t); });
}

bool cipher_known(const std::string& name)
{
    if (name == "none" || name == "[null-cipher]")
        return true;
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
    ERR_clear_error();
    EVP_CIPHER_free(c);
    return c != nullptr;
}

bool digest_known(const std::string& name)
{
    if (name == "none")
        return true;
    EVP_MD* md = EVP_MD_fetch(nullptr, name.c_str(), nullptr);
    ERR_clear_error();
    EVP_MD_free(md);
    return md != nullptr;
}

// static_key_cipher: --secret mode (and --test-crypto) takes --cipher
// (default BF-CBC, which OpenSSL 3 only has in its legacy provider) with
// the modes 2.6 allows there: CBC only, every data-channel mode for the
// self-test; CFB/OFB/AEAD need replay protection (their IV or nonce is the
// packet id).
void check_static_key_cipher(const Options& o, std::vector<std::string>& out)
{
    if (!o.secret || o.tls_client || o.tls_server)
        return;
    const std::string name = o.cipher.value_or("BF-CBC");
    if (name == "none")
        return;
    const auto f = crypto::cipher_facts(name);
    if (!f || f->too_long_key) {
        out.push_back(strfmt("Options error: Cipher %s not supported%s", name.c_str(),
                             o.cipher ? "" : " (the default of --secret mode; set --cipher on both peers)"));
        return;
    }
    if (f->mode != crypto::CipherMode::Cbc && !o.test_crypto)
        out.push_back(strfmt("Options error: Cipher '%s' mode not supported", name.c_str()));
    else if (f->mode != crypto::CipherMode::Cbc && o.no_replay)
        out.push_back("Options error: --no-replay cannot be used with a CFB, OFB or AEAD mode cipher");
}

// check_tls_lists: --tls-cipher (2.6's IANA names translated) and
// --tls-ciphersuites as 2.6 hands them to OpenSSL, which must accept them
// (2.6 stops at start-up otherwise).
void check_tls_lists(const Options& o, std::vector<std::string>& out)
{
    if (!o.tls_cipher && !o.tls_ciphersuites)
        return;
    std::unique_ptr<SSL_CTX, Free<SSL_CTX, SSL_CTX_free>> ctx(SSL_CTX_new(TLS_method()));
    if (!ctx)
        return;
    if (o.tls_cipher) {
        const std::string list = crypto::tls_cipher_list_to_openssl(*o.tls_cipher);
        if (SSL_CTX_set_cipher_list(ctx.get(), list.c_str()) != 1)
            out.push_back(strfmt("Options error: --tls-cipher: Failed to set restricted TLS cipher list: %s",
                                 list.c_str()));
    }
    if (o.tls_ciphersuites) {
        const std::string list = crypto::tls13_list_to_openssl(*o.tls_ciphersuites);
        if (SSL_CTX_set_ciphersuites(ctx.get(), list.c_str()) != 1)
            out.push_back(
                strfmt("Options error: --tls-ciphersuites: Failed to set restricted TLS 1.3 cipher list: %s",
                       list.c_str()));
    }
    ERR_clear_error();
}

} // namespace

std::string resolve_path(const Options& o, const std::string& path)
{
    std::filesystem::path p(path);
    if (p.is_relative() && o.cd)
        return (std::filesystem::path(*o.cd) / p).string();
    return path;
}

std::vector<std::string> check_ciphers(const Options& o)
{
    std::vector<std::string> out;
    if (o.data_ciphers) {
        std::stringstream ss(*o.data_ciphers);
        std::string item;
        bool bad = o.data_ciphers->size() > 127;
        while (std::getline(ss, item, ':')) {
            const bool optional = !item.empty() && item[0] == '?';
            if (!cipher_known(optional ? item.substr(1) : item) && !optional) {
                out.push_back(
                    strfmt("Options error: Unsupported cipher in --data-ciphers: %s", item.c_str()));
                bad = true;
            }
        }
        if (bad)
            out.push_back("Options error: --data-ciphers list contains unsupported ciphers or is too long.");
    }
    if (o.data_ciphers_fallback && !cipher_known(*o.data_ciphers_fallback))
        out.push_back(strfmt("Options error: --data-ciphers-fallback: cipher '%s' not found or not supported",
                             o.data_ciphers_fallback->c_str()));
    if (o.cipher && !cipher_known(*o.cipher))
        out.push_back(strfmt("Options error: --cipher: Cipher algorithm '%s' not found", o.cipher->c_str()));
    if (o.auth && !digest_known(*o.auth))
        out.push_back(
            strfmt("Options error: --auth: Message hash algorithm '%s' not found", o.auth->c_str()));
    if (!o.cipher || cipher_known(*o.cipher)) // an unknown one is reported above
        check_static_key_cipher(o, out);
    check_tls_lists(o, out);
    return out;
}

std::vector<std::string> check_files(const Options& o)
{
    std::vector<std::string> out;
    Checker c(o, out);
    c.run(o.ca,
          [](const FileRef& f, const std::string& t) { return check_cert_list(f, t, "CA certificate"); });
    c.run(o.extra_certs,
          [](const FileRef& f, const std::string& t) { return check_cert_list(f, t, "extra certificates"); });
    X509Ptr cert;
    c.run(o.cert, [&](const FileRef& f, const std::string& t) {
        cert = first_cert(t);
        return cert ? std::string() : check_cert_list(f, t, "certificate");
    });
    c.run(o.key, [&](const FileRef& f, const std::string& t) { return check_key(f, t, cert.get()); });
    if (o.dh && (o.dh->is_inline || o.dh->path != "none") && o.tls_server)
        c.run(o.dh, check_dh);
    if (o.crl_verify && !(o.last("crl-verify") && o.last("crl-verify")->args.size() > 1))
        c.run(o.crl_verify, check_crl);
    c.run(o.pkcs12, check_pkcs12);
    c.run(o.secret, check_static_key);
    c.run(o.auth_gen_token_secret, check_auth_token_key);
    if (o.connections.empty())
        check_connection_keys(o, o.ce, c);
    for (const auto& ce : o.connections)
        check_connection_keys(o, ce, c);
    return out;
}

} // namespace ovpn::options
