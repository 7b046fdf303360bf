// ip_rewrite: --block-ipv6's ICMPv6 answer (alone and in the userspace
// plane) and --passtos's TOS read.
#include "openvpn/data/ip_rewrite.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

in6_addr addr6(const char* s)
{
    in6_addr a{};
    EXPECT_EQ(::inet_pton(AF_INET6, s, &a), 1);
    return a;
}

// ipv6_echo: an ICMPv6 echo request from fd94::1000 to 2001:db8::1 with
// `payload` bytes, traffic class 0xb8 and hop limit 61.
std::vector<std::uint8_t> ipv6_echo(std::size_t payload)
{
    std::vector<std::uint8_t> p(40 + 8 + payload, 0x5a);
    p[0] = 0x6b; // version 6, traffic class 0xb8, flow label 0x12345
    p[1] = 0x81;
    p[2] = 0x23;
    p[3] = 0x45;
    p[4] = static_cast<std::uint8_t>((8 + payload) >> 8);
    p[5] = static_cast<std::uint8_t>(8 + payload);
    p[6] = 58;
    p[7] = 61;
    auto s = addr6("fd94::1000"), d = addr6("2001:db8::1");
    std::memcpy(p.data() + 8, s.s6_addr, 16);
    std::memcpy(p.data() + 24, d.s6_addr, 16);
    p[40] = 128;
    return p;
}

// checksum_ok: the ICMPv6 checksum of `r` (an IPv6 packet) verifies.
bool checksum_ok(const std::vector<std::uint8_t>& r)
{
    const std::size_t len = r.size() - 40;
    std::uint8_t pseudo[8] = {0, 0, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0, 0,
                              0, 58};
    std::uint32_t sum = internet_checksum_add(0, {r.data() + 8, 32});
    sum = internet_checksum_add(sum, pseudo);
    sum = internet_checksum_add(sum, {r.data() + 40, len});
    return fold_checksum(sum) == 0;
}

} // namespace

TEST(IpRewrite, Icmp6UnreachableAnswersTheSource)
{
    const auto pkt = ipv6_echo(56);
    PacketBuf out;
    ASSERT_TRUE(icmp6_unreachable(pkt, addr6("fe80::7"), out));
    std::vector<std::uint8_t> r(out.span().begin(), out.span().end());
    ASSERT_EQ(r.size(), 40 + 8 + pkt.size());
    EXPECT_EQ(std::vector<std::uint8_t>(r.begin(), r.begin() + 4),
              std::vector<std::uint8_t>(pkt.begin(), pkt.begin() + 4));
    EXPECT_EQ(r[4] << 8 | r[5], static_cast<int>(8 + pkt.size()));
    EXPECT_EQ(r[6], 58);
    EXPECT_EQ(r[7], 61);
    auto src = addr6("fe80::7");
    EXPECT_EQ(std::memcmp(r.data() + 8, src.s6_addr, 16), 0);
    EXPECT_EQ(std::memcmp(r.data() + 24, pkt.data() + 8, 16), 0); // to the asker
    EXPECT_EQ(r[40], 1);                                          // destination unreachable
    EXPECT_EQ(r[41], 0);                                          // no route
    EXPECT_EQ(std::memcmp(r.data() + 48, pkt.data(), pkt.size()), 0);
    EXPECT_TRUE(checksum_ok(r));
}

TEST(IpRewrite, Icmp6QuoteIsCappedAndIpv4IsNotAnswered)
{
    const auto big = ipv6_echo(1400);
    PacketBuf out;
    ASSERT_TRUE(icmp6_unreachable(big, addr6("fd94::1"), out));
    EXPECT_EQ(out.size(), 48 + kIcmp6QuoteMax);
    EXPECT_TRUE(checksum_ok({out.span().begin(), out.span().end()}));
    std::vector<std::uint8_t> v4(60, 0);
    v4[0] = 0x45;
    v4[1] = 0xb8;
    EXPECT_FALSE(icmp6_unreachable(v4, addr6("fd94::1"), out));
    EXPECT_EQ(ipv4_tos(v4), 0xb8);
    EXPECT_FALSE(ipv4_tos(big).has_value());
}

TEST(IpRewrite, BlockIpv6PlaneAnswersIntoTunAndSendsOnlyIpv4)
{
    UserspaceConfig cfg;
    cfg.block_ipv6 = addr6("fd94::1");
    test::Plane p(cfg);
    test::FakeLink link;
    PeerSpec spec;
    spec.link = &link;
    ASSERT_TRUE(p.dp->add_peer(spec).ok());
    std::vector<std::uint8_t> v4(60, 0);
    v4[0] = 0x45;
    p.tun->inject(ipv6_echo(20));
    p.tun->inject(v4);
    EXPECT_EQ(p.dp->on_tun_readable(p.clock.now()), 2u);
    ASSERT_EQ(p.tun->written().size(), 1u); // the answer, back into tun
    EXPECT_EQ(p.tun->written()[0][40], 1);
    EXPECT_EQ(p.dp->drops().get(Drop::Ipv6Blocked), 1u);
    EXPECT_EQ(p.dp->drops().get(Drop::NoKey), 1u); // the IPv4 one went on to the peer (no key yet)
}

TEST(IpRewrite, WithoutBlockIpv6Ipv6GoesToThePeer)
{
    test::Plane p;
    test::FakeLink link;
    PeerSpec spec;
    spec.link = &link;
    ASSERT_TRUE(p.dp->add_peer(spec).ok());
    p.tun->inject(ipv6_echo(20));
    EXPECT_EQ(p.dp->on_tun_readable(p.clock.now()), 1u);
    EXPECT_TRUE(p.tun->written().empty());
    EXPECT_EQ(p.dp->drops().get(Drop::NoKey), 1u);
}
