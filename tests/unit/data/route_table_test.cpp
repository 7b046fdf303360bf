// RouteTable: the P2MP server's address -> peer lookup (own addresses, then
// the longest iroute; the newest claim of the same address or network
// wins), checked case by case and against a plain scan of every claim.
#include "openvpn/data/route_table.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string_view>

using namespace ovpn;
using namespace ovpn::data;

namespace {

std::optional<in_addr> a4(const char* s)
{
    in_addr a{};
    EXPECT_EQ(inet_pton(AF_INET, s, &a), 1);
    return a;
}

std::optional<in6_addr> a6(const char* s)
{
    in6_addr a{};
    EXPECT_EQ(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

IRoute route(const char* net, std::uint8_t len)
{
    IRoute r;
    r.family = std::string_view(net).find(':') != std::string_view::npos ? AF_INET6 : AF_INET;
    EXPECT_EQ(inet_pton(r.family, net, r.addr.data()), 1);
    r.prefix_len = len;
    return r;
}

// who: the peer owning `addr` (-1: none).
long who(const RouteTable& t, const char* addr)
{
    std::array<std::uint8_t, 16> b{};
    const int fam = std::string_view(addr).find(':') != std::string_view::npos ? AF_INET6 : AF_INET;
    EXPECT_EQ(inet_pton(fam, addr, b.data()), 1);
    const auto id = t.lookup(fam, b.data());
    return id ? static_cast<long>(*id) : -1;
}

} // namespace

TEST(RouteTable, OwnAddressBeatsAnyIrouteThenLongestPrefixWins)
{
    RouteTable t;
    t.add_host(1, a4("10.8.0.2"), a6("fd94::2"));
    t.add_host(2, a4("10.8.0.3"), std::nullopt);
    t.add_host(3, a4("10.8.0.4"), a6("fd94::4"));
    t.set_iroutes(1, {route("192.168.0.0", 16), route("10.8.0.3", 32), route("fd77::", 48)});
    t.set_iroutes(2, {route("192.168.77.0", 24), route("fd77:0:0:1::", 64)});
    t.set_iroutes(3, {route("0.0.0.0", 0), route("192.168.77.128", 25)});
    EXPECT_EQ(who(t, "10.8.0.3"), 2); // own address over 1's /32 iroute
    EXPECT_EQ(who(t, "10.8.0.2"), 1);
    EXPECT_EQ(who(t, "192.168.77.1"), 2);
    EXPECT_EQ(who(t, "192.168.77.200"), 3);
    EXPECT_EQ(who(t, "192.168.1.1"), 1);
    EXPECT_EQ(who(t, "8.8.8.8"), 3); // the default iroute
    EXPECT_EQ(who(t, "fd77::1"), 1);
    EXPECT_EQ(who(t, "fd77:0:0:1::9"), 2);
    EXPECT_EQ(who(t, "fd94::4"), 3);
    EXPECT_EQ(who(t, "fd94::5"), -1);         // IPv6 has no default iroute
    EXPECT_EQ(t.prefix_lengths(AF_INET), 5u); // 0, 16, 24, 25, 32
    EXPECT_EQ(t.prefix_lengths(AF_INET6), 2u);
}

TEST(RouteTable, APeerLeavingTakesItsAddressesAndIroutesAlong)
{
    RouteTable t;
    t.add_host(1, a4("10.8.0.2"), a6("fd94::2"));
    t.add_host(2, a4("10.8.0.3"), a6("fd94::3"));
    t.set_iroutes(1, {route("192.168.0.0", 16)});
    t.set_iroutes(2, {route("192.168.77.0", 24), route("fd77::", 64)});
    t.remove(2);
    EXPECT_EQ(who(t, "10.8.0.3"), -1);
    EXPECT_EQ(who(t, "fd94::3"), -1);
    EXPECT_EQ(who(t, "fd77::1"), -1);
    EXPECT_EQ(who(t, "192.168.77.1"), 1); // the shorter route is back
    EXPECT_EQ(t.prefix_lengths(AF_INET), 1u);
    EXPECT_EQ(t.prefix_lengths(AF_INET6), 0u);
    t.remove(1);
    EXPECT_EQ(who(t, "10.8.0.2"), -1);
    EXPECT_EQ(who(t, "192.168.1.1"), -1);
    EXPECT_EQ(t.prefix_lengths(AF_INET), 0u);
    t.remove(1); // twice: nothing
}

TEST(RouteTable, NewIroutesReplaceTheOldButKeepTheOwnAddress)
{
    RouteTable t;
    t.add_host(1, a4("10.8.0.2"), std::nullopt);
    t.set_iroutes(1, {route("192.168.77.0", 24)});
    t.set_iroutes(1, {route("172.16.0.0", 12)});
    EXPECT_EQ(who(t, "192.168.77.1"), -1);
    EXPECT_EQ(who(t, "172.20.1.1"), 1);
    EXPECT_EQ(who(t, "10.8.0.2"), 1);
    t.set_iroutes(1, {});
    EXPECT_EQ(who(t, "172.20.1.1"), -1);
    EXPECT_EQ(who(t, "10.8.0.2"), 1);
    EXPECT_EQ(t.prefix_lengths(AF_INET), 0u);
}

TEST(RouteTable, HostBitsIgnoredAndBadRoutesSkipped)
{
    RouteTable t;
    IRoute odd = route("192.168.77.99", 24);
    IRoute v6odd = route("fd77::1:2:3", 33);
    IRoute too_long = route("10.1.0.0", 33);
    IRoute bad_family = route("10.2.0.0", 16);
    bad_family.family = AF_UNIX;
    t.set_iroutes(5, {odd, v6odd, too_long, bad_family});
    EXPECT_EQ(who(t, "192.168.77.1"), 5);
    EXPECT_EQ(who(t, "fd77::ffff"), 5);
    EXPECT_EQ(who(t, "fd77:0:7fff::1"), 5);
    EXPECT_EQ(who(t, "fd77:0:8000::1"), -1); // bit 33 set: outside the /33
    EXPECT_EQ(who(t, "10.1.0.0"), -1);
    EXPECT_EQ(who(t, "10.2.0.1"), -1);
    const std::uint8_t any[16] = {};
    EXPECT_FALSE(t.lookup(AF_UNIX, any));
}

TEST(RouteTable, TheNewestClaimWinsAndTheEarlierComesBack)
{
    RouteTable t;
    t.add_host(1, a4("10.8.0.9"), std::nullopt);
    t.add_host(2, a4("10.8.0.9"), std::nullopt); // e.g. the same ifconfig-push twice
    t.set_iroutes(1, {route("192.168.77.0", 24)});
    t.set_iroutes(2, {route("192.168.77.0", 24)});
    EXPECT_EQ(who(t, "10.8.0.9"), 2);
    EXPECT_EQ(who(t, "192.168.77.5"), 2);
    t.remove(2);
    EXPECT_EQ(who(t, "10.8.0.9"), 1);
    EXPECT_EQ(who(t, "192.168.77.5"), 1);
    EXPECT_EQ(t.prefix_lengths(AF_INET), 1u);
}

// Many peers, random overlapping iroutes, peers leaving: every lookup
// agrees with a scan of every claim (own address first, then the longest
// prefix, then the newest claim).
TEST(RouteTable, AgreesWithAScanOfEveryClaim)
{
    struct Claim {
        PeerId id;
        std::uint32_t net; // host order
        int len;           // 99: the peer's own address
        int seq;
    };
    std::mt19937 rng(14);
    RouteTable t;
    std::vector<Claim> claims;
    int seq = 0;
    auto scan = [&](std::uint32_t a) -> long {
        const Claim* best = nullptr;
        for (const Claim& c : claims) {
            const std::uint32_t mask = c.len == 99 ? ~0u : c.len == 0 ? 0u : ~0u << (32 - c.len);
            if ((a & mask) != (c.net & mask))
                continue;
            if (!best || c.len > best->len || (c.len == best->len && c.seq > best->seq))
                best = &c;
        }
        return best ? static_cast<long>(best->id) : -1;
    };
    for (PeerId id = 0; id < 300; ++id) {
        const std::uint32_t host = 0x0a080000u | (rng() & 0x3ff); // 10.8.0.0/22, some repeat
        in_addr h{htonl(host)};
        t.add_host(id, h, std::nullopt);
        claims.push_back({id, host, 99, seq++});
        std::vector<IRoute> rs;
        for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
            const int len = 8 + static_cast<int>(rng() % 25);
            const std::uint32_t net = (0xc0a80000u | (rng() & 0xffff)) & (~0u << (32 - len));
            IRoute r;
            const std::uint32_t be = htonl(net);
            std::memcpy(r.addr.data(), &be, 4);
            r.prefix_len = static_cast<std::uint8_t>(len);
            rs.push_back(r);
            claims.push_back({id, net, len, seq++});
        }
        t.set_iroutes(id, rs);
        if (id % 7 == 3) { // someone earlier leaves
            const PeerId gone = static_cast<PeerId>(rng() % (id + 1));
            t.remove(gone);
            std::erase_if(claims, [gone](const Claim& c) { return c.id == gone; });
        }
    }
    for (int i = 0; i < 20000; ++i) {
        const std::uint32_t a = (i % 2 ? 0x0a080000u | (rng() & 0x3ff) : 0xc0a80000u | (rng() & 0xffff));
        const std::uint32_t be = htonl(a);
        const auto got = t.lookup(AF_INET, reinterpret_cast<const std::uint8_t*>(&be));
        ASSERT_EQ(got ? static_cast<long>(*got) : -1, scan(a)) << "address " << std::hex << a;
    }
}

// --stale-routes-check: entries stamped by lookups with the coarse clock;
// expire() drops what no lookup found for the ageing time (own addresses
// and iroutes alike), reports the owner, and the rest still routes.
TEST(RouteTable, ExpiresWhatNoLookupUsed)
{
    RouteTable t;
    t.set_now(1000);
    t.add_host(1, a4("10.8.0.6"), a6("fd00::6"));
    t.set_iroutes(1, {route("10.99.0.0", 24), route("10.98.0.0", 16)});
    t.add_host(2, a4("10.8.0.10"), std::nullopt);
    auto v4 = [](const char* s) {
        static in_addr a{};
        EXPECT_EQ(inet_pton(AF_INET, s, &a), 1);
        return reinterpret_cast<const std::uint8_t*>(&a);
    };
    t.set_now(1030);
    EXPECT_EQ(t.lookup(AF_INET, v4("10.99.0.5")), 1u); // the /24 is used
    EXPECT_EQ(t.lookup(AF_INET, v4("10.8.0.6")), 1u);
    t.set_now(1059);
    EXPECT_TRUE(t.expire(60).empty());
    t.set_now(1060);
    auto gone = t.expire(60);
    // idle since 1000: 10.98.0.0/16, fd00::6 and peer 2's 10.8.0.10
    ASSERT_EQ(gone.size(), 3u);
    int hosts = 0, nets = 0;
    for (const StaleRoute& r : gone) {
        (r.host ? hosts : nets)++;
        if (!r.host) {
            EXPECT_EQ(r.id, 1u);
            EXPECT_EQ(r.route.prefix_len, 16);
            EXPECT_EQ(r.route.family, AF_INET);
        }
    }
    EXPECT_EQ(hosts, 2);
    EXPECT_EQ(nets, 1);
    EXPECT_FALSE(t.lookup(AF_INET, v4("10.98.1.1")));
    EXPECT_FALSE(t.lookup(AF_INET, v4("10.8.0.10")));
    EXPECT_EQ(t.lookup(AF_INET, v4("10.99.0.7")), 1u);
    EXPECT_EQ(t.prefix_lengths(AF_INET), 1u); // the /16 length is gone
    // removing a peer after some of its routes expired
    t.remove(1);
    EXPECT_FALSE(t.lookup(AF_INET, v4("10.99.0.7")));
    t.set_now(5000);
    EXPECT_TRUE(t.expire(60).empty());
}
