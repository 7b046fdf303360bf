// session/tls_config and data_options: the TLS context's configuration,
// the control-channel wrapping and the OCC string, from a client's options
// (the server takes the same path).
#include <gtest/gtest.h>

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

} // namespace
