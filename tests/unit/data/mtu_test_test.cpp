// data/mtu_test: 2.6's --mtu-test sequence, sizes and result lines (occ.c),
// and the exchange through two --secret UserspaceDataPlanes, whose figures
// are the ones 2.6 prints for the same config (1568 each way).
#include "openvpn/data/mtu_test.hpp"

#include <gtest/gtest.h>

#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

MssfixFrame aead_v2()
{
    MssfixFrame f;
    f.tls = true;
    f.peer_id = true;
    f.aead = true;
    return f;
}

MssfixFrame secret_cbc_sha256()
{
    MssfixFrame f;
    f.tls = false;
    f.long_packet_id = true;
    f.iv_len = 16;
    f.hmac_len = 32;
    return f;
}

const char* const kBegin =
    "NOTE: Beginning empirical MTU test -- results should be available in 3 to 4 minutes.";

} // namespace

TEST(MtuTest, LoadSizeIsAFullTunMtuPacketAs26CountsIt)
{
    EXPECT_EQ(mtu_load_size(aead_v2(), 1500), 1524); // 2.6 ref: [1524,1524] with AES-256-GCM, peer-id
    EXPECT_EQ(mtu_load_size(secret_cbc_sha256(), 1500), 1556);
    MssfixFrame f = aead_v2();
    f.peer_id = false;
    f.comp_v1 = true;
    f.fragment = true;
    f.extra_tun = 32;
    EXPECT_EQ(mtu_load_size(f, 1400), 1400 + 32 + 1 + 4 + 1 + 4 + 16);
}

TEST(MtuTest, LoadLengthTakesTheOverheadOffAndIsCapped)
{
    EXPECT_EQ(mtu_load_length(1556, 56), 1500u);
    EXPECT_EQ(mtu_load_length(1524, 24), 1500u);
    EXPECT_EQ(mtu_load_length(60000, 24), kMtuLoadCap - 24);
    EXPECT_EQ(mtu_load_length(20, 24), 17u); // magic and opcode at least
    const auto p = mtu_load_payload(1500, 7);
    ASSERT_EQ(p.size(), 1500u);
    auto m = wire::parse_occ(p);
    ASSERT_TRUE(m && m->ok());
    EXPECT_EQ(m->value().type, wire::OccType::MtuLoad);
}

TEST(MtuTest, RequestsCarryTheLoadSize)
{
    const auto p = mtu_load_request_payload(0x0614);
    auto m = wire::parse_occ(p);
    ASSERT_TRUE(m && m->ok());
    EXPECT_EQ(m->value().type, wire::OccType::MtuLoadRequest);
    ASSERT_EQ(m->value().body.size(), 2u);
    EXPECT_EQ(m->value().body[0], 0x06);
    EXPECT_EQ(m->value().body[1], 0x14);
    auto r = wire::parse_occ(mtu_request_payload());
    ASSERT_TRUE(r && r->ok());
    EXPECT_EQ(r->value().type, wire::OccType::MtuRequest);
}

TEST(MtuTest, SequenceWaitsForTheConnectionThenLoadsThenAsks)
{
    MtuTest t({1524, false, true});
    auto st = t.tick(false);
    EXPECT_FALSE(st.send);
    EXPECT_TRUE(st.lines.empty());
    st = t.tick(true);
    ASSERT_EQ(st.lines.size(), 1u);
    EXPECT_EQ(st.lines[0], kBegin);
    EXPECT_EQ(st.send, wire::OccType::MtuLoadRequest);
    EXPECT_EQ(t.tick(true).send, wire::OccType::MtuLoad);
    for (int i = 2; i < 60; ++i) {
        st = t.tick(true);
        EXPECT_TRUE(st.lines.empty());
        EXPECT_EQ(st.send, i % 2 == 0 ? wire::OccType::MtuLoadRequest : wire::OccType::MtuLoad) << i;
    }
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(t.tick(true).send, wire::OccType::MtuRequest) << i;
    EXPECT_TRUE(t.running());
    st = t.tick(true);
    EXPECT_FALSE(st.send);
    ASSERT_EQ(st.lines.size(), 1u);
    EXPECT_EQ(st.lines[0], "NOTE: failed to empirically measure MTU (requires OpenVPN 1.5 or higher at other "
                           "end of connection).");
    EXPECT_FALSE(t.running());
    EXPECT_TRUE(t.tick(true).lines.empty());
}

TEST(MtuTest, ReplyGivesTheCompletedLineIn26sOrder)
{
    MtuTest t({1524, false, true});
    (void)t.tick(true);
    MtuReport r;
    r.local.max_send = 1524;
    r.local.max_recv = 1500;
    r.remote_recv = 1400;
    r.remote_send = 1524;
    auto lines = t.on_reply(r);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "NOTE: Empirical MTU test completed [Tried,Actual] local->remote=[1524,1400] "
                        "remote->local=[1524,1500]");
    EXPECT_EQ(lines[1], "NOTE: This connection is unable to accommodate a UDP packet size of 1524. Consider "
                        "using --fragment or --mssfix options as a workaround.");
    EXPECT_FALSE(t.running());
    EXPECT_TRUE(t.on_reply(r).empty()); // once
}

TEST(MtuTest, NoAdviceWhenEverythingPassedOrWithFragment)
{
    MtuReport r;
    r.local.max_send = r.local.max_recv = r.remote_recv = r.remote_send = 1568;
    MtuTest a({1556, false, true});
    EXPECT_EQ(a.on_reply(r).size(), 1u);
    r.remote_recv = 1000;
    MtuTest b({1556, true, true});
    EXPECT_EQ(b.on_reply(r).size(), 1u);
    r.remote_send = 0; // the peer saw nothing: 2.6 prints nothing
    MtuTest c({1556, false, true});
    EXPECT_TRUE(c.on_reply(r).empty());
    EXPECT_FALSE(c.running());
}

// ---- through two --secret data planes ----

namespace {

crypto::StaticKey test_key()
{
    crypto::StaticKey k;
    k.bytes = SecureBytes(crypto::kStaticKeyLen);
    for (std::size_t i = 0; i < crypto::kStaticKeyLen; ++i)
        k.bytes[i] = static_cast<std::uint8_t>(i * 5 + 1);
    return k;
}

struct Side : test::Plane {
    test::FakeLink link;
    explicit Side(crypto::KeyDirection dir) : test::Plane(config())
    {
        PeerSpec spec;
        spec.link = &link;
        EXPECT_TRUE(dp->add_peer(spec).ok());
        auto k = crypto::static_data_keys(test_key(), dir, "AES-256-CBC", "SHA256");
        EXPECT_TRUE(k.ok());
        EXPECT_TRUE(dp->install_key(kP2pPeerId, KeySlot::Primary, *k).ok());
    }
    static UserspaceConfig config()
    {
        UserspaceConfig cfg;
        cfg.static_key = true;
        return cfg;
    }
};

} // namespace

TEST(MtuTestPlane, LoadsAndRepliesCrossTwoSecretPeersWith26sFigures)
{
    Side a(crypto::KeyDirection::Normal), b(crypto::KeyDirection::Inverse);
    test::FakeLink::connect_pair(a.link, b.link);
    const auto now = a.clock.now();
    const std::uint16_t load = mtu_load_size(secret_cbc_sha256(), 1500);
    ASSERT_TRUE(a.dp->send_mtu_probe(kP2pPeerId, wire::OccType::MtuLoadRequest, load, now).ok());
    EXPECT_EQ(b.deliver(b.link), 0u); // nothing for tun; b answers with a load
    ASSERT_TRUE(a.dp->send_mtu_probe(kP2pPeerId, wire::OccType::MtuLoad, load, now).ok());
    EXPECT_EQ(a.deliver(a.link), 0u);
    EXPECT_EQ(b.deliver(b.link), 0u);
    ASSERT_TRUE(a.dp->send_mtu_probe(kP2pPeerId, wire::OccType::MtuRequest, load, now).ok());
    EXPECT_EQ(b.deliver(b.link), 0u);
    EXPECT_EQ(a.deliver(a.link), 0u);
    a.settle();
    ASSERT_EQ(a.events.size(), 1u);
    const PeerEvent& ev = a.events[0];
    EXPECT_EQ(ev.kind, PeerEventKind::MtuReply);
    EXPECT_EQ(ev.mtu.local.max_send, 1568);
    EXPECT_EQ(ev.mtu.local.max_recv, 1568);
    EXPECT_EQ(ev.mtu.remote_recv, 1568);
    EXPECT_EQ(ev.mtu.remote_send, 1568);
    EXPECT_TRUE(a.tun->written().empty());
    EXPECT_TRUE(b.tun->written().empty());
}

TEST(MtuTestPlane, TheSeamRefusesWhatIsNotAnMtuQuestion)
{
    Side a(crypto::KeyDirection::Normal);
    EXPECT_FALSE(a.dp->send_mtu_probe(kP2pPeerId, wire::OccType::Exit, 0, a.clock.now()).ok());
    EXPECT_FALSE(a.dp->send_mtu_probe(42, wire::OccType::MtuRequest, 0, a.clock.now()).ok());
}
