// Unit tests for session/pkcs11 and crypto/pkcs11 against Debian's softhsm2
// (a software PKCS#11 token in a temporary SOFTHSM2_CONF): the options as
// 2.6 reads them; the certificates pkcs11-helper finds and their ids; the
// key on the token signs through the external-key provider as libssl asks
// (RSA PKCS#1 v1.5, RSA-PSS, ECDSA) and the signatures verify with the
// certificate's public key; the PIN is asked once; a wrong id fails with
// 2.6's messages. Skipped where softhsm2 or pkcs11-tool (opensc) is missing.
#include "openvpn/session/pkcs11.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "unit/options/parsed.hpp"

namespace ovpn::session {
namespace {

namespace p11 = crypto::pkcs11;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

constexpr const char* kLib = "/usr/lib/softhsm/libsofthsm2.so";

struct Pkey {
    EVP_PKEY* p = nullptr;
    ~Pkey() { EVP_PKEY_free(p); }
};

// self_signed: a certificate for `key` (DER).
Bytes self_signed(EVP_PKEY* key, const char* cn)
{
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    unsigned char* der = nullptr;
    const int n = i2d_X509(x, &der);
    Bytes out(der, der + n);
    OPENSSL_free(der);
    X509_free(x);
    return out;
}

bool run(const std::string& cmd)
{
    return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

// Token: a softhsm2 token "t1" (PIN 1234) holding an RSA key+certificate
// (id 01) and an EC one (id 02).
class Token : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!fs::exists(kLib) || !run("command -v softhsm2-util") || !run("command -v pkcs11-tool"))
            GTEST_SKIP() << "softhsm2 or opensc's pkcs11-tool not installed";
        char tmpl[] = "/tmp/ovpn-p11-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        fs::create_directory(dir_ / "tokens");
        std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                              << "\nobjectstore.backend = file\nlog.level = ERROR\n";
        ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").string().c_str(), 1);
        ASSERT_TRUE(run("softhsm2-util --init-token --free --label t1 --so-pin 4321 --pin 1234"));
        rsa_.p = EVP_RSA_gen(2048);
        ec_.p = EVP_EC_gen("P-256");
        put(rsa_.p, "01", "io-rsa");
        put(ec_.p, "02", "io-ec");
    }
    void TearDown() override
    {
        p11::terminate();
        if (!dir_.empty())
            fs::remove_all(dir_);
    }
    void put(EVP_PKEY* key, const std::string& id, const char* cn)
    {
        const std::string k = (dir_ / ("k" + id + ".pem")).string(),
                          c = (dir_ / ("c" + id + ".der")).string();
        FILE* f = std::fopen(k.c_str(), "w");
        ASSERT_NE(f, nullptr);
        PEM_write_PKCS8PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(f);
        const Bytes der = self_signed(key, cn);
        certs_.push_back(der);
        std::ofstream(c, std::ios::binary)
            .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
        ASSERT_TRUE(run("softhsm2-util --import " + k + " --token t1 --label k" + id + " --id " + id +
                        " --pin 1234"));
        ASSERT_TRUE(run(std::string("pkcs11-tool --module ") + kLib + " --token-label t1 --login --pin 1234" +
                        " --write-object " + c + " --type cert --id " + id + " --label k" + id));
    }
    // load: pkcs11-helper with softhsm, the PIN from `pin_`.
    void load()
    {
        p11::Hooks h;
        h.log = [this](p11::LogLevel, std::string_view t) { log_.emplace_back(t); };
        h.pin = [this](std::string_view label, std::string_view) -> std::optional<std::string> {
            labels_.emplace_back(label);
            return pin_;
        };
        ASSERT_TRUE(p11::initialize(h, true, -1, false));
        ASSERT_TRUE(p11::add_provider({kLib}));
    }

    fs::path dir_;
    Pkey rsa_, ec_;
    std::vector<Bytes> certs_;
    std::vector<std::string> log_, labels_;
    std::string pin_ = "1234";
};

// sign_verify: OpenSSL signs with the token's key through the external-key
// provider, as libssl does; the signature must verify with `pub`.
bool sign_verify(EVP_PKEY* ext, EVP_PKEY* pub, int padding)
{
    const std::string msg = "TLS 1.3, client CertificateVerify";
    EVP_MD_CTX* m = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pc = nullptr;
    std::size_t len = 0;
    bool ok = EVP_DigestSignInit_ex(m, &pc, "SHA256", nullptr, nullptr, ext, nullptr) == 1;
    if (ok && padding != 0)
        ok = EVP_PKEY_CTX_set_rsa_padding(pc, padding) == 1;
    if (ok && padding == RSA_PKCS1_PSS_PADDING)
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
    const auto* data = reinterpret_cast<const unsigned char*>(msg.data());
    ok = ok && EVP_DigestSign(m, nullptr, &len, data, msg.size()) == 1;
    Bytes sig(len);
    ok = ok && EVP_DigestSign(m, sig.data(), &len, data, msg.size()) == 1;
    EVP_MD_CTX_free(m);
    if (!ok)
        return false;
    sig.resize(len);
    m = EVP_MD_CTX_new();
    pc = nullptr;
    ok = EVP_DigestVerifyInit_ex(m, &pc, "SHA256", nullptr, nullptr, pub, nullptr) == 1;
    if (ok && padding != 0)
        ok = EVP_PKEY_CTX_set_rsa_padding(pc, padding) == 1;
    if (ok && padding == RSA_PKCS1_PSS_PADDING)
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestVerify(m, sig.data(), sig.size(), data, msg.size()) == 1;
    EVP_MD_CTX_free(m);
    return ok;
}

options::Options parse(const std::string& text)
{
    return options::test::parsed(text);
}

TEST_F(Token, EnumeratesTheCertificatesWithPkcs11HelpersIds)
{
    load();
    auto list = p11::enumerate();
    ASSERT_TRUE(list) << list.error();
    ASSERT_EQ(list->size(), 2u);
    std::vector<Bytes> got;
    for (const auto& e : *list) {
        got.push_back(e.der);
        EXPECT_EQ(e.id.rfind("SoftHSM\\x20project/SoftHSM\\x20v2/", 0), 0u) << e.id;
        EXPECT_NE(e.id.find("/t1/0"), std::string::npos) << e.id;
    }
    EXPECT_NE(std::find(got.begin(), got.end(), certs_[0]), got.end());
    EXPECT_NE(std::find(got.begin(), got.end(), certs_[1]), got.end());
    EXPECT_EQ(pkcs11_count_ids(), 2);
    EXPECT_TRUE(pkcs11_get_id(1));
    EXPECT_FALSE(pkcs11_get_id(2));
}

TEST_F(Token, TheTokenSignsRsaPkcs1PssAndEcdsaAndThePinIsAskedOnce)
{
    load();
    auto list = p11::enumerate();
    ASSERT_TRUE(list) << list.error();
    for (const auto& e : *list) {
        auto cert = p11::open_certificate(e.id);
        ASSERT_TRUE(cert) << cert.error();
        EXPECT_EQ(cert->der(), e.der);
        const bool rsa = e.der == certs_[0];
        EVP_PKEY* pub = rsa ? rsa_.p : ec_.p;
        auto ext = crypto::make_external_key(pub, pkcs11_signer(*cert, nullptr));
        ASSERT_TRUE(ext) << ext.error();
        if (rsa) {
            EXPECT_TRUE(sign_verify(ext->get(), pub, RSA_PKCS1_PSS_PADDING));
            EXPECT_TRUE(sign_verify(ext->get(), pub, RSA_PKCS1_PADDING));
        } else {
            EXPECT_TRUE(sign_verify(ext->get(), pub, 0));
        }
    }
    EXPECT_EQ(labels_, std::vector<std::string>{"t1"}); // cached after the first login
}

TEST_F(Token, AWrongPinFailsTheSignature)
{
    pin_ = "0000";
    load();
    auto list = p11::enumerate();
    ASSERT_TRUE(list && !list->empty());
    auto cert = p11::open_certificate((*list)[0].id);
    ASSERT_TRUE(cert) << cert.error();
    auto ext = crypto::make_external_key(rsa_.p, pkcs11_signer(*cert, nullptr));
    ASSERT_TRUE(ext) << ext.error();
    EXPECT_FALSE(sign_verify(ext->get(), rsa_.p, RSA_PKCS1_PADDING));
    EXPECT_FALSE(labels_.empty());
}

TEST_F(Token, AWrongIdFailsWith26sMessages)
{
    load();
    auto bad = p11::open_certificate("not an id");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().rfind("PKCS#11: Cannot deserialize id ", 0), 0u) << bad.error();
    auto list = p11::enumerate();
    ASSERT_TRUE(list && !list->empty());
    std::string id = (*list)[0].id;
    id.replace(id.size() - 2, 2, "09");
    auto missing = p11::open_certificate(id);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), "PKCS#11: Unable get x509 certificate object");
}

TEST(Pkcs11Options, As26ReadsThem)
{
    auto p = pkcs11_options(parse("pkcs11-providers /a.so /b.so\npkcs11-protected-authentication 1 0\n"
                                  "pkcs11-private-mode 1f\npkcs11-cert-private 0 1\npkcs11-pin-cache 30\n"
                                  "pkcs11-id 'x/y'\n"));
    ASSERT_EQ(p.providers.size(), 2u);
    EXPECT_EQ(p.providers[0].path, "/a.so");
    EXPECT_TRUE(p.providers[0].protected_auth);
    EXPECT_EQ(p.providers[0].private_mode, 0x1fu);
    EXPECT_FALSE(p.providers[0].cert_private);
    EXPECT_EQ(p.providers[1].path, "/b.so");
    EXPECT_FALSE(p.providers[1].protected_auth);
    EXPECT_TRUE(p.providers[1].cert_private);
    EXPECT_EQ(p.pin_cache_period, 30);
    EXPECT_EQ(p.id, "x/y");
    EXPECT_FALSE(p.id_management);
    // an id without providers: Debian's default provider
    auto d = pkcs11_options(parse("pkcs11-id-management\n"));
    ASSERT_EQ(d.providers.size(), 1u);
    EXPECT_EQ(d.providers[0].path, "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so");
    EXPECT_EQ(d.pin_cache_period, -1);
    EXPECT_TRUE(d.id_management);
}

TEST(Pkcs11, EcdsaRawToDer)
{
    Bytes rs(64, 0);
    rs[31] = 1;
    rs[63] = 2;
    auto der = p11::ecdsa_der(rs);
    ASSERT_TRUE(der);
    EXPECT_EQ(*der, (Bytes{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02}));
    EXPECT_FALSE(p11::ecdsa_der(Bytes(63, 1)));
    EXPECT_FALSE(p11::ecdsa_der(Bytes{}));
}

} // namespace
} // namespace ovpn::session
