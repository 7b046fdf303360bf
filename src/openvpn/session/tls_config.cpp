// session/tls_config.cpp: see tls_config.hpp.
#include "openvpn/session/tls_config.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "openvpn/core/secure_file.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/crypto/tls_names.hpp"
#include "openvpn/options/management_options.hpp"
#include "openvpn/process/console.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/session/external_key.hpp"
#include "openvpn/session/management.hpp"
#include "openvpn/session/pkcs11.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_auth.hpp"
#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::session {

namespace {

bool is_encrypted_pem(const SecureBytes& pem)
{
    const std::string_view v(reinterpret_cast<const char*>(pem.data()), pem.size());
    return v.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
           v.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

// unlock_private_key: an encrypted PEM key (PKCS#8 or legacy) decrypted
// with the passphrase from --askpass FILE or the terminal ("Enter Private
// Key Password:", no echo), re-encoded as plain PKCS#8 PEM in wiped memory.
Result<SecureBytes> unlock_private_key(const options::Options& o, const SecureBytes& pem)
{
    Result<SecureBytes> pass = Err(std::string());
    const options::Directive* ask = o.last("askpass");
    if (ask != nullptr && !ask->args.empty())
        pass = process::read_askpass_file(ask->args[0]);
    else
        pass = process::read_console("Enter Private Key Password:", false);
    if (!pass)
        return Err(pass.error());
    std::string pw(reinterpret_cast<const char*>(pass->data()), pass->size());
    BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* pkey = in != nullptr ? PEM_read_bio_PrivateKey(in, nullptr, nullptr, pw.data()) : nullptr;
    std::fill(pw.begin(), pw.end(), '\0');
    BIO_free(in);
    if (pkey == nullptr)
        return Err(std::string("Cannot load private key file ") +
                   (o.key && !o.key->is_inline ? o.key->path : std::string("[[INLINE]]")) +
                   ": wrong passphrase or unreadable key");
    BIO* out = BIO_new(BIO_s_secmem());
    if (out == nullptr)
        out = BIO_new(BIO_s_mem());
    SecureBytes plain;
    if (out != nullptr &&
        PEM_write_bio_PKCS8PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(out, &data);
        if (n > 0)
            plain = SecureBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data),
                                                              static_cast<std::size_t>(n)));
    }
    BIO_free(out);
    EVP_PKEY_free(pkey);
    if (plain.size() == 0)
        return Err(std::string("Cannot re-encode the decrypted private key"));
    return plain;
}

Result<control::RemoteCertTls> remote_cert_tls(const options::Options& o)
{
    std::optional<std::string> v = o.remote_cert_tls ? o.remote_cert_tls : o.ns_cert_type;
    if (!v)
        return control::RemoteCertTls::None;
    if (*v == "server")
        return control::RemoteCertTls::Server;
    if (*v == "client")
        return control::RemoteCertTls::Client;
    return Err("--remote-cert-tls: unknown value '" + *v + "'");
}

// load: an optional file option into `out`.
Status<> load(const std::optional<options::FileRef>& f, std::string& out)
{
    if (!f)
        return Ok{};
    auto r = read_file_ref(*f);
    if (!r)
        return Err(r.error());
    out = std::move(*r);
    return Ok{};
}

// load_pki: --ca, --cert, --extra-certs and --key (unlocked when encrypted).
Status<> load_pki(const options::Options& o, control::TlsConfig& t)
{
    for (auto [f, out] : {std::pair{&o.ca, &t.ca_pem}, std::pair{&o.cert, &t.cert_pem},
                          std::pair{&o.extra_certs, &t.extra_certs_pem}}) {
        if (auto s = load(*f, *out); !s)
            return s;
    }
    if (o.key) {
        auto key = read_secret_ref(*o.key);
        if (!key)
            return Err(key.error());
        t.key_pem = std::move(*key);
    }
    if (is_encrypted_pem(t.key_pem)) {
        auto plain = unlock_private_key(o, t.key_pem);
        if (!plain)
            return Err(plain.error());
        t.key_pem = std::move(*plain);
    }
    return Ok{};
}

// load_crl: --crl-verify: a file, an inline block, or a directory of
// revoked serials.
Status<> load_crl(const options::Options& o, control::TlsConfig& t)
{
    if (o.crl_verify) {
        const options::Directive* d = o.last("crl-verify");
        const bool dir = d != nullptr && d->args.size() > 1;
        // A file is read by the TLS context, and read again when it
        // changes (2.6); an inline <crl-verify> block is fixed.
        if (dir) {
            t.crl_dir = o.crl_verify->path; // 'dir': one file per revoked serial
        } else if (o.crl_verify->is_inline) {
            if (auto s = load(o.crl_verify, t.crl_pem); !s)
                return s;
        } else {
            t.crl_file = o.crl_verify->path;
        }
    }
    return Ok{};
}

// load_pkcs12: an inline <pkcs12> block is base64 (2.6); a file is DER.
Status<> load_pkcs12(const options::Options& o, control::TlsConfig& t)
{
    if (o.pkcs12) {
        std::string p12;
        if (auto s = load(o.pkcs12, p12); !s)
            return s;
        t.pkcs12_der.assign(p12.begin(), p12.end());
    }
    return Ok{};
}

// set_tls_limits: versions, cipher lists as 2.6 hands them to OpenSSL (its
// IANA names translated, its default list when none is given), the
// --tls-cert-profile security level, groups, client certificates.
Status<> set_tls_limits(const options::Options& o, control::TlsConfig& t)
{
    if (o.tls_version_min)
        t.tls_version_min = split_list(*o.tls_version_min, ' ').front();
    if (o.tls_version_max)
        t.tls_version_max = *o.tls_version_max;
    t.tls_cipher =
        o.tls_cipher ? crypto::tls_cipher_list_to_openssl(*o.tls_cipher) : crypto::kTlsDefaultCipherList;
    t.tls_ciphersuites = o.tls_ciphersuites ? crypto::tls13_list_to_openssl(*o.tls_ciphersuites) : "";
    const auto level = crypto::tls_security_level(o.tls_cert_profile.value_or(""));
    if (!level)
        return Err("ERROR: Invalid cert profile: " + o.tls_cert_profile.value_or(""));
    t.security_level = *level;
    t.tls_groups = o.tls_groups.value_or("");
    if (o.verify_client_cert && *o.verify_client_cert != "require")
        t.require_peer_cert = false;
    return Ok{};
}

// set_peer_checks: --verify-x509-name, --remote-cert-tls, a CA-less
// --peer-fingerprint, --x509-username-field and --x509-track.
Status<> set_peer_checks(const options::Options& o, control::TlsConfig& t)
{
    if (o.verify_x509_name && !o.verify_x509_name->empty()) {
        control::VerifyX509Name v{o.verify_x509_name->front(), control::X509NameType::Subject};
        if (o.verify_x509_name->size() > 1) {
            const std::string& ty = (*o.verify_x509_name)[1];
            if (ty == "name")
                v.type = control::X509NameType::Name;
            else if (ty == "name-prefix")
                v.type = control::X509NameType::NamePrefix;
            else if (ty != "subject")
                return Err("--verify-x509-name: unknown type '" + ty + "'");
        }
        t.verify_x509_name = v;
    }
    auto rct = remote_cert_tls(o);
    if (!rct)
        return Err(rct.error());
    t.remote_cert_tls = *rct;
    // 2.6's verify_hash_no_ca: the fingerprint alone decides
    t.fingerprint_only = !o.ca && !o.capath && o.verify_hash && o.verify_hash->depth == 0;
    t.naming.username_fields = o.x509_username_field;
    t.naming.track = o.x509_track;
    return Ok{};
}

// load_static: a tls-auth / tls-crypt static key.
Status<> load_static(const options::FileRef& f, const char* option, WrapKey& k)
{
    auto text = read_secret_ref(f);
    if (!text)
        return Err(text.error());
    auto key = crypto::parse_static_key(secret_text(*text));
    if (!key)
        return Err(std::string("--") + option + ": " + key.error());
    k.key = std::move(key->bytes);
    return Ok{};
}

// load_v2: a tls-crypt-v2 client key (Kc and WKc) or a server key.
Status<> load_v2(const options::FileRef& f, WrapKey& k)
{
    auto text = read_secret_ref(f);
    if (!text)
        return Err(text.error());
    if (k.kind == WrapKey::Kind::TlsCryptV2Server) {
        auto key = crypto::parse_tls_crypt_v2_server_key(secret_text(*text));
        if (!key)
            return Err("--tls-crypt-v2: " + key.error());
        k.key = std::move(*key);
        return Ok{};
    }
    auto key = crypto::parse_tls_crypt_v2_client_key(secret_text(*text));
    if (!key)
        return Err("--tls-crypt-v2: " + key.error());
    k.key = std::move(key->kc.bytes);
    k.wkc = std::move(key->wkc);
    return Ok{};
}

// tls_auth_wrap: --tls-auth with its key direction and --auth digest.
Result<std::unique_ptr<control::ControlWrap>> tls_auth_wrap(const WrapKey& k, std::uint32_t wall_secs)
{
    crypto::StaticKey key{SecureBytes(k.key.span())};
    crypto::KeyDirection dir = crypto::KeyDirection::Bidirectional;
    if (k.key_direction)
        dir = *k.key_direction == 0 ? crypto::KeyDirection::Normal : crypto::KeyDirection::Inverse;
    auto sl = crypto::key_slices(key, dir);
    auto w = wire::TlsAuth::create(k.digest, sl.send_hmac, sl.recv_hmac, wall_secs);
    if (!w)
        return Err("--tls-auth: " + w.error());
    return control::make_tls_auth_wrap(std::move(w).value(), SecureBytes(k.key.span()));
}

// tls_crypt_wrap: --tls-crypt in our TLS role, or a tls-crypt-v2 client's
// Kc with its WKc (whose packet ids start at 0x0f000000 to signal early
// negotiation support, §3.6).
Result<std::unique_ptr<control::ControlWrap>> tls_crypt_wrap(const WrapKey& k, std::uint32_t wall_secs)
{
    const bool v2 = k.kind == WrapKey::Kind::TlsCryptV2Client;
    const char* name = v2 ? "--tls-crypt-v2: " : "--tls-crypt: ";
    auto w = wire::TlsCrypt::create(k.key.span(), k.server && !v2 ? wire::Role::Server : wire::Role::Client,
                                    wall_secs);
    if (!w)
        return Err(name + w.error());
    auto wrap = std::move(w).value();
    if (!v2)
        return control::make_tls_crypt_wrap(std::move(wrap), {}, SecureBytes(k.key.span()));
    wrap.send_counter() = wire::PacketIdSend(wall_secs, wire::kEarlyNegStart);
    return control::make_tls_crypt_wrap(std::move(wrap), k.wkc, SecureBytes(k.key.span()));
}

// use_management_pki: --management-external-cert (2.6 asks at each TLS
// context set-up) and --management-external-key.
Status<> use_management_pki(const options::Options& o, Logger* log, Management* mgmt, control::TlsConfig& t)
{
    auto m = options::management_options(o);
    if (!m || (!m->external_cert && !m->external_key))
        return Ok{};
    if (mgmt == nullptr || log == nullptr)
        return Err(std::string("--management-external-key/-cert need the management interface"));
    if (m->external_cert) {
        auto pem = mgmt->ask_certificate(*m->external_cert);
        if (!pem)
            return Err(std::string("Cannot load inline certificate file"));
        t.cert_pem = std::move(*pem);
    }
    if (m->external_key)
        t.key_signer = management_signer(*mgmt, *m->external_key, *log);
    return Ok{};
}

} // namespace

Result<std::string> read_file_ref(const options::FileRef& f)
{
    if (f.is_inline)
        return f.content;
    std::ifstream in(f.path, std::ios::binary);
    if (!in)
        return Err("Error opening file '" + f.path + "' (--" + f.option + ")");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Result<SecureBytes> read_secret_ref(const options::FileRef& f)
{
    if (f.is_inline)
        return SecureBytes(as_bytes(f.content));
    auto b = read_secret_file(f.path);
    if (!b)
        return Err("Error opening file '" + f.path + "' (--" + f.option + ")");
    return b;
}

bool is_key_failure(std::string_view error)
{
    // the key's own errors: unlock_private_key and use_pkcs11 (pkcs11.cpp)
    for (std::string_view head :
         {"Cannot load private key file ", "Error: private key password verification failed"})
        if (error.substr(0, head.size()) == head)
            return true;
    return false;
}

Result<control::TlsConfig> make_tls_config(const options::Options& o, Logger* log, Management* mgmt)
{
    control::TlsConfig t;
    t.is_server = o.tls_server || o.is_server();
    for (auto step : {load_pki, load_crl, load_pkcs12, set_tls_limits, set_peer_checks})
        if (auto s = step(o, t); !s)
            return Err(s.error());
    if (auto s = use_management_pki(o, log, mgmt, t); !s)
        return Err(s.error());
    if (auto s = use_pkcs11(o, log, mgmt, t); !s)
        return Err(s.error());
    if (log != nullptr && t.fingerprint_only)
        log->write(Verb::Info, "Using certificate fingerprint to verify peer (no CA option set). ");
    if (log != nullptr && o.tls_cipher) {
        std::vector<std::string> renamed;
        (void)crypto::tls_cipher_list_to_openssl(*o.tls_cipher, &renamed);
        for (const auto& r : renamed)
            log->logf(Verb::Error, "Deprecated TLS cipher name '%s', please use IANA name '%s'", r.c_str(),
                      crypto::find_tls_suite(r)->iana);
    }
    return t;
}

Result<WrapKey> load_wrap_key(const options::Options& o, const options::ConnectionEntry& ce)
{
    auto pick = [&](const std::optional<options::FileRef> options::ConnectionEntry::*m) {
        return (ce.*m) ? (ce.*m) : (o.ce.*m);
    };
    WrapKey k;
    k.server = o.tls_server || o.is_server();
    if (auto ta = pick(&options::ConnectionEntry::tls_auth)) {
        k.kind = WrapKey::Kind::TlsAuth;
        k.key_direction = ce.key_direction ? ce.key_direction : o.ce.key_direction;
        k.digest = o.auth.value_or("SHA1");
        if (auto s = load_static(*ta, "tls-auth", k); !s)
            return Err(s.error());
        return k;
    }
    if (auto tc = pick(&options::ConnectionEntry::tls_crypt)) {
        k.kind = WrapKey::Kind::TlsCrypt;
        if (auto s = load_static(*tc, "tls-crypt", k); !s)
            return Err(s.error());
        return k;
    }
    if (auto v2 = pick(&options::ConnectionEntry::tls_crypt_v2)) {
        if (k.server && !o.is_server())
            return Err(std::string("--tls-crypt-v2 server side is not supported in p2p mode"));
        k.kind = k.server ? WrapKey::Kind::TlsCryptV2Server : WrapKey::Kind::TlsCryptV2Client;
        if (auto s = load_v2(*v2, k); !s)
            return Err(s.error());
    }
    return k;
}

Result<std::unique_ptr<control::ControlWrap>> make_control_wrap(const WrapKey& k, std::uint32_t wall_secs)
{
    switch (k.kind) {
    case WrapKey::Kind::None:
        return control::make_no_wrap();
    case WrapKey::Kind::TlsAuth:
        return tls_auth_wrap(k, wall_secs);
    case WrapKey::Kind::TlsCrypt:
    case WrapKey::Kind::TlsCryptV2Client:
        return tls_crypt_wrap(k, wall_secs);
    case WrapKey::Kind::TlsCryptV2Server:
        return control::make_tls_crypt_v2_server_wrap(SecureBytes(k.key.span()), wall_secs);
    }
    return control::make_no_wrap();
}

Result<std::unique_ptr<control::ControlWrap>>
make_control_wrap(const options::Options& o, const options::ConnectionEntry& ce, std::uint32_t wall_secs)
{
    auto k = load_wrap_key(o, ce);
    if (!k)
        return Err(k.error());
    return make_control_wrap(*k, wall_secs);
}

} // namespace ovpn::session
