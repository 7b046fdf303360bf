// The pure half of KernelDataPlane (dco/mapping.hpp): how DataPlane calls
// become NEW_PEER and NEW_KEY fields, stats and delete reasons. (The netlink
// half runs in the qemu guest: tests/contract/ and tests/kernel/scenarios.)
#include "dco/mapping.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <gtest/gtest.h>

#include "support/io/fake_link.hpp"

namespace ovpn::dco {
namespace {

data::DataKeys aead_keys(data::CipherAlg c, std::size_t key_len)
{
    data::DataKeys k;
    k.key_id = 3;
    k.cipher = c;
    k.cipher_name = "AES-256-GCM";
    k.auth_name = "none";
    k.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(key_len, 0x01));
    k.encrypt.implicit_iv = SecureBytes(std::vector<std::uint8_t>(8, 0x02));
    k.decrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(key_len, 0x03));
    k.decrypt.implicit_iv = SecureBytes(std::vector<std::uint8_t>(8, 0x04));
    return k;
}

TEST(KernelDataPlaneMap, AesGcmKeysGoToTheRightSlotAndDirection)
{
    auto m = to_new_key_msg(7, data::KeySlot::Secondary, aead_keys(data::CipherAlg::Aes256Gcm, 32));
    ASSERT_TRUE(m.ok()) << m.error();
    EXPECT_EQ(m->peer_id, 7u);
    EXPECT_EQ(m->slot, uapi::KEY_SLOT_SECONDARY);
    EXPECT_EQ(m->key_id, 3);
    EXPECT_EQ(m->cipher, uapi::CIPHER_ALG_AES_GCM);
    EXPECT_EQ(m->encrypt.cipher_key[0], 0x01);
    EXPECT_EQ(m->encrypt.nonce_tail[0], 0x02);
    EXPECT_EQ(m->decrypt.cipher_key[0], 0x03);
    EXPECT_EQ(m->decrypt.nonce_tail[0], 0x04);
    EXPECT_EQ(to_uapi_slot(data::KeySlot::Primary), uapi::KEY_SLOT_PRIMARY);
}

TEST(KernelDataPlaneMap, AllAeadKeyLengths)
{
    EXPECT_TRUE(to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::Aes128Gcm, 16)).ok());
    EXPECT_TRUE(to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::Aes192Gcm, 24)).ok());
    auto c = to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::Chacha20Poly1305, 32));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->cipher, uapi::CIPHER_ALG_CHACHA20_POLY1305);
}

TEST(KernelDataPlaneMap, RefusesNonAeadWithAClearError)
{
    auto k = aead_keys(data::CipherAlg::CbcHmac, 32);
    k.cipher_name = "AES-256-CBC";
    auto m = to_new_key_msg(1, data::KeySlot::Primary, k);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().find("AEAD"), std::string::npos);
    EXPECT_NE(m.error().find("AES-256-CBC"), std::string::npos);
    EXPECT_FALSE(to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::None, 0)).ok());
}

TEST(KernelDataPlaneMap, RefusesWrongLengths)
{
    EXPECT_FALSE(to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::Aes256Gcm, 16)).ok());
    EXPECT_FALSE(
        to_new_key_msg(1, data::KeySlot::Primary, aead_keys(data::CipherAlg::Chacha20Poly1305, 16)).ok());
    auto k = aead_keys(data::CipherAlg::Aes128Gcm, 16);
    k.decrypt.implicit_iv = SecureBytes(std::vector<std::uint8_t>(7, 0));
    EXPECT_FALSE(to_new_key_msg(1, data::KeySlot::Primary, k).ok());
    auto bad_id = aead_keys(data::CipherAlg::Aes128Gcm, 16);
    bad_id.key_id = 8;
    EXPECT_FALSE(to_new_key_msg(1, data::KeySlot::Primary, bad_id).ok());
}

data::PeerSpec udp_peer(const char* remote6)
{
    data::PeerSpec p;
    p.id = 4;
    p.tx_peer_id = 4;
    p.remote = *io::SockAddr::parse_numeric(remote6, 1194);
    return p;
}

LinkFacts udp_link(int fd = 9)
{
    LinkFacts f;
    f.fd = fd;
    f.udp = true;
    return f;
}

TEST(KernelDataPlaneMap, V4MappedRemoteIsSentAsAfInet)
{
    auto p = udp_peer("::ffff:192.0.2.7");
    p.local.addr = *io::SockAddr::parse_numeric("::ffff:192.0.2.1", 0);
    auto m = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_TRUE(m.ok()) << m.error();
    ASSERT_TRUE(m->remote.has_value());
    EXPECT_EQ(sockaddr_to_string(*m->remote), "192.0.2.7:1194");
    EXPECT_EQ(m->local_ip, (std::vector<std::uint8_t>{192, 0, 2, 1}));
    EXPECT_EQ(m->socket_fd, 9u);
    EXPECT_EQ(m->peer_id, 4u);
}

TEST(KernelDataPlaneMap, MultiPeerSendsVpnAddressesP2pDoesNot)
{
    auto p = udp_peer("2001:db8::7");
    in_addr v4;
    inet_pton(AF_INET, "10.8.0.6", &v4);
    p.vpn_ipv4 = v4;
    in6_addr v6{};
    p.vpn_ipv6 = v6; // "::" means unset and is not sent
    auto m = to_new_peer_msg(p, udp_link(), LinkMode::MP);
    ASSERT_TRUE(m.ok()) << m.error();
    EXPECT_EQ(sockaddr_to_string(*m->remote), "[2001:db8::7]:1194");
    EXPECT_TRUE(m->local_ip.empty()); // no --multihome local: no LOCAL_IP
    ASSERT_TRUE(m->vpn_ipv4.has_value());
    EXPECT_EQ(m->vpn_ipv4->s_addr, v4.s_addr);
    EXPECT_FALSE(m->vpn_ipv6.has_value());
    auto p2p = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_TRUE(p2p.ok());
    EXPECT_FALSE(p2p->vpn_ipv4.has_value());
    EXPECT_FALSE(p2p->vpn_ipv6.has_value());
    data::PeerSpec none = udp_peer("2001:db8::7");
    auto refused = to_new_peer_msg(none, udp_link(), LinkMode::MP);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("VPN address"), std::string::npos) << refused.error();
}

TEST(KernelDataPlaneMap, TcpPeerHasNoRemoteNorLocal)
{
    auto p = udp_peer("2001:db8::7");
    p.local.addr = *io::SockAddr::parse_numeric("2001:db8::1", 0);
    auto f = udp_link();
    f.udp = false;
    auto m = to_new_peer_msg(p, f, LinkMode::P2P);
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(m->remote.has_value());
    EXPECT_TRUE(m->local_ip.empty());
}

TEST(KernelDataPlaneMap, ConnectedUdpSocketGivesTheRemote)
{
    data::PeerSpec p;
    p.tx_peer_id = 0;
    auto f = udp_link();
    f.connected_remote = *io::SockAddr::parse_numeric("198.51.100.2", 1195);
    auto m = to_new_peer_msg(p, f, LinkMode::P2P);
    ASSERT_TRUE(m.ok()) << m.error();
    EXPECT_EQ(sockaddr_to_string(*m->remote), "198.51.100.2:1195");
    auto none = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().find("remote"), std::string::npos);
}

// 2.6: the kernel's PEER_ID is the peer-id on the wire (pushed peer-id on a
// client, the instance id on a server); our handle is only ours.
TEST(KernelDataPlaneMap, KernelIdIsTheWirePeerIdNotTheHandle)
{
    auto p = udp_peer("2001:db8::7");
    p.id = data::kP2pPeerId;
    p.tx_peer_id = 5;
    auto m = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->peer_id, 5u);
}

TEST(KernelDataPlaneMap, RefusesDataV1CompressionAndBadPeers)
{
    auto p = udp_peer("2001:db8::7");
    p.tx_peer_id.reset();
    auto v1 = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_FALSE(v1.ok());
    EXPECT_NE(v1.error().find("P_DATA_V2"), std::string::npos) << v1.error();
    p.tx_peer_id = 4;
    p.compression = wire::CompressMode::StubV2; // no framing for IP packets: 2.6 runs it on DCO
    EXPECT_TRUE(to_new_peer_msg(p, udp_link(), LinkMode::P2P).ok());
    p.compression = wire::CompressMode::Stub;
    auto comp = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_FALSE(comp.ok());
    EXPECT_EQ(comp.error(), "Compression or compression stub framing is not allowed since data-channel "
                            "offloading is enabled.");
    p.compression = wire::CompressMode::None;
    p.fragment = 1300;
    auto frag = to_new_peer_msg(p, udp_link(), LinkMode::P2P);
    ASSERT_FALSE(frag.ok());
    EXPECT_NE(frag.error().find("--fragment"), std::string::npos);
    p.fragment = 0;
    p.tx_peer_id = 0x1000000;
    EXPECT_FALSE(to_new_peer_msg(p, udp_link(), LinkMode::P2P).ok());
    p.tx_peer_id = 1;
    EXPECT_FALSE(to_new_peer_msg(p, udp_link(-1), LinkMode::P2P).ok());
}

TEST(KernelDataPlaneMap, LinkFactsFromTheSocket)
{
    test::FakeLink udp(io::LinkProto::Udp);
    udp.set_addrs({}, *io::SockAddr::parse_numeric("10.1.1.1", 1194));
    auto f = link_facts(udp);
    EXPECT_TRUE(f.udp);
    EXPECT_EQ(f.fd, udp.fd());
    EXPECT_EQ(f.connected_remote.to_string(), "[AF_INET]10.1.1.1:1194");
    test::FakeLink tcp(io::LinkProto::TcpClient);
    EXPECT_FALSE(link_facts(tcp).udp);
}

TEST(KernelDataPlaneMap, KeepaliveSeconds)
{
    EXPECT_EQ(*keepalive_secs(std::chrono::seconds(10)), 10u);
    EXPECT_EQ(*keepalive_secs(std::chrono::seconds(0)), 0u);
    EXPECT_FALSE(keepalive_secs(std::chrono::seconds(-1)).ok());
    EXPECT_FALSE(keepalive_secs(std::chrono::seconds(std::int64_t{1} << 33)).ok());
}

TEST(KernelDataPlaneMap, StatsAndReasons)
{
    PeerInfo i;
    i.vpn_rx_bytes = 1;
    i.vpn_tx_bytes = 2;
    i.link_rx_bytes = 3;
    i.link_tx_bytes = 4;
    i.vpn_rx_packets = 5;
    i.vpn_tx_packets = 6;
    i.link_rx_packets = 7;
    i.link_tx_packets = 8;
    auto s = to_peer_stats(i);
    EXPECT_EQ(s.plain_rx_bytes, 1u);
    EXPECT_EQ(s.plain_tx_bytes, 2u);
    EXPECT_EQ(s.link_rx_bytes, 3u);
    EXPECT_EQ(s.link_tx_bytes, 4u);
    EXPECT_EQ(s.plain_rx_packets, 5u);
    EXPECT_EQ(s.plain_tx_packets, 6u);
    EXPECT_EQ(s.link_rx_packets, 7u);
    EXPECT_EQ(s.link_tx_packets, 8u);
    EXPECT_EQ(to_del_reason(uapi::DEL_PEER_REASON_EXPIRED), data::DelReason::Expired);
    EXPECT_EQ(to_del_reason(uapi::DEL_PEER_REASON_TRANSPORT_ERROR), data::DelReason::TransportError);
    EXPECT_EQ(to_del_reason(uapi::DEL_PEER_REASON_TRANSPORT_DISCONNECT),
              data::DelReason::TransportDisconnect);
    EXPECT_EQ(to_del_reason(uapi::DEL_PEER_REASON_USERSPACE), data::DelReason::Userspace);
    EXPECT_EQ(to_del_reason(uapi::DEL_PEER_REASON_TEARDOWN), data::DelReason::Teardown);
}

} // namespace
} // namespace ovpn::dco
