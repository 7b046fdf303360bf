// multi_peer routing in the userspace data plane (P2MP server): tun packets
// go to the peer whose vpn address or iroute matches best, and a peer's
// packets reach tun only from its own address or iroutes (2.6 multi.c).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "openvpn/data/userspace_data_plane.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

SecureBytes pattern(std::size_t n, std::uint8_t seed)
{
    SecureBytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(seed * 7 + i);
    return b;
}

// keys: GCM keys of client `id`; `client` picks the direction.
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

IRoute v4route(const char* net, std::uint8_t len)
{
    IRoute r;
    r.family = AF_INET;
    inet_pton(AF_INET, net, r.addr.data());
    r.prefix_len = len;
    return r;
}

IRoute v6route(const char* net, std::uint8_t len)
{
    IRoute r;
    r.family = AF_INET6;
    inet_pton(AF_INET6, net, r.addr.data());
    r.prefix_len = len;
    return r;
}

std::vector<std::uint8_t> v4(const char* src, const char* dst)
{
    std::vector<std::uint8_t> p(60, 0x11);
    p[0] = 0x45;
    p[9] = 17;
    inet_pton(AF_INET, src, p.data() + 12);
    inet_pton(AF_INET, dst, p.data() + 16);
    return p;
}

std::vector<std::uint8_t> v6(const char* src, const char* dst)
{
    std::vector<std::uint8_t> p(80, 0x22);
    p[0] = 0x60;
    p[6] = 17;
    inet_pton(AF_INET6, src, p.data() + 8);
    inet_pton(AF_INET6, dst, p.data() + 24);
    return p;
}

struct Client : test::Plane {
    test::FakeLink link;

    explicit Client(std::uint8_t id)
    {
        PeerSpec spec;
        spec.link = &link;
        EXPECT_TRUE(dp->add_peer(spec).ok());
        EXPECT_TRUE(dp->install_key(kP2pPeerId, KeySlot::Primary, keys(id, true)).ok());
    }
    // received: packets written to tun from what the link got.
    std::size_t received() { return deliver(link); }
    void send(const std::vector<std::uint8_t>& pkt)
    {
        tun->inject(pkt);
        EXPECT_EQ(dp->on_tun_readable(clock.now()), 1u);
    }
};

// Server: multi_peer, clients 0 (10.8.0.2, fd94::2) and 1 (10.8.0.3).
struct Server : test::Plane {
    test::FakeLink link[2];
    Client c0{0}, c1{1};

    explicit Server(int peers = 2) : test::Plane(config())
    {
        add(0, "10.8.0.2", c0);
        if (peers > 1)
            add(1, "10.8.0.3", c1);
    }
    static UserspaceConfig config()
    {
        UserspaceConfig cfg;
        cfg.multi_peer = true;
        return cfg;
    }
    void add(PeerId id, const char* addr, Client& c)
    {
        PeerSpec spec;
        spec.id = id;
        spec.link = &link[id];
        in_addr a{};
        inet_pton(AF_INET, addr, &a);
        spec.vpn_ipv4 = a;
        if (id == 0) {
            in6_addr a6{};
            inet_pton(AF_INET6, "fd94::2", &a6);
            spec.vpn_ipv6 = a6;
        }
        ASSERT_TRUE(dp->add_peer(spec).ok());
        test::FakeLink::connect_pair(link[id], c.link);
        ASSERT_TRUE(dp->install_key(id, KeySlot::Primary, keys(static_cast<std::uint8_t>(id), false)).ok());
    }
    // from_client: packets written to tun from what client `id` sent.
    std::size_t from_client(PeerId id) { return deliver(link[id], id); }
    // to_tun: inject into the server's tun; which client got it (-1: none).
    int route(const std::vector<std::uint8_t>& pkt)
    {
        tun->inject(pkt);
        (void)dp->on_tun_readable(clock.now());
        const bool got0 = c0.received() == 1, got1 = c1.received() == 1;
        return got0 && !got1 ? 0 : got1 && !got0 ? 1 : -1;
    }
};

} // namespace

TEST(IRoute, TunPacketsGoToTheLongestMatchingPrefix)
{
    Server s;
    ASSERT_TRUE(s.dp->set_iroutes(0, {v4route("192.168.0.0", 16), v6route("fd77::", 64)}).ok());
    ASSERT_TRUE(s.dp->set_iroutes(1, {v4route("192.168.77.0", 24)}).ok());
    EXPECT_EQ(s.route(v4("10.8.0.1", "192.168.77.1")), 1);
    EXPECT_EQ(s.route(v4("10.8.0.1", "192.168.1.1")), 0);
    EXPECT_EQ(s.route(v4("10.8.0.1", "10.8.0.3")), 1);
    EXPECT_EQ(s.route(v4("10.8.0.1", "10.8.0.2")), 0);
    EXPECT_EQ(s.route(v6("fd94::1", "fd77::9")), 0);
    EXPECT_EQ(s.route(v6("fd94::1", "fd94::2")), 0);
    EXPECT_EQ(s.dp->drops().total(), 0u);
    EXPECT_EQ(s.route(v4("10.8.0.1", "10.9.9.9")), -1);
    EXPECT_EQ(s.route(v6("fd94::1", "fd78::1")), -1);
    EXPECT_EQ(s.dp->drops().get(Drop::UnknownPeer), 2u);
    // a peer's iroutes go with it
    ASSERT_TRUE(s.dp->del_peer(1).ok());
    EXPECT_EQ(s.route(v4("10.8.0.1", "192.168.77.1")), 0);
}

TEST(IRoute, OnlyTheClientsOwnAddressOrIrouteMaySourcePackets)
{
    Server s;
    ASSERT_TRUE(s.dp->set_iroutes(0, {v4route("192.168.0.0", 16)}).ok());
    ASSERT_TRUE(s.dp->set_iroutes(1, {v4route("192.168.77.0", 24)}).ok());
    s.c0.send(v4("10.8.0.2", "10.8.0.1"));
    s.c0.send(v4("192.168.5.5", "10.8.0.1"));
    s.c0.send(v6("fd94::2", "fd94::1"));
    EXPECT_EQ(s.from_client(0), 3u);
    EXPECT_EQ(s.tun->written().size(), 3u);
    s.c0.send(v4("192.168.77.9", "10.8.0.1")); // client 1's, more specific
    s.c0.send(v4("10.8.0.3", "10.8.0.1"));     // client 1's address
    s.c0.send(v4("1.2.3.4", "10.8.0.1"));      // nobody's
    s.c0.send(v6("fe80::1", "ff02::2"));       // link-local: 2.6 drops it too
    EXPECT_EQ(s.from_client(0), 0u);
    EXPECT_EQ(s.dp->drops().get(Drop::BadSource), 4u);
    s.c1.send(v4("192.168.77.9", "10.8.0.1"));
    EXPECT_EQ(s.from_client(1), 1u);
    EXPECT_EQ(s.tun->written().size(), 4u);
}

TEST(IRoute, OnePeerServerStillRoutesByAddress)
{
    Server s(1);
    EXPECT_EQ(s.route(v4("10.8.0.1", "10.8.0.2")), 0);
    EXPECT_EQ(s.route(v4("10.8.0.1", "10.7.0.2")), -1);
    EXPECT_EQ(s.dp->drops().get(Drop::UnknownPeer), 1u);
    // multicast from tun: to every client, as 2.6 broadcasts it
    EXPECT_EQ(s.route(v4("10.8.0.1", "224.0.0.251")), 0);
}

TEST(IRoute, HostBitsAreClearedAndBadRoutesRefused)
{
    Server s;
    ASSERT_TRUE(s.dp->set_iroutes(1, {v4route("192.168.77.99", 24)}).ok());
    EXPECT_EQ(s.route(v4("10.8.0.1", "192.168.77.1")), 1);
    EXPECT_FALSE(s.dp->set_iroutes(1, {v4route("192.168.77.0", 33)}).ok());
    EXPECT_FALSE(s.dp->set_iroutes(7, {v4route("192.168.77.0", 24)}).ok());
}
