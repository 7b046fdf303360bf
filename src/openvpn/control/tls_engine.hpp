// control/tls_engine.hpp: one TLS session driven entirely through OpenSSL
// memory BIOs (style G3). The control channel feeds it the peer's ciphertext
// (the reassembled P_CONTROL_V1 payloads), takes the ciphertext it produces,
// writes one plaintext record per control message and reads the peer's
// records back. It never touches a socket or a clock.
//
// TlsContext holds what 2.6 builds from --ca/--cert/--key/--extra-certs/
// --pkcs12, --tls-version-min/max, --tls-cipher, --tls-ciphersuites,
// --tls-groups, --verify-x509-name and --remote-cert-tls; it is shared by every
// key state (each renegotiation is a new TlsSession on the same context).
// Certificates and keys arrive as PEM text (or PKCS#12 DER bytes): reading
// files and inline blocks is the caller's job.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/control/cert_env.hpp"
#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/crypto/external_key.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace ovpn::control {

// --verify-x509-name <name> [subject|name|name-prefix]
enum class X509NameType : std::uint8_t { Subject, Name, NamePrefix };
struct VerifyX509Name {
    std::string name;
    X509NameType type = X509NameType::Subject;
};

// --remote-cert-tls client|server: the peer certificate's EKU must say so.
enum class RemoteCertTls : std::uint8_t { None, Client, Server };

// VerifyHook: called during the handshake for every certificate of the peer's
// chain that OpenSSL and the checks above accepted, highest depth first (CA,
// then the peer at depth 0), like 2.6's --tls-verify. `cert` is the one at
// hand, `chain` every certificate recorded so far in this session (cert
// included): cert_env(chain) is the environment 2.6 gives the script.
// Returning false fails the handshake (certificate verify failed).
using VerifyHook = std::function<bool(const CertFacts& cert, const std::vector<CertFacts>& chain)>;

struct TlsConfig {
    bool is_server = false; // TLS role (= tls-server / --mode server)
    std::string ca_pem;     // one or more CA certificates
    std::string cert_pem;   // our certificate
    SecureBytes key_pem;    // our private key (PEM)
    // key_signer: instead of key_pem, a key that signs outside the process
    // (--management-external-key): crypto/external_key.hpp, built on the
    // certificate's public key.
    crypto::ExternalSigner key_signer;
    std::string extra_certs_pem;
    std::string crl_pem; // --crl-verify (file or inline): the peer's certificate is checked
    // crl_file: --crl-verify FILE. When set, the context reads the CRL from
    // it (crl_pem is ignored) and, like 2.6, reads it again before a new
    // TLS session when its modification time or size changed.
    std::string crl_file;
    // crl_dir: --crl-verify DIR dir: a certificate (any depth) whose serial
    // number, in decimal, names a file in DIR is revoked (2.6's check).
    std::string crl_dir;
    std::vector<std::uint8_t> pkcs12_der; // --pkcs12 (replaces cert/key, adds CAs)
    SecureBytes pkcs12_password;
    std::string tls_version_min = "1.2"; // "1.0" .. "1.3"
    std::string tls_version_max;         // empty = library maximum
    std::string tls_cipher;              // TLS <= 1.2 cipher list
    std::string tls_ciphersuites;        // TLS 1.3 suites
    std::string tls_groups;              // ':'-separated
    int security_level = 1;              // OpenSSL's (2.6: --tls-cert-profile, legacy = 1 by default)
    bool require_peer_cert = true;       // false = --verify-client-cert none
    std::optional<VerifyX509Name> verify_x509_name;
    RemoteCertTls remote_cert_tls = RemoteCertTls::None;
    // fingerprint_only: --peer-fingerprint without --ca/--capath (2.6's
    // verify_hash_no_ca): OpenSSL's verdict on the chain is ignored and each
    // certificate goes to the verify hook, which checks the fingerprint
    // (session/cert_verify); without a hook the peer is refused.
    bool fingerprint_only = false;
    // naming: --x509-username-field and --x509-track for the CertFacts.
    CertNaming naming;
    // verify_hook: --tls-verify (see VerifyHook); TlsSession::set_verify_hook
    // overrides it for one session (a server's per-client context).
    VerifyHook verify_hook;
};

// TlsContext: owns an SSL_CTX built from TlsConfig. Immutable once built.
class TlsContext {
public:
    static Result<std::shared_ptr<TlsContext>> create(const TlsConfig& cfg);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* native() const noexcept { return ctx_; }
    const TlsConfig& config() const noexcept { return cfg_; }

    // refresh_crl: with crl_file, re-read it when it changed since the last
    // read (TlsSession::create calls this). Returns true when it was
    // re-read; an unreadable or broken file fails and the previous CRL
    // stays in force.
    Result<bool> refresh_crl() const;

private:
    TlsContext() = default;
    Status<> load_crl_file() const;
    SSL_CTX* ctx_ = nullptr;
    TlsConfig cfg_; // the checks the verify callback needs (no key kept here)
    mutable std::timespec crl_mtime_{};
    mutable long long crl_size_ = -1;
};

// TlsSession: one TLS connection over memory BIOs.
class TlsSession {
public:
    static Result<std::unique_ptr<TlsSession>> create(std::shared_ptr<const TlsContext> ctx);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    // put_ciphertext: bytes from the peer, in stream order.
    void put_ciphertext(Bytes in);
    // take_ciphertext: up to `max` bytes to send to the peer (empty if none).
    std::vector<std::uint8_t> take_ciphertext(std::size_t max);
    bool has_ciphertext() const;

    // advance: run the handshake as far as the buffered input allows.
    // Fails (with OpenSSL's reason) when the handshake failed; the session
    // is dead then.
    Status<> advance();
    bool established() const noexcept { return established_; }

    // write_record: send one plaintext message as one TLS record. Before the
    // handshake is done it is kept and written once it is.
    Status<> write_record(Bytes plaintext);
    // read_record: the next plaintext record the peer sent (up to 2048
    // bytes, like 2.6's single read), or nothing yet. A TLS error fails.
    Result<std::optional<std::vector<std::uint8_t>>> read_record();

    // export_keying_material: RFC 5705 exporter, no context (2.6's use).
    Result<SecureBytes> export_keying_material(std::string_view label, std::size_t len) const;

    // peer_subject: the peer certificate's subject in 2.6's one-line form
    // ("C=XX, O=ovpn-test, CN=test-server"); peer_common_name: its CN (or
    // the --x509-username-field value). Both
    // remapped as 2.6 does (control characters become '_').
    std::string peer_subject() const;
    std::string peer_common_name() const;
    // description: "TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, ..." for
    // the "Control Channel:" log line.
    std::string description() const;

    // peer_chain: the peer's certificates seen by verification so far, in
    // the order verified (highest depth first); cert_env() of it is the
    // script environment (X509_<d>_*, tls_*_<d>, common_name).
    const std::vector<CertFacts>& peer_chain() const noexcept { return chain_; }
    // set_verify_hook: this session's --tls-verify (overrides TlsConfig's).
    void set_verify_hook(VerifyHook h) { hook_ = std::move(h); }

    // for the verify callback
    const CertFacts& record_cert(CertFacts f);
    const VerifyHook& verify_hook() const;

private:
    TlsSession() = default;
    std::shared_ptr<const TlsContext> ctx_;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;  // owned by ssl_
    BIO* out_ = nullptr; // owned by ssl_
    bool established_ = false;
    std::vector<SecureBytes> early_writes_; // may hold credentials
    std::vector<CertFacts> chain_;
    VerifyHook hook_;
};

// x509_subject_line: 2.6's subject rendering of a certificate (used for
// --verify-x509-name subject and the log).
std::string x509_subject_line(const void* x509_name);

} // namespace ovpn::control
