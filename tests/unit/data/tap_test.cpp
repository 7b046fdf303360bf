// --dev tap on the userspace path: Ethernet parsing, the MAC table, and a
// tap P2MP server's routing by MAC (2.6's multi.c in tap mode): learning
// from the source MAC of a client's frames, unicast to the learned owner,
// broadcast to everyone, unknown unicast from tun dropped, and --mssfix on
// the IP packet inside the frame.
#include <algorithm>
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "openvpn/data/ethernet.hpp"
#include "openvpn/data/mac_table.hpp"
#include "openvpn/data/mssfix.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

MacAddr mac(const char* s)
{
    auto m = parse_mac(s);
    EXPECT_TRUE(m.has_value()) << s;
    return m.value_or(MacAddr{});
}

// frame: dst, src, ethertype, then `payload` bytes of 0x33 (or an IPv4 TCP
// SYN with an MSS option of 1460 when syn is set); vid != 0 adds an 802.1Q tag.
std::vector<std::uint8_t> frame(const char* dst, const char* src, std::uint16_t type, bool syn = false,
                                std::uint16_t vid = 0)
{
    std::vector<std::uint8_t> f;
    for (auto b : mac(dst).b)
        f.push_back(b);
    for (auto b : mac(src).b)
        f.push_back(b);
    if (vid) {
        f.insert(f.end(), {0x81, 0x00, static_cast<std::uint8_t>(vid >> 8), static_cast<std::uint8_t>(vid)});
    }
    f.push_back(static_cast<std::uint8_t>(type >> 8));
    f.push_back(static_cast<std::uint8_t>(type));
    if (!syn) {
        f.resize(f.size() + 46, 0x33);
        return f;
    }
    std::vector<std::uint8_t> ip(44, 0);
    ip[0] = 0x45;
    ip[3] = 44;
    ip[8] = 64;
    ip[9] = 6; // TCP
    inet_pton(AF_INET, "10.8.0.2", ip.data() + 12);
    inet_pton(AF_INET, "10.8.0.1", ip.data() + 16);
    ip[20 + 12] = 6 << 4; // data offset: 24 bytes
    ip[20 + 13] = 0x02;   // SYN
    ip[40] = 2;           // MSS option
    ip[41] = 4;
    ip[42] = 1460 >> 8;
    ip[43] = 1460 & 0xff;
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

std::uint16_t mss_in(const std::vector<std::uint8_t>& f, std::size_t ip_at)
{
    return static_cast<std::uint16_t>((f[ip_at + 42] << 8) | f[ip_at + 43]);
}

constexpr const char* kBcast = "ff:ff:ff:ff:ff:ff";
constexpr const char* kMac0 = "02:00:00:00:00:10"; // behind client 0
constexpr const char* kMac1 = "02:00:00:00:00:11"; // behind client 1
constexpr const char* kLan = "02:00:00:00:00:99";  // on the server's bridge

SecureBytes pattern(std::size_t n, std::uint8_t seed)
{
    SecureBytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(seed * 7 + i);
    return b;
}

DataKeys keys(std::uint8_t id, bool client)
{
    DataKeys k;
    k.key_id = 0;
    k.cipher = CipherAlg::Aes256Gcm;
    k.cipher_name = "AES-256-GCM";
    k.auth_name = "none";
    DirectionKeys up{pattern(32, id), pattern(8, id + 40), {}};
    DirectionKeys down{pattern(32, id + 80), pattern(8, id + 120), {}};
    k.encrypt = client ? up : down;
    k.decrypt = client ? down : up;
    return k;
}

UserspaceConfig tap_config(bool multi, bool c2c = false)
{
    UserspaceConfig cfg;
    cfg.tap = true;
    cfg.multi_peer = multi;
    cfg.client_to_client = c2c;
    return cfg;
}

struct Client : test::Plane {
    test::FakeLink link;

    explicit Client(std::uint8_t id, std::uint16_t mssfix = 0, UserspaceConfig cfg = tap_config(false))
        : test::Plane(cfg)
    {
        PeerSpec spec;
        spec.link = &link;
        spec.mssfix = mssfix;
        EXPECT_TRUE(dp->add_peer(spec).ok());
        EXPECT_TRUE(dp->install_key(kP2pPeerId, KeySlot::Primary, keys(id, true)).ok());
    }
    std::size_t received() { return deliver(link); }
    void send(const std::vector<std::uint8_t>& f)
    {
        tun->inject(f);
        EXPECT_EQ(dp->on_tun_readable(clock.now()), 1u);
    }
};

// Server: a tap P2MP server with clients 0 and 1.
struct Server : test::Plane {
    test::FakeLink link[2];
    Client c0{0}, c1{1};

    explicit Server(bool c2c = false) : test::Plane(tap_config(true, c2c))
    {
        add(0, c0);
        add(1, c1);
    }
    void add(PeerId id, Client& c)
    {
        PeerSpec spec;
        spec.id = id;
        spec.link = &link[id];
        ASSERT_TRUE(dp->add_peer(spec).ok());
        test::FakeLink::connect_pair(link[id], c.link);
        ASSERT_TRUE(dp->install_key(id, KeySlot::Primary, keys(static_cast<std::uint8_t>(id), false)).ok());
    }
    std::size_t from_client(PeerId id) { return deliver(link[id], id); }
    // route: a frame injected into the server's tap; bit 0: client 0 got
    // it, bit 1: client 1.
    int route(const std::vector<std::uint8_t>& f)
    {
        tun->inject(f);
        (void)dp->on_tun_readable(clock.now());
        return (c0.received() == 1 ? 1 : 0) | (c1.received() == 1 ? 2 : 0);
    }
};

} // namespace

TEST(Ethernet, ParsesHeadersAndFindsTheIpPacket)
{
    auto f = frame(kBcast, kMac0, kEthTypeIpv4, true);
    auto e = parse_ethernet(f);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->dst.group());
    EXPECT_FALSE(e->src.group());
    EXPECT_EQ(mac_string(e->src), kMac0);
    EXPECT_EQ(e->ethertype, kEthTypeIpv4);
    EXPECT_EQ(ip_offset(f), 14u);
    auto tagged = frame(kMac1, kMac0, kEthTypeIpv4, true, 42);
    auto t = parse_ethernet(tagged);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->vid, 42);
    EXPECT_EQ(ip_offset(tagged), 18u);
    // ARP, a wrong version nibble, a runt: no IP packet
    EXPECT_FALSE(ip_offset(frame(kBcast, kMac0, 0x0806)));
    EXPECT_FALSE(ip_offset(frame(kBcast, kMac0, kEthTypeIpv6)));
    EXPECT_FALSE(parse_ethernet(std::vector<std::uint8_t>(13, 0)));
    EXPECT_FALSE(ip_offset(std::vector<std::uint8_t>(14, 0)));
}

TEST(Ethernet, MacText)
{
    EXPECT_EQ(mac_string(mac("02:AB:cd:00:10:ff")), "02:ab:cd:00:10:ff");
    EXPECT_FALSE(parse_mac("02:ab:cd:00:10"));
    EXPECT_FALSE(parse_mac("02:ab:cd:00:10:fg"));
    EXPECT_FALSE(parse_mac("02-ab-cd-00-10-ff"));
    EXPECT_TRUE(mac("01:00:5e:00:00:fb").group());
}

// --stale-routes-check on tap: a MAC neither learned again nor looked up
// for the ageing time goes (with its owner), a used one stays, and the next
// frame from the host learns it again.
TEST(MacTable, ExpiresIdleMacsAndLearnsThemAgain)
{
    MacTable t;
    t.set_now(100);
    EXPECT_EQ(t.learn(mac(kMac0), 0, 7), MacTable::Learn::Added);
    EXPECT_EQ(t.learn(mac(kMac1), 3, 8), MacTable::Learn::Added);
    t.set_now(105);
    EXPECT_EQ(t.lookup(mac(kMac1), 3), 8u); // used
    t.set_now(109);
    EXPECT_TRUE(t.expire(10).empty());
    t.set_now(110);
    auto gone = t.expire(10);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].id, 7u);
    EXPECT_TRUE(gone[0].is_mac);
    EXPECT_EQ(mac_string(MacAddr{gone[0].mac}), kMac0);
    EXPECT_FALSE(t.lookup(mac(kMac0), 0));
    EXPECT_EQ(t.count(7), 0u);
    EXPECT_EQ(t.lookup(mac(kMac1), 3), 8u);
    EXPECT_EQ(t.learn(mac(kMac0), 0, 7), MacTable::Learn::Added); // learned again
    t.set_now(200);
    gone = t.expire(10);
    ASSERT_EQ(gone.size(), 2u);
    EXPECT_EQ(t.size(), 0u);
}

TEST(MacTable, LearnsMovesForgetsAndCapsPerPeer)
{
    MacTable t(2);
    EXPECT_EQ(t.learn(mac(kMac0), 0, 7), MacTable::Learn::Added);
    EXPECT_EQ(t.learn(mac(kMac0), 0, 7), MacTable::Learn::Known);
    EXPECT_EQ(t.lookup(mac(kMac0), 0), 7u);
    EXPECT_FALSE(t.lookup(mac(kMac0), 5));                        // another VLAN
    EXPECT_EQ(t.learn(mac(kMac0), 0, 8), MacTable::Learn::Moved); // the host roamed
    EXPECT_EQ(t.lookup(mac(kMac0), 0), 8u);
    EXPECT_EQ(t.count(7), 0u);
    EXPECT_EQ(t.learn(mac(kBcast), 0, 7), MacTable::Learn::Refused);
    EXPECT_EQ(t.learn(MacAddr{}, 0, 7), MacTable::Learn::Refused);
    EXPECT_EQ(t.learn(mac(kMac1), 0, 8), MacTable::Learn::Added);
    EXPECT_EQ(t.learn(mac(kLan), 0, 8), MacTable::Learn::Refused); // at the cap
    EXPECT_EQ(t.count(8), 2u);
    t.forget(8);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_FALSE(t.lookup(mac(kMac1), 0));
}

TEST(TapPlane, P2pCarriesFramesAndClampsMssInside)
{
    Client a(0, 1300), b(0);
    test::FakeLink::connect_pair(a.link, b.link);
    ASSERT_TRUE(b.dp->del_key(kP2pPeerId, KeySlot::Primary).ok());
    DataKeys k = keys(0, false);
    ASSERT_TRUE(b.dp->install_key(kP2pPeerId, KeySlot::Primary, k).ok());
    auto arp = frame(kBcast, kMac0, 0x0806);
    a.send(arp);
    ASSERT_EQ(b.received(), 1u);
    EXPECT_EQ(b.tun->written().back(), arp);
    a.send(frame(kMac1, kMac0, kEthTypeIpv4, true));
    ASSERT_EQ(b.received(), 1u);
    EXPECT_EQ(mss_in(b.tun->written().back(), 14), 1300);
    a.send(frame(kMac1, kMac0, kEthTypeIpv4, true, 9));
    ASSERT_EQ(b.received(), 1u);
    EXPECT_EQ(mss_in(b.tun->written().back(), 18), 1300);
}

TEST(TapPlane, ServerLearnsMacsAndRoutesFramesByThem)
{
    Server s;
    // nothing learned yet: unicast from the bridge has no owner (2.6 drops it)
    EXPECT_EQ(s.route(frame(kMac0, kLan, kEthTypeIpv4)), 0);
    EXPECT_EQ(s.dp->drops().get(Drop::UnknownPeer), 1u);
    // broadcast (ARP) goes to every client
    EXPECT_EQ(s.route(frame(kBcast, kLan, 0x0806)), 3);
    EXPECT_EQ(s.route(frame("01:00:5e:00:00:fb", kLan, kEthTypeIpv4)), 3);
    // each client's frames reach the bridge and teach the table
    s.c0.send(frame(kBcast, kMac0, 0x0806));
    s.c1.send(frame(kLan, kMac1, kEthTypeIpv4));
    EXPECT_EQ(s.from_client(0), 1u);
    EXPECT_EQ(s.from_client(1), 1u);
    EXPECT_EQ(s.route(frame(kMac0, kLan, kEthTypeIpv4)), 1);
    EXPECT_EQ(s.route(frame(kMac1, kLan, kEthTypeIpv4)), 2);
    // a MAC that moves to the other client follows it
    s.c1.send(frame(kLan, kMac0, kEthTypeIpv4));
    EXPECT_EQ(s.from_client(1), 1u);
    EXPECT_EQ(s.route(frame(kMac0, kLan, kEthTypeIpv4)), 2);
    // a client that goes takes its MACs with it
    ASSERT_TRUE(s.dp->del_peer(1).ok());
    EXPECT_EQ(s.route(frame(kMac0, kLan, kEthTypeIpv4)), 0);
    // a group source MAC is not a host: dropped as 2.6's bad source
    s.c0.send(frame(kLan, kBcast, kEthTypeIpv4));
    EXPECT_EQ(s.from_client(0), 0u);
    EXPECT_EQ(s.dp->drops().get(Drop::BadSource), 1u);
}

// The learner (--learn-address) is asked once per MAC a client brings, with
// "moved" when another client had it; a refusal drops the frame and leaves
// the MAC unlearned, so the next frame asks again (2.6's Learn FAILED).
TEST(TapPlane, LearnerIsAskedForNewAndMovedMacsAndCanRefuse)
{
    Server s;
    struct Call {
        PeerId id;
        std::array<std::uint8_t, 6> mac;
        std::uint16_t vid;
        bool moved;
    };
    std::vector<Call> calls;
    bool allow = true;
    s.dp->set_mac_learner(
        [&](PeerId id, const std::array<std::uint8_t, 6>& m, std::uint16_t vid, bool moved) {
            calls.push_back({id, m, vid, moved});
            return allow;
        });
    s.c0.send(frame(kLan, kMac0, kEthTypeIpv4));
    s.c0.send(frame(kLan, kMac0, kEthTypeIpv4)); // known: not asked again
    EXPECT_EQ(s.from_client(0), 2u);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].id, 0u);
    EXPECT_EQ(calls[0].mac, mac(kMac0).b);
    EXPECT_EQ(calls[0].vid, 0u);
    EXPECT_FALSE(calls[0].moved);
    s.c1.send(frame(kLan, kMac0, kEthTypeIpv4)); // the host moved to client 1
    EXPECT_EQ(s.from_client(1), 1u);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_TRUE(calls[1].moved);
    EXPECT_EQ(s.route(frame(kMac0, kLan, kEthTypeIpv4)), 2);
    allow = false; // refused: dropped, not learned, asked again next time
    s.c0.send(frame(kLan, kMac1, kEthTypeIpv4));
    s.c0.send(frame(kLan, kMac1, kEthTypeIpv4));
    EXPECT_EQ(s.from_client(0), 0u);
    EXPECT_EQ(calls.size(), 4u);
    EXPECT_EQ(s.route(frame(kMac1, kLan, kEthTypeIpv4)), 0);
}

TEST(TapPlane, ClientToClientFloodsBroadcastAndForwardsKnownUnicast)
{
    Server s(true);
    s.c1.send(frame(kBcast, kMac1, 0x0806)); // broadcast: to client 0 and the bridge
    EXPECT_EQ(s.from_client(1), 1u);
    EXPECT_EQ(s.c0.received(), 1u);
    EXPECT_EQ(s.c1.received(), 0u);
    s.c0.send(frame(kMac1, kMac0, kEthTypeIpv4)); // known unicast: to client 1 only
    EXPECT_EQ(s.from_client(0), 0u);
    EXPECT_EQ(s.c1.received(), 1u);
    s.c0.send(frame(kLan, kMac0, kEthTypeIpv4)); // unknown unicast: to the bridge
    EXPECT_EQ(s.from_client(0), 1u);
    EXPECT_EQ(s.c1.received(), 0u);
    EXPECT_EQ(s.dp->c2c_packets(), 2u);
}

TEST(TapPlane, WithoutClientToClientEverythingFromClientsGoesToTheBridge)
{
    Server s;
    s.c0.send(frame(kMac1, kMac0, kEthTypeIpv4));
    s.c1.send(frame(kMac0, kMac1, kEthTypeIpv4));
    s.c1.send(frame(kBcast, kMac1, 0x0806));
    EXPECT_EQ(s.from_client(0), 1u);
    EXPECT_EQ(s.from_client(1), 2u);
    EXPECT_EQ(s.c0.received() + s.c1.received(), 0u);
}

TEST(TapMss, ExtraTunLowersTheClampAs26)
{
    MssfixSetting st{1492, true, false};
    MssfixFrame f;
    f.aead = true;
    f.tls = true;
    f.peer_id = true;
    const std::uint16_t tun = effective_mss(st, f);
    f.extra_tun = 32;
    EXPECT_EQ(effective_mss(st, f), tun - 32);
}

// --block-ipv6 and --passtos on tap look at the IP packet inside the frame
// (2.6's is_ipv6/is_ipv4 with the tap header): an ARP frame to a MAC whose
// first byte reads as "version 6" goes to the peer; an IPv6 frame is answered
// by a frame back to its sender; an IPv4 frame's TOS reaches the socket.
TEST(TapPlane, BlockIpv6AndPasstosLookInsideTheFrame)
{
    UserspaceConfig cfg = tap_config(false);
    in6_addr from{};
    inet_pton(AF_INET6, "fd94::1", &from);
    cfg.block_ipv6 = from;
    cfg.passtos = true;
    Client a(0, 0, cfg);
    a.send(frame("60:00:5e:00:00:01", kMac0, 0x0806));
    EXPECT_EQ(a.link.sent().size(), 1u);
    EXPECT_TRUE(a.tun->written().empty());

    auto v6 = frame(kMac1, kMac0, kEthTypeIpv6);
    std::fill(v6.begin() + 14, v6.end(), 0);
    v6[14] = 0x60;
    v6[14 + 5] = 6;  // payload length
    v6[14 + 6] = 59; // no next header
    v6[14 + 7] = 64;
    inet_pton(AF_INET6, "fd94::1000", v6.data() + 14 + 8);
    inet_pton(AF_INET6, "fd95::1", v6.data() + 14 + 24);
    a.send(v6);
    EXPECT_EQ(a.link.sent().size(), 1u);
    ASSERT_EQ(a.tun->written().size(), 1u);
    const auto& r = a.tun->written()[0];
    ASSERT_GT(r.size(), 14u + 40u);
    EXPECT_TRUE(std::equal(r.begin(), r.begin() + 6, mac(kMac0).b.begin()));
    EXPECT_TRUE(std::equal(r.begin() + 6, r.begin() + 12, mac(kMac1).b.begin()));
    EXPECT_EQ(r[12], 0x86);
    EXPECT_EQ(r[13], 0xdd);
    EXPECT_EQ(r[14] >> 4, 6);
    EXPECT_EQ(r[14 + 40], 1); // ICMPv6 destination unreachable
    EXPECT_EQ(a.dp->drops().get(Drop::Ipv6Blocked), 1u);

    auto v4 = frame(kMac1, kMac0, kEthTypeIpv4, true);
    v4[15] = 0xb8;
    a.send(v4);
    EXPECT_EQ(a.link.sent().size(), 2u);
    EXPECT_EQ(a.link.tos(), (std::vector<std::uint8_t>{0xb8}));
}
