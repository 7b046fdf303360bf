#include "openvpn/server/pool.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "common.hpp"

using namespace ovpn;
using namespace ovpn::server;
using ovpn::servertest::server_opts;

namespace {

std::string v4(const std::optional<in_addr>& a)
{
    if (!a)
        return "none";
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &*a, buf, sizeof buf);
    return buf;
}

std::string v6(const std::optional<in6_addr>& a)
{
    if (!a)
        return "none";
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &*a, buf, sizeof buf);
    return buf;
}

} // namespace

TEST(Pool, SubnetGivesOneAddressEachAndTheNetmask)
{
    auto p = Pool::create(server_opts({"--topology", "subnet"}));
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->capacity(), 253u); // 10.94.0.2 .. 10.94.0.254
    auto a = p->acquire();
    auto b = p->acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, 0u);
    EXPECT_EQ(*b, 1u);
    EXPECT_EQ(v4(p->v4(*a)), "10.94.0.2");
    EXPECT_EQ(v4(p->v4(*b)), "10.94.0.3");
    EXPECT_EQ(p->push_ifconfig(*a).value_or(""), "ifconfig 10.94.0.2 255.255.255.0");
    EXPECT_FALSE(p->push_ifconfig_ipv6(*a));
}

TEST(Pool, Net30GivesOneSlash30EachWithItsPeer)
{
    auto p = Pool::create(server_opts());
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->capacity(), 62u); // 10.94.0.4 .. 10.94.0.251 in /30 blocks
    auto a = p->acquire();
    auto b = p->acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(p->push_ifconfig(*a).value_or(""), "ifconfig 10.94.0.6 10.94.0.5");
    EXPECT_EQ(p->push_ifconfig(*b).value_or(""), "ifconfig 10.94.0.10 10.94.0.9");
}

TEST(Pool, ReleasedSlotIsReusedLowestFirst)
{
    auto p = Pool::create(server_opts({"--topology", "subnet"}));
    ASSERT_TRUE(p);
    auto a = p->acquire(), b = p->acquire(), c = p->acquire();
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(p->in_use(), 3u);
    p->release(*b);
    EXPECT_EQ(p->in_use(), 2u);
    EXPECT_EQ(p->acquire().value_or(99), *b);
    p->release(12345); // unknown slot: ignored
    EXPECT_EQ(p->in_use(), 3u);
}

TEST(Pool, MaxClientsLimitsTheSlots)
{
    auto p = Pool::create(server_opts({"--topology", "subnet", "--max-clients", "2"}));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->capacity(), 2u);
    EXPECT_TRUE(p->acquire());
    EXPECT_TRUE(p->acquire());
    EXPECT_FALSE(p->acquire());
}

TEST(Pool, Ipv6PoolFromServerIpv6)
{
    auto p = Pool::create(server_opts({"--topology", "subnet", "--server-ipv6", "fd94::/64"}));
    ASSERT_TRUE(p) << p.error();
    auto a = p->acquire();
    auto b = p->acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(v6(p->v6(*a)), "fd94::1000");
    EXPECT_EQ(v6(p->v6(*b)), "fd94::1001");
    EXPECT_EQ(p->push_ifconfig_ipv6(*a).value_or(""), "ifconfig-ipv6 fd94::1000/64 fd94::1");
}

TEST(Pool, TopologyP2pPushesTheServerAddressAsPeer)
{
    auto p = Pool::create(server_opts({"--topology", "p2p"}));
    ASSERT_TRUE(p) << p.error();
    auto a = p->acquire();
    ASSERT_TRUE(a);
    EXPECT_EQ(p->push_ifconfig(*a).value_or(""), "ifconfig 10.94.0.4 10.94.0.1");
}

TEST(Pool, NoPoolStillHandsOutPeerIds)
{
    auto p = Pool::create(server_opts({"--topology", "subnet", "--max-clients", "3"}));
    ASSERT_TRUE(p);
    options::Options o = server_opts({"--max-clients", "3"});
    o.ifconfig_pool.reset();
    auto q = Pool::create(o);
    ASSERT_TRUE(q) << q.error();
    EXPECT_EQ(q->capacity(), 3u);
    auto a = q->acquire();
    ASSERT_TRUE(a);
    EXPECT_FALSE(q->v4(*a));
    EXPECT_FALSE(q->push_ifconfig(*a));
}

TEST(Pool, BadRangeIsAnError)
{
    options::Options o = server_opts();
    o.ifconfig_pool = std::vector<std::string>{"10.94.0.50", "10.94.0.10"};
    EXPECT_FALSE(Pool::create(o));
    o.ifconfig_pool = std::vector<std::string>{"nonsense", "10.94.0.10"};
    EXPECT_FALSE(Pool::create(o));
}

// --ifconfig-pool-persist and common-name address slots

TEST(PoolPersist, FormatIs26sCnIpv4Ipv6WithTheNet30Base)
{
    auto p = Pool::create(server_opts({"--server-ipv6", "fd94::/64"}));
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->format_persist(), "");
    auto a = p->acquire_addr("alice");
    auto b = p->acquire_addr("bob");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(v4(p->v4(*b)), "10.94.0.10");
    // net30: 2.6 writes the /30's base, not the client's address
    EXPECT_EQ(p->format_persist(), "alice,10.94.0.4,fd94::1000\nbob,10.94.0.8,fd94::1001\n");
    p->release_addr(*a); // a released slot keeps its common name
    EXPECT_EQ(p->format_persist(), "alice,10.94.0.4,fd94::1000\nbob,10.94.0.8,fd94::1001\n");
}

TEST(PoolPersist, SubnetWithoutIpv6LeavesTheLastFieldEmpty)
{
    auto p = Pool::create(server_opts({"--topology", "subnet"}));
    ASSERT_TRUE(p) << p.error();
    ASSERT_TRUE(p->acquire_addr("alice"));
    EXPECT_EQ(p->format_persist(), "alice,10.94.0.2,\n");
}

TEST(PoolPersist, LoadReservesSlotsForTheirCommonNames)
{
    auto p = Pool::create(server_opts({"--topology", "subnet"}));
    ASSERT_TRUE(p) << p.error();
    auto w = p->load_persist("# comment\n; other\n\nbob,10.94.0.5\r\ncarol,,\nbad\n"
                             "alice,10.94.0.3,\nzed,10.1.1.1,\nyan,10.94.0.x,\n",
                             false);
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0], "pool: bad line 'bad'");
    EXPECT_EQ(w[1], "pool: IPv4 (10.1.1.1) out of pool range for CN=zed");
    EXPECT_EQ(w[2], "pool: invalid IPv4 (10.94.0.x) for CN=yan");
    EXPECT_EQ(p->format_persist(), "alice,10.94.0.3,\nbob,10.94.0.5,\n");
    auto n = p->acquire_addr("newcomer"); // lowest slot nobody claims
    auto b = p->acquire_addr("bob");
    auto a = p->acquire_addr("alice");
    ASSERT_TRUE(n && b && a);
    EXPECT_EQ(v4(p->v4(*n)), "10.94.0.2");
    EXPECT_EQ(v4(p->v4(*b)), "10.94.0.5");
    EXPECT_EQ(v4(p->v4(*a)), "10.94.0.3");
    p->release_addr(*b);
    auto x = p->acquire_addr("x"); // bob's slot stays his while others are free
    ASSERT_TRUE(x);
    EXPECT_EQ(v4(p->v4(*x)), "10.94.0.4");
    auto b2 = p->acquire_addr("bob");
    ASSERT_TRUE(b2);
    EXPECT_EQ(*b2, *b);
}

TEST(PoolPersist, Ipv6AloneSelectsTheSlot)
{
    auto p = Pool::create(server_opts({"--topology", "subnet", "--server-ipv6", "fd94::/64"}));
    ASSERT_TRUE(p) << p.error();
    EXPECT_TRUE(p->load_persist("dora,,fd94::1002\n", false).empty());
    auto d = p->acquire_addr("dora");
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, 2u);
    EXPECT_EQ(v4(p->v4(*d)), "10.94.0.4");
}

TEST(PoolPersist, RoundTripThroughTheFile)
{
    auto p = Pool::create(server_opts({"--server-ipv6", "fd94::/64"}));
    ASSERT_TRUE(p) << p.error();
    ASSERT_TRUE(p->acquire_addr("a"));
    ASSERT_TRUE(p->acquire_addr("b"));
    ASSERT_TRUE(p->acquire_addr("c"));
    const std::string text = p->format_persist();
    auto q = Pool::create(server_opts({"--server-ipv6", "fd94::/64"}));
    ASSERT_TRUE(q) << q.error();
    EXPECT_TRUE(q->load_persist(text, false).empty());
    EXPECT_EQ(q->format_persist(), text);
    auto c = q->acquire_addr("c");
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, 2u);
}

TEST(PoolPersist, FullPoolReusesTheOldestClaimUnlessFixed)
{
    const std::string file = "a,10.94.0.2\nb,10.94.0.3\n";
    auto p = Pool::create(server_opts({"--topology", "subnet", "--max-clients", "2"}));
    ASSERT_TRUE(p) << p.error();
    p->load_persist(file, true); // seconds 0: read only, reservations fixed
    EXPECT_FALSE(p->acquire_addr("c"));
    auto a = p->acquire_addr("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, 0u);

    auto q = Pool::create(server_opts({"--topology", "subnet", "--max-clients", "2"}));
    ASSERT_TRUE(q) << q.error();
    q->load_persist(file, false);
    auto c = q->acquire_addr("c");
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, 0u); // the claims are equally old: the lowest
    EXPECT_EQ(q->format_persist(), "c,10.94.0.2,\nb,10.94.0.3,\n");
    auto d = q->acquire_addr("d");
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, 1u);
    EXPECT_FALSE(q->acquire_addr("e"));
    q->release_addr(*d);
    q->release_addr(*c); // released later than d: d's slot goes first
    auto e = q->acquire_addr("e");
    ASSERT_TRUE(e);
    EXPECT_EQ(*e, 1u);
}

TEST(PoolPersist, DuplicateCnKeepsNoClaims)
{
    auto p = Pool::create(server_opts({"--topology", "subnet", "--duplicate-cn"}));
    ASSERT_TRUE(p) << p.error();
    auto a1 = p->acquire_addr("same");
    auto a2 = p->acquire_addr("same");
    ASSERT_TRUE(a1 && a2);
    EXPECT_NE(*a1, *a2);
    EXPECT_EQ(p->format_persist(), "");
}
