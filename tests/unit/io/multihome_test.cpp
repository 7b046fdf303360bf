// --multihome at the socket: a wildcard-bound UDP socket with pktinfo
// reports where each datagram came to, and a reply sent with that leaves
// from there. Over loopback, where 127.0.0.1 and 127.0.0.2 are both ours
// and the kernel would answer a peer at 127.0.0.1 from 127.0.0.1.
#include <gtest/gtest.h>

#include <net/if.h>
#include <unistd.h>

#include "openvpn/io/link_socket.hpp"

using namespace ovpn;
using namespace ovpn::io;

namespace {

PacketBuf packet(std::uint8_t byte)
{
    PacketBuf b;
    b.append(std::span<const std::uint8_t>(&byte, 1));
    return b;
}

// recv_one: one datagram from s (waits up to a second).
std::pair<SockAddr, LocalEnd> recv_one(LinkSocket& s)
{
    std::vector<PacketBuf> in(1);
    std::vector<SockAddr> from(1);
    std::vector<LocalEnd> via(1);
    for (int tries = 0; tries < 1000; ++tries) {
        auto n = s.recv_local(in, from, via);
        if (n.ok() && *n == 1)
            return {from[0], via[0]};
        ::usleep(1000);
    }
    ADD_FAILURE() << "nothing received";
    return {};
}

std::unique_ptr<LinkSocket> open(const char* bind, bool pktinfo)
{
    UdpConfig c;
    c.bind_addr = *SockAddr::parse_numeric(bind, 0);
    c.pktinfo = pktinfo;
    auto s = open_udp(c);
    EXPECT_TRUE(s.ok()) << s.error();
    return s.ok() ? std::move(*s) : nullptr;
}

std::uint16_t port_of(const LinkSocket& s)
{
    return s.local().port();
}

// round_trip: the peer (at 127.0.0.1) sends to `to_addr` at the server's
// port; the server answers from where it came (or lets the kernel pick);
// returns where the server saw it come to and where the answer came from.
std::pair<LocalEnd, SockAddr> round_trip(LinkSocket& server, LinkSocket& peer, const char* to_addr,
                                         bool answer_via)
{
    const SockAddr to = *SockAddr::parse_numeric(to_addr, port_of(server));
    const PacketBuf p = packet(1);
    EXPECT_EQ(*peer.send(std::span<const PacketBuf>(&p, 1), &to), 1u);
    auto [from, via] = recv_one(server);
    const LocalEnd used = answer_via ? via : LocalEnd{};
    EXPECT_EQ(*server.send_from(std::span<const PacketBuf>(&p, 1), &from, used), 1u);
    return {via, recv_one(peer).first};
}

} // namespace

TEST(Multihome, Ipv4SocketAnswersFromTheAddressAsked)
{
    auto server = open("0.0.0.0", true);
    auto peer = open("127.0.0.1", false);
    ASSERT_TRUE(server && peer);
    auto [via, answer] = round_trip(*server, *peer, "127.0.0.2", true);
    EXPECT_EQ(via.addr.ip_string(), "127.0.0.2");
    EXPECT_EQ(via.ifindex, ::if_nametoindex("lo"));
    EXPECT_EQ(via.via_string(), " (via [AF_INET]127.0.0.2%lo)"); // 2.6's suffix to the peer's address
    EXPECT_EQ(answer, *SockAddr::parse_numeric("127.0.0.2", port_of(*server)));
    // without the local end the kernel picks 127.0.0.1: what a peer that
    // talked to 127.0.0.2 would drop
    const SockAddr answer2 = round_trip(*server, *peer, "127.0.0.2", false).second;
    EXPECT_EQ(answer2, *SockAddr::parse_numeric("127.0.0.1", port_of(*server)));
}

TEST(Multihome, DualStackSocketAnswersAnIpv4PeerFromTheAddressAsked)
{
    auto server = open("::", true);
    auto peer = open("127.0.0.1", false);
    ASSERT_TRUE(server && peer);
    auto [via, answer] = round_trip(*server, *peer, "127.0.0.2", true);
    EXPECT_EQ(via.addr.family(), AF_INET6); // IPv4-mapped, as IPV6_PKTINFO reports it
    EXPECT_EQ(via.addr.ip_string(), "127.0.0.2");
    EXPECT_EQ(via.via_string(), " (via [AF_INET]127.0.0.2%lo)"); // shown as the peer is
    EXPECT_EQ(answer, *SockAddr::parse_numeric("127.0.0.2", port_of(*server)));
}

TEST(Multihome, Ipv6SocketReportsItsAddress)
{
    auto server = open("::", true);
    UdpConfig pc;
    pc.bind_addr = *SockAddr::parse_numeric("::1", 0);
    auto peer = open_udp(pc);
    ASSERT_TRUE(server && peer.ok());
    auto [via, answer] = round_trip(*server, **peer, "::1", true);
    EXPECT_EQ(via.addr, *SockAddr::parse_numeric("::1", 0));
    EXPECT_EQ(via.via_string(), " (via ::1%lo)");
    EXPECT_EQ(via.ifindex, ::if_nametoindex("lo"));
    EXPECT_EQ(answer, *SockAddr::parse_numeric("::1", port_of(*server)));
}

TEST(Multihome, WithoutPktinfoNothingIsReported)
{
    auto server = open("0.0.0.0", false);
    auto peer = open("127.0.0.1", false);
    ASSERT_TRUE(server && peer);
    auto [via, answer] = round_trip(*server, *peer, "127.0.0.2", true);
    EXPECT_TRUE(via.empty());
    EXPECT_EQ(answer, *SockAddr::parse_numeric("127.0.0.1", port_of(*server)));
}
