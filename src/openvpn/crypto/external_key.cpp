// crypto/external_key.cpp: see external_key.hpp. The provider's entry
// points are C callbacks; each one is a few lines over KeyData / SigCtx.
#include "openvpn/crypto/external_key.hpp"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include <cstring>
#include <mutex>

namespace ovpn::crypto {

namespace {

constexpr const char* kProvName = "ovpnng-extkey";
constexpr const char* kProps = "provider=ovpnng-extkey";
constexpr const char* kNotOurs = "provider!=ovpnng-extkey";
constexpr const char* kInitParam = "ovpnng-extkey-init"; // octet string: a KeyInit

// KeyData: one key of the provider. `pub` is a key of another provider
// (the certificate's); `signer` is empty for a key imported only to be
// compared (the certificate/key match).
struct KeyData {
    std::string type; // "RSA" or "EC"
    EVP_PKEY* pub = nullptr;
    std::shared_ptr<ExternalSigner> signer;
};

struct KeyInit {
    EVP_PKEY* pub;
    const ExternalSigner* signer;
};

struct SigCtx {
    KeyData* key = nullptr;
    SignRequest req;
};

// ---- key manager ----------------------------------------------------------

void* km_new(void*)
{
    return new (std::nothrow) KeyData();
}

void km_free(void* kd)
{
    auto* k = static_cast<KeyData*>(kd);
    if (k == nullptr)
        return;
    EVP_PKEY_free(k->pub);
    delete k;
}

int km_has(const void* kd, int selection)
{
    const auto* k = static_cast<const KeyData*>(kd);
    if (k == nullptr || k->pub == nullptr)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && !k->signer)
        return 0;
    return 1;
}

int km_match(const void* a, const void* b, int selection)
{
    const auto* k1 = static_cast<const KeyData*>(a);
    const auto* k2 = static_cast<const KeyData*>(b);
    if (k1 == nullptr || k2 == nullptr || k1->pub == nullptr || k2->pub == nullptr)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0 && EVP_PKEY_eq(k1->pub, k2->pub) != 1)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS) != 0 &&
        EVP_PKEY_parameters_eq(k1->pub, k2->pub) != 1)
        return 0;
    return 1;
}

// km_import: our own key (kInitParam), or a public key of another provider
// brought over to be compared with ours (EVP_PKEY_eq across providers).
int km_import(KeyData* k, const char* type, int selection, const OSSL_PARAM params[])
{
    if (k == nullptr || k->pub != nullptr)
        return 0; // our keys are immutable
    k->type = type;
    const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, kInitParam);
    if (p != nullptr) {
        if (p->data_type != OSSL_PARAM_OCTET_STRING || p->data_size != sizeof(KeyInit))
            return 0;
        KeyInit init{};
        std::memcpy(&init, p->data, sizeof init);
        if (init.pub == nullptr || init.signer == nullptr || EVP_PKEY_up_ref(init.pub) != 1)
            return 0;
        k->pub = init.pub;
        k->signer = std::make_shared<ExternalSigner>(*init.signer);
        return 1;
    }
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, kNotOurs);
    EVP_PKEY* pk = nullptr;
    const int sel = selection & ~OSSL_KEYMGMT_SELECT_PRIVATE_KEY;
    const bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
                    EVP_PKEY_fromdata(ctx, &pk, sel, const_cast<OSSL_PARAM*>(params)) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok)
        return 0;
    k->pub = pk;
    return 1;
}

int km_import_rsa(void* kd, int selection, const OSSL_PARAM params[])
{
    return km_import(static_cast<KeyData*>(kd), "RSA", selection, params);
}

int km_import_ec(void* kd, int selection, const OSSL_PARAM params[])
{
    return km_import(static_cast<KeyData*>(kd), "EC", selection, params);
}

const OSSL_PARAM* km_import_types(int)
{
    static const OSSL_PARAM types[] = {
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, nullptr, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, nullptr, 0),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
        OSSL_PARAM_END,
    };
    return types;
}

// The sizes, security bits, curve name, ... are the public key's.
int km_get_params(void* kd, OSSL_PARAM params[])
{
    auto* k = static_cast<KeyData*>(kd);
    return k != nullptr && k->pub != nullptr ? EVP_PKEY_get_params(k->pub, params) : 0;
}

const OSSL_PARAM* km_gettable_params(void*)
{
    static const OSSL_PARAM types[] = {
        OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0),
        OSSL_PARAM_END,
    };
    return types;
}

const char* km_rsa_op_name(int)
{
    return "RSA";
}

const char* km_ec_op_name(int op)
{
    if (op == OSSL_OP_SIGNATURE)
        return "ECDSA";
    return op == OSSL_OP_KEYEXCH ? "ECDH" : "EC";
}

using Fn = void (*)();
template <typename F> Fn fn(F f)
{
    return reinterpret_cast<Fn>(f);
}

#define OVPN_KEYMGMT_COMMON                                                                                  \
    {OSSL_FUNC_KEYMGMT_NEW, fn(km_new)}, {OSSL_FUNC_KEYMGMT_FREE, fn(km_free)},                              \
        {OSSL_FUNC_KEYMGMT_HAS, fn(km_has)}, {OSSL_FUNC_KEYMGMT_MATCH, fn(km_match)},                        \
        {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, fn(km_import_types)},                                               \
        {OSSL_FUNC_KEYMGMT_GET_PARAMS, fn(km_get_params)},                                                   \
    {                                                                                                        \
        OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, fn(km_gettable_params)                                            \
    }

const OSSL_DISPATCH kRsaKeymgmt[] = {OVPN_KEYMGMT_COMMON,
                                     {OSSL_FUNC_KEYMGMT_IMPORT, fn(km_import_rsa)},
                                     {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, fn(km_rsa_op_name)},
                                     {0, nullptr}};
const OSSL_DISPATCH kEcKeymgmt[] = {OVPN_KEYMGMT_COMMON,
                                    {OSSL_FUNC_KEYMGMT_IMPORT, fn(km_import_ec)},
                                    {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, fn(km_ec_op_name)},
                                    {0, nullptr}};
#undef OVPN_KEYMGMT_COMMON

// ---- signature --------------------------------------------------------------

void* sig_newctx(void*, const char*)
{
    return new (std::nothrow) SigCtx();
}

void sig_freectx(void* c)
{
    delete static_cast<SigCtx*>(c);
}

// padmode: OpenSSL hands the RSA padding as a name or as RSA_*_PADDING.
std::string padmode(const OSSL_PARAM* p)
{
    int id = 0;
    if (p->data_type == OSSL_PARAM_UTF8_STRING) {
        const std::string s(static_cast<const char*>(p->data));
        if (s == "pkcs1" || s == "pss" || s == "none")
            return s;
        return "none";
    }
    if (OSSL_PARAM_get_int(p, &id) != 1)
        return "none";
    switch (id) {
    case RSA_PKCS1_PADDING:
        return "pkcs1";
    case RSA_PKCS1_PSS_PADDING:
        return "pss";
    default:
        return "none";
    }
}

int sig_set_params(void* c, const OSSL_PARAM params[])
{
    auto* s = static_cast<SigCtx*>(c);
    if (s == nullptr)
        return 0;
    if (params == nullptr)
        return 1;
    if (const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PAD_MODE))
        s->req.padmode = padmode(p);
    const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST);
    if (p != nullptr && p->data_type == OSSL_PARAM_UTF8_STRING)
        s->req.mdname = md_name(static_cast<const char*>(p->data));
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
    if (p != nullptr && p->data_type == OSSL_PARAM_UTF8_STRING) {
        const std::string v(static_cast<const char*>(p->data));
        s->req.saltlen = (v == "max" || v == "auto") ? v : "digest";
    }
    return 1;
}

const OSSL_PARAM* sig_settable_params(void*, void*)
{
    static const OSSL_PARAM types[] = {
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, nullptr, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, nullptr, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, nullptr, 0),
        OSSL_PARAM_END,
    };
    return types;
}

int sig_get_params(void*, OSSL_PARAM*)
{
    return 1;
}

const OSSL_PARAM* sig_gettable_params(void*, void*)
{
    static const OSSL_PARAM types[] = {OSSL_PARAM_END};
    return types;
}

// start: a new operation on `key`; the defaults are 2.6's (pkcs1,
// MD5-SHA1, digest).
int start(void* c, void* key, const OSSL_PARAM params[])
{
    auto* s = static_cast<SigCtx*>(c);
    auto* k = static_cast<KeyData*>(key);
    if (s == nullptr || k == nullptr || !k->signer)
        return 0;
    s->key = k;
    s->req = SignRequest{};
    s->req.keytype = k->type;
    return sig_set_params(c, params);
}

int sig_sign_init(void* c, void* key, const OSSL_PARAM params[])
{
    return start(c, key, params);
}

int sig_digest_sign_init(void* c, const char* mdname, void* key, const OSSL_PARAM params[])
{
    if (start(c, key, params) != 1)
        return 0;
    if (mdname != nullptr)
        static_cast<SigCtx*>(c)->req.mdname = md_name(mdname);
    return 1;
}

int do_sign(SigCtx* s, const char* op, unsigned char* sig, size_t* siglen, size_t sigsize,
            const unsigned char* tbs, size_t tbslen)
{
    if (s == nullptr || s->key == nullptr || !s->key->signer)
        return 0;
    const int max = EVP_PKEY_get_size(s->key->pub);
    if (sig == nullptr) {
        *siglen = max > 0 ? static_cast<size_t>(max) : 0;
        return max > 0 ? 1 : 0;
    }
    s->req.op = op;
    auto out = (*s->key->signer)(std::span<const std::uint8_t>(tbs, tbslen), s->req);
    if (!out || out->empty() || out->size() > sigsize)
        return 0;
    std::memcpy(sig, out->data(), out->size());
    *siglen = out->size();
    return 1;
}

int sig_sign(void* c, unsigned char* sig, size_t* siglen, size_t sigsize, const unsigned char* tbs,
             size_t tbslen)
{
    return do_sign(static_cast<SigCtx*>(c), "Sign", sig, siglen, sigsize, tbs, tbslen);
}

int sig_digest_sign(void* c, unsigned char* sig, size_t* siglen, size_t sigsize, const unsigned char* tbs,
                    size_t tbslen)
{
    return do_sign(static_cast<SigCtx*>(c), "DigestSign", sig, siglen, sigsize, tbs, tbslen);
}

const OSSL_DISPATCH kSignature[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, fn(sig_newctx)},
    {OSSL_FUNC_SIGNATURE_FREECTX, fn(sig_freectx)},
    {OSSL_FUNC_SIGNATURE_SIGN_INIT, fn(sig_sign_init)},
    {OSSL_FUNC_SIGNATURE_SIGN, fn(sig_sign)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, fn(sig_digest_sign_init)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, fn(sig_digest_sign)},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, fn(sig_set_params)},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, fn(sig_settable_params)},
    {OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, fn(sig_get_params)},
    {OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS, fn(sig_gettable_params)},
    {0, nullptr},
};

// ---- the provider -----------------------------------------------------------

const OSSL_ALGORITHM kKeymgmts[] = {
    {"RSA:rsaEncryption", kProps, kRsaKeymgmt, "openvpn-ng external RSA key"},
    {"EC:id-ecPublicKey", kProps, kEcKeymgmt, "openvpn-ng external EC key"},
    {nullptr, nullptr, nullptr, nullptr},
};

const OSSL_ALGORITHM kSignatures[] = {
    {"RSA:rsaEncryption", kProps, kSignature, "openvpn-ng external RSA signature"},
    {"ECDSA", kProps, kSignature, "openvpn-ng external ECDSA signature"},
    {nullptr, nullptr, nullptr, nullptr},
};

const OSSL_ALGORITHM* query_operation(void*, int op, int* no_store)
{
    *no_store = 0;
    if (op == OSSL_OP_KEYMGMT)
        return kKeymgmts;
    return op == OSSL_OP_SIGNATURE ? kSignatures : nullptr;
}

void teardown(void*)
{
}

const OSSL_DISPATCH kProvider[] = {
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, fn(query_operation)},
    {OSSL_FUNC_PROVIDER_TEARDOWN, fn(teardown)},
    {0, nullptr},
};

int provider_init(const OSSL_CORE_HANDLE*, const OSSL_DISPATCH*, const OSSL_DISPATCH** out, void** provctx)
{
    *out = kProvider;
    *provctx = const_cast<char*>(kProvName);
    return 1;
}

// load_provider: once per process. The default provider is loaded first
// (loading any provider stops OpenSSL from loading it on its own).
bool load_provider()
{
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        ok = OSSL_PROVIDER_try_load(nullptr, "default", 1) != nullptr &&
             OSSL_PROVIDER_add_builtin(nullptr, kProvName, provider_init) == 1 &&
             OSSL_PROVIDER_load(nullptr, kProvName) != nullptr &&
             EVP_set_default_properties(nullptr, "?provider!=ovpnng-extkey") == 1;
    });
    return ok;
}

} // namespace

std::string md_name(const char* name)
{
    if (name == nullptr)
        return "none";
    static const std::pair<int, const char*> kNames[] = {
        {NID_md5_sha1, "MD5-SHA1"}, {NID_sha1, "SHA1"},     {NID_sha224, "SHA224"},
        {NID_sha256, "SHA256"},     {NID_sha384, "SHA384"}, {NID_sha512, "SHA512"},
    };
    const EVP_MD* md = EVP_get_digestbyname(name);
    const int nid = md != nullptr ? EVP_MD_get_type(md) : NID_undef;
    for (const auto& [id, n] : kNames)
        if (id == nid)
            return n;
    return "MD5-SHA1";
}

Result<PkeyPtr> make_external_key(EVP_PKEY* pub, ExternalSigner signer)
{
    if (pub == nullptr)
        return Err(std::string("no public key for the external key"));
    const char* type = EVP_PKEY_is_a(pub, "RSA") ? "RSA" : EVP_PKEY_is_a(pub, "EC") ? "EC" : nullptr;
    if (type == nullptr)
        return Err(std::string("management-external-key requires an RSA or EC certificate"));
    if (!load_provider())
        return Err(std::string("OpenSSL error: failed to load the external key provider"));
    KeyInit init{pub, &signer};
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(kInitParam, &init, sizeof init),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, kProps);
    EVP_PKEY* pk = nullptr;
    const bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
                    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEYPAIR, params) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
        return Err(std::string("OpenSSL error: failed to load the external key into its provider"));
    }
    return PkeyPtr(pk);
}

} // namespace ovpn::crypto
