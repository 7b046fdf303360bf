// Two UserspaceDataPlanes joined by a FakeLink pair, each with a FakeTun:
// packets written into one tun come out of the other, through real crypto.
#include "openvpn/data/userspace_data_plane.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

#include "openvpn/wire/ping_occ.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

SecureBytes fill(std::size_t n, std::uint8_t seed)
{
    SecureBytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(seed + i);
    return b;
}

DataKeys make_keys(CipherAlg alg, bool side_a, std::uint8_t key_id = 0)
{
    DataKeys k;
    k.key_id = key_id;
    k.cipher = alg;
    DirectionKeys a2b, b2a;
    if (alg == CipherAlg::CbcHmac) {
        k.cipher_name = "AES-256-CBC";
        k.auth_name = "SHA256";
        a2b = {fill(32, 1 + key_id), {}, fill(32, 50 + key_id)};
        b2a = {fill(32, 100 + key_id), {}, fill(32, 150 + key_id)};
    } else {
        k.cipher_name = alg == CipherAlg::Chacha20Poly1305 ? "CHACHA20-POLY1305" : "AES-256-GCM";
        k.auth_name = "none";
        a2b = {fill(32, 1 + key_id), fill(8, 9 + key_id), {}};
        b2a = {fill(32, 100 + key_id), fill(8, 109 + key_id), {}};
    }
    k.encrypt = side_a ? a2b : b2a;
    k.decrypt = side_a ? b2a : a2b;
    return k;
}

std::vector<std::uint8_t> ip_packet(std::size_t len, std::uint8_t seed)
{
    std::vector<std::uint8_t> p(len, seed);
    p[0] = 0x45; // IPv4, not TCP: mssfix leaves it alone
    p[9] = 17;
    return p;
}

struct Side : test::Plane {
    test::FakeLink link;

    explicit Side(Compression comp = Compression::None, bool static_key = false, std::size_t fragment = 0)
        : test::Plane(config(static_key))
    {
        PeerSpec spec;
        spec.link = &link;
        spec.compression = comp;
        spec.fragment = fragment;
        EXPECT_TRUE(dp->add_peer(spec).ok());
    }
    static UserspaceConfig config(bool static_key)
    {
        UserspaceConfig cfg;
        cfg.allow_compression = true;
        cfg.static_key = static_key;
        return cfg;
    }
    // pump: deliver what the link got into the data plane; returns the
    // packets written to tun.
    std::size_t pump() { return deliver(link); }
};

struct Pair {
    Side a, b;
    explicit Pair(CipherAlg alg, Compression comp = Compression::None, bool static_key = false,
                  std::size_t fragment = 0)
        : a(comp, static_key, fragment), b(comp, static_key, fragment)
    {
        test::FakeLink::connect_pair(a.link, b.link);
        EXPECT_TRUE(a.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(alg, true)).ok());
        EXPECT_TRUE(b.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(alg, false)).ok());
    }
};

void expect_crossing(Side& from, Side& to, std::size_t n, std::size_t len)
{
    to.tun->written().clear();
    for (std::size_t i = 0; i < n; ++i)
        from.tun->inject(ip_packet(len, static_cast<std::uint8_t>(i)));
    EXPECT_EQ(from.dp->on_tun_readable(from.clock.now()), n);
    EXPECT_EQ(to.pump(), n);
    ASSERT_EQ(to.tun->written().size(), n);
    for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(to.tun->written()[i], ip_packet(len, static_cast<std::uint8_t>(i)));
}

} // namespace

class Ciphers : public ::testing::TestWithParam<CipherAlg> {};

TEST_P(Ciphers, BatchCrossesBothWays)
{
    Pair p(GetParam());
    expect_crossing(p.a, p.b, 40, 1400);
    expect_crossing(p.b, p.a, 3, 60);
    auto st = p.a.dp->stats(kP2pPeerId);
    ASSERT_TRUE(st.ok());
    // our side's view: 40 taken from tun and sent to the peer, 3 from the
    // peer written to tun
    EXPECT_EQ(st->plain_tx_packets, 40u);
    EXPECT_EQ(st->plain_rx_packets, 3u);
    EXPECT_EQ(st->link_tx_packets, 40u);
    EXPECT_EQ(st->link_rx_packets, 3u);
    auto other = p.b.dp->stats(kP2pPeerId);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other->plain_rx_packets, 40u);
    EXPECT_EQ(other->plain_tx_packets, 3u);
    EXPECT_EQ(other->plain_rx_bytes, 40u * 1400);
    EXPECT_EQ(other->plain_tx_bytes, 3u * 60);
    EXPECT_EQ(p.a.dp->drops().total(), 0u);
    EXPECT_EQ(p.b.dp->drops().total(), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, Ciphers,
                         ::testing::Values(CipherAlg::Aes256Gcm, CipherAlg::Chacha20Poly1305,
                                           CipherAlg::CbcHmac));

TEST(UserspaceDataPlane, DataV1ByDefaultAndV2WithPeerId)
{
    Pair p(CipherAlg::Aes256Gcm);
    p.a.tun->inject(ip_packet(100, 1));
    p.a.dp->on_tun_readable(p.a.clock.now());
    ASSERT_EQ(p.a.link.sent().size(), 1u);
    EXPECT_EQ(p.a.link.sent()[0][0], 0x30); // P_DATA_V1, key id 0
    p.b.pump();

    // the same peer again, now with a tx peer id
    ASSERT_TRUE(p.a.dp->del_peer(kP2pPeerId).ok());
    PeerSpec spec;
    spec.link = &p.a.link;
    spec.tx_peer_id = 7;
    ASSERT_TRUE(p.a.dp->add_peer(spec).ok());
    ASSERT_TRUE(
        p.a.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, true, 1)).ok());
    ASSERT_TRUE(
        p.b.dp->install_key(kP2pPeerId, KeySlot::Secondary, make_keys(CipherAlg::Aes256Gcm, false, 1)).ok());
    p.a.tun->inject(ip_packet(100, 2));
    p.a.dp->on_tun_readable(p.a.clock.now());
    const auto& pkt = p.a.link.sent().back();
    EXPECT_EQ(pkt[0], 0x49); // P_DATA_V2, key id 1
    EXPECT_EQ((pkt[1] << 16) | (pkt[2] << 8) | pkt[3], 7);
    EXPECT_EQ(p.b.pump(), 1u); // b decrypts with its secondary slot (key id 1)
}

TEST(UserspaceDataPlane, ReplayAndTamperingAreCountedDrops)
{
    Pair p(CipherAlg::Aes256Gcm);
    p.a.tun->inject(ip_packet(200, 3));
    p.a.dp->on_tun_readable(p.a.clock.now());
    auto copy = p.b.link.inbox().front();
    EXPECT_EQ(p.b.pump(), 1u);
    p.b.link.deliver(copy); // replayed
    EXPECT_EQ(p.b.pump(), 0u);
    EXPECT_EQ(p.b.dp->drops().get(Drop::Replay), 1u);
    copy.back() ^= 1; // tampered (and would be a replay too: auth comes first)
    p.b.link.deliver(copy);
    EXPECT_EQ(p.b.pump(), 0u);
    EXPECT_EQ(p.b.dp->drops().get(Drop::AuthFailed), 1u);
    p.b.link.deliver(std::vector<std::uint8_t>{0x30});
    EXPECT_EQ(p.b.pump(), 0u);
    EXPECT_EQ(p.b.dp->drops().get(Drop::TooShort), 1u);
    p.b.link.deliver(std::vector<std::uint8_t>(40, 0x33)); // key id 3: none
    EXPECT_EQ(p.b.pump(), 0u);
    EXPECT_EQ(p.b.dp->drops().get(Drop::UnknownKeyId), 1u);
}

TEST(UserspaceDataPlane, SwapKeysKeepsLameDuckForReceive)
{
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(
        p.a.dp->install_key(kP2pPeerId, KeySlot::Secondary, make_keys(CipherAlg::Aes256Gcm, true, 1)).ok());
    ASSERT_TRUE(
        p.b.dp->install_key(kP2pPeerId, KeySlot::Secondary, make_keys(CipherAlg::Aes256Gcm, false, 1)).ok());
    // b still sends with key 0 while a has already swapped to key 1.
    ASSERT_TRUE(p.a.dp->swap_keys(kP2pPeerId).ok());
    expect_crossing(p.b, p.a, 2, 300);
    expect_crossing(p.a, p.b, 2, 300);
    EXPECT_EQ(p.a.link.sent().back()[0] & 7, 1);
    ASSERT_TRUE(p.a.dp->del_key(kP2pPeerId, KeySlot::Secondary).ok());
    p.b.tun->inject(ip_packet(50, 1));
    p.b.dp->on_tun_readable(p.b.clock.now());
    EXPECT_EQ(p.a.pump(), 0u);
    EXPECT_EQ(p.a.dp->drops().get(Drop::UnknownKeyId), 1u);
}

TEST(UserspaceDataPlane, NoKeyNoLinkAreDrops)
{
    Side s;
    s.tun->inject(ip_packet(60, 1));
    EXPECT_EQ(s.dp->on_tun_readable(s.clock.now()), 1u);
    EXPECT_EQ(s.dp->drops().get(Drop::NoKey), 1u);
    EXPECT_TRUE(s.link.sent().empty());
}

TEST(UserspaceDataPlane, CompressionFramingCrosses)
{
    for (auto c :
         {Compression::Lz4V2, Compression::StubV2, Compression::Lz4, Compression::Stub, Compression::LzoNo}) {
        Pair p(CipherAlg::Aes256Gcm, c);
        expect_crossing(p.a, p.b, 5, 1000);
        expect_crossing(p.b, p.a, 5, 40);
    }
}

TEST(UserspaceDataPlane, StaticKeyMode)
{
    Pair p(CipherAlg::CbcHmac, Compression::None, true);
    expect_crossing(p.a, p.b, 4, 500);
    // --secret packets carry no opcode byte: HMAC-SHA256 || IV || AES-CBC(packet id, time, payload).
    // The HMAC must cover everything after it, starting at byte 0 of the datagram.
    const auto& pkt = p.a.link.sent()[0];
    ASSERT_EQ(pkt.size(), 32u + 16u + 512u); // 4 + 4 + 500 bytes padded to 512
    const auto hmac_key = fill(32, 50);      // a->b HMAC key of make_keys
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    ASSERT_NE(HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()), pkt.data() + 32,
                   pkt.size() - 32, mac.data(), &mac_len),
              nullptr);
    ASSERT_EQ(mac_len, 32u);
    EXPECT_TRUE(std::equal(mac.begin(), mac.begin() + 32, pkt.begin()));
}

TEST(UserspaceDataPlane, KeepalivePingsAndExpiresFromItsOwnTimer)
{
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(p.a.dp->set_keepalive(kP2pPeerId, std::chrono::seconds(10), std::chrono::seconds(60)).ok());
    p.a.clock.advance(std::chrono::seconds(9));
    p.a.settle();
    EXPECT_TRUE(p.a.link.sent().empty()); // not yet
    p.a.clock.advance(std::chrono::seconds(1));
    p.a.settle();
    ASSERT_EQ(p.a.link.sent().size(), 1u); // one ping
    EXPECT_EQ(p.b.pump(), 0u);             // consumed, not written to tun
    EXPECT_TRUE(p.b.tun->written().empty());
    EXPECT_EQ(p.b.dp->drops().total(), 0u);
    auto st = p.a.dp->stats(kP2pPeerId);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->plain_tx_packets, 0u); // a ping is not tunnel traffic
    EXPECT_EQ(st->link_tx_packets, 1u);
    EXPECT_TRUE(p.a.events.empty());
    p.a.clock.advance(std::chrono::seconds(50));
    p.a.settle();
    ASSERT_EQ(p.a.events.size(), 1u);
    EXPECT_EQ(p.a.events[0].kind, PeerEventKind::Gone);
    EXPECT_EQ(p.a.events[0].reason, DelReason::Expired);
    // Gone: no more traffic, no second event, the counts still readable
    p.a.tun->inject(ip_packet(60, 1));
    p.a.dp->on_tun_readable(p.a.clock.now());
    EXPECT_EQ(p.a.dp->drops().get(Drop::UnknownPeer), 1u);
    p.a.clock.advance(std::chrono::seconds(100));
    p.a.settle();
    EXPECT_EQ(p.a.events.size(), 1u);
    EXPECT_EQ(p.a.link.sent().size(), 1u);
    EXPECT_TRUE(p.a.dp->stats(kP2pPeerId).ok());
    EXPECT_TRUE(p.a.dp->del_peer(kP2pPeerId).ok());
}

TEST(UserspaceDataPlane, TrafficPostponesTheKeepalive)
{
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(p.a.dp->set_keepalive(kP2pPeerId, std::chrono::seconds(10), std::chrono::seconds(60)).ok());
    for (int i = 0; i < 10; ++i) {
        p.a.clock.advance(std::chrono::seconds(8));
        p.b.clock.advance(std::chrono::seconds(8));
        expect_crossing(p.b, p.a, 1, 100); // a hears from b
        expect_crossing(p.a, p.b, 1, 100); // a sends
        p.a.settle();
    }
    EXPECT_EQ(p.a.link.sent().size(), 10u); // data only, no ping
    EXPECT_TRUE(p.a.events.empty());
    p.a.clock.advance(std::chrono::seconds(2));
    p.a.dp->note_control(kP2pPeerId, false, p.a.clock.now()); // a control packet went out
    p.a.clock.advance(std::chrono::seconds(9));
    p.a.settle();
    EXPECT_EQ(p.a.link.sent().size(), 10u);
    p.a.clock.advance(std::chrono::seconds(1));
    p.a.settle();
    EXPECT_EQ(p.a.link.sent().size(), 11u); // the ping
}

TEST(UserspaceDataPlane, OccExitIsReportedFromTheLoop)
{
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(p.a.dp->send_exit_notify(kP2pPeerId, p.a.clock.now()).ok());
    EXPECT_EQ(p.b.pump(), 0u);
    EXPECT_TRUE(p.b.events.empty()); // never from inside on_link_data
    p.b.settle();
    ASSERT_EQ(p.b.events.size(), 1u);
    EXPECT_EQ(p.b.events[0].kind, PeerEventKind::RemoteExit);
    EXPECT_EQ(p.b.events[0].id, kP2pPeerId);
    p.b.settle();
    EXPECT_EQ(p.b.events.size(), 1u);
}

TEST(UserspaceDataPlane, DelPeerDropsItsPendingEvents)
{
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(p.a.dp->send_exit_notify(kP2pPeerId, p.a.clock.now()).ok());
    EXPECT_EQ(p.b.pump(), 0u);
    ASSERT_TRUE(p.b.dp->del_peer(kP2pPeerId).ok());
    p.b.settle();
    EXPECT_TRUE(p.b.events.empty());
}

TEST(UserspaceDataPlane, AttachIsOnceOnly)
{
    Side s;
    EXPECT_FALSE(s.dp->attach(s.loop, {}).ok());
}

// A sink that destroys the data plane (as a client's restart does) ends
// the delivery: the second event dies with it.
TEST(UserspaceDataPlane, SinkMayDestroyTheDataPlane)
{
    FakeClock clock;
    io::EventLoop loop{clock};
    test::FakeLink link;
    int calls = 0;
    auto dp = std::make_unique<UserspaceDataPlane>(std::make_unique<test::FakeTun>(), UserspaceConfig{});
    ASSERT_TRUE(dp->attach(loop, [&](const PeerEvent&) {
                      ++calls;
                      dp.reset();
                  }).ok());
    for (PeerId id : {0u, 1u}) {
        PeerSpec spec;
        spec.id = id;
        spec.link = &link;
        ASSERT_TRUE(dp->add_peer(spec).ok());
        ASSERT_TRUE(dp->set_keepalive(id, std::chrono::seconds(0), std::chrono::seconds(5)).ok());
    }
    clock.advance(std::chrono::seconds(5));
    for (int i = 0; i < 4; ++i)
        (void)loop.run_once(std::chrono::milliseconds(0));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(dp, nullptr);
}

TEST(UserspaceDataPlane, DeviceStatsAllAndDropCounts)
{
    Side s;
    EXPECT_EQ(s.dp->device().name, "faketun0");
    EXPECT_EQ(s.dp->device().ifindex, 0u); // no such interface on the host
    EXPECT_EQ(s.dp->name(), "userspace");
    EXPECT_FALSE(s.dp->needs_net_admin());
    EXPECT_TRUE(s.dp->drop_counts().empty());
    s.tun->inject(ip_packet(60, 1));
    s.dp->on_tun_readable(s.clock.now());
    auto d = s.dp->drop_counts();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].first, "no-key");
    EXPECT_EQ(d[0].second, 1u);
    auto all = s.dp->stats_all();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().first, kP2pPeerId);
}

TEST(UserspaceDataPlane, TunReadsComeFromTheLoop)
{
    Pair p(CipherAlg::Aes256Gcm);
    p.a.tun->inject(ip_packet(100, 1));
    p.a.settle(); // the loop sees the tun readable; nobody calls on_tun_readable
    ASSERT_EQ(p.a.link.sent().size(), 1u);
    EXPECT_EQ(p.b.pump(), 1u);
}

TEST(UserspaceDataPlane, UnconnectedUdpSendsToTheRemoteAndFollowsFloats)
{
    // A FakeLink has no connected peer: the plane passes the remote along.
    Pair p(CipherAlg::Aes256Gcm);
    ASSERT_TRUE(p.a.dp->del_peer(kP2pPeerId).ok());
    PeerSpec spec;
    spec.link = &p.a.link;
    ASSERT_TRUE(p.a.dp->add_peer(spec).ok());
    ASSERT_TRUE(
        p.a.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, true)).ok());
    auto to = io::SockAddr::parse_numeric("192.0.2.9", 1194);
    ASSERT_TRUE(to.ok());
    ASSERT_TRUE(p.a.dp->update_remote(kP2pPeerId, *to, io::LocalEnd{}).ok());
    expect_crossing(p.a, p.b, 1, 100);
    ASSERT_EQ(p.a.link.sent_to().size(), 1u);
    EXPECT_EQ(p.a.link.sent_to()[0], *to);
    EXPECT_FALSE(p.a.dp->update_remote(5, *to, io::LocalEnd{}).ok());
}

TEST(UserspaceDataPlane, KeyExhaustedIsReportedOnce)
{
    // keys whose send counter starts just below 2.6's renegotiation mark
    // (0xFF000000)
    UserspaceConfig cfg;
    cfg.tx_packet_id_start = 0xFEFFFFFEu;
    test::Plane a(cfg);
    test::FakeLink link;
    PeerSpec spec;
    spec.link = &link;
    ASSERT_TRUE(a.dp->add_peer(spec).ok());
    ASSERT_TRUE(a.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, true)).ok());
    a.tun->inject(ip_packet(60, 1));
    a.dp->on_tun_readable(a.clock.now());
    a.settle();
    EXPECT_TRUE(a.events.empty());
    for (int i = 0; i < 3; ++i)
        a.tun->inject(ip_packet(60, 2));
    a.dp->on_tun_readable(a.clock.now());
    EXPECT_TRUE(a.events.empty()); // from the loop only
    a.settle();
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0].kind, PeerEventKind::KeyExhausted);
    EXPECT_EQ(link.sent().size(), 4u);
    // a new primary key re-arms the report
    ASSERT_TRUE(
        a.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, true, 1)).ok());
    a.tun->inject(ip_packet(60, 3));
    a.tun->inject(ip_packet(60, 3));
    a.dp->on_tun_readable(a.clock.now());
    a.settle();
    EXPECT_EQ(a.events.size(), 2u);
}

TEST(UserspaceDataPlane, FragmentSplitsBigPacketsAndReassembles)
{
    Pair p(CipherAlg::Aes256Gcm, Compression::StubV2, false, 600);
    expect_crossing(p.a, p.b, 3, 1400); // 3 pieces each
    for (const auto& pkt : p.a.link.sent())
        EXPECT_LE(pkt.size(), 600u);
    EXPECT_EQ(p.a.link.sent().size(), 9u);
    expect_crossing(p.b, p.a, 2, 100); // whole packets with a header
    EXPECT_EQ(p.a.dp->drops().total() + p.b.dp->drops().total(), 0u);
}

namespace {

// A server data plane with two client peers (ids 0 and 1, tunnel addresses
// 10.8.0.2 and 10.8.0.3), each joined by its own FakeLink pair to a client
// Side; the two clients use different keys.
struct Star : test::Plane {
    test::FakeLink link_a, link_b;
    Side a, b;

    explicit Star(bool c2c) : test::Plane(config(c2c))
    {
        add(0, "10.8.0.2", link_a, a);
        add(1, "10.8.0.3", link_b, b);
    }
    static UserspaceConfig config(bool c2c)
    {
        UserspaceConfig cfg;
        cfg.client_to_client = c2c;
        return cfg;
    }
    void add(PeerId id, const char* addr, test::FakeLink& link, Side& client)
    {
        PeerSpec spec;
        spec.id = id;
        spec.link = &link;
        in_addr v4{};
        inet_pton(AF_INET, addr, &v4);
        spec.vpn_ipv4 = v4;
        in6_addr v6{};
        inet_pton(AF_INET6, id == 0 ? "fd94::2" : "fd94::3", &v6);
        spec.vpn_ipv6 = v6;
        ASSERT_TRUE(dp->add_peer(spec).ok());
        test::FakeLink::connect_pair(link, client.link);
        const auto kid = static_cast<std::uint8_t>(id);
        ASSERT_TRUE(dp->install_key(id, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, false, kid)).ok());
        ASSERT_TRUE(
            client.dp->install_key(kP2pPeerId, KeySlot::Primary, make_keys(CipherAlg::Aes256Gcm, true, kid))
                .ok());
    }
    // server_pump: deliver what the server's link for `id` got; returns the
    // packets written to the server's tun.
    std::size_t server_pump(PeerId id) { return deliver(id == 0 ? link_a : link_b, id); }
};

std::vector<std::uint8_t> ip_to(const char* dst, std::uint8_t seed)
{
    auto p = ip_packet(100, seed);
    inet_pton(AF_INET, dst, p.data() + 16);
    return p;
}

} // namespace

TEST(UserspaceDataPlane, ClientToClientForwardsToTheOtherPeer)
{
    Star s(true);
    const auto pkt = ip_to("10.8.0.3", 7);
    s.a.tun->inject(pkt);
    ASSERT_EQ(s.a.dp->on_tun_readable(s.a.clock.now()), 1u);
    EXPECT_EQ(s.server_pump(0), 0u); // nothing written to tun
    EXPECT_TRUE(s.tun->written().empty());
    EXPECT_EQ(s.dp->c2c_packets(), 1u);
    ASSERT_EQ(s.link_b.sent().size(), 1u); // encrypted for B, on B's link
    EXPECT_TRUE(s.link_a.sent().empty());
    EXPECT_EQ(s.b.pump(), 1u);
    ASSERT_EQ(s.b.tun->written().size(), 1u);
    EXPECT_EQ(s.b.tun->written()[0], pkt);
    EXPECT_EQ(s.a.pump(), 0u);

    // to the sender's own address or to no client: tun, as without the flag
    s.a.tun->inject(ip_to("10.8.0.2", 8));
    s.a.tun->inject(ip_to("10.8.0.1", 9));
    ASSERT_EQ(s.a.dp->on_tun_readable(s.a.clock.now()), 2u);
    EXPECT_EQ(s.server_pump(0), 2u);
    EXPECT_EQ(s.tun->written().size(), 2u);
    EXPECT_EQ(s.dp->c2c_packets(), 1u);
    EXPECT_EQ(s.link_b.sent().size(), 1u);
    EXPECT_EQ(s.dp->drops().total(), 0u);
    EXPECT_EQ(s.b.dp->drops().total(), 0u);
}

TEST(UserspaceDataPlane, WithoutClientToClientPeerTrafficGoesToTun)
{
    Star s(false);
    const auto pkt = ip_to("10.8.0.3", 7);
    s.a.tun->inject(pkt);
    ASSERT_EQ(s.a.dp->on_tun_readable(s.a.clock.now()), 1u);
    EXPECT_EQ(s.server_pump(0), 1u);
    ASSERT_EQ(s.tun->written().size(), 1u);
    EXPECT_EQ(s.tun->written()[0], pkt);
    EXPECT_EQ(s.dp->c2c_packets(), 0u);
    EXPECT_TRUE(s.link_b.sent().empty());
}

TEST(UserspaceDataPlane, ClientToClientIpv6)
{
    Star s(true);
    std::vector<std::uint8_t> pkt(80, 3);
    pkt[0] = 0x60;
    pkt[6] = 17;
    inet_pton(AF_INET6, "fd94::2", pkt.data() + 8);
    inet_pton(AF_INET6, "fd94::3", pkt.data() + 24);
    s.a.tun->inject(pkt);
    ASSERT_EQ(s.a.dp->on_tun_readable(s.a.clock.now()), 1u);
    EXPECT_EQ(s.server_pump(0), 0u);
    EXPECT_TRUE(s.tun->written().empty());
    EXPECT_EQ(s.dp->c2c_packets(), 1u);
    EXPECT_EQ(s.b.pump(), 1u);
    ASSERT_EQ(s.b.tun->written().size(), 1u);
    EXPECT_EQ(s.b.tun->written()[0], pkt);
}

TEST(UserspaceDataPlane, ClientToClientCopiesMulticastToOthersAndTun)
{
    Star s(true);
    const auto pkt = ip_to("224.0.0.251", 5);
    s.a.tun->inject(pkt);
    ASSERT_EQ(s.a.dp->on_tun_readable(s.a.clock.now()), 1u);
    EXPECT_EQ(s.server_pump(0), 1u);
    ASSERT_EQ(s.tun->written().size(), 1u);
    EXPECT_EQ(s.tun->written()[0], pkt);
    EXPECT_EQ(s.dp->c2c_packets(), 1u);
    EXPECT_TRUE(s.link_a.sent().empty()); // never back to the sender
    EXPECT_EQ(s.b.pump(), 1u);
    ASSERT_EQ(s.b.tun->written().size(), 1u);
    EXPECT_EQ(s.b.tun->written()[0], pkt);

    Star off(false);
    off.a.tun->inject(pkt);
    ASSERT_EQ(off.a.dp->on_tun_readable(off.a.clock.now()), 1u);
    EXPECT_EQ(off.server_pump(0), 1u);
    EXPECT_TRUE(off.link_b.sent().empty());
}
