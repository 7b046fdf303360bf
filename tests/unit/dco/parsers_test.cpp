// Parsers of what the module sends: DEL_PEER notifications, GET_PEER replies,
// NLMSG_ERROR with extended ACK, and malformed input of every kind.
#include <arpa/inet.h>
#include <linux/netlink.h>

#include <bit>

#include <gtest/gtest.h>

#include "dco/messages.hpp"
#include "hex.hpp"

namespace ovpn::dco {
namespace {

using test::hex;

constexpr std::uint16_t kFamily = 0x1e;

// A DEL_PEER notification exactly as the module multicasts it: portid 0,
// seq 0, genl cmd 3, IFINDEX 5, DEL_PEER{REASON 2 (expired), PEER_ID 9}.
const char* kDelPeerExpired = "30 00 00 00 1e 00 00 00 00 00 00 00 00 00 00 00"
                              "03 01 00 00"
                              "08 00 01 00 05 00 00 00"
                              "14 00 04 80"
                              "05 00 01 00 02 00 00 00"
                              "08 00 02 00 09 00 00 00";

class ParsersTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if constexpr (std::endian::native != std::endian::little)
            GTEST_SKIP() << "vectors are written for a little-endian host";
    }
};

TEST_F(ParsersTest, DelPeerNotification)
{
    auto d = hex(kDelPeerExpired);
    auto b = parse_notifications(d, kFamily, 5);
    ASSERT_TRUE(b.ok()) << b.error();
    ASSERT_EQ(b->del_peer.size(), 1u);
    EXPECT_EQ(b->del_peer[0].ifindex, 5u);
    EXPECT_EQ(b->del_peer[0].peer_id, 9u);
    EXPECT_EQ(b->del_peer[0].reason, uapi::DEL_PEER_REASON_EXPIRED);
    EXPECT_STREQ(del_reason_name(b->del_peer[0].reason), "expired");
}

TEST_F(ParsersTest, TwoNotificationsInOneDatagramAreBothKept)
{
    auto d = hex(kDelPeerExpired);
    auto two = d;
    two.insert(two.end(), d.begin(), d.end());
    two[two.size() - 4] = 10; // second peer id
    auto b = parse_notifications(two, kFamily, 0);
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(b->del_peer.size(), 2u);
    EXPECT_EQ(b->del_peer[0].peer_id, 9u);
    EXPECT_EQ(b->del_peer[1].peer_id, 10u);
}

TEST_F(ParsersTest, OtherInterfaceOrFamilyIsIgnored)
{
    auto d = hex(kDelPeerExpired);
    auto b = parse_notifications(d, kFamily, 6);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b->del_peer.empty());
    EXPECT_EQ(b->ignored, 1u);
    auto c = parse_notifications(d, kFamily + 1, 5);
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->del_peer.empty());
    EXPECT_EQ(c->ignored, 1u);
}

TEST_F(ParsersTest, BadReasonOrMissingPeerIdIsMalformed)
{
    auto d = hex(kDelPeerExpired);
    d[36] = 5; // REASON beyond TRANSPORT_DISCONNECT
    auto b = parse_notifications(d, kFamily, 0);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b->del_peer.empty());
    EXPECT_EQ(b->malformed, 1u);

    auto no_id = parse_del_peer_notification(hex("08 00 01 00 05 00 00 00"
                                                 "0c 00 04 80"
                                                 "05 00 01 00 02 00 00 00"));
    EXPECT_FALSE(no_id.ok());
    auto wrong_size = parse_del_peer_notification(hex("08 00 01 00 05 00 00 00"
                                                      "14 00 04 80"
                                                      "06 00 01 00 02 00 00 00"
                                                      "08 00 02 00 09 00 00 00"));
    EXPECT_FALSE(wrong_size.ok());
}

TEST_F(ParsersTest, TruncationIsAnErrorNotARead)
{
    auto d = hex(kDelPeerExpired);
    for (std::size_t n = 1; n < d.size(); ++n) {
        auto part = std::span<const std::uint8_t>(d.data(), n);
        auto b = parse_notifications(part, kFamily, 0);
        EXPECT_TRUE(!b.ok() || b->del_peer.empty()) << "length " << n;
    }
    EXPECT_FALSE(parse_attrs(hex("03 00 01 00")).ok());          // nla_len < 4
    EXPECT_FALSE(parse_attrs(hex("09 00 01 00 00 00 00")).ok()); // longer than the buffer
    EXPECT_FALSE(parse_attrs(hex("08 00")).ok());
    EXPECT_FALSE(split_messages(hex("0f 00 00 00 1e 00 00 00 00 00 00 00 00 00 00 00")).ok());
}

TEST_F(ParsersTest, GetPeerReplyWithPadAndNetByteorderPort)
{
    NlWriter w;
    auto nest = w.begin_nest(uapi::ATTR_GET_PEER);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_PEER_ID, 3);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(1194);
    inet_pton(AF_INET, "10.0.0.2", &sin.sin_addr);
    w.put_bytes(uapi::GET_PEER_RESP_ATTR_SOCKADDR_REMOTE,
                Bytes(reinterpret_cast<const std::uint8_t*>(&sin), sizeof sin));
    w.put_bytes(uapi::GET_PEER_RESP_ATTR_LOCAL_IP, hex("0a 00 00 01"));
    w.put_bytes(uapi::GET_PEER_RESP_ATTR_IPV4, hex("05 05 05 02"));
    w.put_bytes(uapi::GET_PEER_RESP_ATTR_LOCAL_PORT | kNlaFNetByteorder, hex("04 aa"));
    w.put_u32(uapi::GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL, 10);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT, 60);
    w.put_bytes(0, {}); // pad attribute before a u64
    w.put_u64(uapi::GET_PEER_RESP_ATTR_VPN_RX_BYTES, 1000);
    w.put_u64(uapi::GET_PEER_RESP_ATTR_VPN_TX_BYTES, 2000);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_VPN_RX_PACKETS, 10);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_VPN_TX_PACKETS, 20);
    w.put_u64(uapi::GET_PEER_RESP_ATTR_LINK_RX_BYTES, 1500);
    w.put_u64(uapi::GET_PEER_RESP_ATTR_LINK_TX_BYTES, 2500);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_LINK_RX_PACKETS, 11);
    w.put_u32(uapi::GET_PEER_RESP_ATTR_LINK_TX_PACKETS, 21);
    w.end_nest(nest);
    auto p = parse_get_peer_reply(w.view());
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_EQ(p->peer_id, 3u);
    ASSERT_TRUE(p->remote.has_value());
    EXPECT_EQ(sockaddr_to_string(*p->remote), "10.0.0.2:1194");
    EXPECT_EQ(p->local_ip, hex("0a 00 00 01"));
    ASSERT_TRUE(p->vpn_ipv4.has_value());
    EXPECT_EQ(p->vpn_ipv4->s_addr, htonl(0x05050502));
    EXPECT_EQ(p->local_port, 1194);
    EXPECT_EQ(p->keepalive_interval, 10u);
    EXPECT_EQ(p->keepalive_timeout, 60u);
    EXPECT_EQ(p->vpn_rx_bytes, 1000u);
    EXPECT_EQ(p->vpn_tx_bytes, 2000u);
    EXPECT_EQ(p->vpn_rx_packets, 10u);
    EXPECT_EQ(p->vpn_tx_packets, 20u);
    EXPECT_EQ(p->link_rx_bytes, 1500u);
    EXPECT_EQ(p->link_tx_bytes, 2500u);
    EXPECT_EQ(p->link_rx_packets, 11u);
    EXPECT_EQ(p->link_tx_packets, 21u);
}

TEST_F(ParsersTest, GetPeerReplyNeedsNestAndId)
{
    EXPECT_FALSE(parse_get_peer_reply(hex("08 00 01 00 05 00 00 00")).ok());
    EXPECT_FALSE(parse_get_peer_reply(hex("0c 00 08 80 08 00 07 00 0a 00 00 00")).ok());
    // A remote of a wrong size is refused rather than half-read.
    EXPECT_FALSE(
        parse_get_peer_reply(hex("14 00 08 80 08 00 01 00 01 00 00 00 06 00 02 00 02 00 00 00")).ok());
}

TEST_F(ParsersTest, NlmsgerrWithExtendedAck)
{
    auto d = hex("30 00 00 00 02 00 00 03 07 00 00 00 00 00 00 00" // NLMSG_ERROR, CAPPED|ACK_TLVS
                 "ea ff ff ff"                                     // -22
                 "40 00 00 00 1e 00 05 00 07 00 00 00 00 00 00 00" // echoed header only
                 "0c 00 01 00 62 61 64 20 6b 65 79 00");           // MSG "bad key"
    auto msgs = split_messages(d);
    ASSERT_TRUE(msgs.ok()) << msgs.error();
    ASSERT_EQ(msgs->size(), 1u);
    EXPECT_EQ((*msgs)[0].seq, 7u);
    auto e = parse_nlmsgerr((*msgs)[0]);
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_EQ(e->error, -22);
    EXPECT_EQ(e->ext_msg, "bad key");
}

TEST_F(ParsersTest, PlainAck)
{
    auto d = hex("24 00 00 00 02 00 00 01 07 00 00 00 00 00 00 00"
                 "00 00 00 00"
                 "1c 00 00 00 1e 00 05 00 07 00 00 00 00 00 00 00");
    auto msgs = split_messages(d);
    ASSERT_TRUE(msgs.ok());
    auto e = parse_nlmsgerr((*msgs)[0]);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->error, 0);
    EXPECT_TRUE(e->ext_msg.empty());
}

TEST_F(ParsersTest, UncappedErrorEchoIsSkipped)
{
    // Without NLM_F_CAPPED the whole request (here 20 bytes) is echoed.
    auto d = hex("34 00 00 00 02 00 00 02 07 00 00 00 00 00 00 00"
                 "fe ff ff ff"
                 "14 00 00 00 1e 00 05 00 07 00 00 00 00 00 00 00 03 01 00 00"
                 "0c 00 01 00 6e 6f 20 70 65 65 72 00");
    auto msgs = split_messages(d);
    ASSERT_TRUE(msgs.ok()) << msgs.error();
    auto e = parse_nlmsgerr((*msgs)[0]);
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_EQ(e->error, -2);
    EXPECT_EQ(e->ext_msg, "no peer");
}

} // namespace
} // namespace ovpn::dco
