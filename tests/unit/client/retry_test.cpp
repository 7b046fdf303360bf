// The client's retry decisions (client/retry.hpp) against what Debian's
// 2.6.14 was seen doing: its Restart pause sequence, connect-retry-max and
// the lookups of --resolv-retry.
#include "openvpn/client/retry.hpp"

#include <gtest/gtest.h>

#include "openvpn/options/parser.hpp"

using namespace ovpn;
using namespace ovpn::client;

namespace {

options::Options parse(std::vector<std::string> extra, bool client = true)
{
    std::vector<std::string> a = {"--dev", "null", "--remote", "192.0.2.1"};
    if (client)
        a.insert(a.begin(), "--client");
    a.insert(a.end(), extra.begin(), extra.end());
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(a, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

// pauses: the Restart pause after each of n failed attempts.
std::vector<int> pauses(PauseFacts f, int n)
{
    std::vector<int> out;
    for (int i = 1; i <= n; ++i) {
        f.unsuccessful_attempts = i;
        out.push_back(restart_pause_seconds(f));
    }
    return out;
}

} // namespace

TEST(RestartPause, BacksOffAfterFiveRoundsAs26)
{
    // 2.6.14, a UDP client with no route: 1 1 1 1 2 4 8 16 ... up to 300.
    PauseFacts f = pause_facts(parse({}), parse({}).ce);
    EXPECT_EQ(f.kind, LinkKind::UdpTlsClient);
    EXPECT_EQ(pauses(f, 12), (std::vector<int>{1, 1, 1, 1, 2, 4, 8, 16, 32, 64, 128, 256}));
    f.unsuccessful_attempts = 13;
    EXPECT_EQ(restart_pause_seconds(f), 300);
    f.unsuccessful_attempts = 1000; // the shift stops at 15
    EXPECT_EQ(restart_pause_seconds(f), 300);
    // Rounds over the list: two entries back off after ten attempts.
    f.connections = 2;
    EXPECT_EQ(pauses(f, 12), (std::vector<int>{1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 4}));
}

TEST(RestartPause, ConnectRetryAndItsMax)
{
    const auto o = parse({"--connect-retry", "3", "20"});
    PauseFacts f = pause_facts(o, o.ce);
    EXPECT_EQ(pauses(f, 8), (std::vector<int>{3, 3, 3, 3, 6, 12, 20, 20}));
    // A max below the base interval is raised to it.
    const auto low = parse({"--connect-retry", "7", "2"});
    EXPECT_EQ(restart_pause_seconds(pause_facts(low, low.ce)), 7);
    // 0: no pause until the back-off starts (at least 1 s then).
    const auto zero = parse({"--connect-retry", "0"});
    EXPECT_EQ(pauses(pause_facts(zero, zero.ce), 6), (std::vector<int>{0, 0, 0, 0, 2, 4}));
}

TEST(RestartPause, OnlyTlsClientsAndTcpClientsBackOff)
{
    const auto secret = parse({"--secret", "k"}, false);
    PauseFacts f = pause_facts(secret, secret.ce);
    EXPECT_EQ(f.kind, LinkKind::Udp);
    EXPECT_EQ(pauses(f, 8), std::vector<int>(8, 1));
    const auto tcp = parse({"--proto", "tcp-client"});
    EXPECT_EQ(link_kind(tcp, tcp.ce), LinkKind::TcpClient);
    EXPECT_EQ(pauses(pause_facts(tcp, tcp.ce), 6), (std::vector<int>{1, 1, 1, 1, 2, 4}));
    f.kind = LinkKind::TcpServer;
    f.connect_retry = 9;
    EXPECT_EQ(pauses(f, 7), std::vector<int>(7, 1));
}

TEST(RestartPause, OverridesAs26)
{
    PauseFacts f = pause_facts(parse({}), parse({}).ce);
    f.unsuccessful_attempts = 1;
    f.restart_sleep = -1; // server poll timeout: at once
    EXPECT_EQ(restart_pause_seconds(f), 0);
    f.restart_sleep = 10;
    EXPECT_EQ(restart_pause_seconds(f), 10);
    f.restart_sleep = 0;
    f.server_backoff = 30; // AUTH_FAILED,TEMP[backoff 30]
    EXPECT_EQ(restart_pause_seconds(f), 30);
    f.server_backoff = 0;
    const auto ni = parse({"--auth-retry", "nointeract"});
    PauseFacts g = pause_facts(ni, ni.ce);
    EXPECT_EQ(pauses(g, 6), (std::vector<int>{10, 10, 10, 10, 20, 40}));
}

TEST(AttemptCounter, MovesOnCountsAndStops)
{
    AttemptCounter a;
    ASSERT_TRUE(a.next(2, 2)); // the first entry, attempt 1
    EXPECT_EQ(a.index(), 0u);
    EXPECT_EQ(a.unsuccessful(), 1);
    ASSERT_TRUE(a.next(2, 2));
    EXPECT_EQ(a.index(), 1u);
    ASSERT_TRUE(a.next(2, 2));
    ASSERT_TRUE(a.next(2, 2));
    EXPECT_EQ(a.unsuccessful(), 4);
    EXPECT_FALSE(a.next(2, 2)); // 5 > 2 entries x 2
    AttemptCounter forever;
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(forever.next(1, 0));
}

TEST(AttemptCounter, StaysOnceAfterACompletedSession)
{
    AttemptCounter a;
    ASSERT_TRUE(a.next(3, 1));
    a.completed(); // Initialization Sequence Completed
    EXPECT_EQ(a.unsuccessful(), 0);
    ASSERT_TRUE(a.next(3, 1)); // the restart after it: same entry, not counted
    EXPECT_EQ(a.index(), 0u);
    EXPECT_EQ(a.unsuccessful(), 0);
    ASSERT_TRUE(a.next(3, 1)); // then on
    EXPECT_EQ(a.index(), 1u);
    EXPECT_EQ(a.unsuccessful(), 1);
    a.stay(); // AUTH_FAILED
    ASSERT_TRUE(a.next(3, 1));
    EXPECT_EQ(a.index(), 1u);
    a.completed();
    a.advance(); // RESTART,[N]
    ASSERT_TRUE(a.next(3, 1));
    EXPECT_EQ(a.index(), 2u);
}

TEST(ResolvePolicy, LookupsPerAttemptAs26)
{
    // 2.6.14 with a name that never resolves: infinite (the default) looks
    // twice and restarts; 12 looks 1 + 3 times (t = 0, 0, 5, 10); 0 exits.
    auto p = resolve_policy(parse({}));
    EXPECT_EQ(p.lookups, 2);
    EXPECT_FALSE(p.fatal);
    EXPECT_EQ(resolve_policy(parse({"--resolv-retry", "infinite"})).lookups, 2);
    EXPECT_EQ(resolve_policy(parse({"--resolv-retry", "12"})).lookups, 4);
    EXPECT_EQ(resolve_policy(parse({"--resolv-retry", "6"})).lookups, 3);
    EXPECT_EQ(resolve_policy(parse({"--resolv-retry", "1"})).lookups, 2);
    p = resolve_policy(parse({"--resolv-retry", "0"}));
    EXPECT_EQ(p.lookups, 1);
    EXPECT_TRUE(p.fatal);
    EXPECT_EQ(resolve_pause_seconds(2), 0);
    EXPECT_EQ(resolve_pause_seconds(3), kResolveRetryInterval);
    EXPECT_EQ(resolve_pause_seconds(4), kResolveRetryInterval);
}
