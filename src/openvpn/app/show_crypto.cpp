// app/show_crypto.cpp: --show-ciphers, --show-digests, --show-engines,
// --show-tls and --show-curves (--show-groups), in 2.6.14's words and
// layout, listing what this process's OpenSSL offers (NetworkManager's
// editor and OpenVPN's own t_lpback.sh parse the cipher list).
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>

#include <memory>
#include <vector>

#include "openvpn/app/app.hpp"
#include "openvpn/crypto/catalog.hpp"
#include "openvpn/crypto/tls_names.hpp"

namespace ovpn::app {
namespace {

void print_cipher(std::FILE* out, const crypto::CipherFacts& c)
{
    std::fprintf(out, "%s  (%d bit key, ", c.name.c_str(), c.key_bytes * 8);
    if (c.block_bytes == 1)
        std::fprintf(out, "stream cipher");
    else
        std::fprintf(out, "%d bit block", c.block_bytes * 8);
    if (c.mode != crypto::CipherMode::Cbc)
        std::fprintf(out, ", TLS client/server mode only");
    if (c.too_long_key)
        std::fprintf(out, ", disabled due to key size too large");
    std::fprintf(out, ")\n");
}

// log_openssl_errors: the error queue, one line each, as 2.6 prints it
// before a fatal OpenSSL message; the queue is left empty.
void log_openssl_errors(Logger& log)
{
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        log.logf(Verb::Fatal, "OpenSSL: %s:%s", buf, (flags & ERR_TXT_STRING) && data ? data : "");
    }
}

struct SslCtxFree {
    void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
    void operator()(SSL* p) const { SSL_free(p); }
};

// print_tls_suites: the suites an SSL object built as 2.6 builds it for
// --show-tls offers; false (logged) when OpenSSL refuses the lists.
bool print_tls_suites(std::FILE* out, const options::Options& o, bool tls13, Logger& log)
{
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_method()));
    if (!ctx) {
        log.write(Verb::Fatal, "Cannot create SSL_CTX object");
        return false;
    }
    if (tls13) {
        SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
        if (o.tls_ciphersuites) {
            const std::string list = crypto::tls13_list_to_openssl(*o.tls_ciphersuites);
            if (SSL_CTX_set_ciphersuites(ctx.get(), list.c_str()) != 1) {
                log_openssl_errors(log);
                log.logf(Verb::Fatal, "Failed to set restricted TLS 1.3 cipher list: %s", list.c_str());
                return false;
            }
        }
    } else {
        SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
        std::vector<std::string> renamed;
        const std::string list = o.tls_cipher ? crypto::tls_cipher_list_to_openssl(*o.tls_cipher, &renamed)
                                              : crypto::kTlsDefaultCipherList;
        for (const auto& r : renamed)
            log.logf(Verb::Error, "Deprecated TLS cipher name '%s', please use IANA name '%s'", r.c_str(),
                     crypto::find_tls_suite(r)->iana);
        if (SSL_CTX_set_cipher_list(ctx.get(), list.c_str()) != 1) {
            log_openssl_errors(log);
            log.logf(Verb::Fatal, "Failed to set restricted TLS cipher list: %s", list.c_str());
            return false;
        }
    }
    const std::string profile = o.tls_cert_profile.value_or("");
    SSL_CTX_set_security_level(ctx.get(), crypto::tls_security_level(profile).value_or(1));
    if (profile == "suiteb")
        SSL_CTX_set_cipher_list(ctx.get(), "SUITEB128");
    std::unique_ptr<SSL, SslCtxFree> ssl(SSL_new(ctx.get()));
    if (!ssl) {
        log.write(Verb::Fatal, "Cannot create SSL object");
        return false;
    }
    STACK_OF(SSL_CIPHER)* sk = SSL_get1_supported_ciphers(ssl.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); ++i) {
        const char* name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i));
        const crypto::TlsSuiteName* known = tls13 ? nullptr : crypto::find_tls_suite(name);
        if (tls13)
            std::fprintf(out, "%s\n", name);
        else if (known)
            std::fprintf(out, "%s\n", known->iana);
        else
            std::fprintf(out, "%s (No IANA name known to OpenVPN, use OpenSSL name.)\n", name);
    }
    sk_SSL_CIPHER_free(sk);
    return true;
}

} // namespace

void show_ciphers(std::FILE* out)
{
    std::fprintf(out, "The following ciphers and cipher modes are available for use\n"
                      "with OpenVPN.  Each cipher shown below may be used as a\n"
                      "parameter to the --data-ciphers (or --cipher) option. In static \n"
                      "key mode only CBC mode is allowed.\n"
                      "See also openssl list -cipher-algorithms\n\n");
    const auto all = crypto::data_channel_ciphers();
    for (const auto& c : all)
        if (!c.insecure)
            print_cipher(out, c);
    std::fprintf(out, "\nThe following ciphers have a block size of less than 128 bits, \n"
                      "and are therefore deprecated.  Do not use unless you have to.\n\n");
    for (const auto& c : all)
        if (c.insecure)
            print_cipher(out, c);
    std::fprintf(out, "\n");
}

void show_digests(std::FILE* out)
{
    std::fprintf(out, "The following message digests are available for use with\n"
                      "OpenVPN.  A message digest is used in conjunction with\n"
                      "the HMAC function, to authenticate received packets.\n"
                      "You can specify a message digest as parameter to\n"
                      "the --auth option.\n"
                      "See also openssl list -digest-algorithms\n\n");
    for (const auto& d : crypto::all_digests())
        std::fprintf(out, "%s %d bit digest size\n", d.name.c_str(), d.size_bytes * 8);
    std::fprintf(out, "\n");
}

void show_engines(std::FILE* out)
{
    // OpenSSL 3 replaced engines by providers; Debian's 2.6.14 is built
    // without engine support and says this.
    std::fprintf(out, "Sorry, OpenSSL hardware crypto engine functionality is not available.\n");
}

bool show_tls(std::FILE* out, const options::Options& o, Logger& log)
{
    std::fprintf(out, "Available TLS Ciphers, listed in order of preference:\n");
    std::fprintf(out, "\nFor TLS 1.3 and newer (--tls-ciphersuites):\n\n");
    std::fflush(out);
    if (!print_tls_suites(out, o, true, log))
        return false;
    std::fprintf(out, "\nFor TLS 1.2 and older (--tls-cipher):\n\n");
    std::fflush(out);
    if (!print_tls_suites(out, o, false, log))
        return false;
    std::fprintf(out, "\n"
                      "Be aware that that whether a cipher suite in this list can actually work\n"
                      "depends on the specific setup of both peers. See the man page entries of\n"
                      "--tls-cipher and --show-tls for more details.\n\n");
    return true;
}

void show_curves(std::FILE* out)
{
    std::fprintf(out, "Consider using 'openssl ecparam -list_curves' as alternative to running\n"
                      "this command.\n"
                      "Note this output does only list curves/groups that OpenSSL considers as\n"
                      "builtin EC curves. It does not list additional curves nor X448 or X25519\n");
    std::vector<EC_builtin_curve> curves(EC_get_builtin_curves(nullptr, 0));
    if (curves.empty() || EC_get_builtin_curves(curves.data(), curves.size()) == 0)
        return;
    std::fprintf(out, "\nAvailable Elliptic curves/groups:\n");
    for (const auto& c : curves) {
        const char* sn = OBJ_nid2sn(c.nid);
        std::fprintf(out, "%s\n", sn ? sn : "");
    }
}

} // namespace ovpn::app
