// The pure half of KernelDataPlane: how DataPlane calls become NEW_PEER and
// NEW_KEY fields, stats and delete reasons. (The netlink half runs in the
// qemu scenarios tests/kernel/scenarios/5*-dco-*.sh.)
#include "dco/kernel_data_plane.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <gtest/gtest.h>

#include "openvpn/io/link_socket.hpp"

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

// FdLink: a LinkSocket that only has a descriptor number (the mapping
// reads nothing else).
class FdLink final : public io::LinkSocket {
public:
    explicit FdLink(int fd) : fd_(fd) {}
    int fd() const override { return fd_; }
    io::LinkProto proto() const override { return io::LinkProto::Udp; }
    std::size_t batch_size() const override { return 1; }
    Result<std::size_t, io::LinkError> recv(std::span<PacketBuf>, std::span<io::SockAddr>) override
    {
        return 0;
    }
    Result<std::size_t, io::LinkError> send(std::span<const PacketBuf>, const io::SockAddr*) override
    {
        return 0;
    }
    io::SockAddr local() const override { return {}; }
    io::SockAddr remote() const override { return {}; }

private:
    int fd_;
};
FdLink g_fd9(9), g_fd3(3), g_no_fd(-1);

data::PeerSpec udp_peer(const char* remote6)
{
    data::PeerSpec p;
    p.id = 4;
    p.link = &g_fd9;
    p.remote.len = sizeof(sockaddr_in6);
    auto* r = reinterpret_cast<sockaddr_in6*>(&p.remote.ss);
    r->sin6_family = AF_INET6;
    r->sin6_port = htons(1194);
    inet_pton(AF_INET6, remote6, &r->sin6_addr);
    return p;
}

TEST(KernelDataPlaneMap, V4MappedRemoteIsSentAsAfInet)
{
    auto p = udp_peer("::ffff:192.0.2.7");
    auto* l = reinterpret_cast<sockaddr_in6*>(&p.local.ss);
    l->sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:192.0.2.1", &l->sin6_addr);
    auto m = to_new_peer_msg(p, true);
    ASSERT_TRUE(m.ok()) << m.error();
    ASSERT_TRUE(m->remote.has_value());
    EXPECT_EQ(sockaddr_to_string(*m->remote), "192.0.2.7:1194");
    EXPECT_EQ(m->local_ip, (std::vector<std::uint8_t>{192, 0, 2, 1}));
    EXPECT_EQ(m->socket_fd, 9u);
}

TEST(KernelDataPlaneMap, NativeV6RemoteAndVpnAddresses)
{
    auto p = udp_peer("2001:db8::7");
    in_addr v4;
    inet_pton(AF_INET, "10.8.0.6", &v4);
    p.vpn_ipv4 = v4;
    in6_addr v6{};
    p.vpn_ipv6 = v6; // "::" means unset and is not sent
    auto m = to_new_peer_msg(p, true);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(sockaddr_to_string(*m->remote), "[2001:db8::7]:1194");
    EXPECT_TRUE(m->local_ip.empty());
    ASSERT_TRUE(m->vpn_ipv4.has_value());
    EXPECT_FALSE(m->vpn_ipv6.has_value());
}

TEST(KernelDataPlaneMap, TcpPeerHasNoRemote)
{
    auto p = udp_peer("2001:db8::7");
    auto m = to_new_peer_msg(p, false);
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(m->remote.has_value());
    EXPECT_TRUE(m->local_ip.empty());
}

TEST(KernelDataPlaneMap, RefusesBadPeers)
{
    auto p = udp_peer("2001:db8::7");
    p.id = 0x1000000;
    EXPECT_FALSE(to_new_peer_msg(p, true).ok());
    p.id = 1;
    p.link = &g_no_fd;
    EXPECT_FALSE(to_new_peer_msg(p, true).ok());
    data::PeerSpec no_remote;
    no_remote.link = &g_fd3;
    EXPECT_FALSE(to_new_peer_msg(no_remote, true).ok());
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
