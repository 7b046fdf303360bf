// cert_env: the chain facts a session records and the variables 2.6 exports
// for them. The expected strings are what Debian's openvpn 2.6.14 put in the
// --tls-verify / --ipchange environment for this test PKI.
#include "openvpn/control/cert_env.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "openvpn/control/tls_engine.hpp"
#include "unit/control/test_pki.hpp"
#include "unit/control/tls_pair.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

using test::Pair;
using test::pump;

Pair sessions(const std::shared_ptr<TlsContext>& cctx, const std::shared_ptr<TlsContext>& sctx)
{
    auto c = TlsSession::create(cctx);
    auto s = TlsSession::create(sctx);
    EXPECT_TRUE(c && s);
    return {std::move(*c), std::move(*s)};
}

std::shared_ptr<TlsContext> ctx(const TlsConfig& c)
{
    auto r = TlsContext::create(c);
    EXPECT_TRUE(r) << (r ? "" : r.error());
    return r ? *r : nullptr;
}

std::map<std::string, std::string> as_map(const std::vector<std::pair<std::string, std::string>>& v)
{
    return {v.begin(), v.end()};
}

TEST(CertEnv, ChainOfTheServerMatches26)
{
    auto p = sessions(ctx(testpki::config(false)), ctx(testpki::config(true)));
    auto st = pump(p, 1000);
    ASSERT_TRUE(st) << st.error();
    const auto& chain = p.c->peer_chain();
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain[0].depth, 1); // the CA first, as 2.6's verify order
    EXPECT_EQ(chain[1].depth, 0);
    auto env = as_map(cert_env(chain));
    EXPECT_EQ(env["X509_0_C"], "XX");
    EXPECT_EQ(env["X509_0_O"], "ovpn-test");
    EXPECT_EQ(env["X509_0_CN"], "test-server");
    EXPECT_EQ(env["X509_1_CN"], "Test CA");
    EXPECT_EQ(env["common_name"], "test-server");
    EXPECT_EQ(env["tls_id_0"], "C=XX, O=ovpn-test, CN=test-server");
    EXPECT_EQ(env["tls_id_1"], "C=XX, O=ovpn-test, CN=Test CA");
    EXPECT_EQ(env["tls_serial_0"], "284264058949609562735808654527870434954893065450");
    EXPECT_EQ(env["tls_serial_hex_0"], "31:ca:d7:5c:97:bb:25:df:04:46:3a:89:eb:50:2e:8b:e2:17:fc:ea");
    EXPECT_EQ(env["tls_serial_1"], "478783403553878250838912872681438592343238907479");
    EXPECT_EQ(env["tls_digest_0"], "2f:0f:04:81:0e:ab:4d:52:7c:84:1c:4f:38:6d:ed:61:fb:44:c9:33");
    EXPECT_EQ(env["tls_digest_1"], "cf:97:c4:b9:da:c7:6b:36:14:4d:4e:5c:b6:70:a9:f2:e4:99:56:b7");
    EXPECT_EQ(
        env["tls_digest_sha256_0"],
        "4b:08:f3:58:67:78:f9:e3:80:43:1e:35:c3:54:50:d3:dd:80:f4:94:34:2e:9e:52:ed:be:11:37:04:44:5c:db");
    EXPECT_EQ(env.size(), 3u + 3u + 5u + 5u + 1u);
    // The server sees the client's chain.
    EXPECT_EQ(as_map(cert_env(p.s->peer_chain()))["common_name"], "test-client");
}

TEST(CertEnv, RepeatedFieldsCountUpAndControlCharactersAreRemapped)
{
    CertFacts c;
    c.depth = 0;
    c.fields = {{"OU", "a"}, {"OU", "b"}, {"OU", "c"}, {"CN", "x"}};
    c.common_name = "x";
    auto env = as_map(cert_env({c}));
    EXPECT_EQ(env["X509_0_OU"], "a");
    EXPECT_EQ(env["X509_0_OU_1"], "b");
    EXPECT_EQ(env["X509_0_OU_2"], "c");
    EXPECT_EQ(safe_env_value(std::string("a\nb\x7f\xc3\xa9", 6)), "a_b_\xc3\xa9");
    // Without depth 0 there is no common_name.
    c.depth = 1;
    EXPECT_EQ(as_map(cert_env({c})).count("common_name"), 0u);
}

TEST(CertEnv, LeadingDashOfSubjectAndNameBecomesUnderscore)
{
    X509* x = X509_new();
    X509_NAME* n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("-evil\r"), -1,
                               -1, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 258);
    CertFacts f = cert_facts_of(x, 0);
    X509_free(x);
    EXPECT_EQ(f.common_name, "_evil_");
    EXPECT_EQ(f.subject.substr(0, 4), "CN=-"); // the subject line starts with "CN="
    EXPECT_EQ(f.serial_dec, "258");
    EXPECT_EQ(f.serial_hex, "01:02");
    ASSERT_EQ(f.fields.size(), 1u);
    EXPECT_EQ(f.fields[0].second, "-evil_"); // only the subject / CN get the leading '_'
}

TEST(TlsVerifyHook, SeesEveryDepthWithTheChainSoFar)
{
    auto cc = testpki::config(false);
    std::vector<std::pair<int, std::size_t>> calls;
    cc.verify_hook = [&](const CertFacts& c, const std::vector<CertFacts>& chain) {
        calls.emplace_back(c.depth, chain.size());
        return true;
    };
    auto p = sessions(ctx(cc), ctx(testpki::config(true)));
    ASSERT_TRUE(pump(p, 1000));
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0], std::make_pair(1, std::size_t{1}));
    EXPECT_EQ(calls[1], std::make_pair(0, std::size_t{2}));
}

TEST(TlsVerifyHook, RefusalAtDepthZeroFailsTheHandshake)
{
    auto cc = testpki::config(false);
    cc.verify_hook = [](const CertFacts& c, const std::vector<CertFacts>&) { return c.depth != 0; };
    auto p = sessions(ctx(cc), ctx(testpki::config(true)));
    auto st = pump(p, 1000);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().find("certificate verify failed"), std::string::npos) << st.error();
    EXPECT_FALSE(p.c->established());
}

TEST(TlsVerifyHook, PerSessionHookOverridesTheContextsAndServerUsesIt)
{
    auto sc = testpki::config(true);
    sc.verify_hook = [](const CertFacts&, const std::vector<CertFacts>&) { return false; };
    auto sctx = ctx(sc);
    auto cctx = ctx(testpki::config(false));
    {
        auto p = sessions(cctx, sctx);
        EXPECT_FALSE(pump(p, 1000));
    }
    auto p = sessions(cctx, sctx);
    std::string seen;
    p.s->set_verify_hook([&](const CertFacts& c, const std::vector<CertFacts>&) {
        if (c.depth == 0)
            seen = c.common_name;
        return true;
    });
    ASSERT_TRUE(pump(p, 1000));
    EXPECT_EQ(seen, "test-client");
}

class CrlFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/ovpn-crl-XXXXXX";
        int fd = mkstemp(tmpl);
        ASSERT_GE(fd, 0);
        close(fd);
        path_ = tmpl;
    }
    void TearDown() override { std::remove(path_.c_str()); }
    void write(const std::string& name)
    {
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << testpki::read_text(name);
    }
    std::string path_;
};

TEST_F(CrlFile, ReReadWhenTheFileChangesBeforeTheNextSession)
{
    write("crl-none.pem");
    auto sc = testpki::config(true);
    sc.crl_file = path_;
    sc.crl_pem = "ignored with crl_file";
    auto sctx = ctx(sc);
    ASSERT_TRUE(sctx);
    auto cctx = ctx(testpki::config(false));
    {
        auto p = sessions(cctx, sctx);
        auto st = pump(p, 1000);
        ASSERT_TRUE(st) << st.error();
    }
    // Unchanged: nothing is read.
    EXPECT_EQ(*sctx->refresh_crl(), false);
    // The client gets revoked: the size differs, so even within the same
    // second of mtime the change is seen.
    write("crl-client-revoked.pem");
    {
        auto p = sessions(cctx, sctx);
        auto st = pump(p, 1000);
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().find("revoked"), std::string::npos) << st.error();
    }
    // A broken file keeps the last good CRL in force.
    std::ofstream(path_, std::ios::trunc) << "garbage\n";
    EXPECT_FALSE(sctx->refresh_crl());
    {
        auto p = sessions(cctx, sctx);
        EXPECT_FALSE(pump(p, 1000));
    }
    // Back to a CRL without the client.
    write("crl-none.pem");
    {
        auto p = sessions(cctx, sctx);
        auto st = pump(p, 1000);
        ASSERT_TRUE(st) << st.error();
    }
}

TEST(CrlDir, AFileNamedAfterTheSerialRevokes)
{
    char tmpl[] = "/tmp/ovpn-crldir-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    auto sc = testpki::config(true);
    sc.crl_dir = dir;
    auto sctx = ctx(sc);
    auto cctx = ctx(testpki::config(false));
    {
        auto p = sessions(cctx, sctx);
        auto st = pump(p, 1000);
        ASSERT_TRUE(st) << st.error();
    }
    // The client's serial (test PKI), decimal as 2.6 names the file.
    const std::string revoked = dir + "/284264058949609562735808654527870434954893065451";
    std::ofstream(revoked) << "";
    {
        auto p = sessions(cctx, sctx);
        auto st = pump(p, 1000);
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().find("revoked"), std::string::npos) << st.error();
        EXPECT_EQ(as_map(cert_env(p.s->peer_chain()))["tls_serial_0"],
                  "284264058949609562735808654527870434954893065451");
    }
    std::remove(revoked.c_str());
    {
        auto p = sessions(cctx, sctx);
        EXPECT_TRUE(pump(p, 1000));
    }
    ::rmdir(dir.c_str());
}

TEST_F(CrlFile, MissingFileFailsTheContext)
{
    auto sc = testpki::config(true);
    sc.crl_file = path_ + ".missing";
    EXPECT_FALSE(TlsContext::create(sc));
}

} // namespace
