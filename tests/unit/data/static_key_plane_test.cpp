// --secret mode through two UserspaceDataPlanes: the keys come from one
// static key file cut by key direction (0 on one side, 1 on the other, or
// none on both), packets carry no opcode and a long packet id whose time
// field is the sender's session start.
#include <gtest/gtest.h>

#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

crypto::StaticKey test_key()
{
    crypto::StaticKey k;
    k.bytes = SecureBytes(crypto::kStaticKeyLen);
    for (std::size_t i = 0; i < crypto::kStaticKeyLen; ++i)
        k.bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return k;
}

DataKeys keys_for(crypto::KeyDirection dir)
{
    auto k = crypto::static_data_keys(test_key(), dir, "AES-256-CBC", "SHA256");
    EXPECT_TRUE(k.ok());
    return std::move(*k);
}

std::vector<std::uint8_t> ip_packet(std::size_t len, std::uint8_t seed)
{
    std::vector<std::uint8_t> p(len, seed);
    p[0] = 0x45;
    p[9] = 17;
    return p;
}

struct Side : test::Plane {
    test::FakeLink link;

    explicit Side(crypto::KeyDirection dir) : test::Plane(config())
    {
        PeerSpec spec;
        spec.link = &link;
        EXPECT_TRUE(dp->add_peer(spec).ok());
        EXPECT_TRUE(dp->install_key(kP2pPeerId, KeySlot::Primary, keys_for(dir)).ok());
    }
    static UserspaceConfig config()
    {
        UserspaceConfig cfg;
        cfg.static_key = true;
        return cfg;
    }
    // pump: packets written to tun from what the link got.
    std::size_t pump() { return deliver(link); }
    std::size_t send(std::size_t n, std::size_t len)
    {
        for (std::size_t i = 0; i < n; ++i)
            tun->inject(ip_packet(len, static_cast<std::uint8_t>(i)));
        return dp->on_tun_readable(clock.now());
    }
};

std::size_t cross(crypto::KeyDirection da, crypto::KeyDirection db)
{
    Side a(da), b(db);
    test::FakeLink::connect_pair(a.link, b.link);
    EXPECT_EQ(a.send(3, 300), 3u);
    EXPECT_EQ(b.send(2, 80), 2u);
    return b.pump() + a.pump();
}

} // namespace

TEST(StaticKeyPlane, OppositeDirectionsCross)
{
    EXPECT_EQ(cross(crypto::KeyDirection::Normal, crypto::KeyDirection::Inverse), 5u);
    EXPECT_EQ(cross(crypto::KeyDirection::Inverse, crypto::KeyDirection::Normal), 5u);
    EXPECT_EQ(cross(crypto::KeyDirection::Bidirectional, crypto::KeyDirection::Bidirectional), 5u);
}

TEST(StaticKeyPlane, MismatchedDirectionsAreCountedDrops)
{
    Side a(crypto::KeyDirection::Normal), b(crypto::KeyDirection::Normal);
    test::FakeLink::connect_pair(a.link, b.link);
    EXPECT_EQ(a.send(2, 100), 2u);
    EXPECT_EQ(b.pump(), 0u);
    EXPECT_EQ(b.dp->drops().get(Drop::AuthFailed), 2u);
    EXPECT_TRUE(b.tun->written().empty());
}

TEST(StaticKeyPlane, SentPacketsDecryptAsLongIdWithThePeerDirection)
{
    Side a(crypto::KeyDirection::Normal);
    test::FakeLink peer;
    test::FakeLink::connect_pair(a.link, peer);
    EXPECT_EQ(a.send(2, 64), 2u);
    ASSERT_EQ(a.link.sent().size(), 2u);
    // Decrypt with a plain DataChannel in long-id mode (the receive side
    // of direction 1): the long id sits inside the CBC plaintext.
    crypto::DataChannelConfig cfg;
    cfg.header = crypto::DataHeader::None;
    cfg.long_packet_id = true;
    auto dc = crypto::DataChannel::create(keys_for(crypto::KeyDirection::Inverse), cfg);
    ASSERT_TRUE(dc.ok());
    for (std::size_t i = 0; i < 2; ++i) {
        PacketBuf b;
        ASSERT_TRUE(b.append(a.link.sent()[i]));
        auto r = dc->decrypt(b, 0);
        ASSERT_TRUE(r.ok()) << wire::to_string(r.error());
        EXPECT_EQ(b.span().size(), 64u);
    }
    // Replayed: refused.
    PacketBuf again;
    ASSERT_TRUE(again.append(a.link.sent()[0]));
    EXPECT_FALSE(dc->decrypt(again, 0).ok());
}
