// Start-up warnings: each of 2.6.14's lines triggered, and not triggered,
// with its phase and our advice.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>

#include "openvpn/options/startup_warnings.hpp"
#include "parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

// Every file has mode 0600, except those named "open*" (0644).
std::optional<unsigned> fake_mode(const std::string& path)
{
    return path.rfind("open", 0) == 0 ? 0100644u : 0100600u;
}

std::vector<StartupWarning> warnings(const std::string& text)
{
    return startup_warnings(test::parsed(text, "w.conf"), fake_mode);
}

std::vector<std::string> texts(const std::string& text)
{
    std::vector<std::string> out;
    for (const auto& w : warnings(text))
        out.push_back(w.text);
    return out;
}

// has: some warning starts with `prefix`.
bool has(const std::string& text, const std::string& prefix)
{
    const auto t = texts(text);
    return std::any_of(t.begin(), t.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

const StartupWarning* find(const std::vector<StartupWarning>& w, const std::string& prefix)
{
    for (const auto& x : w)
        if (x.text.rfind(prefix, 0) == 0)
            return &x;
    return nullptr;
}

// A client that verifies its server and sets a cipher: no warning at all.
const std::string kClient = "client\ndev tun\nremote 192.0.2.1\nca ca.crt\ncert c.crt\nkey c.key\n"
                            "remote-cert-tls server\n";
const std::string kQuietClient = kClient + "cipher AES-256-GCM\n";
const std::string kServer = "dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\nca ca.crt\n"
                            "cert s.crt\nkey s.key\ndh none\nkeepalive 10 60\ncipher AES-256-GCM\n";
const char* const kCompWarning = "WARNING: Compression for receiving enabled.";

} // namespace

TEST(StartupWarnings, CleanConfigsHaveNone)
{
    EXPECT_EQ(texts(kQuietClient), std::vector<std::string>{});
    EXPECT_EQ(texts(kServer), std::vector<std::string>{});
}

TEST(StartupWarnings, TheBriefsClientInTwoSixOrder)
{
    const auto w = warnings("client\ndev tun\nremote 192.0.2.1\nca ca.crt\ncert c.crt\nkey open.key\n"
                            "ncp-ciphers AES-256-GCM:AES-128-GCM\ncomp-lzo\ncipher AES-256-CBC\n");
    ASSERT_EQ(w.size(), 5u);
    EXPECT_EQ(w[0].text,
              "Note: Treating option '--ncp-ciphers' as  '--data-ciphers' (renamed in OpenVPN 2.5).");
    EXPECT_EQ(w[0].fix, "write: data-ciphers AES-256-GCM:AES-128-GCM");
    EXPECT_EQ(w[1].text.rfind(kCompWarning, 0), 0u);
    EXPECT_FALSE(w[1].in_27.empty());
    EXPECT_EQ(w[2].text, "DEPRECATED OPTION: --cipher set to 'AES-256-CBC' but missing in --data-ciphers "
                         "(AES-256-GCM:AES-128-GCM). OpenVPN ignores --cipher for cipher negotiations. ");
    EXPECT_EQ(w[3].text, "WARNING: file 'open.key' is group or others accessible");
    EXPECT_EQ(w[3].fix, "chmod 600 open.key");
    EXPECT_EQ(w[3].phase, Phase::Files);
    EXPECT_EQ(w[4].text.rfind("WARNING: No server certificate verification method", 0), 0u);
    EXPECT_EQ(w[4].phase, Phase::Init);
}

TEST(StartupWarnings, CipherNotes)
{
    EXPECT_TRUE(has(kClient, "Note: --cipher is not set."));
    EXPECT_FALSE(has(kQuietClient, "Note: --cipher is not set."));
    EXPECT_TRUE(has(kClient + "cipher AES-256-CBC\n", "DEPRECATED OPTION: --cipher set to 'AES-256-CBC'"));
    EXPECT_FALSE(has(kClient + "cipher aes-256-gcm\n", "DEPRECATED OPTION: --cipher"));
    EXPECT_FALSE(
        has(kClient + "cipher AES-256-CBC\ndata-ciphers-fallback AES-256-CBC\n", "DEPRECATED OPTION"));
    EXPECT_FALSE(has(kClient + "cipher AES-256-CBC\ndata-ciphers AES-256-GCM:AES-256-CBC\n", "DEPRECATED"));
    // p2p without pull: 2.6 says nothing here
    EXPECT_FALSE(
        has("dev tun\ntls-client\nremote x\nca ca.crt\ncert c.crt\nkey c.key\nremote-cert-tls server\n"
            "cipher AES-256-GCM\n",
            "Note: --cipher"));
}

TEST(StartupWarnings, Compression)
{
    EXPECT_TRUE(has(kQuietClient + "comp-lzo\n", kCompWarning));
    EXPECT_TRUE(has(kQuietClient + "compress lz4-v2\n", kCompWarning));
    EXPECT_FALSE(has(kQuietClient + "comp-lzo no\n", kCompWarning));
    EXPECT_FALSE(has(kQuietClient + "compress\n", kCompWarning));
    EXPECT_FALSE(has(kQuietClient + "compress stub-v2\n", kCompWarning));
    EXPECT_FALSE(has(kQuietClient + "allow-compression yes\ncompress lz4\n", kCompWarning));
    // given after the compression: 2.6 has already warned
    EXPECT_TRUE(has(kQuietClient + "compress lz4\nallow-compression yes\n", kCompWarning));
}

TEST(StartupWarnings, SecretAndInsecureCipher)
{
    const std::string p2p = "dev tun\nremote x\nsecret s.key\n";
    EXPECT_TRUE(has(p2p, "DEPRECATED OPTION: The option --secret is deprecated."));
    EXPECT_TRUE(has(p2p, "WARNING: INSECURE cipher (BF-CBC) with block size less than 128 bit (64 bit)."));
    EXPECT_FALSE(has(p2p + "cipher AES-256-CBC\n", "WARNING: INSECURE cipher"));
    EXPECT_FALSE(has(kQuietClient, "DEPRECATED OPTION: The option --secret"));
    EXPECT_TRUE(has("dev tun\nremote x\nsecret open.key\ncipher AES-256-CBC\n", "WARNING: file 'open.key'"));
}

TEST(StartupWarnings, PrivateFiles)
{
    EXPECT_TRUE(has(kQuietClient + "tls-crypt open.tc\n", "WARNING: file 'open.tc' is group or others"));
    EXPECT_TRUE(has(kQuietClient + "auth-user-pass open.up\n", "WARNING: file 'open.up'"));
    EXPECT_FALSE(has(kQuietClient + "tls-crypt closed.tc\n", "WARNING: file"));
    // certificates and CAs are not private
    EXPECT_FALSE(
        has("client\ndev tun\nremote x\nca open.ca\ncert open.crt\nkey c.key\nremote-cert-tls server\n",
            "WARNING: file"));
}

TEST(StartupWarnings, ServerAndClientChecks)
{
    std::string no_keepalive = kServer;
    no_keepalive.erase(no_keepalive.find("keepalive 10 60\n"), 16);
    EXPECT_TRUE(has(no_keepalive, "WARNING: --keepalive option is missing from server config"));
    EXPECT_FALSE(has(kServer, "WARNING: --keepalive"));
    EXPECT_TRUE(has(kQuietClient + "dh dh.pem\n", "WARNING: Ignoring option 'dh' in tls-client mode"));
    for (const char* v :
         {"verify-x509-name s name\n",
          "peer-fingerprint "
          "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB\n",
          "tls-verify /bin/true\n"}) {
        const std::string c = "client\ndev tun\nremote x\nca ca.crt\ncert c.crt\nkey c.key\n";
        EXPECT_TRUE(has(c, "WARNING: No server certificate verification"));
        EXPECT_FALSE(has(c + v, "WARNING: No server certificate verification")) << v;
    }
}

TEST(StartupWarnings, Net30Server)
{
    const std::string net30 = "WARNING: --topology net30 support for server configs";
    std::string srv = kServer;
    srv.erase(srv.find("topology subnet\n"), 16);
    EXPECT_TRUE(has(srv, net30));
    EXPECT_TRUE(has(srv + "topology net30\n", net30));
    EXPECT_FALSE(has(kServer, net30));
    EXPECT_FALSE(has("dev tap\n" + srv.substr(8), net30));
    const auto w = warnings(srv);
    ASSERT_NE(find(w, net30), nullptr);
    EXPECT_FALSE(find(w, net30)->in_27.empty());
}

TEST(StartupWarnings, FragmentAndMssfix)
{
    const std::string mtu_flag =
        "WARNING: if you use --mssfix and --fragment, you should use the \"mtu\" flag";
    EXPECT_TRUE(has(kQuietClient + "fragment 1300\n", mtu_flag));
    EXPECT_FALSE(has(kQuietClient + "fragment 1300 mtu\n", mtu_flag));
    EXPECT_FALSE(has(kQuietClient + "fragment 1300\nmssfix 1300\n", mtu_flag));
    EXPECT_FALSE(has(kQuietClient + "fragment 1300\nmssfix 0\n", mtu_flag));
    EXPECT_TRUE(has(kQuietClient + "fragment 1300\nmssfix 1400\n",
                    "WARNING: if you use --mssfix and --fragment, you should set --fragment (1300) larger or "
                    "equal than --mssfix (1400)"));
    const auto w = warnings(kQuietClient + "fragment 1300\n");
    ASSERT_NE(find(w, mtu_flag), nullptr);
    EXPECT_EQ(find(w, mtu_flag)->fix, "write: fragment 1300 mtu");
}

// 2.6's do_option_warnings: any --server-bridge (with a pool, or none for
// DHCP) gets the bridging note; a routed tap server does not.
TEST(StartupWarnings, ServerBridgeNote)
{
    const std::string tap = "dev tap\nca ca.crt\ncert s.crt\nkey s.key\ndh none\nkeepalive 10 60\n"
                            "cipher AES-256-GCM\n";
    const char* const note = "NOTE: when bridging your LAN adapter with the TAP adapter";
    EXPECT_TRUE(has(tap + "server-bridge 10.8.0.4 255.255.255.0 10.8.0.128 10.8.0.254\n", note));
    EXPECT_TRUE(has(tap + "server-bridge\n", note));
    EXPECT_FALSE(has(tap + "server 10.8.0.0 255.255.255.0\n", note));
}

// Debian's loopback-client sends pings and awaits none: 2.6 warns.
TEST(StartupWarnings, PingWithoutARestartOrExit)
{
    const char* const w = "WARNING: --ping should normally be used with --ping-restart or --ping-exit";
    EXPECT_TRUE(has(kQuietClient + "ping 1\n", w));
    EXPECT_FALSE(has(kQuietClient + "ping 1\nping-restart 10\n", w));
    EXPECT_FALSE(has(kQuietClient + "ping 1\nping-exit 10\n", w));
    EXPECT_FALSE(has(kServer, w)); // keepalive 10 60 sets both
    EXPECT_FALSE(has(kQuietClient, w));
}
