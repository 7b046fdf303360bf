// --vlan-tagging on a tap P2MP server's userspace data plane (2.6's
// multi.c with vlan.c): a frame from the tap device reaches only the
// clients of its VLAN, untagged; a client's frames are learnt, flooded and
// forwarded client-to-client within its VLAN and reach the device tagged
// with it; what the rules refuse is counted as vlan-filtered.
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "openvpn/data/ethernet.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/data/vlan.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

using Frame = std::vector<std::uint8_t>;

constexpr std::uint8_t kBcast = 0xff; // every byte of the broadcast MAC
constexpr std::uint8_t kLan = 0x99;   // a host on the server's bridge

// frame: to the MAC 02:00:00:00:00:<dst> (ff: broadcast) from
// 02:00:00:00:00:<src>, IPv4 ethertype, 46 bytes; tci != 0 adds a tag.
Frame frame(std::uint8_t dst, std::uint8_t src, std::uint16_t tci = 0)
{
    Frame f = {0x02, 0, 0, 0, 0, dst, 0x02, 0, 0, 0, 0, src};
    if (dst == kBcast)
        std::fill(f.begin(), f.begin() + 6, kBcast);
    if (tci)
        f.insert(f.end(), {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8), static_cast<std::uint8_t>(tci)});
    f.insert(f.end(), {0x08, 0x00});
    f.resize(f.size() + 46, 0x5a);
    return f;
}

SecureBytes filled(std::size_t n, int v)
{
    SecureBytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(v + static_cast<int>(i));
    return b;
}

DataKeys keys(std::uint8_t id, bool client)
{
    DataKeys k;
    k.cipher = CipherAlg::Aes256Gcm;
    k.cipher_name = "AES-256-GCM";
    k.auth_name = "none";
    DirectionKeys up{filled(32, id), filled(8, id + 40), {}};
    DirectionKeys down{filled(32, id + 80), filled(8, id + 120), {}};
    k.encrypt = client ? up : down;
    k.decrypt = client ? down : up;
    return k;
}

UserspaceConfig tap_config(bool multi, VlanConfig vlan = {})
{
    UserspaceConfig cfg;
    cfg.tap = true;
    cfg.multi_peer = multi;
    cfg.client_to_client = multi;
    cfg.vlan = vlan;
    return cfg;
}

// Client: a tap client whose MAC is 02:00:00:00:00:<mac>.
struct Client : test::Plane {
    test::FakeLink link;
    std::uint8_t mac;

    Client(std::uint8_t id, std::uint8_t m) : test::Plane(tap_config(false)), mac(m)
    {
        PeerSpec spec;
        spec.link = &link;
        EXPECT_TRUE(dp->add_peer(spec).ok());
        EXPECT_TRUE(dp->install_key(kP2pPeerId, KeySlot::Primary, keys(id, true)).ok());
    }
    void send(const Frame& f)
    {
        tun->inject(f);
        EXPECT_EQ(dp->on_tun_readable(clock.now()), 1u);
    }
    // got: the frames that reached this client since the last call.
    std::vector<Frame> got()
    {
        const std::size_t before = tun->written().size();
        (void)deliver(link);
        std::vector<Frame> out(tun->written().begin() + static_cast<std::ptrdiff_t>(before),
                               tun->written().end());
        tun->written().clear();
        return out;
    }
};

// Server: clients 0 and 2 on VLAN 10, client 1 on VLAN 20, client 3 with
// no --vlan-pvid of its own (the server's).
struct Server : test::Plane {
    std::array<test::FakeLink, 4> link;
    std::array<std::unique_ptr<Client>, 4> c;

    explicit Server(VlanAccept accept, std::uint16_t pvid = 1)
        : test::Plane(tap_config(true, VlanConfig{true, accept, pvid}))
    {
        const std::uint16_t pvids[] = {10, 20, 10, 0};
        for (std::uint8_t i = 0; i < 4; ++i) {
            c[i] = std::make_unique<Client>(i, static_cast<std::uint8_t>(0x10 + i));
            PeerSpec spec;
            spec.id = i;
            spec.link = &link[i];
            spec.vlan_pvid = pvids[i];
            EXPECT_TRUE(dp->add_peer(spec).ok());
            test::FakeLink::connect_pair(link[i], c[i]->link);
            EXPECT_TRUE(dp->install_key(i, KeySlot::Primary, keys(i, false)).ok());
        }
    }
    // from_tap: a frame read from the tap device; returns a bit per client
    // that got it, checking each got `want`.
    int from_tap(const Frame& f, const Frame& want)
    {
        tun->inject(f);
        (void)dp->on_tun_readable(clock.now());
        int who = 0;
        for (int i = 0; i < 4; ++i) {
            auto g = c[static_cast<std::size_t>(i)]->got();
            if (g.empty())
                continue;
            who |= 1 << i;
            EXPECT_EQ(g.size(), 1u);
            EXPECT_EQ(g[0], want) << "client " << i;
        }
        return who;
    }
    // from_client: client i sends f; returns what reached the tap device.
    std::vector<Frame> from_client(std::size_t i, const Frame& f)
    {
        c[i]->send(f);
        (void)deliver(link[i], static_cast<PeerId>(i));
        std::vector<Frame> out = tun->written();
        tun->written().clear();
        return out;
    }
    std::uint64_t filtered() const { return dp->drops().get(Drop::VlanFiltered); }
};

} // namespace

TEST(VlanPlane, TapFramesReachOnlyTheirVlanUntagged)
{
    Server s(VlanAccept::All);
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan, 10), frame(kBcast, kLan)), 0b0101);
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan, 0x6014), frame(kBcast, kLan)), 0b0010); // PCP 3, VID 20
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan), frame(kBcast, kLan)), 0b1000);         // untagged: pvid 1
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan, 30), Frame{}), 0);                      // nobody on 30
    EXPECT_EQ(s.filtered(), 0u);
}

TEST(VlanPlane, PriorityTaggedTapFramesGoToTheServersVlanTagged)
{
    Server s(VlanAccept::Tagged, 20);
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan, 0xa000), frame(kBcast, kLan, 0xa000)), 0b1010);
}

TEST(VlanPlane, ClientFramesAreTaggedWithTheClientsVlan)
{
    Server s(VlanAccept::All, 20);
    EXPECT_EQ(s.from_client(0, frame(kLan, 0x10)), std::vector<Frame>{frame(kLan, 0x10, 10)});
    EXPECT_EQ(s.from_client(1, frame(kLan, 0x11)), std::vector<Frame>{frame(kLan, 0x11)}); // the pvid's own
    EXPECT_EQ(s.from_client(3, frame(kLan, 0x13)), std::vector<Frame>{frame(kLan, 0x13)});
    Server t(VlanAccept::Tagged, 20);
    EXPECT_EQ(t.from_client(1, frame(kLan, 0x11)), std::vector<Frame>{frame(kLan, 0x11, 20)});
    // a client's priority tag keeps its bits and gets the VID
    EXPECT_EQ(t.from_client(0, frame(kLan, 0x10, 0xe000)), std::vector<Frame>{frame(kLan, 0x10, 0xe00a)});
}

TEST(VlanPlane, UnicastFindsTheMacOnItsVlanOnly)
{
    Server s(VlanAccept::Tagged);
    (void)s.from_client(0, frame(kLan, 0x10));
    EXPECT_EQ(s.from_tap(frame(0x10, kLan, 10), frame(0x10, kLan)), 0b0001);
    EXPECT_EQ(s.from_tap(frame(0x10, kLan, 20), Frame{}), 0); // that MAC is not on VLAN 20
    EXPECT_EQ(s.dp->drops().get(Drop::UnknownPeer), 1u);
}

TEST(VlanPlane, ClientToClientStaysInTheVlan)
{
    Server s(VlanAccept::Tagged);
    (void)s.from_client(1, frame(kLan, 0x11)); // client 1 (VLAN 20) is known
    // client 0's broadcast: to client 2 (VLAN 10), not 1 or 3; and to the device, tagged
    EXPECT_EQ(s.from_client(0, frame(kBcast, 0x10)), std::vector<Frame>{frame(kBcast, 0x10, 10)});
    EXPECT_EQ(s.c[2]->got(), std::vector<Frame>{frame(kBcast, 0x10)});
    EXPECT_TRUE(s.c[1]->got().empty());
    EXPECT_TRUE(s.c[3]->got().empty());
    // unicast to client 1's MAC from VLAN 10: not forwarded, goes to the device
    EXPECT_EQ(s.from_client(0, frame(0x11, 0x10)), std::vector<Frame>{frame(0x11, 0x10, 10)});
    EXPECT_TRUE(s.c[1]->got().empty());
    // within VLAN 10 it is
    EXPECT_TRUE(s.from_client(2, frame(0x10, 0x12)).empty());
    EXPECT_EQ(s.c[0]->got(), std::vector<Frame>{frame(0x10, 0x12)});
}

TEST(VlanPlane, RefusedFramesAreCounted)
{
    Server s(VlanAccept::Tagged);
    EXPECT_EQ(s.from_tap(frame(kBcast, kLan), Frame{}), 0); // untagged on a trunk
    EXPECT_EQ(s.filtered(), 1u);
    EXPECT_TRUE(s.from_client(0, frame(kLan, 0x10, 20)).empty()); // a client picking its VLAN
    EXPECT_EQ(s.filtered(), 2u);
    Server u(VlanAccept::Untagged, 20);
    EXPECT_EQ(u.from_tap(frame(kBcast, kLan, 10), Frame{}), 0); // tagged on an access port
    EXPECT_TRUE(u.from_client(0, frame(kLan, 0x10)).empty());   // VLAN 10 is not the port's
    EXPECT_EQ(u.from_client(1, frame(kLan, 0x11)), std::vector<Frame>{frame(kLan, 0x11)});
    EXPECT_EQ(u.filtered(), 2u);
}

// Without --vlan-tagging a tag means nothing to the server: frames are
// flooded to everyone and pass unchanged.
TEST(VlanPlane, WithoutTaggingTagsAreLeftAlone)
{
    test::Plane p(tap_config(true));
    Client c(0, 0x10);
    test::FakeLink link;
    PeerSpec spec;
    spec.id = 0;
    spec.link = &link;
    spec.vlan_pvid = 10;
    ASSERT_TRUE(p.dp->add_peer(spec).ok());
    test::FakeLink::connect_pair(link, c.link);
    ASSERT_TRUE(p.dp->install_key(0, KeySlot::Primary, keys(0, false)).ok());
    p.tun->inject(frame(kBcast, kLan, 30));
    (void)p.dp->on_tun_readable(p.clock.now());
    EXPECT_EQ(c.got(), std::vector<Frame>{frame(kBcast, kLan, 30)});
    c.send(frame(kLan, 0x10, 40));
    (void)p.deliver(link, 0);
    EXPECT_EQ(p.tun->written(), std::vector<Frame>{frame(kLan, 0x10, 40)});
}
