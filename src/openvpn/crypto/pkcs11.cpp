// crypto/pkcs11.cpp: see pkcs11.hpp.
#include "openvpn/crypto/pkcs11.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <pkcs11-helper-1.0/pkcs11h-certificate.h>
#include <pkcs11-helper-1.0/pkcs11h-core.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace ovpn::crypto::pkcs11 {

namespace {

struct State {
    Hooks hooks;
    bool up = false;
};

State& state()
{
    static State s;
    return s;
}

void log_line(LogLevel level, const std::string& text)
{
    if (state().hooks.log)
        state().hooks.log(level, text);
}

LogLevel from_pkcs11h(unsigned flags)
{
    switch (flags) {
    case PKCS11H_LOG_DEBUG2:
        return LogLevel::Debug2;
    case PKCS11H_LOG_DEBUG1:
        return LogLevel::Debug1;
    case PKCS11H_LOG_INFO:
        return LogLevel::Info;
    case PKCS11H_LOG_WARN:
        return LogLevel::Warn;
    default:
        return LogLevel::Error;
    }
}

void log_hook(void* /*global*/, unsigned flags, const char* fmt, va_list args)
{
    char buf[10 * 1024];
    std::vsnprintf(buf, sizeof buf, fmt, args);
    log_line(from_pkcs11h(flags), buf);
}

PKCS11H_BOOL pin_hook(void* /*global*/, void* /*user*/, const pkcs11h_token_id_t token,
                      const unsigned /*retry*/, char* const pin, const size_t pin_max)
{
    if (token == nullptr || !state().hooks.pin || pin_max == 0)
        return FALSE;
    auto p = state().hooks.pin(token->label, token->display);
    if (!p || p->empty())
        return FALSE;
    const std::size_t n = std::min(p->size(), pin_max - 1);
    std::memcpy(pin, p->data(), n);
    pin[n] = '\0';
    std::fill(p->begin(), p->end(), '\0');
    return TRUE;
}

PKCS11H_BOOL token_hook(void* /*global*/, void* /*user*/, const pkcs11h_token_id_t token,
                        const unsigned /*retry*/)
{
    return token != nullptr && state().hooks.token && state().hooks.token(token->label) ? TRUE : FALSE;
}

std::string fail(const char* what, CK_RV rv)
{
    return std::string("PKCS#11: ") + what + " " + rv_text(rv);
}

// serialize: the id's serialized form, or the error.
Result<std::string> serialize(const pkcs11h_certificate_id_t id)
{
    std::size_t max = 0;
    CK_RV rv = pkcs11h_certificate_serializeCertificateId(nullptr, &max, id);
    std::string out(max, '\0');
    if (rv == CKR_OK)
        rv = pkcs11h_certificate_serializeCertificateId(out.data(), &max, id);
    if (rv != CKR_OK)
        return Err(fail("Cannot serialize certificate id", rv));
    out.resize(std::strlen(out.c_str()));
    return out;
}

// blob: the DER certificate of an opened certificate object.
Result<std::vector<std::uint8_t>> blob(pkcs11h_certificate_t cert)
{
    std::size_t n = 0;
    CK_RV rv = pkcs11h_certificate_getCertificateBlob(cert, nullptr, &n);
    std::vector<std::uint8_t> out(n);
    if (rv == CKR_OK)
        rv = pkcs11h_certificate_getCertificateBlob(cert, out.data(), &n);
    if (rv != CKR_OK || n == 0)
        return Err(std::string("PKCS#11: Unable get x509 certificate object"));
    out.resize(n);
    return out;
}

struct IdFree {
    void operator()(pkcs11h_certificate_id_t id) const noexcept { pkcs11h_certificate_freeCertificateId(id); }
};
using IdPtr = std::unique_ptr<pkcs11h_certificate_id_s, IdFree>;

// create: the certificate object of `id` (PIN cached for ever, as 2.6).
Result<pkcs11h_certificate_t> create(pkcs11h_certificate_id_t id)
{
    pkcs11h_certificate_t cert = nullptr;
    const CK_RV rv = pkcs11h_certificate_create(id, nullptr, PKCS11H_PROMPT_MASK_ALLOW_ALL,
                                                PKCS11H_PIN_CACHE_INFINITE, &cert);
    if (rv != CKR_OK)
        return Err(fail("Cannot get certificate", rv));
    return cert;
}

// pss_params: CKM_SHAx and CKG_MGF1_SHAx of a digest name.
bool pss_params(std::string_view md, CK_RSA_PKCS_PSS_PARAMS& p)
{
    struct Row {
        std::string_view name;
        CK_MECHANISM_TYPE hash;
        CK_RSA_PKCS_MGF_TYPE mgf;
    };
    static constexpr Row kRows[] = {
        {"SHA1", CKM_SHA_1, CKG_MGF1_SHA1},      {"SHA224", CKM_SHA224, CKG_MGF1_SHA224},
        {"SHA256", CKM_SHA256, CKG_MGF1_SHA256}, {"SHA384", CKM_SHA384, CKG_MGF1_SHA384},
        {"SHA512", CKM_SHA512, CKG_MGF1_SHA512},
    };
    for (const Row& r : kRows) {
        if (r.name == md) {
            p.hashAlg = r.hash;
            p.mgf = r.mgf;
            return true;
        }
    }
    return false;
}

} // namespace

struct Certificate::Handle {
    pkcs11h_certificate_t cert = nullptr;
    std::vector<std::uint8_t> der;
    ~Handle()
    {
        if (cert != nullptr && state().up)
            pkcs11h_certificate_freeCertificate(cert);
    }
};

std::string rv_text(unsigned long rv)
{
    return std::to_string(static_cast<long>(rv)) + "-'" + pkcs11h_getMessage(rv) + "'";
}

Status<> initialize(Hooks hooks, bool protected_auth, int pin_cache_period, bool debug)
{
    if (state().up)
        terminate();
    state().hooks = std::move(hooks);
    CK_RV rv = pkcs11h_initialize();
    if (rv != CKR_OK)
        return Err(fail("Cannot initialize", rv));
    state().up = true;
    struct Step {
        CK_RV rv;
        const char* what;
    };
    const Step steps[] = {
        {pkcs11h_setLogHook(log_hook, nullptr), "Cannot set hooks"},
        {pkcs11h_setForkMode(FALSE), "Cannot set fork mode"},
        {pkcs11h_setTokenPromptHook(token_hook, nullptr), "Cannot set hooks"},
        {pkcs11h_setPINPromptHook(pin_hook, nullptr), "Cannot set hooks"},
        {pkcs11h_setProtectedAuthentication(protected_auth ? TRUE : FALSE),
         "Cannot set protected authentication mode"},
        {pkcs11h_setPINCachePeriod(pin_cache_period), "Cannot set Pcache period"},
    };
    pkcs11h_setLogLevel(debug ? PKCS11H_LOG_DEBUG2 : PKCS11H_LOG_INFO);
    for (const Step& s : steps)
        if (s.rv != CKR_OK)
            return Err(fail(s.what, s.rv));
    return Ok{};
}

bool initialized() noexcept
{
    return state().up;
}

bool add_provider(const Provider& p)
{
    log_line(LogLevel::Info, "PKCS#11: Adding PKCS#11 provider '" + p.path + "'");
    const char* name = p.path.c_str();
    CK_RV rv = pkcs11h_registerProvider(name);
    if (rv != CKR_OK) {
        log_line(LogLevel::Warn, "PKCS#11: Cannot register provider '" + p.path + "' " + rv_text(rv));
        return false;
    }
    PKCS11H_BOOL allow_protected = p.protected_auth ? TRUE : FALSE;
    PKCS11H_BOOL cert_private = p.cert_private ? TRUE : FALSE;
    unsigned mode = p.private_mode;
    rv = pkcs11h_setProviderProperty(name, PKCS11H_PROVIDER_PROPERTY_LOCATION, name, p.path.size() + 1);
    if (rv == CKR_OK)
        rv = pkcs11h_setProviderProperty(name, PKCS11H_PROVIDER_PROPERTY_ALLOW_PROTECTED_AUTH,
                                         &allow_protected, sizeof allow_protected);
    if (rv == CKR_OK)
        rv = pkcs11h_setProviderProperty(name, PKCS11H_PROVIDER_PROPERTY_MASK_PRIVATE_MODE, &mode,
                                         sizeof mode);
    if (rv == CKR_OK)
        rv = pkcs11h_setProviderProperty(name, PKCS11H_PROVIDER_PROPERTY_CERT_IS_PRIVATE, &cert_private,
                                         sizeof cert_private);
    if (rv == CKR_OK)
        rv = pkcs11h_initializeProvider(name);
    if (rv != CKR_OK) {
        log_line(LogLevel::Warn, "PKCS#11: Cannot initialize provider '" + p.path + "' " + rv_text(rv));
        pkcs11h_removeProvider(name);
        return false;
    }
    return true;
}

void terminate()
{
    if (!state().up)
        return;
    state().up = false;
    pkcs11h_terminate();
}

void logout()
{
    if (state().up)
        (void)pkcs11h_logout();
}

Result<std::vector<Entry>> enumerate()
{
    pkcs11h_certificate_id_list_t list = nullptr;
    const CK_RV rv = pkcs11h_certificate_enumCertificateIds(PKCS11H_ENUM_METHOD_CACHE_EXIST, nullptr,
                                                            PKCS11H_PROMPT_MASK_ALLOW_ALL, nullptr, &list);
    if (rv != CKR_OK)
        return Err(fail("Cannot get certificate list", rv));
    std::vector<Entry> out;
    std::string error;
    for (auto* e = list; e != nullptr && error.empty(); e = e->next) {
        auto id = serialize(e->certificate_id);
        if (!id) {
            error = id.error();
            break;
        }
        auto cert = create(e->certificate_id);
        if (!cert) {
            error = cert.error();
            break;
        }
        auto der = blob(*cert);
        pkcs11h_certificate_freeCertificate(*cert);
        if (!der)
            error = der.error();
        else
            out.push_back({std::move(*id), std::move(*der)});
    }
    pkcs11h_certificate_freeCertificateIdList(list);
    if (!error.empty())
        return Err(error);
    return out;
}

const std::vector<std::uint8_t>& Certificate::der() const noexcept
{
    return h_->der;
}

std::optional<std::vector<std::uint8_t>> Certificate::sign(const Mechanism& m,
                                                           std::span<const std::uint8_t> data) const
{
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    CK_RSA_PKCS_PSS_PARAMS pss{};
    switch (m.kind) {
    case Mechanism::Kind::RsaPkcs1:
        break;
    case Mechanism::Kind::RsaRaw:
        mech.mechanism = CKM_RSA_X_509;
        break;
    case Mechanism::Kind::Ecdsa:
        mech.mechanism = CKM_ECDSA;
        break;
    case Mechanism::Kind::RsaPss:
        if (!pss_params(m.pss_md, pss))
            return std::nullopt;
        pss.sLen = m.pss_saltlen;
        mech = {CKM_RSA_PKCS_PSS, &pss, sizeof pss};
        break;
    }
    std::size_t n = 0;
    CK_RV rv = pkcs11h_certificate_signAny_ex(h_->cert, &mech, data.data(), data.size(), nullptr, &n);
    std::vector<std::uint8_t> sig(n);
    if (rv == CKR_OK)
        rv = pkcs11h_certificate_signAny_ex(h_->cert, &mech, data.data(), data.size(), sig.data(), &n);
    if (rv != CKR_OK) {
        log_line(LogLevel::Warn, fail("Cannot perform signature", rv));
        return std::nullopt;
    }
    sig.resize(n);
    return sig;
}

Result<Certificate> open_certificate(std::string_view serialized_id)
{
    pkcs11h_certificate_id_t raw = nullptr;
    const std::string text(serialized_id);
    const CK_RV rv = pkcs11h_certificate_deserializeCertificateId(&raw, text.c_str());
    if (rv != CKR_OK)
        return Err(fail("Cannot deserialize id", rv));
    IdPtr id(raw);
    auto cert = create(id.get());
    if (!cert)
        return Err(cert.error());
    auto h = std::make_shared<Certificate::Handle>();
    h->cert = *cert;
    auto der = blob(h->cert);
    if (!der)
        return Err(der.error());
    h->der = std::move(*der);
    return Certificate(std::move(h));
}

std::optional<std::vector<std::uint8_t>> ecdsa_der(std::span<const std::uint8_t> rs)
{
    if (rs.empty() || rs.size() % 2 != 0)
        return std::nullopt;
    const int half = static_cast<int>(rs.size() / 2);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(rs.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(rs.data() + half, half, nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (n <= 0)
        return std::nullopt;
    std::vector<std::uint8_t> out(der, der + n);
    OPENSSL_free(der);
    return out;
}

} // namespace ovpn::crypto::pkcs11
