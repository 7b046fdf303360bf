#include "openvpn/control/tls_engine.hpp"

#include <gtest/gtest.h>

#include "unit/control/test_pki.hpp"
#include "unit/control/tls_pair.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

using test::Pair;
using test::pump;

Pair make_pair(const TlsConfig& cc, const TlsConfig& sc)
{
    auto cctx = TlsContext::create(cc);
    auto sctx = TlsContext::create(sc);
    EXPECT_TRUE(cctx) << (cctx ? "" : cctx.error());
    EXPECT_TRUE(sctx) << (sctx ? "" : sctx.error());
    auto c = TlsSession::create(*cctx);
    auto s = TlsSession::create(*sctx);
    return {std::move(*c), std::move(*s)};
}

TEST(TlsEngine, HandshakeRecordsAndExporter)
{
    auto cc = testpki::config(false);
    cc.remote_cert_tls = RemoteCertTls::Server;
    cc.verify_x509_name = VerifyX509Name{"test-server", X509NameType::Name};
    auto sc = testpki::config(true);
    sc.remote_cert_tls = RemoteCertTls::Client;
    auto p = make_pair(cc, sc);
    ASSERT_TRUE(p.c && p.s);
    const std::string hello = "key method 2 goes here";
    ASSERT_TRUE(p.c->write_record(as_bytes(hello))); // before the handshake: kept
    auto st = pump(p, 100);
    ASSERT_TRUE(st) << st.error();
    auto rec = p.s->read_record();
    ASSERT_TRUE(rec);
    ASSERT_TRUE(rec->has_value());
    EXPECT_EQ(std::string((*rec)->begin(), (*rec)->end()), hello);
    EXPECT_FALSE(p.s->read_record()->has_value());
    EXPECT_EQ(p.c->peer_common_name(), "test-server");
    EXPECT_EQ(p.s->peer_subject(), "C=XX, O=ovpn-test, CN=test-client");
    auto k1 = p.c->export_keying_material("EXPORTER-OpenVPN-datakeys", 256);
    auto k2 = p.s->export_keying_material("EXPORTER-OpenVPN-datakeys", 256);
    ASSERT_TRUE(k1 && k2);
    ASSERT_EQ(k1->size(), 256u);
    EXPECT_EQ(std::vector<std::uint8_t>(k1->span().begin(), k1->span().end()),
              std::vector<std::uint8_t>(k2->span().begin(), k2->span().end()));
    EXPECT_NE(p.c->description().find("TLSv1.3"), std::string::npos);
}

TEST(TlsEngine, VerifyX509NameMismatchFails)
{
    auto cc = testpki::config(false);
    cc.verify_x509_name = VerifyX509Name{"C=XX, O=ovpn-test, CN=other", X509NameType::Subject};
    auto p = make_pair(cc, testpki::config(true));
    EXPECT_FALSE(pump(p, 100));
}

TEST(TlsEngine, VerifyX509SubjectAndPrefixMatch)
{
    for (auto v : {VerifyX509Name{"C=XX, O=ovpn-test, CN=test-server", X509NameType::Subject},
                   VerifyX509Name{"test-", X509NameType::NamePrefix}}) {
        auto cc = testpki::config(false);
        cc.verify_x509_name = v;
        auto p = make_pair(cc, testpki::config(true));
        auto st = pump(p, 100);
        EXPECT_TRUE(st) << v.name;
    }
}

TEST(TlsEngine, RemoteCertTlsRejectsWrongRole)
{
    // The client insists on a server certificate but the "server" uses the
    // client's certificate.
    auto cc = testpki::config(false);
    cc.remote_cert_tls = RemoteCertTls::Server;
    auto sc = testpki::config(true);
    sc.cert_pem = testpki::read_text("client.crt");
    std::string k = testpki::read_text("client.key");
    sc.key_pem = SecureBytes(as_bytes(k));
    auto p = make_pair(cc, sc);
    auto st = pump(p, 100);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().find("certificate"), std::string::npos) << st.error();
}

TEST(TlsEngine, VersionRangeMismatchFails)
{
    auto cc = testpki::config(false);
    cc.tls_version_min = "1.3";
    auto sc = testpki::config(true);
    sc.tls_version_max = "1.2";
    auto p = make_pair(cc, sc);
    EXPECT_FALSE(pump(p, 100));
}

TEST(TlsEngine, Tls12WithCipherListAndGroups)
{
    auto cc = testpki::config(false);
    cc.tls_version_max = "1.2";
    cc.tls_cipher = "ECDHE-ECDSA-AES128-GCM-SHA256";
    cc.tls_groups = "X25519:prime256v1";
    auto p = make_pair(cc, testpki::config(true));
    ASSERT_TRUE(pump(p, 100));
    EXPECT_NE(p.s->description().find("ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos);
}

TEST(TlsEngine, Pkcs12Client)
{
    auto cc = testpki::config(false);
    std::string p12 = testpki::read_text("client.p12");
    cc.cert_pem.clear();
    cc.key_pem.wipe();
    cc.ca_pem.clear(); // trusted CA comes from the bundle
    cc.pkcs12_der.assign(p12.begin(), p12.end());
    auto p = make_pair(cc, testpki::config(true));
    ASSERT_TRUE(pump(p, 100));
    EXPECT_EQ(p.s->peer_common_name(), "test-client");
}

TEST(TlsEngine, BadConfigErrors)
{
    auto cc = testpki::config(false);
    cc.tls_version_min = "9";
    EXPECT_FALSE(TlsContext::create(cc));
    cc = testpki::config(false);
    cc.key_pem = SecureBytes(as_bytes(std::string("garbage")));
    EXPECT_FALSE(TlsContext::create(cc));
    cc = testpki::config(false);
    cc.tls_groups = "nonsense-group";
    EXPECT_FALSE(TlsContext::create(cc));
}

TEST(TlsEngine, GarbageCiphertextFails)
{
    auto p = make_pair(testpki::config(false), testpki::config(true));
    ASSERT_TRUE(p.c->advance());
    std::vector<std::uint8_t> junk(64, 0x42);
    p.s->put_ciphertext(junk);
    EXPECT_FALSE(p.s->advance());
}

} // namespace

TEST(TlsEngine, CrlVerifyRefusesARevokedPeerOnly)
{
    auto sc = testpki::config(true);
    sc.crl_pem = testpki::read_text("crl-none.pem");
    auto ok = make_pair(testpki::config(false), sc);
    EXPECT_TRUE(pump(ok, 100)) << "a CRL that revokes nothing must not refuse the client";

    sc.crl_pem = testpki::read_text("crl-client-revoked.pem");
    auto revoked = make_pair(testpki::config(false), sc);
    EXPECT_FALSE(pump(revoked, 100)) << "the server accepted a revoked client certificate";

    // The client side checks the server the same way: the server is not revoked.
    auto cc = testpki::config(false);
    cc.crl_pem = testpki::read_text("crl-client-revoked.pem");
    auto server_ok = make_pair(cc, testpki::config(true));
    EXPECT_TRUE(pump(server_ok, 100));
}

TEST(TlsEngine, CrlVerifyWithoutACrlIsAnError)
{
    auto sc = testpki::config(true);
    sc.crl_pem = "-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n";
    EXPECT_FALSE(TlsContext::create(sc));
}
