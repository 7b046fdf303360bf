#include "openvpn/control/tls_engine.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "openvpn/core/string_class.hpp"

namespace ovpn::control {

namespace {

std::string openssl_error(const char* what)
{
    std::string s = what;
    unsigned long e;
    char buf[256];
    bool first = true;
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
        s += first ? ": " : " / ";
        s += buf;
        first = false;
    }
    return s;
}

int tls_version_from_string(const std::string& v)
{
    if (v == "1.0")
        return TLS1_VERSION;
    if (v == "1.1")
        return TLS1_1_VERSION;
    if (v == "1.2")
        return TLS1_2_VERSION;
    if (v == "1.3")
        return TLS1_3_VERSION;
    return -1;
}

struct BioDeleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr mem_bio(std::string_view s)
{
    return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

// ex_data index where each SSL finds its TlsContext's config.
int config_index()
{
    static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}

// ex_data index where each SSL finds its TlsSession (chain, hook).
int session_index()
{
    static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}

Status<> add_ca_pem(SSL_CTX* ctx, const std::string& pem)
{
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    BioPtr bio = mem_bio(pem);
    int n = 0;
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        X509_STORE_add_cert(store, x);
        X509_free(x);
        ++n;
    }
    ERR_clear_error(); // end of input shows as an error
    if (n == 0)
        return Err(std::string("Cannot load CA certificate: no certificate in --ca"));
    return Ok{};
}

// add_crl_pem: every CRL in the PEM text, and the leaf check 2.6 asks of
// OpenSSL (X509_V_FLAG_CRL_CHECK: the peer's certificate, not the chain).
Status<> add_crl_pem(SSL_CTX* ctx, const std::string& pem)
{
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    BioPtr bio = mem_bio(pem);
    int n = 0;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
        X509_STORE_add_crl(store, crl);
        X509_CRL_free(crl);
        ++n;
    }
    ERR_clear_error();
    if (n == 0)
        return Err(std::string("CRL: cannot read CRL from --crl-verify (no PEM X509 CRL in it)"));
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    return Ok{};
}

Status<> load_cert_chain(SSL_CTX* ctx, const TlsConfig& cfg)
{
    BioPtr bio = mem_bio(cfg.cert_pem);
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr || SSL_CTX_use_certificate(ctx, cert) != 1) {
        X509_free(cert);
        return Err(openssl_error("Cannot load certificate (--cert)"));
    }
    X509_free(cert);
    // Intermediate certificates: the rest of --cert, then --extra-certs.
    for (const std::string* src : {&cfg.cert_pem, &cfg.extra_certs_pem}) {
        BioPtr b = mem_bio(*src);
        if (src == &cfg.cert_pem)
            X509_free(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
        while (X509* x = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) {
            if (SSL_CTX_add0_chain_cert(ctx, x) != 1)
                X509_free(x);
        }
        ERR_clear_error();
    }
    if (cfg.key_signer) {
        auto ext = crypto::make_external_key(X509_get0_pubkey(SSL_CTX_get0_certificate(ctx)), cfg.key_signer);
        if (!ext)
            return Err(ext.error());
        if (SSL_CTX_use_PrivateKey(ctx, ext->get()) != 1)
            return Err(openssl_error("Cannot enable SSL external private key capability"));
        return Ok{};
    }
    BioPtr kb(BIO_new_mem_buf(cfg.key_pem.data(), static_cast<int>(cfg.key_pem.size())));
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr);
    if (pkey == nullptr || SSL_CTX_use_PrivateKey(ctx, pkey) != 1) {
        EVP_PKEY_free(pkey);
        return Err(openssl_error("Cannot load private key (--key)"));
    }
    EVP_PKEY_free(pkey);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return Err(openssl_error("Private key does not match the certificate"));
    return Ok{};
}

Status<> load_pkcs12(SSL_CTX* ctx, const TlsConfig& cfg)
{
    const unsigned char* p = cfg.pkcs12_der.data();
    PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(cfg.pkcs12_der.size()));
    if (p12 == nullptr)
        return Err(openssl_error("Cannot parse --pkcs12"));
    std::string pass(reinterpret_cast<const char*>(cfg.pkcs12_password.data()), cfg.pkcs12_password.size());
    EVP_PKEY* pkey = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    int ok = PKCS12_parse(p12, pass.c_str(), &pkey, &cert, &ca);
    OPENSSL_cleanse(pass.data(), pass.size());
    PKCS12_free(p12);
    if (ok != 1)
        return Err(openssl_error("Cannot decrypt --pkcs12 (wrong password?)"));
    bool good = SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
    X509_free(cert);
    EVP_PKEY_free(pkey);
    if (ca != nullptr) {
        // 2.6: the PKCS#12 CAs are trusted unless --ca is given as well.
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        for (int i = 0; i < sk_X509_num(ca); ++i) {
            X509* x = sk_X509_value(ca, i);
            if (cfg.ca_pem.empty())
                X509_STORE_add_cert(store, x);
            X509_up_ref(x);
            if (SSL_CTX_add0_chain_cert(ctx, x) != 1)
                X509_free(x);
        }
        sk_X509_pop_free(ca, X509_free);
    }
    if (!good)
        return Err(openssl_error("Cannot use the --pkcs12 certificate or key"));
    return Ok{};
}

bool name_matches(X509* cert, const VerifyX509Name& v)
{
    X509_NAME* subj = X509_get_subject_name(cert);
    if (v.type == X509NameType::Subject)
        return x509_subject_line(subj) == v.name;
    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(subj, NID_commonName, cn, sizeof(cn)) < 0)
        return false;
    std::string_view c(cn);
    if (v.type == X509NameType::Name)
        return c == v.name;
    return c.substr(0, v.name.size()) == v.name;
}

bool eku_matches(X509* cert, RemoteCertTls want)
{
    if (want == RemoteCertTls::None)
        return true;
    uint32_t xku = X509_get_extended_key_usage(cert);
    if ((X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) == 0)
        return false;
    uint32_t bit = want == RemoteCertTls::Server ? XKU_SSL_SERVER : XKU_SSL_CLIENT;
    if ((xku & bit) == 0)
        return false;
    // Key usage, when present, must allow a TLS peer (2.6 accepts any of
    // digitalSignature, keyEncipherment, keyAgreement).
    if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) != 0) {
        uint32_t ku = X509_get_key_usage(cert);
        if ((ku & (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT)) == 0)
            return false;
    }
    return true;
}

// verify_cb: OpenSSL's chain verdict, plus 2.6's checks on the peer
// (depth 0) certificate; then every accepted certificate is recorded for
// the scripts and offered to the --tls-verify hook.
int verify_cb(int preverify_ok, X509_STORE_CTX* store)
{
    const int depth = X509_STORE_CTX_get_error_depth(store);
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* cfg = static_cast<const TlsConfig*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), config_index()));
    auto* session = static_cast<TlsSession*>(SSL_get_ex_data(ssl, session_index()));
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    if (cfg == nullptr || cert == nullptr)
        return 0;
    if (preverify_ok != 1) {
        // 2.6 without a CA: only the fingerprint decides, in the hook
        if (!cfg->fingerprint_only || session == nullptr || !session->verify_hook())
            return preverify_ok;
    }
    if (depth == 0) {
        if (cfg->verify_x509_name && !name_matches(cert, *cfg->verify_x509_name)) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
            return 0;
        }
        if (!eku_matches(cert, cfg->remote_cert_tls)) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_INVALID_PURPOSE);
            return 0;
        }
    }
    if (session == nullptr)
        return 1;
    const CertFacts& facts = session->record_cert(cert_facts_of(cert, depth, cfg->naming));
    const VerifyHook& hook = session->verify_hook();
    // the hook reports an unreadable user name (2.6's log line); without one
    // the peer is refused all the same
    if ((hook && !hook(facts, session->peer_chain())) || !facts.username_error.empty()) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    // --crl-verify DIR dir, after the script as in 2.6.
    if (!cfg->crl_dir.empty() && !facts.serial_dec.empty()) {
        struct stat st {};
        if (::stat((cfg->crl_dir + "/" + facts.serial_dec).c_str(), &st) == 0) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REVOKED);
            return 0;
        }
    }
    return 1;
}

Status<> apply_protocol_settings(SSL_CTX* ctx, const TlsConfig& cfg)
{
    // 2.6: no session tickets, no TLS compression, no TLS renegotiation.
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    // Before the certificate and key are loaded: the level limits them too.
    SSL_CTX_set_security_level(ctx, cfg.security_level);
    int vmin = tls_version_from_string(cfg.tls_version_min);
    if (vmin < 0 || SSL_CTX_set_min_proto_version(ctx, vmin) != 1)
        return Err("Bad --tls-version-min '" + cfg.tls_version_min + "'");
    if (!cfg.tls_version_max.empty()) {
        int vmax = tls_version_from_string(cfg.tls_version_max);
        if (vmax < 0 || SSL_CTX_set_max_proto_version(ctx, vmax) != 1)
            return Err("Bad --tls-version-max '" + cfg.tls_version_max + "'");
    }
    if (!cfg.tls_cipher.empty() && SSL_CTX_set_cipher_list(ctx, cfg.tls_cipher.c_str()) != 1)
        return Err(openssl_error("Failed to set restricted TLS cipher list (--tls-cipher)"));
    if (!cfg.tls_ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, cfg.tls_ciphersuites.c_str()) != 1)
        return Err(openssl_error("Failed to set restricted TLS 1.3 cipher suites (--tls-ciphersuites)"));
    if (!cfg.tls_groups.empty() && SSL_CTX_set1_groups_list(ctx, cfg.tls_groups.c_str()) != 1)
        return Err(openssl_error("Failed to set allowed TLS group list (--tls-groups)"));
    return Ok{};
}

} // namespace

std::string x509_subject_line(const void* x509_name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), static_cast<const X509_NAME*>(x509_name), 0,
                       XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT |
                           ASN1_STRFLGS_ESC_CTRL);
    char* p = nullptr;
    long n = BIO_get_mem_data(bio.get(), &p);
    return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

Result<std::shared_ptr<TlsContext>> TlsContext::create(const TlsConfig& cfg)
{
    std::shared_ptr<TlsContext> c(new TlsContext());
    c->ctx_ = SSL_CTX_new(cfg.is_server ? TLS_server_method() : TLS_client_method());
    if (c->ctx_ == nullptr)
        return Err(openssl_error("SSL_CTX_new failed"));
    c->cfg_ = cfg;
    c->cfg_.key_pem.wipe(); // the SSL_CTX holds the key; no second copy
    c->cfg_.pkcs12_password.wipe();
    SSL_CTX_set_ex_data(c->ctx_, config_index(), &c->cfg_);
    if (auto s = apply_protocol_settings(c->ctx_, cfg); !s)
        return Err(s.error());
    if (!cfg.ca_pem.empty()) {
        if (auto s = add_ca_pem(c->ctx_, cfg.ca_pem); !s)
            return Err(s.error());
    }
    if (!cfg.crl_pem.empty() && cfg.crl_file.empty()) {
        if (auto s = add_crl_pem(c->ctx_, cfg.crl_pem); !s)
            return Err(s.error());
    }
    if (!cfg.pkcs12_der.empty()) {
        if (auto s = load_pkcs12(c->ctx_, cfg); !s)
            return Err(s.error());
    } else if (!cfg.cert_pem.empty()) {
        if (auto s = load_cert_chain(c->ctx_, cfg); !s)
            return Err(s.error());
    }
    if (!cfg.crl_file.empty()) {
        // After the CAs (--ca, --pkcs12): a reload copies them.
        if (auto s = c->load_crl_file(); !s)
            return Err(s.error());
    }
    int mode = SSL_VERIFY_PEER;
    if (cfg.require_peer_cert)
        mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(c->ctx_, mode, verify_cb);
    return c;
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(ctx_);
}

// load_crl_file: a fresh X509_STORE with the current trusted certificates and
// the file's CRLs replaces the context's store (sessions look the store up
// when they verify, so none keeps the old one).
Status<> TlsContext::load_crl_file() const
{
    struct stat st {};
    if (::stat(cfg_.crl_file.c_str(), &st) != 0)
        return Err("CRL: cannot read CRL from file " + cfg_.crl_file + ": " + std::strerror(errno));
    std::ifstream in(cfg_.crl_file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in)
        return Err("CRL: cannot read CRL from file " + cfg_.crl_file);
    const std::string pem = ss.str();
    X509_STORE* fresh = X509_STORE_new();
    if (fresh == nullptr)
        return Err(std::string("X509_STORE_new failed"));
    STACK_OF(X509)* certs = X509_STORE_get1_all_certs(SSL_CTX_get_cert_store(ctx_));
    for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i)
        X509_STORE_add_cert(fresh, sk_X509_value(certs, i));
    sk_X509_pop_free(certs, X509_free);
    BioPtr bio = mem_bio(pem);
    int n = 0;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
        X509_STORE_add_crl(fresh, crl);
        X509_CRL_free(crl);
        ++n;
    }
    ERR_clear_error();
    if (n == 0) {
        X509_STORE_free(fresh);
        return Err("CRL: cannot read CRL from file " + cfg_.crl_file + " (no PEM X509 CRL in it)");
    }
    X509_STORE_set_flags(fresh, X509_V_FLAG_CRL_CHECK);
    SSL_CTX_set_cert_store(ctx_, fresh); // frees the old store
    crl_mtime_ = st.st_mtim;
    crl_size_ = static_cast<long long>(st.st_size);
    return Ok{};
}

Result<bool> TlsContext::refresh_crl() const
{
    if (cfg_.crl_file.empty())
        return false;
    struct stat st {};
    if (::stat(cfg_.crl_file.c_str(), &st) != 0)
        return Err("WARNING: Failed to stat CRL file " + cfg_.crl_file + ", not reloading CRL.");
    if (st.st_mtim.tv_sec == crl_mtime_.tv_sec && st.st_mtim.tv_nsec == crl_mtime_.tv_nsec &&
        static_cast<long long>(st.st_size) == crl_size_)
        return false;
    if (auto s = load_crl_file(); !s)
        return Err(s.error());
    return true;
}

Result<std::unique_ptr<TlsSession>> TlsSession::create(std::shared_ptr<const TlsContext> ctx)
{
    std::unique_ptr<TlsSession> s(new TlsSession());
    s->ctx_ = std::move(ctx);
    (void)s->ctx_->refresh_crl(); // a broken new CRL keeps the previous one in force
    s->ssl_ = SSL_new(s->ctx_->native());
    if (s->ssl_ == nullptr)
        return Err(openssl_error("SSL_new failed"));
    SSL_set_ex_data(s->ssl_, session_index(), s.get());
    s->in_ = BIO_new(BIO_s_mem());
    s->out_ = BIO_new(BIO_s_mem());
    if (s->in_ == nullptr || s->out_ == nullptr) {
        BIO_free(s->in_);
        BIO_free(s->out_);
        s->in_ = s->out_ = nullptr;
        return Err(std::string("BIO_new failed"));
    }
    BIO_set_mem_eof_return(s->in_, -1); // empty = "retry", not EOF
    SSL_set_bio(s->ssl_, s->in_, s->out_);
    if (s->ctx_->config().is_server)
        SSL_set_accept_state(s->ssl_);
    else
        SSL_set_connect_state(s->ssl_);
    return s;
}

TlsSession::~TlsSession()
{
    SSL_free(ssl_); // frees both BIOs
}

void TlsSession::put_ciphertext(Bytes in)
{
    if (!in.empty())
        BIO_write(in_, in.data(), static_cast<int>(in.size()));
}

bool TlsSession::has_ciphertext() const
{
    return BIO_ctrl_pending(out_) > 0;
}

std::vector<std::uint8_t> TlsSession::take_ciphertext(std::size_t max)
{
    std::size_t n = std::min<std::size_t>(max, BIO_ctrl_pending(out_));
    std::vector<std::uint8_t> out(n);
    if (n > 0) {
        int r = BIO_read(out_, out.data(), static_cast<int>(n));
        out.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
    }
    return out;
}

Status<> TlsSession::advance()
{
    if (!established_) {
        ERR_clear_error();
        int r = SSL_do_handshake(ssl_);
        if (r != 1) {
            int e = SSL_get_error(ssl_, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                return Ok{};
            long v = SSL_get_verify_result(ssl_);
            std::string why = openssl_error("TLS handshake failed");
            if (v != X509_V_OK)
                why += std::string(" (certificate verify: ") + X509_verify_cert_error_string(v) + ")";
            return Err(why);
        }
        if (ctx_->config().fingerprint_only &&
            std::none_of(chain_.begin(), chain_.end(), [](const CertFacts& c) { return c.depth == 0; }))
            return Err(std::string(
                "TLS handshake failed: the peer certificate was not checked (--peer-fingerprint)"));
        established_ = true;
    }
    for (auto& w : early_writes_) {
        if (SSL_write(ssl_, w.data(), static_cast<int>(w.size())) <= 0)
            return Err(openssl_error("TLS write failed"));
    }
    early_writes_.clear();
    return Ok{};
}

Status<> TlsSession::write_record(Bytes plaintext)
{
    if (!established_) {
        early_writes_.emplace_back(plaintext);
        return advance();
    }
    ERR_clear_error();
    if (SSL_write(ssl_, plaintext.data(), static_cast<int>(plaintext.size())) <= 0)
        return Err(openssl_error("TLS write failed"));
    return Ok{};
}

Result<std::optional<std::vector<std::uint8_t>>> TlsSession::read_record()
{
    using R = std::optional<std::vector<std::uint8_t>>;
    if (!established_)
        return R{};
    std::vector<std::uint8_t> buf(2048);
    ERR_clear_error();
    int r = SSL_read(ssl_, buf.data(), static_cast<int>(buf.size()));
    if (r > 0) {
        buf.resize(static_cast<std::size_t>(r));
        return R{std::move(buf)};
    }
    int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return R{};
    return Err(openssl_error("TLS read failed"));
}

Result<SecureBytes> TlsSession::export_keying_material(std::string_view label, std::size_t len) const
{
    SecureBytes out(len);
    std::string l(label);
    if (SSL_export_keying_material(ssl_, out.data(), len, l.c_str(), l.size(), nullptr, 0, 0) != 1)
        return Err(openssl_error("TLS keying material export failed"));
    return out;
}

std::string TlsSession::peer_subject() const
{
    X509* cert = SSL_get0_peer_certificate(ssl_);
    return cert != nullptr ? remap_name(x509_subject_line(X509_get_subject_name(cert))) : std::string();
}

std::string TlsSession::peer_common_name() const
{
    if (!ctx_->config().naming.username_fields.empty()) {
        // --x509-username-field: the name verification made of it
        for (const CertFacts& c : chain_)
            if (c.depth == 0)
                return c.common_name;
        return {};
    }
    X509* cert = SSL_get0_peer_certificate(ssl_);
    char cn[256] = {};
    if (cert == nullptr ||
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn)) < 0)
        return {};
    return remap_name(cn); // 2.6: string_mod_remap_name
}

const CertFacts& TlsSession::record_cert(CertFacts f)
{
    for (auto& c : chain_) {
        if (c.depth == f.depth) {
            c = std::move(f); // the same depth verified again: the newer facts
            return c;
        }
    }
    chain_.push_back(std::move(f));
    return chain_.back();
}

const VerifyHook& TlsSession::verify_hook() const
{
    return hook_ ? hook_ : ctx_->config().verify_hook;
}

std::string TlsSession::description() const
{
    const SSL_CIPHER* c = SSL_get_current_cipher(ssl_);
    std::string s = SSL_get_version(ssl_);
    s += ", cipher ";
    s += c != nullptr ? SSL_CIPHER_get_version(c) : "?";
    s += " ";
    s += c != nullptr ? SSL_CIPHER_get_name(c) : "?";
    return s;
}

} // namespace ovpn::control
