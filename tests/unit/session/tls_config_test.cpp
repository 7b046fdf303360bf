// session/tls_config and data_options: the TLS context's configuration,
// the control-channel wrapping and the OCC string, from a client's options
// (the server takes the same path).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>

#include "openvpn/crypto/tls_names.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/session/tls_config.hpp"

using namespace ovpn;
using namespace ovpn::session;

namespace {

std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

options::Options parse(std::vector<std::string> args)
{
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

options::Options client_opts(std::vector<std::string> extra = {})
{
    std::vector<std::string> a = {"--client",
                                  "--dev",
                                  "null",
                                  "--remote",
                                  "10.94.1.1",
                                  "--ca",
                                  data_dir() + "ca.crt",
                                  "--cert",
                                  data_dir() + "client.crt",
                                  "--key",
                                  data_dir() + "client.key"};
    a.insert(a.end(), extra.begin(), extra.end());
    return parse(a);
}

TEST(SessionSetup, TlsConfigFromOptions)
{
    auto o = client_opts({"--remote-cert-tls", "server", "--verify-x509-name", "test-server", "name",
                          "--tls-version-min", "1.2"});
    auto t = make_tls_config(o);
    ASSERT_TRUE(t) << t.error();
    EXPECT_FALSE(t->is_server);
    EXPECT_EQ(t->remote_cert_tls, control::RemoteCertTls::Server);
    ASSERT_TRUE(t->verify_x509_name);
    EXPECT_EQ(t->verify_x509_name->type, control::X509NameType::Name);
    EXPECT_NE(t->ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
    EXPECT_TRUE(control::TlsContext::create(*t));
    auto missing = client_opts();
    missing.ca->path = "/nonexistent/ca.crt";
    EXPECT_FALSE(make_tls_config(missing));
}

TEST(SessionSetup, CrlVerifyFileIsReadByTheContextAndDirIsKept)
{
    auto f = make_tls_config(client_opts({"--crl-verify", data_dir() + "crl-none.pem"}));
    ASSERT_TRUE(f) << f.error();
    EXPECT_EQ(f->crl_file, data_dir() + "crl-none.pem"); // re-read on change by TlsContext
    EXPECT_TRUE(f->crl_pem.empty());
    EXPECT_TRUE(control::TlsContext::create(*f));
    auto d = make_tls_config(client_opts({"--crl-verify", data_dir(), "dir"}));
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(d->crl_dir, data_dir());
    EXPECT_TRUE(d->crl_file.empty());
}

TEST(SessionSetup, ControlWrapKinds)
{
    auto none = make_control_wrap(client_opts(), client_opts().ce, 1000);
    ASSERT_TRUE(none);
    EXPECT_EQ((*none)->overhead(), 0u);
    const std::string key = "-----BEGIN OpenVPN Static key V1-----\n" + [] {
        std::string s;
        for (int i = 0; i < 16; ++i)
            s += "00112233445566778899aabbccddeeff\n";
        return s;
    }() + "-----END OpenVPN Static key V1-----\n";
    auto ta = client_opts({"--tls-auth", "[[INLINE]]"});
    (void)ta;
    options::Options o = client_opts();
    options::FileRef f;
    f.is_inline = true;
    f.content = key;
    f.option = "tls-auth";
    o.ce.tls_auth = f;
    o.ce.key_direction = 1;
    auto w = make_control_wrap(o, o.ce, 1000);
    ASSERT_TRUE(w) << w.error();
    EXPECT_EQ((*w)->overhead(), 20u + 8u); // SHA1 HMAC + packet id
    o.ce.tls_auth.reset();
    f.option = "tls-crypt";
    o.ce.tls_crypt = f;
    auto c = make_control_wrap(o, o.ce, 1000);
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)->overhead(), 40u);
    f.content = "garbage";
    o.ce.tls_crypt = f;
    EXPECT_FALSE(make_control_wrap(o, o.ce, 1000));
}

TEST(SessionSetup, OccStringShape)
{
    auto o = client_opts();
    std::string s = occ_options_string(o, "UDPv4", true);
    EXPECT_EQ(s.rfind("V4,dev-type tun,", 0), 0u);
    EXPECT_NE(s.find(",proto UDPv4,"), std::string::npos);
    EXPECT_NE(s.find(",key-method 2,tls-client"), std::string::npos);
    EXPECT_LT(s.size(), 512u);
}

TEST(SessionSetup, CompressionFraming)
{
    EXPECT_EQ(compression_of(client_opts()), wire::CompressMode::None);
    EXPECT_EQ(compression_of(client_opts({"--compress", "lz4-v2"})), wire::CompressMode::Lz4V2);
    EXPECT_EQ(compression_of(client_opts({"--compress", "stub-v2"})), wire::CompressMode::StubV2);
    EXPECT_EQ(compression_of(client_opts({"--comp-lzo", "no"})), wire::CompressMode::LzoNo);
}

TEST(SessionSetup, CipherListMembership)
{
    EXPECT_TRUE(contains_cipher("AES-256-GCM:chacha20-poly1305", "CHACHA20-POLY1305"));
    EXPECT_FALSE(contains_cipher("AES-256-GCM", "AES-128-GCM"));
    EXPECT_EQ(data_ciphers(client_opts()), "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
    EXPECT_EQ(split_list("a::b:", ':'), (std::vector<std::string>{"a", "b"}));
}

TEST(SessionSetup, TlsCipherListsAsTwoSixHandsThemToOpenSsl)
{
    // IANA names (commercial profiles write them) are translated; untranslated
    // they would make OpenSSL refuse the whole list.
    auto t = make_tls_config(client_opts({"--tls-cipher",
                                          "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:TLS-ECDHE-ECDSA-WITH-"
                                          "AES-256-GCM-SHA384",
                                          "--tls-ciphersuites", "TLS-AES-256-GCM-SHA384"}));
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->tls_cipher, "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384");
    EXPECT_EQ(t->tls_ciphersuites, "TLS_AES_256_GCM_SHA384");
    EXPECT_TRUE(control::TlsContext::create(*t));
    // Without --tls-cipher: 2.6's own list, not OpenSSL's default.
    auto d = make_tls_config(client_opts());
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(d->tls_cipher, crypto::kTlsDefaultCipherList);
    EXPECT_EQ(d->tls_ciphersuites, "");
}

// weak_cert: a self-signed certificate with a 1024-bit RSA key (80 bits of
// security: OpenSSL's level 1 takes it, Debian's default level 2 does not),
// written to two temporary files.
struct WeakCert {
    std::string cert, key;
    WeakCert()
    {
        EVP_PKEY* pk = EVP_RSA_gen(1024);
        X509* x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_set_pubkey(x, pk);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("weak"), -1, -1, 0);
        X509_set_issuer_name(x, X509_get_subject_name(x));
        X509_sign(x, pk, EVP_sha256());
        cert = write([&](FILE* f) { PEM_write_X509(f, x); });
        key = write([&](FILE* f) { PEM_write_PrivateKey(f, pk, nullptr, nullptr, 0, nullptr, nullptr); });
        X509_free(x);
        EVP_PKEY_free(pk);
    }
    ~WeakCert()
    {
        ::unlink(cert.c_str());
        ::unlink(key.c_str());
    }
    template <typename F> static std::string write(F f)
    {
        char path[] = "/tmp/weak-XXXXXX";
        const int fd = ::mkstemp(path);
        FILE* fp = ::fdopen(fd, "w");
        f(fp);
        std::fclose(fp);
        return path;
    }
};

TEST(SessionSetup, SecurityLevelFromTheCertProfileAs26)
{
    WeakCert w;
    auto legacy = client_opts({"--cert", w.cert, "--key", w.key});
    auto t = make_tls_config(legacy);
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->security_level, 1); // 2.6's default profile "legacy"
    EXPECT_TRUE(control::TlsContext::create(*t)) << "2.6 loads a 1024-bit key by default";
    auto preferred =
        make_tls_config(client_opts({"--cert", w.cert, "--key", w.key, "--tls-cert-profile", "preferred"}));
    ASSERT_TRUE(preferred) << preferred.error();
    EXPECT_EQ(preferred->security_level, 2);
    EXPECT_FALSE(control::TlsContext::create(*preferred));
    EXPECT_EQ(make_tls_config(client_opts({"--tls-cert-profile", "suiteb"}))->security_level, 3);
    EXPECT_EQ(make_tls_config(client_opts({"--tls-cert-profile", "insecure"}))->security_level, 0);
}

} // namespace
