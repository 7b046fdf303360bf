// What the daemon refuses at start-up because it would not act on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "openvpn/options/runtime_support.hpp"
#include "openvpn/options/table.hpp"
#include "unit/options/parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

using options::test::parsed;

std::vector<std::string> names(const std::vector<Unsupported>& v)
{
    std::vector<std::string> out;
    for (const auto& u : v)
        out.push_back(u.option);
    return out;
}

const std::string kClient = "client\ndev tun\nremote 192.0.2.1 1194\n";
const std::string kServer = "dev tun\nserver 10.8.0.0 255.255.255.0\n";

} // namespace

TEST(RuntimeSupport, EveryGapIsAnOptionOfTheTableAndListedOnce)
{
    std::set<std::string_view> seen;
    for (const RuntimeGap& g : runtime_gaps()) {
        EXPECT_NE(lookup(g.option), nullptr) << g.option;
        EXPECT_TRUE(seen.insert(g.option).second) << "listed twice: " << g.option;
        EXPECT_FALSE(g.why.empty()) << g.option;
    }
}

TEST(RuntimeSupport, PlainConfigsRunAsGiven)
{
    EXPECT_TRUE(runtime_unsupported(parsed(kClient)).empty());
    EXPECT_TRUE(runtime_unsupported(parsed(kServer)).empty());
}

TEST(RuntimeSupport, ManagementRunsAndGapsAreRefusedByName)
{
    // The management interface and every option of it runs (issue 11),
    // the external key and certificate included; a gap is still named.
    // --mtu-test runs since issue 13: the list of refused options is empty.
    EXPECT_TRUE(runtime_gaps().empty());
    auto v = runtime_unsupported(parsed(
        kClient + "management 127.0.0.1 7505\nmanagement-hold\nmanagement-query-passwords\n"
                  "management-signal\nmanagement-client-auth\nmtu-test\nsocks-proxy 192.0.2.9 1080\n"));
    EXPECT_EQ(names(v), (std::vector<std::string>{"socks-proxy"}));
    EXPECT_TRUE(runtime_unsupported(parsed(kClient + "management 127.0.0.1 7505\nmanagement-external-key\n"
                                                     "management-external-cert x\n"))
                    .empty());
    EXPECT_EQ(format_unsupported(v[0]).rfind("Options error: --socks-proxy is not supported", 0), 0u);
}

TEST(RuntimeSupport, Pkcs11Runs)
{
    // PKCS#11 tokens run through pkcs11-helper (issue 12).
    EXPECT_TRUE(
        runtime_unsupported(parsed(kClient + "pkcs11-providers /p.so\npkcs11-id x\n"
                                             "pkcs11-protected-authentication 0\npkcs11-private-mode 0\n"
                                             "pkcs11-cert-private 0\npkcs11-pin-cache 60\n"))
            .empty());
    EXPECT_TRUE(
        runtime_unsupported(parsed(kClient + "pkcs11-providers /p.so\npkcs11-id-management\n")).empty());
}

TEST(RuntimeSupport, VlanTaggingRuns)
{
    EXPECT_TRUE(runtime_unsupported(parsed("dev tap\nserver-bridge\nvlan-tagging\nvlan-accept tagged\n"
                                           "vlan-pvid 7\n"))
                    .empty());
}

TEST(RuntimeSupport, PluginsRun)
{
    EXPECT_TRUE(runtime_unsupported(parsed(kClient + "plugin /x/y.so a b\n")).empty());
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "plugin openvpn-plugin-auth-pam.so login\n")).empty());
}

TEST(RuntimeSupport, PortShareRuns)
{
    // issue 13: --check-config and the daemon accept it alike
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "port-share 127.0.0.1 443\n")).empty());
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "port-share 127.0.0.1 443 /run/ps\n")).empty());
}

// Issue 13: --stale-routes-check runs on a server; --replay-persist with
// --secret (2.6 also keeps --tls-auth's state in it: refused there, by name).
TEST(RuntimeSupport, StaleRoutesAndReplayPersistRun)
{
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "stale-routes-check 10 5\n")).empty());
    EXPECT_TRUE(runtime_unsupported(parsed("dev tun\nremote 192.0.2.1\nsecret k.key\nreplay-persist r.pid\n"))
                    .empty());
    EXPECT_EQ(names(runtime_unsupported(parsed(kClient + "replay-persist r.pid\n"))),
              std::vector<std::string>{"replay-persist"});
}

// Gaps that depend on how an option is used: the client refused these only
// when it connected, after --check-config had passed them.
TEST(RuntimeSupport, UsesThisBuildLacksAreRefusedByName)
{
    EXPECT_EQ(names(runtime_unsupported(parsed(kClient + "socks-proxy 192.0.2.9 1080\n"))),
              std::vector<std::string>{"socks-proxy"});
    EXPECT_TRUE(
        runtime_unsupported(parsed(kClient + "proto tcp-client\nsocks-proxy 192.0.2.9 1080\n")).empty());
    // A remote's own proto decides for its connection.
    EXPECT_TRUE(runtime_unsupported(parsed("client\ndev tun\nremote 192.0.2.1 1194 tcp-client\n"
                                           "socks-proxy 192.0.2.9\n"))
                    .empty());
    EXPECT_EQ(names(runtime_unsupported(
                  parsed(kClient + "proto tcp-client\nhttp-proxy 192.0.2.9 8080 auth.txt ntlm2\n"))),
              std::vector<std::string>{"http-proxy"});
    EXPECT_TRUE(
        runtime_unsupported(parsed(kClient + "proto tcp-client\nhttp-proxy 192.0.2.9 8080 auth.txt basic\n"))
            .empty());
    EXPECT_EQ(names(runtime_unsupported(parsed("dev tun\ntls-server\ntls-crypt-v2 k.key\n"))),
              std::vector<std::string>{"tls-crypt-v2"});
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "tls-crypt-v2 k.key\n")).empty());
}

// Issue 13: the options that now run leave the list, each in the modes it
// runs in.
TEST(RuntimeSupport, SocketTunAndSessionOptionsRun)
{
    EXPECT_EQ(names(runtime_unsupported(parsed(
                  kClient + "persist-tun\nup-restart\nup-delay\nmtu-disc yes\nsocket-flags TCP_NODELAY\n"
                            "txqueuelen 100\ndev-node /dev/net/tun\nsetenv-safe A b\nremap-usr1 SIGHUP\n"
                            "session-timeout 10\n"))),
              std::vector<std::string>{});
    EXPECT_EQ(names(runtime_unsupported(parsed(kServer + "tcp-nodelay\nmtu-disc no\ntxqueuelen 100\n"
                                                         "dev-node /dev/net/tun\nsetenv-safe A b\n"))),
              std::vector<std::string>{});
    EXPECT_TRUE(runtime_unsupported(parsed(kServer + "session-timeout 10\n")).empty());
    // --up-delay of a --secret peer: the device opens when the peer is heard
    EXPECT_TRUE(runtime_unsupported(parsed("dev tun\nremote 192.0.2.1\nsecret k.key\nup-delay\n")).empty());
}

// --tcp-nodelay on a server pushes 2.6's socket flag; --socket-flags knows
// TCP_NODELAY only; --setenv-safe names its variable OPENVPN_<name>.
TEST(RuntimeSupport, TcpNodelayPushesAndSetenvSafePrefixes)
{
    const Options s = parsed(kServer + "tcp-nodelay\n");
    EXPECT_NE(std::find(s.push.begin(), s.push.end(), "socket-flags TCP_NODELAY"), s.push.end());
    Options o;
    Parser p(o, options::test::quiet());
    EXPECT_FALSE(p.parse_text(kClient + "socket-flags TCP_CORK\n", "v.conf").ok());
    const Options e = parsed(kClient + "setenv-safe NAME value\nsetenv PLAIN x\n");
    EXPECT_EQ(e.setenv,
              (std::vector<std::pair<std::string, std::string>>{{"OPENVPN_NAME", "value"}, {"PLAIN", "x"}}));
}
