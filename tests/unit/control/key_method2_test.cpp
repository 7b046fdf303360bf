#include "openvpn/wire/key_method2.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::wire;

namespace {

SecureBytes filled(std::size_t n, std::uint8_t v)
{
    SecureBytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(v + i);
    return b;
}

std::string str(const SecureBytes& b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST(KeyMethod2, ClientRoundTripAndLayout)
{
    KeyMethod2 km;
    km.pre_master = filled(48, 1);
    km.random1 = filled(32, 100);
    km.random2 = filled(32, 200);
    km.options = "V4,dev-type tun,link-mtu 1559";
    km.username = "testuser";
    km.password = SecureBytes(as_bytes(std::string("testpass")));
    km.peer_info = "IV_VER=2.6.14\nIV_PROTO=746\n";
    auto enc = write_key_method2(km, true);
    ASSERT_TRUE(enc);
    const auto& b = *enc;
    // 4 zero bytes, method 2, 48 + 64 bytes of key material, then strings.
    EXPECT_EQ(b[0] | b[1] | b[2] | b[3], 0);
    EXPECT_EQ(b[4], 2);
    EXPECT_EQ(b[5], 1);                       // pre_master[0]
    std::size_t off = 5 + 48 + 64;            // options length
    EXPECT_EQ(b[off] * 256 + b[off + 1], 30); // 29 chars + NUL
    EXPECT_EQ(b[off + 2 + 29], 0);            // trailing NUL
    EXPECT_EQ(b.size(), off + 2 + 30 + 2 + 9 + 2 + 9 + 2 + km.peer_info.size() + 1);

    auto dec = parse_key_method2(b, true);
    ASSERT_TRUE(dec) << dec.error();
    EXPECT_EQ(dec->options, km.options);
    EXPECT_EQ(dec->username, "testuser");
    EXPECT_EQ(str(dec->password), "testpass");
    EXPECT_EQ(dec->peer_info, km.peer_info);
    EXPECT_EQ(str(dec->pre_master), str(km.pre_master));
    EXPECT_EQ(str(dec->random2), str(km.random2));
}

TEST(KeyMethod2, ServerMessageEmptyStringsAreBareZeros)
{
    KeyMethod2 km;
    km.random1 = filled(32, 1);
    km.random2 = filled(32, 2);
    km.options = std::string(100, 'o');
    auto enc = write_key_method2(km, false);
    ASSERT_TRUE(enc);
    // 2.6 server message: 5 + 64 + 2 + 101 + 2 + 2 + 2 = 178 bytes (§4.2)
    EXPECT_EQ(enc->size(), 178u);
    auto dec = parse_key_method2(*enc, false);
    ASSERT_TRUE(dec);
    EXPECT_TRUE(dec->username.empty());
    EXPECT_TRUE(dec->password.empty());
    EXPECT_TRUE(dec->peer_info.empty());
    EXPECT_TRUE(dec->pre_master.empty());
}

TEST(KeyMethod2, OldPeerWithoutTrailingStrings)
{
    KeyMethod2 km;
    km.random1 = filled(32, 1);
    km.random2 = filled(32, 2);
    km.options = "V4";
    auto enc = write_key_method2(km, false);
    ASSERT_TRUE(enc);
    auto cut = enc->span().first(enc->size() - 6); // drop user/pass/peer-info
    auto dec = parse_key_method2(cut, false);
    ASSERT_TRUE(dec);
    EXPECT_EQ(dec->options, "V4");
}

TEST(KeyMethod2, RejectsBadInput)
{
    std::vector<std::uint8_t> b = {0, 0, 0, 0, 1};
    EXPECT_FALSE(parse_key_method2(b, false)); // key method 1
    b[4] = 2;
    EXPECT_FALSE(parse_key_method2(b, false)); // truncated
    b[0] = 1;
    EXPECT_FALSE(parse_key_method2(b, false));
    KeyMethod2 km;
    km.random1 = filled(32, 1);
    km.random2 = filled(32, 2);
    km.options = std::string(600, 'x');
    EXPECT_FALSE(write_key_method2(km, false)); // options > 512
    km.options = "V4";
    EXPECT_FALSE(write_key_method2(km, true)); // no pre_master
    auto enc = write_key_method2(km, false);
    ASSERT_TRUE(enc);
    std::vector<std::uint8_t> extra(enc->span().begin(), enc->span().end());
    extra.push_back(7);
    EXPECT_FALSE(parse_key_method2(extra, false));
    // string length beyond the buffer
    std::vector<std::uint8_t> longlen(enc->span().begin(), enc->span().begin() + 69);
    longlen.push_back(0x01);
    longlen.push_back(0x00);
    EXPECT_FALSE(parse_key_method2(longlen, false));
}

TEST(PeerInfo, PullClientMatches2614)
{
    PeerInfoParams p;
    p.iv_proto = 990;
    EXPECT_EQ(build_peer_info(p), "IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
                                  "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
                                  "IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
}

TEST(PeerInfo, P2pOnlyCiphersAndProto)
{
    PeerInfoParams p;
    p.pull = false;
    p.iv_proto = 746;
    p.ciphers = "AES-256-GCM";
    EXPECT_EQ(build_peer_info(p), "IV_CIPHERS=AES-256-GCM\nIV_PROTO=746\n");
    auto m = parse_peer_info(build_peer_info(p) + "junk\n=x\n");
    EXPECT_EQ(m.size(), 2u);
    EXPECT_EQ(m["IV_PROTO"], "746");
}

} // namespace
