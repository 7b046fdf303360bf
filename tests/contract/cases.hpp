// tests/contract/cases.hpp: the DataPlane contract (openvpn/data/data_plane.hpp),
// as GoogleTest typed test suites. Every case runs unchanged against each
// implementation's Env (env.hpp): a binary instantiates the suites with its
// Env types (userspace_env.cpp on the host, kernel_env.cpp in the guest).
//
//   DataPlaneContract  P2P over the Env's transport (UDP and TCP)
//   TcpContract        the TCP hand-over (TCP Envs only)
//   MultiPeerContract  an MP server with two clients (UDP and TCP)
//
// Every case fails when the feature it names breaks. Waits are failure
// bounds, never thresholds: a case waits at most its budget for what must
// happen, and "nothing happened" checks only run after a sync point.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>

#include <gtest/gtest.h>

#include "contract/env.hpp"

namespace ovpn::contract {

inline constexpr auto kBudget = std::chrono::seconds(30);
// kKeepaliveTimeout: with a ping every second, generous enough that a busy
// emulated guest never misses it; the only timing a case relies on.
inline constexpr auto kKeepaliveTimeout = std::chrono::seconds(10);

// take: wait for `want` on `side`; datagrams that arrive before it are
// moved to env.strays(side) (cases that care check them). True when it
// arrived.
inline bool take(Env& env, int side, const Bytes& want, std::chrono::seconds budget = kBudget)
{
    bool found = false;
    env.run_until(
        [&] {
            auto& d = env.delivered(side);
            while (!d.empty() && !found) {
                found = d.front() == want;
                if (!found)
                    env.strays(side).push_back(std::move(d.front()));
                d.pop_front();
            }
            return found;
        },
        budget);
    return found;
}

// crosses: a datagram from `from` to `dst` arrives on `to`.
inline void crosses(Env& env, int from, const std::string& dst, int to, std::uint8_t tag,
                    std::size_t len = 200)
{
    auto p = make_payload(len, tag);
    env.send_plain(from, dst, p);
    EXPECT_TRUE(take(env, to, p)) << env.name() << ": datagram " << int(tag) << " from side " << from
                                  << " to " << dst << " never arrived on side " << to;
}

inline void both_ways(Env& env, int a, int b, std::uint8_t tag)
{
    crosses(env, a, env.vpn_ip(b), b, tag);
    crosses(env, b, env.vpn_ip(a), a, static_cast<std::uint8_t>(tag + 1));
}

inline data::PeerStats stats_of(Env& env, int side, int k)
{
    auto s = env.plane(side).stats(env.handle(side, k));
    EXPECT_TRUE(s.ok()) << env.name() << " side " << side << ": " << (s.ok() ? "" : s.error());
    return s.ok() ? *s : data::PeerStats{};
}

inline std::uint64_t drops_total(const data::DataPlane& p)
{
    std::uint64_t t = 0;
    for (const auto& [name, n] : p.drop_counts())
        t += n;
    return t;
}

inline bool has_gone(Env& env, int side, data::PeerId id)
{
    for (const auto& ev : env.events(side)) {
        if (ev.kind == data::PeerEventKind::Gone && ev.id == id)
            return true;
    }
    return false;
}

inline data::IRoute iroute(const char* net, std::uint8_t len)
{
    data::IRoute r;
    r.family = AF_INET;
    inet_pton(AF_INET, net, r.addr.data());
    r.prefix_len = len;
    return r;
}

// ============================================================================
template <class E> class DataPlaneContract : public ::testing::Test {
protected:
    E env;
};
TYPED_TEST_SUITE_P(DataPlaneContract);

// Keys installed => traffic both ways, and the counters in the documented
// direction: *_rx is what came from the peer, *_tx what went to it.
TYPED_TEST_P(DataPlaneContract, TrafficBothWaysCountersFromThePeer)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    auto a0 = stats_of(env, 0, 1);
    auto b0 = stats_of(env, 1, 1);
    constexpr int kCount = 20;
    constexpr std::size_t kLen = 1000, kIp = kLen + 28; // + IPv4 + UDP headers
    std::vector<Bytes> sent;
    for (int i = 0; i < kCount; ++i) {
        sent.push_back(make_payload(kLen, static_cast<std::uint8_t>(100 + i)));
        env.send_plain(0, env.vpn_ip(1), sent.back());
    }
    int got = 0;
    for (const auto& p : sent)
        got += take(env, 1, p, std::chrono::seconds(10)) ? 1 : 0;
    ASSERT_EQ(got, kCount) << env.name() << ": datagrams lost on a quiet link";
    auto a1 = stats_of(env, 0, 1);
    auto b1 = stats_of(env, 1, 1);
    // The sender counts them as sent to the peer...
    EXPECT_GE(a1.plain_tx_packets - a0.plain_tx_packets, std::uint64_t{kCount});
    EXPECT_GE(a1.plain_tx_bytes - a0.plain_tx_bytes, std::uint64_t{kCount * kIp});
    EXPECT_GE(a1.link_tx_packets - a0.link_tx_packets, std::uint64_t{kCount});
    EXPECT_GT(a1.link_tx_bytes - a0.link_tx_bytes, a1.plain_tx_bytes - a0.plain_tx_bytes)
        << "encrypted is larger";
    // ...the receiver as received from the peer...
    EXPECT_GE(b1.plain_rx_packets - b0.plain_rx_packets, std::uint64_t{kCount});
    EXPECT_GE(b1.plain_rx_bytes - b0.plain_rx_bytes, std::uint64_t{kCount * kIp});
    EXPECT_GE(b1.link_rx_packets - b0.link_rx_packets, std::uint64_t{kCount});
    EXPECT_GT(b1.link_rx_bytes - b0.link_rx_bytes, b1.plain_rx_bytes - b0.plain_rx_bytes);
    // ...and not the other way round.
    EXPECT_LT(a1.plain_rx_bytes - a0.plain_rx_bytes, std::uint64_t{kCount * kIp / 2});
    EXPECT_LT(b1.plain_tx_bytes - b0.plain_tx_bytes, std::uint64_t{kCount * kIp / 2});
    EXPECT_LT(a1.link_rx_bytes - a0.link_rx_bytes, std::uint64_t{kCount * kIp / 2});
    EXPECT_LT(b1.link_tx_bytes - b0.link_tx_bytes, std::uint64_t{kCount * kIp / 2});
}

// Rekey: new key into the secondary slot, swap, old key deleted, with
// traffic after every step. The steps are staggered so that each swap must
// really happen: side 1 drops its old primary before it swaps, so side 0's
// packets only get through if side 0 encrypts with the new key, and side 1
// can only send again once its swap made the new key primary.
TYPED_TEST_P(DataPlaneContract, RekeySecondarySwapDeleteOld)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    auto h0 = env.handle(0, 1), h1 = env.handle(1, 1);
    auto& a = env.plane(0);
    auto& b = env.plane(1);
    ASSERT_TRUE(a.install_key(h0, data::KeySlot::Secondary, env.keys(0, 1, 1)).ok());
    ASSERT_TRUE(b.install_key(h1, data::KeySlot::Secondary, env.keys(1, 1, 1)).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 10)); // still the old key (primary encrypts)
    ASSERT_TRUE(a.swap_keys(h0).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 20));       // each end decrypts with either key
    ASSERT_TRUE(b.del_key(h1, data::KeySlot::Primary).ok()); // side 1 keeps only the new key
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, env.vpn_ip(1), 1, 30));
    ASSERT_TRUE(b.swap_keys(h1).ok()); // the new key becomes side 1's primary
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 40));
    ASSERT_TRUE(a.del_key(h0, data::KeySlot::Secondary).ok()); // side 0 drops the old key
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 50));
    // The next round (key id 2) as 2.6 runs it, on top of the rotated keys.
    ASSERT_TRUE(a.install_key(h0, data::KeySlot::Secondary, env.keys(0, 1, 2)).ok());
    ASSERT_TRUE(b.install_key(h1, data::KeySlot::Secondary, env.keys(1, 1, 2)).ok());
    ASSERT_TRUE(a.swap_keys(h0).ok());
    ASSERT_TRUE(b.swap_keys(h1).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 60));
    ASSERT_TRUE(a.del_key(h0, data::KeySlot::Secondary).ok());
    ASSERT_TRUE(b.del_key(h1, data::KeySlot::Secondary).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 70));
}

TYPED_TEST_P(DataPlaneContract, UnknownPeerIdIsAnError)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    auto& p = env.plane(0);
    const data::PeerId bogus = 77;
    EXPECT_FALSE(p.install_key(bogus, data::KeySlot::Primary, env.keys(0, 1, 0)).ok());
    EXPECT_FALSE(p.swap_keys(bogus).ok());
    EXPECT_FALSE(p.del_key(bogus, data::KeySlot::Secondary).ok());
    EXPECT_FALSE(p.set_keepalive(bogus, std::chrono::seconds(1), std::chrono::seconds(5)).ok());
    EXPECT_FALSE(p.stats(bogus).ok());
    EXPECT_FALSE(p.update_remote(bogus, env.link(0, 1).local(), io::LocalEnd{}).ok());
    EXPECT_FALSE(p.set_iroutes(bogus, {}).ok());
    EXPECT_FALSE(p.del_peer(bogus).ok());
    EXPECT_FALSE(p.add_peer(env.spec(0, 1)).ok()) << "the same peer twice";
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1)); // nothing of that hurt the real peer
}

// del_peer: the peer is gone at once, no Gone event follows (not even the
// kernel's echo of our own DEL_PEER), and the id can be used again.
TYPED_TEST_P(DataPlaneContract, DelPeerGivesNoGoneEvent)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    auto h0 = env.handle(0, 1);
    ASSERT_TRUE(env.plane(0).set_keepalive(h0, std::chrono::seconds(1), std::chrono::seconds(30)).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    ASSERT_TRUE(env.plane(0).del_peer(h0).ok());
    EXPECT_FALSE(env.plane(0).stats(h0).ok());
    // a sync point: a control packet crossed after the delete
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, control_packet(40, 9)));
    ASSERT_TRUE(env.run_until([&] { return !env.inbox(0, 1).empty(); }, kBudget));
    EXPECT_FALSE(env.run_until([&] { return !env.events(0).empty(); }, std::chrono::seconds(3)))
        << env.name() << ": an event after del_peer";
    // The same peer again, with a new key as after a reconnect (the old one
    // would replay packet ids the other end has seen).
    ASSERT_TRUE(env.plane(0).add_peer(env.spec(0, 1)).ok());
    ASSERT_TRUE(env.plane(0).install_key(h0, data::KeySlot::Primary, env.keys(0, 1, 1)).ok());
    ASSERT_TRUE(env.plane(1).install_key(env.handle(1, 1), data::KeySlot::Primary, env.keys(1, 1, 1)).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 10));
    EXPECT_TRUE(env.events(0).empty());
}

// Keepalive: a peer that answers stays; once the far end vanishes the peer
// is reported Gone/Expired (2.6: ping-restart / "ovpn-dco: ping expired").
TYPED_TEST_P(DataPlaneContract, KeepaliveExpiryAfterTheFarEndVanishes)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    auto h0 = env.handle(0, 1);
    ASSERT_TRUE(env.plane(0).set_keepalive(h0, std::chrono::seconds(1), kKeepaliveTimeout).ok());
    ASSERT_TRUE(
        env.plane(1).set_keepalive(env.handle(1, 1), std::chrono::seconds(1), kKeepaliveTimeout).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    EXPECT_FALSE(
        env.run_until([&] { return !env.events(0).empty(); }, kKeepaliveTimeout + std::chrono::seconds(2)))
        << env.name() << ": a peer that answers keepalives expired";
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 2));
    env.vanish(1);
    ASSERT_TRUE(env.run_until([&] { return has_gone(env, 0, h0); }, std::chrono::seconds(60)))
        << env.name() << ": no Gone event after the far end vanished";
    const auto& ev = env.events(0).front();
    EXPECT_EQ(ev.id, h0);
    EXPECT_EQ(ev.kind, data::PeerEventKind::Gone);
    EXPECT_EQ(ev.reason, data::DelReason::Expired);
    EXPECT_EQ(env.events(0).size(), 1u);
    // After Gone, del_peer is allowed and harmless (stats may or may not
    // still answer: userspace keeps the last counts, DCO has nothing).
    EXPECT_TRUE(env.plane(0).del_peer(h0).ok());
    EXPECT_FALSE(env.run_until([&] { return env.events(0).size() > 1; }, std::chrono::seconds(3)));
}

// Control packets keep reaching the caller's socket after add_peer, in both
// directions, in order (TCP), mixed with data.
TYPED_TEST_P(DataPlaneContract, ControlPacketsStillReachTheSocket)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    std::vector<Bytes> to0, to1;
    for (std::uint8_t i = 0; i < 3; ++i) {
        to0.push_back(control_packet(30 + i * 500u, static_cast<std::uint8_t>(10 + i)));
        to1.push_back(control_packet(1200 - i * 400u, static_cast<std::uint8_t>(20 + i)));
        ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, to0.back()));
        ASSERT_NO_FATAL_FAILURE(env.send_control(0, 1, to1.back()));
        ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, static_cast<std::uint8_t>(30 + 2 * i)));
    }
    ASSERT_TRUE(
        env.run_until([&] { return env.inbox(0, 1).size() >= 3 && env.inbox(1, 1).size() >= 3; }, kBudget))
        << env.name() << ": control packets lost after add_peer (" << env.inbox(0, 1).size() << ", "
        << env.inbox(1, 1).size() << " of 3)";
    std::vector<Bytes> got0(env.inbox(0, 1).begin(), env.inbox(0, 1).end());
    std::vector<Bytes> got1(env.inbox(1, 1).begin(), env.inbox(1, 1).end());
    if (!is_tcp(env.proto())) { // datagrams may be reordered
        std::sort(got0.begin(), got0.end());
        std::sort(got1.begin(), got1.end());
        std::sort(to0.begin(), to0.end());
        std::sort(to1.begin(), to1.end());
    }
    EXPECT_EQ(got0, to0);
    EXPECT_EQ(got1, to1);
}

REGISTER_TYPED_TEST_SUITE_P(DataPlaneContract, TrafficBothWaysCountersFromThePeer,
                            RekeySecondarySwapDeleteOld, UnknownPeerIdIsAnError, DelPeerGivesNoGoneEvent,
                            KeepaliveExpiryAfterTheFarEndVanishes, ControlPacketsStillReachTheSocket);

// ============================================================================
template <class E> class TcpContract : public ::testing::Test {
protected:
    E env;
};
TYPED_TEST_SUITE_P(TcpContract);

// framed: a record as it goes over TCP (2-byte length, then the packet).
inline Bytes framed(const Bytes& pkt)
{
    Bytes f{static_cast<std::uint8_t>(pkt.size() >> 8), static_cast<std::uint8_t>(pkt.size())};
    f.insert(f.end(), pkt.begin(), pkt.end());
    return f;
}

// The hand-over with records in flight: whole records read before add_peer
// are delivered, a record whose first part is already on the wire at
// add_peer arrives whole afterwards, and the stream stays in sync for
// control and data.
TYPED_TEST_P(TcpContract, HandoverWithRecordsInFlight)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    auto c1 = control_packet(60, 1), c2 = control_packet(700, 2), c3 = control_packet(900, 3),
         c4 = control_packet(80, 4);
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, c1));
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, c2));
    ASSERT_TRUE(env.run_until([&] { return env.inbox(0, 1).size() >= 2; }, kBudget));
    // The first 10 bytes of c3 are on the wire when side 0 hands over.
    auto f3 = framed(c3);
    ASSERT_EQ(::send(env.link(1, 1).fd(), f3.data(), 10, MSG_NOSIGNAL), 10);
    env.run_until([] { return false; }, std::chrono::seconds(1));
    EXPECT_EQ(env.inbox(0, 1).size(), 2u);
    EXPECT_FALSE(env.link(0, 1).holds_partial_record()) << "userspace must not take part of a record";
    ASSERT_NO_FATAL_FAILURE(env.add_peers(1));
    ASSERT_EQ(::send(env.link(1, 1).fd(), f3.data() + 10, f3.size() - 10, MSG_NOSIGNAL),
              static_cast<ssize_t>(f3.size() - 10));
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, c4));
    ASSERT_TRUE(env.run_until([&] { return env.inbox(0, 1).size() >= 4; }, kBudget))
        << env.name() << ": records after the hand-over lost (" << env.inbox(0, 1).size() << " of 4)";
    std::vector<Bytes> got(env.inbox(0, 1).begin(), env.inbox(0, 1).end());
    EXPECT_EQ(got, (std::vector<Bytes>{c1, c2, c3, c4}));
    ASSERT_TRUE(env.plane(0).install_key(env.handle(0, 1), data::KeySlot::Primary, env.keys(0, 1, 0)).ok());
    ASSERT_TRUE(env.plane(1).install_key(env.handle(1, 1), data::KeySlot::Primary, env.keys(1, 1, 0)).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    auto c5 = control_packet(333, 5);
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, c5));
    ASSERT_TRUE(env.run_until([&] { return env.inbox(0, 1).size() >= 5; }, kBudget));
    EXPECT_EQ(env.inbox(0, 1).back(), c5);
}

// A data record that arrives before the receiver handed over is read by
// userspace, counted as dropped there, and never confused with control;
// traffic works once the receiver is set up.
TYPED_TEST_P(TcpContract, DataRecordBeforeTheHandoverIsDropped)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_TRUE(env.plane(1).add_peer(env.spec(1, 1)).ok());
    ASSERT_TRUE(env.plane(1).install_key(env.handle(1, 1), data::KeySlot::Primary, env.keys(1, 1, 0)).ok());
    auto early = make_payload(300, 0xE1);
    env.send_plain(1, env.vpn_ip(0), early);
    auto sync = control_packet(50, 7);
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, sync));
    ASSERT_TRUE(env.run_until([&] { return !env.inbox(0, 1).empty(); }, kBudget));
    EXPECT_EQ(env.inbox(0, 1).front(), sync) << "the data record must not show up as control";
    EXPECT_EQ(env.inbox(0, 1).size(), 1u);
    EXPECT_TRUE(env.delivered(0).empty());
    EXPECT_GE(drops_total(env.plane(0)), 1u) << env.name() << ": the early data record was not counted";
    ASSERT_TRUE(env.plane(0).add_peer(env.spec(0, 1)).ok());
    ASSERT_TRUE(env.plane(0).install_key(env.handle(0, 1), data::KeySlot::Primary, env.keys(0, 1, 0)).ok());
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
}

REGISTER_TYPED_TEST_SUITE_P(TcpContract, HandoverWithRecordsInFlight, DataRecordBeforeTheHandoverIsDropped);

// ============================================================================
template <class E> class MultiPeerContract : public ::testing::Test {
protected:
    E env;
};
TYPED_TEST_SUITE_P(MultiPeerContract);

// Two clients: each reaches the server and back; iroutes steer a network to
// the right client and follow set_iroutes' replacement; stats_all reports
// each peer with its own traffic.
TYPED_TEST_P(MultiPeerContract, TwoPeersIroutesAndStatsAll)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({true, 2}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    ASSERT_NO_FATAL_FAILURE(env.connect(2));
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 2, 3));
    EXPECT_TRUE(env.strays(2).empty()) << "client 2 saw client 1's traffic";

    ASSERT_NO_FATAL_FAILURE(env.add_local_address(1, "10.77.1.1"));
    ASSERT_NO_FATAL_FAILURE(env.add_local_address(2, "10.77.2.1"));
    ASSERT_NO_FATAL_FAILURE(env.add_local_address(2, "10.77.1.1"));
    auto& s = env.plane(0);
    ASSERT_TRUE(s.set_iroutes(1, {iroute("10.77.1.0", 24)}).ok());
    ASSERT_TRUE(s.set_iroutes(2, {iroute("10.77.2.0", 24)}).ok());
    // A datagram that went to the wrong client shows up there before the
    // next one that was meant for it (one path, in order): as a stray.
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, "10.77.1.1", 1, 10));
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, "10.77.2.1", 2, 11));
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, env.vpn_ip(1), 1, 12));
    EXPECT_TRUE(env.strays(1).empty()) << "client 1 got client 2's network";
    EXPECT_TRUE(env.strays(2).empty()) << "client 2 got client 1's network";
    // Move 10.77.1.0/24 to client 2: replaces both sets.
    ASSERT_TRUE(s.set_iroutes(1, {}).ok());
    ASSERT_TRUE(s.set_iroutes(2, {iroute("10.77.2.0", 24), iroute("10.77.1.0", 24)}).ok());
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, "10.77.1.1", 2, 13));
    ASSERT_NO_FATAL_FAILURE(crosses(env, 0, env.vpn_ip(1), 1, 14));
    EXPECT_TRUE(env.strays(1).empty()) << "the iroute of client 1 was not removed";
    EXPECT_TRUE(env.strays(2).empty());

    // stats_all: each peer with its own traffic, the same as stats().
    auto before = s.stats_all();
    ASSERT_TRUE(before.ok()) << before.error();
    for (int i = 0; i < 8; ++i)
        ASSERT_NO_FATAL_FAILURE(crosses(env, 1, env.vpn_ip(0), 0, static_cast<std::uint8_t>(40 + i), 600));
    ASSERT_NO_FATAL_FAILURE(crosses(env, 2, env.vpn_ip(0), 0, 60, 600));
    auto all = s.stats_all();
    ASSERT_TRUE(all.ok()) << all.error();
    ASSERT_EQ(all->size(), 2u);
    auto find = [](const auto& v, data::PeerId id) {
        for (const auto& [h, st] : v) {
            if (h == id)
                return st;
        }
        ADD_FAILURE() << "peer " << id << " missing from stats_all";
        return data::PeerStats{};
    };
    auto p1 = find(*all, 1), p2 = find(*all, 2), b1 = find(*before, 1), b2 = find(*before, 2);
    EXPECT_GE(p1.plain_rx_bytes - b1.plain_rx_bytes, 8u * 628);
    EXPECT_GE(p2.plain_rx_bytes - b2.plain_rx_bytes, 628u);
    EXPECT_LT(p2.plain_rx_bytes - b2.plain_rx_bytes, 8u * 628) << "client 1's traffic counted for client 2";
    auto one = s.stats(1);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one->plain_rx_packets, p1.plain_rx_packets);
}

// A client that vanishes is Gone (Expired) on the server; the other one
// keeps working.
TYPED_TEST_P(MultiPeerContract, OnlyTheVanishedPeerIsGone)
{
    auto& env = this->env;
    ASSERT_NO_FATAL_FAILURE(env.build({true, 2}));
    for (int k = 1; k <= 2; ++k) {
        ASSERT_NO_FATAL_FAILURE(env.connect(k));
        ASSERT_TRUE(
            env.plane(0).set_keepalive(env.handle(0, k), std::chrono::seconds(1), kKeepaliveTimeout).ok());
        ASSERT_TRUE(
            env.plane(k).set_keepalive(env.handle(k, k), std::chrono::seconds(1), kKeepaliveTimeout).ok());
    }
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 2, 1));
    env.vanish(2);
    ASSERT_TRUE(env.run_until([&] { return has_gone(env, 0, 2); }, std::chrono::seconds(60)));
    EXPECT_EQ(env.events(0).size(), 1u);
    EXPECT_EQ(env.events(0).front().reason, data::DelReason::Expired);
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 5));
    auto all = env.plane(0).stats_all();
    ASSERT_TRUE(all.ok());
    bool has1 = false;
    for (const auto& [id, st] : *all)
        has1 = has1 || (id == 1 && st.plain_rx_packets > 0);
    EXPECT_TRUE(has1) << "the surviving peer is missing from stats_all";
}

REGISTER_TYPED_TEST_SUITE_P(MultiPeerContract, TwoPeersIroutesAndStatsAll, OnlyTheVanishedPeerIsGone);

} // namespace ovpn::contract
