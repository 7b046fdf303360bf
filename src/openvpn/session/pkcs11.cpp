// session/pkcs11.cpp: see pkcs11.hpp.
#include "openvpn/session/pkcs11.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>

#include "openvpn/options/pkcs11_used.hpp"
#include "openvpn/process/console.hpp"
#include "openvpn/session/external_key.hpp"
#include "openvpn/session/management.hpp"

namespace ovpn::session {

namespace {

namespace p11 = crypto::pkcs11;

constexpr Verb kV1 = Verb::Error; // 2.6's M_INFO lines
constexpr const char* kDefaultProvider = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";

// Where pkcs11-helper's hooks go: the daemon's log and management, as of
// the last use_pkcs11 (both live as long as the process).
struct Context {
    Logger* log = nullptr;
    Management* mgmt = nullptr;
    bool loaded = false;
};

Context& ctx()
{
    static Context c;
    return c;
}

void warn(const std::string& text)
{
    if (ctx().log != nullptr)
        ctx().log->write(Verb::Error, mute::None, Severity::Warning, text);
}

void log_hook(p11::LogLevel level, std::string_view text)
{
    Logger* log = ctx().log;
    if (log == nullptr)
        return;
    switch (level) {
    case p11::LogLevel::Error:
        log->write(Verb::Fatal, mute::None, Severity::NonFatal, text);
        break;
    case p11::LogLevel::Warn:
        log->write(Verb::Error, mute::None, Severity::Warning, text);
        break;
    case p11::LogLevel::Info:
        log->write(kV1, text);
        break;
    case p11::LogLevel::Debug1:
        log->write(Verb::Debug, text);
        break;
    case p11::LogLevel::Debug2:
        log->write(Verb::Trace, text);
        break;
    }
}

// ask: 2.6's get_user_pass with GET_USER_PASS_MANAGEMENT: the management
// client with --management-query-passwords, else the console (a password
// only; a needok/needstr has no console form here).
std::optional<std::string> ask(const mgmt::UserPassQuery& q)
{
    Management* m = ctx().mgmt;
    if (m != nullptr && m->options().query_passwords)
        return m->ask_user_pass(q);
    if (q.kind != mgmt::QueryKind::PasswordOnly)
        return std::nullopt;
    auto pass = process::read_console("Enter " + q.type + " Password:", false);
    if (!pass)
        return std::nullopt;
    return std::string(reinterpret_cast<const char*>(pass->data()), pass->size());
}

std::optional<std::string> pin_hook(std::string_view label, std::string_view /*display*/)
{
    return ask(mgmt::UserPassQuery(std::string(label) + " token", mgmt::QueryKind::PasswordOnly));
}

bool token_hook(std::string_view label)
{
    auto a = ask(mgmt::UserPassQuery("token-insertion-request", mgmt::QueryKind::NeedOk,
                                     "Please insert " + std::string(label) + " token"));
    return a && *a == "ok";
}

// load: 2.6's pkcs11_initialize and pkcs11_addProvider for each provider,
// once per process.
Status<> load(const Pkcs11Options& p)
{
    if (ctx().loaded)
        return Ok{};
    p11::Hooks hooks{log_hook, pin_hook, token_hook};
    const bool debug = ctx().log != nullptr && ctx().log->enabled(Verb::Trace);
    if (auto s = p11::initialize(std::move(hooks), true, p.pin_cache_period, debug); !s)
        return s;
    ctx().loaded = true;
    for (const auto& prov : p.providers)
        (void)p11::add_provider(prov); // 2.6 goes on without a provider that fails
    return Ok{};
}

// read_flags: 2.6's per-provider lists: each directive sets entries 0..n-1.
template <typename F> void per_provider(const options::Options& o, const char* name, Pkcs11Options& p, F set)
{
    for (const auto& d : o.directives) {
        if (d.name != name)
            continue;
        for (std::size_t i = 0; i < d.args.size(); ++i) {
            if (p.providers.size() <= i)
                p.providers.resize(i + 1);
            set(p.providers[i], d.args[i]);
        }
    }
}

// token_id: the --pkcs11-id, or the one the management client gives
// (>NEED-STR:Need 'pkcs11-id-request' string).
std::optional<std::string> token_id(const Pkcs11Options& p)
{
    if (!p.id_management)
        return p.id;
    return ask(mgmt::UserPassQuery("pkcs11-id-request", mgmt::QueryKind::NeedStr,
                                   "Please specify PKCS#11 id to use"));
}

// pss_saltlen: 2.6's set_pss_params salt length ("digest" or "max").
std::optional<unsigned long> pss_saltlen(const crypto::SignRequest& req, const p11::Certificate& cert)
{
    const EVP_MD* md = EVP_get_digestbyname(req.mdname.c_str());
    if (md == nullptr)
        return std::nullopt;
    const int mdsize = EVP_MD_get_size(md);
    if (req.saltlen == "digest")
        return static_cast<unsigned long>(mdsize);
    if (req.saltlen != "max")
        return std::nullopt;
    const unsigned char* p = cert.der().data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert.der().size()));
    const int bits = x != nullptr ? EVP_PKEY_get_bits(X509_get0_pubkey(x)) : 0;
    X509_free(x);
    const int saltlen = (bits - 1 + 7) / 8 - mdsize - 2;
    if (bits <= 0 || saltlen < 0)
        return std::nullopt;
    return static_cast<unsigned long>(saltlen);
}

// mechanism: 2.6's choice in xkey_pkcs11h_sign for a digest `data`; RSA
// PKCS#1 gets the DigestInfo of it.
std::optional<p11::Mechanism> mechanism(const crypto::SignRequest& req, const p11::Certificate& cert,
                                        std::vector<std::uint8_t>& data)
{
    p11::Mechanism m;
    if (req.keytype == "EC") {
        m.kind = p11::Mechanism::Kind::Ecdsa;
    } else if (req.padmode == "none") {
        m.kind = p11::Mechanism::Kind::RsaRaw;
    } else if (req.padmode == "pss") {
        m.kind = p11::Mechanism::Kind::RsaPss;
        m.pss_md = req.mdname;
        auto salt = pss_saltlen(req, cert);
        if (!salt) {
            warn("WARN: invalid RSA_PKCS1_PSS parameters: saltlen = <" + req.saltlen + "> mdname = <" +
                 req.mdname + ">.");
            return std::nullopt;
        }
        m.pss_saltlen = *salt;
    } else {
        auto di = digest_info(req.mdname, data);
        if (!di) {
            warn("Error: encode_pkcs11: unsupported hash algorithm <" + req.mdname + ">");
            return std::nullopt;
        }
        data = std::move(*di);
    }
    return m;
}

// message_digest: the `mdname` digest of `msg`.
std::optional<std::vector<std::uint8_t>> message_digest(const std::string& mdname,
                                                        std::span<const std::uint8_t> msg)
{
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    const EVP_MD* md = EVP_get_digestbyname(mdname.c_str());
    if (md == nullptr || EVP_Digest(msg.data(), msg.size(), out.data(), &n, md, nullptr) != 1)
        return std::nullopt;
    out.resize(n);
    return out;
}

// der_to_pem: a DER certificate as PEM, for the TLS context.
std::optional<std::string> der_to_pem(const std::vector<std::uint8_t>& der)
{
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    BIO* bio = BIO_new(BIO_s_mem());
    std::optional<std::string> out;
    if (x != nullptr && bio != nullptr && PEM_write_bio_X509(bio, x) == 1) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0)
            out = std::string(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
    X509_free(x);
    return out;
}

} // namespace

Pkcs11Options pkcs11_options(const options::Options& o)
{
    Pkcs11Options p;
    per_provider(o, "pkcs11-providers", p, [](p11::Provider& v, const std::string& a) { v.path = a; });
    per_provider(o, "pkcs11-protected-authentication", p, [](p11::Provider& v, const std::string& a) {
        v.protected_auth = std::atoi(a.c_str()) != 0;
    });
    per_provider(o, "pkcs11-private-mode", p, [](p11::Provider& v, const std::string& a) {
        unsigned m = 0;
        if (std::sscanf(a.c_str(), "%x", &m) == 1)
            v.private_mode = m;
    });
    per_provider(o, "pkcs11-cert-private", p,
                 [](p11::Provider& v, const std::string& a) { v.cert_private = std::atoi(a.c_str()) != 0; });
    if (p.providers.empty()) // Debian's DEFAULT_PKCS11_MODULE
        p.providers.resize(1);
    if (p.providers[0].path.empty())
        p.providers[0].path = kDefaultProvider;
    // 2.6 stops at the first empty provider slot
    for (std::size_t i = 0; i < p.providers.size(); ++i) {
        if (p.providers[i].path.empty()) {
            p.providers.resize(i);
            break;
        }
    }
    if (const auto* d = o.last("pkcs11-pin-cache"); d != nullptr && !d->args.empty())
        p.pin_cache_period = std::atoi(d->args[0].c_str());
    if (const auto* d = o.last("pkcs11-id"); d != nullptr && !d->args.empty())
        p.id = d->args[0];
    p.id_management = o.given("pkcs11-id-management");
    return p;
}

crypto::ExternalSigner pkcs11_signer(p11::Certificate cert, Logger* /*log*/)
{
    return [cert](std::span<const std::uint8_t> tbs,
                  const crypto::SignRequest& req) -> std::optional<std::vector<std::uint8_t>> {
        std::vector<std::uint8_t> data(tbs.begin(), tbs.end());
        if (req.op == "DigestSign") {
            auto h = message_digest(req.mdname, tbs);
            if (!h)
                return std::nullopt;
            data = std::move(*h);
        }
        auto m = mechanism(req, cert, data);
        if (!m)
            return std::nullopt;
        auto sig = cert.sign(*m, data);
        if (!sig || m->kind != p11::Mechanism::Kind::Ecdsa)
            return sig;
        return p11::ecdsa_der(*sig);
    };
}

Status<> use_pkcs11(const options::Options& o, Logger* log, Management* mgmt, control::TlsConfig& t)
{
    if (!options::pkcs11_used(o))
        return Ok{};
    ctx().log = log;
    ctx().mgmt = mgmt;
    const Pkcs11Options p = pkcs11_options(o);
    if (auto s = load(p); !s)
        return s;
    const auto id = token_id(p);
    auto cert = id ? p11::open_certificate(*id) : Result<p11::Certificate>(Err(std::string()));
    if (!cert) {
        if (!cert.error().empty())
            warn(cert.error());
        warn("Cannot load certificate \"" + (p.id ? *p.id : std::string("(null)")) +
             "\" using PKCS#11 interface");
        return Err(std::string("Error: private key password verification failed"));
    }
    auto pem = der_to_pem(cert->der());
    if (!pem) {
        warn("PKCS#11: Unable get x509 certificate object");
        return Err(std::string("Error: private key password verification failed"));
    }
    t.cert_pem = std::move(*pem);
    t.key_signer = pkcs11_signer(std::move(*cert), log);
    return Ok{};
}

int pkcs11_count_ids()
{
    if (!p11::initialized())
        return 0;
    auto list = p11::enumerate();
    if (!list) {
        warn(list.error());
        return 0;
    }
    return static_cast<int>(list->size());
}

std::optional<p11::Entry> pkcs11_get_id(int index)
{
    if (!p11::initialized() || index < 0)
        return std::nullopt;
    auto list = p11::enumerate();
    if (!list) {
        warn(list.error());
        return std::nullopt;
    }
    if (static_cast<std::size_t>(index) >= list->size())
        return std::nullopt;
    return std::move((*list)[static_cast<std::size_t>(index)]);
}

} // namespace ovpn::session
