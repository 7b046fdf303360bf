// cert_checks: 2.6's checks on one certificate (ssl_verify_openssl.c) with
// certificates made in the test, and the CA-less --peer-fingerprint mode of
// the TLS context (the chain is not verified, the hook decides).
#include "openvpn/control/cert_checks.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "openvpn/control/cert_env.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "unit/control/gen_cert.hpp"
#include "unit/control/test_pki.hpp"
#include "unit/control/tls_pair.hpp"

using namespace ovpn;
using namespace ovpn::control;
using testcert::make;
using testcert::new_key;
using testcert::Spec;

namespace {

std::map<std::string, std::string> as_map(const std::vector<std::pair<std::string, std::string>>& v)
{
    return {v.begin(), v.end()};
}

TEST(CertHash, ListedOnlyWithTheRightDigestOfTheRightAlgorithm)
{
    auto k = new_key();
    auto x = make({}, k.get());
    auto other = make({{{"CN", "other"}}}, k.get());
    const auto sha256 = cert_hash_of(x.get(), CertHashAlgo::Sha256);
    const auto sha1 = cert_hash_of(x.get(), CertHashAlgo::Sha1);
    ASSERT_EQ(sha256.size(), 32u);
    ASSERT_EQ(sha1.size(), 20u);
    EXPECT_TRUE(cert_hash_listed(x.get(), CertHashAlgo::Sha256,
                                 {cert_hash_of(other.get(), CertHashAlgo::Sha256), sha256}));
    EXPECT_FALSE(
        cert_hash_listed(x.get(), CertHashAlgo::Sha256, {cert_hash_of(other.get(), CertHashAlgo::Sha256)}));
    EXPECT_FALSE(cert_hash_listed(x.get(), CertHashAlgo::Sha256, {sha1}));
    EXPECT_TRUE(cert_hash_listed(x.get(), CertHashAlgo::Sha1, {sha1}));
    auto flipped = sha256;
    flipped[31] ^= 1;
    EXPECT_FALSE(cert_hash_listed(x.get(), CertHashAlgo::Sha256, {flipped}));
    EXPECT_FALSE(cert_hash_listed(x.get(), CertHashAlgo::Sha256, {}));
    EXPECT_EQ(hex_colon({0xab, 0x01}, true), "AB:01");
    EXPECT_EQ(hex_colon({0xab, 0x01}, false), "ab:01");
}

TEST(KeyUsage, NumberedAs26AndAnyOfTheListAccepts)
{
    auto k = new_key();
    auto none = make({}, k.get());
    EXPECT_FALSE(key_usage_of(none.get()));
    auto ds_ka = make({{{"CN", "a"}}, {{"keyUsage", "digitalSignature,keyAgreement"}}}, k.get());
    ASSERT_TRUE(key_usage_of(ds_ka.get()));
    EXPECT_EQ(*key_usage_of(ds_ka.get()), 0x88u);
    auto ds_ke = make({{{"CN", "a"}}, {{"keyUsage", "digitalSignature,keyEncipherment"}}}, k.get());
    EXPECT_EQ(*key_usage_of(ds_ke.get()), 0xa0u);
    // decipherOnly is bit 8: the low byte is empty, nothing shifted
    auto sign = make({{{"CN", "a"}}, {{"keyUsage", "keyCertSign"}}}, k.get());
    EXPECT_EQ(*key_usage_of(sign.get()), 0x04u);
    EXPECT_TRUE(key_usage_accepts(0x88, {}));           // only present
    EXPECT_TRUE(key_usage_accepts(0x88, {0xa0, 0x80})); // the second
    EXPECT_TRUE(key_usage_accepts(0x88, {0x88}));
    EXPECT_FALSE(key_usage_accepts(0x88, {0xa0, 0x20}));
    EXPECT_FALSE(key_usage_accepts(0x80, {0x88})); // every bit of one value
    EXPECT_FALSE(key_usage_accepts(0x88, {0}));
}

TEST(ExtKeyUsage, NamesAndOidsOfEachUsage)
{
    auto k = new_key();
    EXPECT_FALSE(ext_key_usage_of(make({}, k.get()).get()));
    auto x = make({{{"CN", "a"}}, {{"extendedKeyUsage", "serverAuth,1.3.6.1.4.1.99999.1"}}}, k.get());
    auto eku = ext_key_usage_of(x.get());
    ASSERT_TRUE(eku);
    ASSERT_EQ(eku->size(), 2u);
    EXPECT_EQ((*eku)[0],
              std::make_pair(std::string("TLS Web Server Authentication"), std::string("1.3.6.1.5.5.7.3.1")));
    EXPECT_EQ((*eku)[1].first, "1.3.6.1.4.1.99999.1"); // no name: the OID twice
    EXPECT_EQ((*eku)[1].second, "1.3.6.1.4.1.99999.1");
}

TEST(X509Username, SubjectFieldLastOneSerialAndAltNameEmail)
{
    auto k = new_key();
    Spec s;
    s.subject = {{"CN", "first"}, {"OU", "unit"}, {"CN", "second"}, {"emailAddress", "me@example.org"}};
    s.ext = {{"subjectAltName", "DNS:host.example.org,email:alt@example.org"}};
    s.serial = 0x1a2b;
    auto x = make(s, k.get());
    EXPECT_EQ(*x509_username(x.get(), "CN"), "second");
    EXPECT_EQ(*x509_username(x.get(), "OU"), "unit");
    EXPECT_EQ(*x509_username(x.get(), "emailAddress"), "me@example.org");
    EXPECT_EQ(*x509_username(x.get(), "serialNumber"), "0x1A2B");
    EXPECT_EQ(*x509_username(x.get(), "ext:subjectAltName"), "alt@example.org");
    EXPECT_FALSE(x509_username(x.get(), "ext:issuerAltName")); // none
    EXPECT_FALSE(x509_username(x.get(), "ext:basicConstraints"));
    EXPECT_FALSE(x509_username(x.get(), "O"));
    EXPECT_FALSE(x509_username(x.get(), "noSuchAttribute"));
    Spec longcn;
    longcn.subject = {{"CN", std::string(65, 'a')}};
    EXPECT_FALSE(x509_username(make(longcn, k.get()).get(), "CN")); // over 2.6's 64
    longcn.subject = {{"CN", std::string(64, 'a')}};
    EXPECT_TRUE(x509_username(make(longcn, k.get()).get(), "CN"));
}

TEST(CertFacts, UsernameFieldsJoinedAndMissingOneIsAnErrorAtDepthZeroOnly)
{
    auto k = new_key();
    auto x = make({{{"CN", "c"}, {"OU", "u"}}}, k.get());
    CertNaming n;
    n.username_fields = {"OU", "CN"};
    auto f = cert_facts_of(x.get(), 0, n);
    EXPECT_EQ(f.common_name, "u_c");
    EXPECT_TRUE(f.username_error.empty());
    ASSERT_TRUE(f.cert);
    n.username_fields = {"CN", "O"};
    f = cert_facts_of(x.get(), 0, n);
    EXPECT_EQ(f.username_error,
              "could not extract O from X509 subject string ('CN=c, OU=u') -- note that the field length is "
              "limited to 64 characters");
    f = cert_facts_of(x.get(), 1, n);
    EXPECT_TRUE(f.username_error.empty());
    EXPECT_EQ(f.common_name, "c");
    // no CN at all: 2.6 refuses the peer
    EXPECT_FALSE(cert_facts_of(make({{{"O", "o"}}}, k.get()).get(), 0).username_error.empty());
}

TEST(X509Track, OnlyTheNamedFieldsPlusForTheWholeChain)
{
    auto k = new_key();
    Spec s;
    s.subject = {{"CN", "peer"}, {"O", "org"}, {"OU", "a"}};
    s.ext = {{"subjectAltName", "DNS:x.example"}};
    auto x = make(s, k.get());
    const std::vector<std::string> track = {"CN", "+O", "subjectAltName", "+SHA1", "emailAddress"};
    auto d0 = as_map(x509_track_env(x.get(), 0, track));
    EXPECT_EQ(d0["X509_0_CN"], "peer");
    EXPECT_EQ(d0["X509_0_O"], "org");
    EXPECT_EQ(d0["X509_0_subjectAltName"], "DNS:x.example");
    EXPECT_EQ(d0["X509_0_SHA1"], hex_colon(cert_hash_of(x.get(), CertHashAlgo::Sha1), true));
    EXPECT_EQ(d0.count("X509_0_emailAddress"), 0u); // not in the certificate
    EXPECT_EQ(d0.size(), 4u);
    auto d1 = as_map(x509_track_env(x.get(), 1, track));
    EXPECT_EQ(d1.size(), 2u); // only the '+' ones above depth 0
    EXPECT_EQ(d1["X509_1_O"], "org");
    EXPECT_EQ(d1.count("X509_1_SHA1"), 1u);
    // the facts carry only the tracked fields, so cert_env exports only them
    CertNaming n;
    n.track = track;
    auto env = as_map(cert_env({cert_facts_of(x.get(), 0, n)}));
    EXPECT_EQ(env["X509_0_CN"], "peer");
    EXPECT_EQ(env.count("X509_0_OU"), 0u);
    EXPECT_EQ(env["common_name"], "peer");
}

TEST(WriteCertPem, TheFileReadsBackAsTheSameCertificate)
{
    auto k = new_key();
    auto x = make({}, k.get());
    char tmpl[] = "/tmp/ovpn-pem-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    ASSERT_TRUE(write_cert_pem(x.get(), tmpl));
    std::ifstream in(tmpl);
    std::stringstream ss;
    ss << in.rdbuf();
    std::remove(tmpl);
    EXPECT_EQ(ss.str(), testcert::pem_of(x.get()));
    EXPECT_FALSE(write_cert_pem(x.get(), "/nonexistent-dir/x.pem"));
}

// A self-signed peer with no CA configured: OpenSSL's verdict is ignored
// only with fingerprint_only, and then the hook decides.
struct SelfSigned {
    testcert::Key sk = new_key(), ck = new_key();
    testcert::Cert sx = make({{{"CN", "ss-server"}}}, sk.get());
    testcert::Cert cx = make({{{"CN", "ss-client"}}}, ck.get());
    TlsConfig cfg(bool server) const
    {
        TlsConfig c;
        c.is_server = server;
        c.cert_pem = testcert::pem_of(server ? sx.get() : cx.get());
        c.key_pem = testcert::key_pem_of(server ? sk.get() : ck.get());
        return c;
    }
};

Status<> handshake(const TlsConfig& cc, const TlsConfig& sc)
{
    auto cctx = TlsContext::create(cc);
    auto sctx = TlsContext::create(sc);
    if (!cctx || !sctx)
        return Err(std::string("context"));
    auto c = TlsSession::create(*cctx);
    auto s = TlsSession::create(*sctx);
    test::Pair p{std::move(*c), std::move(*s)};
    return test::pump(p, 1000);
}

TEST(FingerprintOnly, SelfSignedPeerPassesOnlyWhenTheHookAccepts)
{
    SelfSigned ss;
    auto accept = [](const CertFacts&, const std::vector<CertFacts>&) { return true; };
    auto cc = ss.cfg(false), sc = ss.cfg(true);
    cc.verify_hook = sc.verify_hook = accept;
    // without fingerprint_only the chain check refuses a self-signed peer
    EXPECT_FALSE(handshake(cc, sc));
    cc.fingerprint_only = sc.fingerprint_only = true;
    EXPECT_TRUE(handshake(cc, sc));
    // the hook sees the server's certificate and may refuse it
    std::string seen;
    cc.verify_hook = [&](const CertFacts& f, const std::vector<CertFacts>&) {
        seen = f.sha256;
        return false;
    };
    EXPECT_FALSE(handshake(cc, sc));
    EXPECT_EQ(seen, hex_colon(cert_hash_of(ss.sx.get(), CertHashAlgo::Sha256), false));
    // no hook at all: refused (nothing would check the fingerprint)
    cc.verify_hook = nullptr;
    EXPECT_FALSE(handshake(cc, sc));
}

TEST(FingerprintOnly, AMissingUsernameFieldRefusesEvenWithoutAHook)
{
    auto cc = testpki::config(false);
    cc.naming.username_fields = {"OU"}; // the test server has none
    auto sc = testpki::config(true);
    EXPECT_FALSE(handshake(cc, sc));
    cc.naming.username_fields = {"O", "CN"};
    EXPECT_TRUE(handshake(cc, sc));
}

} // namespace
