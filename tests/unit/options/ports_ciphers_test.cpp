// Port arguments as 2.6 takes them (issue 10 item 6: --lport 0) and the
// cipher modes of --secret and --test-crypto.
#include <gtest/gtest.h>

#include <filesystem>

#include "openvpn/options/parser.hpp"
#include "openvpn/options/validate.hpp"
#include "unit/options/parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

using options::test::parsed;
using options::test::quiet;

Status<> parse_only(const std::string& text)
{
    Options o;
    Parser p(o, quiet());
    return p.parse_text(text, "p.conf");
}

std::string errors_of(const std::string& text)
{
    std::string s;
    for (const auto& e : check_options(parsed(text), quiet()))
        s += e + "\n";
    for (const auto& e : check_ciphers(parsed(text)))
        s += e + "\n";
    return s;
}

const std::string kCreds = "ca ca.crt\ncert c.crt\nkey c.key\n";
const std::string kClient = "client\ndev tun\nremote 192.0.2.1\n" + kCreds;

} // namespace

TEST(Ports, LocalPortZeroMeansAnyAs26)
{
    auto o = parsed(kClient + "lport 0\n");
    ASSERT_TRUE(o.connections[0].lport.has_value());
    EXPECT_EQ(*o.connections[0].lport, "0");
    EXPECT_EQ(errors_of(kClient + "lport 0\n"), "");
    // A server listening on a port the kernel picks.
    EXPECT_EQ(parsed("port 0\ndev tun\n").ce.port, "0");
    EXPECT_TRUE(parse_only("management 127.0.0.1 0\n").ok());
}

TEST(Ports, NumbersAndServiceNamesAsGetaddrinfoTakesThem)
{
    ASSERT_TRUE(std::filesystem::exists("/etc/services")) << "netbase's /etc/services is needed";
    EXPECT_EQ(parsed(kClient + "rport openvpn\n").connections[0].rport, "1194");
    EXPECT_EQ(parsed("dev tun\nremote 192.0.2.1 https\n").connections[0].remotes[0].port, "443");
    EXPECT_EQ(parsed(kClient + "port 01194\n").ce.port, "1194");
    EXPECT_TRUE(parse_only("lport 65535\n").ok());
    for (const char* bad : {"lport 65536\n", "port 99999\n", "rport -1\n", "lport no-such-service\n",
                            "remote 192.0.2.1 1x\n", "lport \"\"\n"})
        EXPECT_FALSE(parse_only(bad).ok()) << bad;
}

TEST(Ports, RemoteSideZeroIsRefused)
{
    EXPECT_NE(errors_of("client\ndev tun\nremote 192.0.2.1 0\n").find("remote port 0 cannot be connected to"),
              std::string::npos);
    EXPECT_NE(errors_of(kClient + "rport 0\n").find("remote port 0"), std::string::npos);
    EXPECT_NE(errors_of(kClient + "port 0\n").find("remote port 0"), std::string::npos);
    // The remote's own port wins over --port 0 (which then only sets the local one).
    EXPECT_EQ(errors_of("client\ndev tun\nport 0\nremote 192.0.2.1 1194\n" + kCreds), "");
    auto proxy = parse_only("http-proxy 192.0.2.9 0\n");
    ASSERT_FALSE(proxy.ok());
    EXPECT_NE(proxy.error().find("Bad proxy port number: 0"), std::string::npos);
    EXPECT_FALSE(parse_only("socks-proxy 192.0.2.9 0\n").ok());
}

TEST(StaticKeyCipher, OnlyCbcOrNoneAndTheDefaultIsMissing)
{
    const std::string p2p = "dev tun\nsecret /nonexistent.key\n";
    EXPECT_EQ(errors_of(p2p + "cipher AES-256-CBC\n"), "");
    EXPECT_EQ(errors_of(p2p + "cipher none\n"), "");
    EXPECT_NE(errors_of(p2p + "cipher AES-256-GCM\n").find("Cipher 'AES-256-GCM' mode not supported"),
              std::string::npos);
    EXPECT_NE(errors_of(p2p + "cipher AES-256-CFB\n").find("mode not supported"), std::string::npos);
    // 2.6's default BF-CBC lives in OpenSSL 3's legacy provider, not loaded.
    EXPECT_NE(errors_of(p2p).find("Cipher BF-CBC not supported"), std::string::npos);
}

TEST(StaticKeyCipher, TestCryptoTakesEveryDataChannelMode)
{
    const std::string t = "test-crypto\nsecret /nonexistent.key\n";
    EXPECT_EQ(errors_of(t + "cipher AES-256-CFB\n"), "");
    EXPECT_EQ(errors_of(t + "cipher ARIA-128-GCM\n"), "");
    EXPECT_NE(errors_of(t + "cipher AES-256-CFB\nno-replay\n").find("--no-replay cannot be used with a CFB"),
              std::string::npos);
    EXPECT_EQ(errors_of(t + "cipher AES-256-CBC\nno-replay\n"), "");
    EXPECT_NE(errors_of("test-crypto\n").find("You must define key file (--secret)"), std::string::npos);
    EXPECT_NE(errors_of(t + "cipher AES-256-CBC\nproto tcp\n").find("--proto tcp is ambiguous"),
              std::string::npos);
}

TEST(Mtu, TunMtuBelow100IsRefusedAs26)
{
    EXPECT_NE(errors_of(kClient + "tun-mtu 99\n").find("TUN MTU value (99) must be at least 100"),
              std::string::npos);
    EXPECT_EQ(errors_of(kClient + "tun-mtu 100\n").find("TUN MTU"), std::string::npos);
}

TEST(TlsLists, CheckedAsOpenSslTakesThemAfter26sTranslation)
{
    // 2.6's own spelling of a suite (IANA, '-') is translated, not refused.
    EXPECT_EQ(errors_of(kClient + "tls-cipher TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:DHE-RSA-AES128-SHA\n"),
              "");
    EXPECT_EQ(errors_of(kClient + "tls-ciphersuites TLS-AES-256-GCM-SHA384\n"), "");
    EXPECT_NE(
        errors_of(kClient + "tls-cipher FOO-BAR\n").find("Failed to set restricted TLS cipher list: FOO-BAR"),
        std::string::npos);
    EXPECT_NE(
        errors_of(kClient + "tls-ciphersuites FOO\n").find("Failed to set restricted TLS 1.3 cipher list"),
        std::string::npos);
}

TEST(DnsOption, ServerAddressesAndPortsAs26)
{
    for (const char* good : {"dns server 1 address 1.2.3.4:53\n", "dns server -5 address 2001:db8::1\n",
                             "dns server 1 address [2001:db8::1]:853 1.2.3.4\n", "dns search-domains a b\n",
                             "dns server 2 dnssec optional\n", "dns server 2 transport DoT\n"})
        EXPECT_TRUE(parse_only(good).ok()) << good;
    for (const char* bad : {"dns server 1 address 1.2.3.4:0\n", "dns server 1 address 1.2.3.4:65536\n",
                            "dns server 1 address [2001:db8::1]\n", "dns server 1 address host.example\n",
                            "dns server 128 address 1.2.3.4\n", "dns server 1 dnssec maybe\n",
                            "dns server 1 transport dot\n", "dns server 1 sni a b\n", "dns bogus\n",
                            "dns server 1 address 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5\n"
                            "dns server 1 address 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9\n"})
        EXPECT_FALSE(parse_only(bad).ok()) << bad;
    EXPECT_NE(
        errors_of(kClient + "dns server 3 transport DoT\n").find("dns server 3 does not have an address"),
        std::string::npos);
    EXPECT_EQ(errors_of(kClient + "dns server 3 transport DoT\ndns server 3 address 192.0.2.53\n"), "");
}
