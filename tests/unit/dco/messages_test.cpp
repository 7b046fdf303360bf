// Request bytes of every ovpn-dco-v2 command, computed by hand from the
// attribute layout in src/dco/uapi/ovpn_dco_v2.hpp (little-endian host).
#include "dco/messages.hpp"

#include <arpa/inet.h>

#include <bit>
#include <cstring>

#include <gtest/gtest.h>

#include "hex.hpp"

namespace ovpn::dco {
namespace {

using test::hex;
using test::vec;

class MessagesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if constexpr (std::endian::native != std::endian::little)
            GTEST_SKIP() << "expected bytes are written for a little-endian host";
    }
};

TEST_F(MessagesTest, DelPeer)
{
    auto b = build_del_peer(5, 7);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 05 00 00 00"
                           "0c 00 04 80"
                           "08 00 02 00 07 00 00 00"));
}

TEST_F(MessagesTest, SetPeerKeepalive)
{
    auto b = build_set_peer(3, 1, 10, 60);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 03 00 00 00"
                           "1c 00 03 80"
                           "08 00 01 00 01 00 00 00"
                           "08 00 02 00 0a 00 00 00"
                           "08 00 03 00 3c 00 00 00"));
}

TEST_F(MessagesTest, SwapKeys)
{
    auto b = build_swap_keys(2, 0x010203);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 02 00 00 00"
                           "0c 00 06 80"
                           "08 00 01 00 03 02 01 00"));
}

TEST_F(MessagesTest, DelKeyHasU8SlotPadded)
{
    auto b = build_del_key(2, 9, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 02 00 00 00"
                           "14 00 07 80"
                           "08 00 01 00 09 00 00 00"
                           "05 00 02 00 01 00 00 00"));
}

TEST_F(MessagesTest, GetPeerDoitAndDump)
{
    auto b = build_get_peer(4, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 04 00 00 00"
                           "0c 00 08 80"
                           "08 00 01 00 01 00 00 00"));
    auto d = build_get_peer_dump(4);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(vec(*d), hex("08 00 01 00 04 00 00 00"));
}

TEST_F(MessagesTest, NewKeyAesGcm)
{
    NewKeyMsg m;
    m.peer_id = 1;
    m.slot = uapi::KEY_SLOT_PRIMARY;
    m.key_id = 2;
    m.cipher = uapi::CIPHER_ALG_AES_GCM;
    m.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(16, 0x11));
    m.encrypt.nonce_tail = SecureBytes(std::vector<std::uint8_t>(8, 0xaa));
    m.decrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(16, 0x22));
    m.decrypt.nonce_tail = SecureBytes(std::vector<std::uint8_t>(8, 0xbb));
    auto b = build_new_key(1, m);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 01 00 00 00"
                           "6c 00 05 80"
                           "08 00 01 00 01 00 00 00" // PEER_ID
                           "05 00 02 00 00 00 00 00" // KEY_SLOT u8
                           "05 00 03 00 02 00 00 00" // KEY_ID u8
                           "06 00 04 00 01 00 00 00" // CIPHER_ALG u16
                           "24 00 05 80"             // ENCRYPT_KEY nest
                           "14 00 01 00 11111111 11111111 11111111 11111111"
                           "0c 00 02 00 aaaaaaaa aaaaaaaa"
                           "24 00 06 80" // DECRYPT_KEY nest
                           "14 00 01 00 22222222 22222222 22222222 22222222"
                           "0c 00 02 00 bbbbbbbb bbbbbbbb"));
}

TEST_F(MessagesTest, NewKeyRefusesOverlongKey)
{
    NewKeyMsg m;
    m.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(256, 1));
    EXPECT_FALSE(build_new_key(1, m).ok());
}

TEST_F(MessagesTest, NewPeerUdpV4)
{
    NewPeerMsg m;
    m.peer_id = 5;
    m.socket_fd = 7;
    sockaddr_storage ss{};
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(1194);
    inet_pton(AF_INET, "192.0.2.1", &in->sin_addr);
    m.remote = ss;
    in_addr v4;
    inet_pton(AF_INET, "10.8.0.2", &v4);
    m.vpn_ipv4 = v4;
    m.local_ip = {198, 51, 100, 1};
    auto b = build_new_peer(3, m);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 03 00 00 00"
                           "38 00 02 80"
                           "08 00 01 00 05 00 00 00"                         // PEER_ID
                           "14 00 02 00 0200 04aa c0000201 0000000000000000" // sockaddr_in
                           "08 00 03 00 07 00 00 00"                         // SOCKET
                           "08 00 04 00 0a 08 00 02"                         // IPV4, network order
                           "08 00 06 00 c6 33 64 01"));                      // LOCAL_IP
}

TEST_F(MessagesTest, NewPeerV6RemoteAndVpnIpv6)
{
    NewPeerMsg m;
    m.peer_id = 1;
    m.socket_fd = 3;
    sockaddr_storage ss{};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(443);
    inet_pton(AF_INET6, "2001:db8::1", &in6->sin6_addr);
    m.remote = ss;
    in6_addr v6;
    inet_pton(AF_INET6, "fd00::2", &v6);
    m.vpn_ipv6 = v6;
    auto b = build_new_peer(9, m);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 09 00 00 00"
                           "48 00 02 80"
                           "08 00 01 00 01 00 00 00"
                           "20 00 02 00 0a00 01bb 00000000 20010db8000000000000000000000001 00000000"
                           "08 00 03 00 03 00 00 00"
                           "14 00 05 00 fd000000000000000000000000000002"));
}

TEST_F(MessagesTest, NewPeerOmitsWhatIsUnset)
{
    NewPeerMsg m; // no socket: a negative test sends exactly this
    m.peer_id = 2;
    auto b = build_new_peer(1, m);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("08 00 01 00 01 00 00 00 0c 00 02 80 08 00 01 00 02 00 00 00"));
}

TEST_F(MessagesTest, NewPeerRefusesOtherFamilies)
{
    NewPeerMsg m;
    sockaddr_storage ss{};
    ss.ss_family = AF_UNIX;
    m.remote = ss;
    EXPECT_FALSE(build_new_peer(1, m).ok());
    m.remote.reset();
    m.local_ip = {1, 2, 3};
    EXPECT_FALSE(build_new_peer(1, m).ok());
}

TEST_F(MessagesTest, FrameGenl)
{
    auto attrs = hex("08 00 01 00 05 00 00 00");
    auto b = frame_genl(0x20, 4, 0x05, 9, attrs);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("1c 00 00 00 20 00 05 00 09 00 00 00 00 00 00 00"
                           "04 00 00 00"
                           "08 00 01 00 05 00 00 00"));
}

TEST_F(MessagesTest, WriterOverflowIsAnError)
{
    NlWriter w;
    std::vector<std::uint8_t> big(1000, 0);
    for (int i = 0; i < 5; ++i)
        w.put_bytes(1, big);
    EXPECT_TRUE(w.overflowed());
    EXPECT_FALSE(w.finish().ok());
}

} // namespace
} // namespace ovpn::dco
