// AddrIndex: the server's UDP clients by source address: the same IP on
// another port, the other family, a client floating away and leaving.
#include "openvpn/server/addr_index.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using ovpn::server::AddrIndex;

namespace {

io::SockAddr at(const char* ip, std::uint16_t port)
{
    return io::SockAddr::parse_numeric(ip, port).value();
}

long who(const AddrIndex& x, const char* ip, std::uint16_t port)
{
    const auto id = x.find(at(ip, port));
    return id ? static_cast<long>(*id) : -1;
}

} // namespace

TEST(AddrIndex, FindsTheClientByIpAndPort)
{
    AddrIndex x;
    x.add(at("10.0.0.1", 40000), 1);
    x.add(at("10.0.0.1", 40001), 2);
    x.add(at("fd00::1", 40000), 3);
    x.add(at("::ffff:10.0.0.1", 40000), 4); // v4-mapped: another address, as SockAddr's ==
    EXPECT_EQ(who(x, "10.0.0.1", 40000), 1);
    EXPECT_EQ(who(x, "10.0.0.1", 40001), 2);
    EXPECT_EQ(who(x, "fd00::1", 40000), 3);
    EXPECT_EQ(who(x, "::ffff:10.0.0.1", 40000), 4);
    EXPECT_EQ(who(x, "10.0.0.2", 40000), -1);
    EXPECT_EQ(who(x, "fd00::1", 40001), -1);
    EXPECT_EQ(x.size(), 4u);
}

TEST(AddrIndex, AFloatMovesTheClientAndALeaverIsGone)
{
    AddrIndex x;
    x.add(at("10.0.0.1", 40000), 1);
    x.add(at("10.0.0.2", 40000), 2);
    x.remove(at("10.0.0.1", 40000), 1);
    x.add(at("10.0.0.9", 50000), 1);
    EXPECT_EQ(who(x, "10.0.0.1", 40000), -1);
    EXPECT_EQ(who(x, "10.0.0.9", 50000), 1);
    x.remove(at("10.0.0.9", 50000), 2); // not 2's address: nothing happens
    EXPECT_EQ(who(x, "10.0.0.9", 50000), 1);
    x.remove(at("10.0.0.2", 40000), 2);
    EXPECT_EQ(who(x, "10.0.0.2", 40000), -1);
    EXPECT_EQ(x.size(), 1u);
}

TEST(AddrIndex, TwoClientsAtOneAddressFindTheLowestId)
{
    AddrIndex x;
    x.add(at("10.0.0.1", 40000), 7);
    x.add(at("10.0.0.1", 40000), 3);
    EXPECT_EQ(who(x, "10.0.0.1", 40000), 3);
    x.remove(at("10.0.0.1", 40000), 3);
    EXPECT_EQ(who(x, "10.0.0.1", 40000), 7);
}

// Many clients: each is found at its own address and only there.
TEST(AddrIndex, ThousandsOfClients)
{
    AddrIndex x;
    for (std::uint32_t i = 0; i < 4000; ++i)
        x.add(io::SockAddr::from_v4(in_addr{htonl(0x0a000000u + i / 4)},
                                    static_cast<std::uint16_t>(1000 + i % 4)),
              i);
    for (std::uint32_t i = 0; i < 4000; ++i) {
        const auto a = io::SockAddr::from_v4(in_addr{htonl(0x0a000000u + i / 4)},
                                             static_cast<std::uint16_t>(1000 + i % 4));
        ASSERT_EQ(x.find(a), std::optional<std::uint32_t>(i));
    }
    EXPECT_FALSE(x.find(io::SockAddr::from_v4(in_addr{htonl(0x0a000000u)}, 1004)));
}
