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
