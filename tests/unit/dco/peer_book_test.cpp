// KernelDataPlane's bookkeeping (dco/mapping.hpp): 2.6's device naming,
// iroute routes, and what a DEL_PEER notification means for our peers.
#include <arpa/inet.h>

#include <gtest/gtest.h>

#include "dco/mapping.hpp"

namespace ovpn::dco {
namespace {

TEST(DeviceNames, DevTunTriesTun0ToTun255)
{
    auto n = candidate_names("tun");
    ASSERT_EQ(n.size(), 256u);
    EXPECT_EQ(n.front(), "tun0");
    EXPECT_EQ(n[1], "tun1");
    EXPECT_EQ(n.back(), "tun255");
}

TEST(DeviceNames, AnyOtherDevIsExactlyThatName)
{
    EXPECT_EQ(candidate_names("tun0"), std::vector<std::string>{"tun0"});
    EXPECT_EQ(candidate_names("vpn-office"), std::vector<std::string>{"vpn-office"});
    EXPECT_EQ(candidate_names("tun5"), std::vector<std::string>{"tun5"});
}

data::IRoute iroute4(const char* net, std::uint8_t len)
{
    data::IRoute r;
    r.family = AF_INET;
    inet_pton(AF_INET, net, r.addr.data());
    r.prefix_len = len;
    return r;
}

data::IRoute iroute6(const char* net, std::uint8_t len)
{
    data::IRoute r;
    r.family = AF_INET6;
    inet_pton(AF_INET6, net, r.addr.data());
    r.prefix_len = len;
    return r;
}

std::optional<in_addr> v4(const char* a)
{
    in_addr x;
    inet_pton(AF_INET, a, &x);
    return x;
}

std::optional<in6_addr> v6(const char* a)
{
    in6_addr x;
    inet_pton(AF_INET6, a, &x);
    return x;
}

TEST(IrouteRoutes, ViaThePeersVpnAddressMetric100)
{
    auto r = to_route_spec(iroute4("192.168.50.7", 24), v4("10.8.0.2"), std::nullopt, 7);
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ(route_text(**r), "192.168.50.0/24 via 10.8.0.2 dev #7 metric 100");
    auto r6 = to_route_spec(iroute6("fd00:99::1", 64), std::nullopt, v6("fd00:8::1000"), 7);
    ASSERT_TRUE(r6.ok());
    ASSERT_TRUE(r6->has_value());
    EXPECT_EQ(route_text(**r6), "fd00:99::/64 via fd00:8::1000 dev #7 metric 100");
    auto odd = to_route_spec(iroute4("10.1.2.3", 13), v4("10.8.0.2"), std::nullopt, 1);
    EXPECT_EQ(route_text(**odd), "10.0.0.0/13 via 10.8.0.2 dev #1 metric 100");
    EXPECT_EQ(kIrouteMetric, 100u);
}

TEST(IrouteRoutes, NoVpnAddressOfThatFamilyNoRoute)
{
    auto r = to_route_spec(iroute6("fd00:99::", 64), v4("10.8.0.2"), std::nullopt, 7);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
    auto r4 = to_route_spec(iroute4("10.9.0.0", 16), std::nullopt, v6("fd00::2"), 7);
    ASSERT_TRUE(r4.ok());
    EXPECT_FALSE(r4->has_value());
}

TEST(IrouteRoutes, BadPrefixOrFamilyIsAnError)
{
    EXPECT_FALSE(to_route_spec(iroute4("10.0.0.0", 33), v4("10.8.0.2"), std::nullopt, 1).ok());
    EXPECT_FALSE(to_route_spec(iroute6("fd00::", 129), std::nullopt, v6("fd00::2"), 1).ok());
    data::IRoute bad;
    bad.family = AF_UNIX;
    EXPECT_FALSE(to_route_spec(bad, v4("10.8.0.2"), std::nullopt, 1).ok());
}

PeerBook::Peer peer(data::PeerId handle, std::uint32_t kid)
{
    PeerBook::Peer p;
    p.handle = handle;
    p.kernel_id = kid;
    return p;
}

TEST(PeerBook, HandlesAndKernelIdsAreUnique)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(0, 5)).ok());
    EXPECT_FALSE(b.add(peer(0, 6)).ok());
    EXPECT_FALSE(b.add(peer(1, 5)).ok());
    EXPECT_EQ(b.handle_of(5), std::optional<data::PeerId>(0));
    EXPECT_FALSE(b.handle_of(6).has_value());
    EXPECT_EQ(b.find(0)->kernel_id, 5u);
}

TEST(PeerBook, ExpiryIsGoneWithItsReasonAndTheHandle)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(0, 5)).ok());
    auto g = b.on_notification(5, uapi::DEL_PEER_REASON_EXPIRED);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->event.id, 0u);
    EXPECT_EQ(g->event.kind, data::PeerEventKind::Gone);
    EXPECT_EQ(g->event.reason, data::DelReason::Expired);
    EXPECT_EQ(g->peer.kernel_id, 5u);
    EXPECT_EQ(b.size(), 0u);
    EXPECT_FALSE(b.on_notification(5, uapi::DEL_PEER_REASON_EXPIRED).has_value()) << "only once";
}

TEST(PeerBook, OurOwnDeleteEchoIsIgnored)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(3, 3)).ok());
    EXPECT_FALSE(b.on_notification(3, uapi::DEL_PEER_REASON_USERSPACE).has_value());
    EXPECT_EQ(b.size(), 1u);
    b.remove(3, false);
    EXPECT_FALSE(b.on_notification(3, uapi::DEL_PEER_REASON_USERSPACE).has_value());
}

// The module writes delete_reason after dropping its reference, so the echo
// of our DEL_PEER may say TEARDOWN; it must not hit the peer that reuses
// the id, and only that one notification is swallowed.
TEST(PeerBook, TheEchoOfOurDeleteIsSwallowedWhateverItsReason)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(0, 5)).ok());
    b.remove(0, true);
    ASSERT_TRUE(b.add(peer(0, 5)).ok());
    EXPECT_FALSE(b.on_notification(5, uapi::DEL_PEER_REASON_TEARDOWN).has_value());
    EXPECT_EQ(b.size(), 1u);
    auto g = b.on_notification(5, uapi::DEL_PEER_REASON_EXPIRED);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->event.reason, data::DelReason::Expired);
}

TEST(PeerBook, UnknownKernelIdsAreIgnored)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(1, 1)).ok());
    EXPECT_FALSE(b.on_notification(9, uapi::DEL_PEER_REASON_TRANSPORT_ERROR).has_value());
    EXPECT_EQ(b.size(), 1u);
}

// A peer the kernel had already dropped when we deleted it: its late
// notification must not hit the peer that reuses the id.
TEST(PeerBook, StaleNotificationDoesNotHitTheNextPeerWithThatId)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(2, 2)).ok());
    b.remove(2, true);
    ASSERT_TRUE(b.add(peer(2, 2)).ok());
    EXPECT_FALSE(b.on_notification(2, uapi::DEL_PEER_REASON_EXPIRED).has_value());
    EXPECT_EQ(b.size(), 1u);
    auto g = b.on_notification(2, uapi::DEL_PEER_REASON_TRANSPORT_ERROR);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->event.reason, data::DelReason::TransportError);
}

TEST(PeerBook, AfterAnOverrunNothingPendingIsTrusted)
{
    PeerBook b;
    ASSERT_TRUE(b.add(peer(2, 2)).ok());
    b.remove(2, true);
    b.forget_pending();
    ASSERT_TRUE(b.add(peer(2, 2)).ok());
    EXPECT_TRUE(b.on_notification(2, uapi::DEL_PEER_REASON_EXPIRED).has_value());
}

} // namespace
} // namespace ovpn::dco
