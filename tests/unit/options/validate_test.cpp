// Validation: 2.6's cross-option rules, cipher names, referenced files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/validate.hpp"
#include "openvpn/options/vlan_pvid.hpp"
#include "unit/options/parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

const std::string kKeys = "/usr/share/doc/openvpn/examples/sample-keys/";

using options::test::parsed;
using options::test::quiet;

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& e : v)
        s += e + "\n";
    return s;
}

std::string client_creds()
{
    return "ca " + kKeys + "ca.crt\ncert " + kKeys + "client.crt\nkey " + kKeys + "client.key\n";
}

std::string server_creds()
{
    return "ca " + kKeys + "ca.crt\ncert " + kKeys + "server.crt\nkey " + kKeys + "server.key\ndh " + kKeys +
           "dh2048.pem\n";
}

bool keys_present()
{
    return std::filesystem::exists(kKeys + "ca.crt");
}

} // namespace

TEST(Validate, GoodClientAndServerPass)
{
    ASSERT_TRUE(keys_present()) << "Debian's openvpn package (sample keys) is needed";
    auto c = parsed("client\ndev tun\nremote 192.0.2.1\n" + client_creds());
    EXPECT_EQ(joined(validate(c, quiet())), "");
    auto s = parsed("dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n" + server_creds());
    EXPECT_EQ(joined(validate(s, quiet())), "");
}

TEST(Validate, CrossOptionRules)
{
    auto has = [](const std::string& cfg, const char* needle) {
        auto e = joined(check_options(parsed(cfg), quiet()));
        EXPECT_NE(e.find(needle), std::string::npos) << cfg << "\n-> " << e;
    };
    has("client\nremote x\n", "You must define TUN/TAP device (--dev)");
    has("dev tun\ntls-server\nmode server\nshaper 1000\n", "--shaper cannot be used with --mode server");
    has("dev tun\nmode server\n", "--mode server requires --tls-server");
    has("dev tun\nduplicate-cn\n", "--duplicate-cn requires --mode server");
    has("dev tun\nproto tcp\nremote x\n", "--proto tcp is ambiguous");
    has("client\ndev tun\nremote x\nproto tcp-client\nfragment 1300\n",
        "--fragment can only be used with --proto udp");
    has("dev tun\nremote x\nsecret k\nca c\n", "can only be specified in TLS-mode");
    has("client\ndev tun\nremote x\nca c\ncert c\n",
        "If you use one of --cert or --key, you must use them both");
    has("client\ndev tun\nremote x\n", "You must define CA file");
    has("client\ndev tun\nremote x\nnobind\nlport 4000\n", "--lport and --nobind don't make sense");
    has("client\ndev tun\nremote x\nnobind\nlocal 10.0.0.1\n", "--local and --nobind don't make sense");
    has("dev tun\ntls-server\nmode server\nca c\ncert c\nkey k\n", "You must define DH file (--dh)");
    has("dev tun\nmanagement-hold\n", "--management is not specified");
    has("dev tun\nclient\nremote x\ntls-version-min 1.3\ntls-version-max 1.2\n", "--tls-version-min bigger");
    has("dev tun\nremote x\nauth-user-pass\n", "--auth-user-pass requires --pull");
}

TEST(Validate, ExternalKeyAndCertificatePairAs26)
{
    const std::string c = "client\ndev tun\nremote x\nca c\nmanagement 127.0.0.1 7505\n";
    auto err = [](const std::string& cfg) { return joined(check_options(parsed(cfg), quiet())); };
    EXPECT_NE(err(c + "management-external-key\nkey k\ncert c\n")
                  .find("--key and --management-external-key are mutually exclusive"),
              std::string::npos);
    EXPECT_NE(err(c + "management-external-key\nmanagement-external-cert h\ncert c\n")
                  .find("--cert and --management-external-cert are mutually exclusive"),
              std::string::npos);
    EXPECT_NE(err(c + "management-external-cert h\nkey k\n")
                  .find("--management-external-cert must be used with --management-external-key"),
              std::string::npos);
    EXPECT_NE(
        err(c + "management-external-key\npkcs12 p\n")
            .find("Parameter --management-external-key cannot be used when --pkcs12 is also specified."),
        std::string::npos);
    // the pairs that 2.6 accepts: the key alone (with --cert), or both
    EXPECT_EQ(err(c + "management-external-key\ncert c\n"), "");
    EXPECT_EQ(err(c + "management-external-key\nmanagement-external-cert h\n"), "");
}

TEST(Validate, CipherNamesAgainstOpenSSL)
{
    auto e = joined(check_ciphers(parsed("dev tun\ndata-ciphers AES-256-GCM:NOPE-CIPHER\n")));
    EXPECT_NE(e.find("Unsupported cipher in --data-ciphers: NOPE-CIPHER"), std::string::npos);
    EXPECT_EQ(joined(check_ciphers(parsed("dev tun\ndata-ciphers AES-256-GCM:?NOPE\n"))), "");
    EXPECT_EQ(
        joined(check_ciphers(parsed("dev tun\ndata-ciphers aes-128-gcm:CHACHA20-POLY1305\nauth SHA256\n"))),
        "");
    EXPECT_NE(joined(check_ciphers(parsed("dev tun\nauth SHA7\n"))).find("SHA7"), std::string::npos);
}

TEST(Validate, FilesAreReadAndParsed)
{
    ASSERT_TRUE(keys_present());
    auto missing = joined(check_files(parsed("dev tun\nca /nonexistent/ca.crt\n")));
    EXPECT_NE(missing.find("--ca fails with '/nonexistent/ca.crt'"), std::string::npos);
    EXPECT_NE(missing.find("v.conf:2"), std::string::npos);
    auto mismatch =
        joined(check_files(parsed("dev tun\ncert " + kKeys + "client.crt\nkey " + kKeys + "server.key\n")));
    EXPECT_NE(mismatch.find("does not match"), std::string::npos);
    auto garbage = joined(check_files(parsed("dev tun\n<ca>\nnot pem\n</ca>\n")));
    EXPECT_NE(garbage.find("Cannot load CA certificate"), std::string::npos);
    EXPECT_NE(garbage.find("[inline]"), std::string::npos);
    auto ta = joined(check_files(parsed("dev tun\ntls-auth " + kKeys + "ta.key 0\n")));
    EXPECT_EQ(ta, "");
    auto bad_ta = joined(check_files(parsed("dev tun\ntls-auth " + kKeys + "ca.crt 0\n")));
    EXPECT_NE(bad_ta.find("--tls-auth"), std::string::npos);
    auto dh = joined(check_files(parsed("dev tun\ntls-server\ndh " + kKeys + "ca.crt\n")));
    EXPECT_NE(dh.find("DH parameters"), std::string::npos);
}

// --vlan-tagging's checks, in 2.6's words: a tap server only, and
// --vlan-accept / --vlan-pvid other than their defaults need it.
TEST(Validate, VlanRulesAs26)
{
    auto errors = [](const std::string& cfg) { return joined(check_options(parsed(cfg), quiet())); };
    const std::string tap = "dev tap\nserver-bridge\n";
    EXPECT_NE(errors("dev tun\nserver 10.8.0.0 255.255.255.0\nvlan-tagging\n")
                  .find("--vlan-tagging must be used with --dev tap"),
              std::string::npos);
    EXPECT_NE(
        errors("dev tap\nclient\nremote x\nvlan-tagging\n").find("--vlan-tagging requires --mode server"),
        std::string::npos);
    EXPECT_NE(errors(tap + "vlan-accept tagged\n").find("--vlan-accept requires --vlan-tagging"),
              std::string::npos);
    EXPECT_NE(errors(tap + "vlan-pvid 5\n").find("--vlan-pvid requires --vlan-tagging"), std::string::npos);
    EXPECT_NE(errors(tap + "vlan-pvid 4x\n").find("--vlan-pvid requires --vlan-tagging"), std::string::npos);
    for (const char* ok :
         {"vlan-accept all\nvlan-pvid 1\n", "vlan-tagging\nvlan-accept untagged\nvlan-pvid 7\n"})
        EXPECT_EQ(errors(tap + ok).find("vlan"), std::string::npos) << ok;
}

TEST(Validate, VlanPvidValuesAs26)
{
    EXPECT_EQ(vlan_pvid(parsed("dev tap\nserver-bridge\nvlan-tagging\n")), 1);
    EXPECT_EQ(vlan_pvid(parsed("dev tap\nserver-bridge\nvlan-tagging\nvlan-pvid 9\nvlan-pvid 4094\n")), 4094);
    EXPECT_EQ(vlan_pvid_value("4x"), 4); // 2.6's atoi
    EXPECT_EQ(vlan_pvid_value("x"), 0);
    EXPECT_EQ(vlan_pvid_value("-3"), 0);
    EXPECT_FALSE(vlan_pvid_ok(vlan_pvid_value("4095")));
    EXPECT_FALSE(vlan_pvid_ok(vlan_pvid_value("99999999999999999999")));
}
