#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/opcode.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

namespace ovpn::wire {
namespace {

using test::hex;
using test::unhex;

TEST(Opcode, ByteLayoutAndKeyIds)
{
    EXPECT_EQ(op_byte(Opcode::ControlHardResetClientV2, 0), 0x38);
    EXPECT_EQ(op_byte(Opcode::DataV2, 0), 0x48);
    EXPECT_EQ(op_byte(Opcode::ControlWkcV1, 3), 0x5b);
    EXPECT_EQ(opcode_of(0x50), Opcode::ControlHardResetClientV3);
    EXPECT_EQ(key_id_of(0x4f), 7);
    EXPECT_FALSE(opcode_of(0x00).has_value());
    EXPECT_FALSE(opcode_of(0x60).has_value()); // 12
    EXPECT_TRUE(is_control(Opcode::AckV1));
    EXPECT_FALSE(is_control(Opcode::DataV1));
    EXPECT_FALSE(is_control(Opcode::ControlHardResetClientV1));
    EXPECT_EQ(next_key_id(0), 1);
    EXPECT_EQ(next_key_id(6), 7);
    EXPECT_EQ(next_key_id(7), 1);
    EXPECT_STREQ(opcode_name(Opcode::ControlV1), "P_CONTROL_V1");
}

TEST(Opcode, DataV2Header)
{
    EXPECT_EQ(data_v2_header(0, 0), 0x48000000u);
    EXPECT_EQ(data_v2_header(2, 0x123456), 0x4a123456u);
    std::uint8_t b[4];
    ASSERT_TRUE(write_data_v2_header(b, 1, kMaxPeerId));
    EXPECT_EQ(hex(b), "49ffffff");
    EXPECT_EQ(peer_id_of(b), kMaxPeerId);
    EXPECT_FALSE(peer_id_of(Bytes(b, 3)).has_value());
    const std::uint8_t v1[4] = {0x30, 1, 2, 3};
    EXPECT_FALSE(peer_id_of(v1).has_value());
}

ControlPacket sample()
{
    ControlPacket p;
    p.opcode = Opcode::ControlV1;
    p.key_id = 2;
    p.session_id = {1, 2, 3, 4, 5, 6, 7, 8};
    p.num_acks = 2;
    p.acks[0] = 5;
    p.acks[1] = 4;
    p.remote_session_id = {9, 9, 9, 9, 9, 9, 9, 9};
    p.message_id = 7;
    static const std::uint8_t payload[] = {0x16, 0x03, 0x01};
    p.payload = payload;
    return p;
}

TEST(ControlPacket, WriteThenParse)
{
    auto p = sample();
    std::uint8_t buf[128];
    auto n = write_control(buf, p);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, control_size(p));
    EXPECT_EQ(hex(Bytes(buf, *n)), "22"
                                   "0102030405060708"
                                   "02"
                                   "00000005"
                                   "00000004"
                                   "0909090909090909"
                                   "00000007"
                                   "160301");
    auto q = parse_control(Bytes(buf, *n));
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->opcode, Opcode::ControlV1);
    EXPECT_EQ(q->key_id, 2);
    EXPECT_EQ(q->num_acks, 2);
    EXPECT_EQ(q->acks[1], 4u);
    EXPECT_EQ(q->remote_session_id, p.remote_session_id);
    EXPECT_EQ(q->message_id, 7u);
    EXPECT_EQ(hex(q->payload), "160301");
}

TEST(ControlPacket, AckOnlyAndResets)
{
    // P_ACK_V1: no message id.
    auto a = unhex("28 0102030405060708 01 00000000 1112131415161718");
    auto p = parse_control(a);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->message_id.has_value());
    EXPECT_TRUE(p->payload.empty());
    auto extra = a;
    extra.push_back(0);
    EXPECT_EQ(parse_control(extra).error(), Drop::TrailingBytes);
    EXPECT_EQ(parse_control(unhex("28 0102030405060708 00")).error(), Drop::TooShort);
    // A client hard reset: no acks, msg-id 0, empty payload.
    auto r = parse_control(unhex("38 a78159f9acd6a6eb 00 00000000"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->opcode, Opcode::ControlHardResetClientV2);
    EXPECT_EQ(r->message_id, 0u);
    // write refuses inconsistent message ids.
    ControlPacket bad = *r;
    bad.message_id.reset();
    std::uint8_t buf[64];
    EXPECT_FALSE(write_control(buf, bad).ok());
    EXPECT_EQ(write_control(MutBytes(buf, 5), *r).error(), Drop::NoRoom);
}

TEST(ControlPacket, RejectsMalformed)
{
    EXPECT_EQ(parse_control(unhex("")).error(), Drop::TooShort);
    EXPECT_EQ(parse_control(unhex("20 01020304")).error(), Drop::TooShort);
    EXPECT_EQ(parse_control(unhex("30 0102030405060708 00 00000000")).error(), Drop::BadOpcode); // data
    EXPECT_EQ(parse_control(unhex("08 0102030405060708 00 00000000")).error(), Drop::BadOpcode); // V1 reset
    EXPECT_EQ(parse_control(unhex("20 0102030405060708 09")).error(), Drop::TooManyAcks);
    EXPECT_EQ(parse_control(unhex("20 0102030405060708 01 00000001 01020304")).error(), Drop::TooShort);
    EXPECT_EQ(parse_control(unhex("20 0102030405060708 00 000000")).error(), Drop::TooShort);
}

TEST(ControlPacket, EarlyNegotiationTlvs)
{
    auto en = parse_early_negotiation(unhex("0001 0002 0001"));
    ASSERT_TRUE(en.ok());
    EXPECT_EQ(en->flags, kEarlyNegFlagResendWkc);
    auto skip = parse_early_negotiation(unhex("7777 0001 aa 0001 0002 0001"));
    ASSERT_TRUE(skip.ok());
    EXPECT_EQ(skip->flags, 1);
    EXPECT_FALSE(parse_early_negotiation(unhex("0001 0002 00")).ok());
    EXPECT_TRUE(parse_early_negotiation({}).ok());
    std::uint8_t b[6];
    ASSERT_TRUE(write_early_negotiation(b, kEarlyNegFlagResendWkc).ok());
    EXPECT_EQ(hex(b), "000100020001");
    EXPECT_TRUE(supports_early_negotiation(0x0f000001));
    EXPECT_FALSE(supports_early_negotiation(0x00000001));
}

TEST(TcpFraming, SplitsAStream)
{
    std::uint8_t buf[32];
    ByteWriter w{buf};
    const std::uint8_t a[] = {1, 2, 3};
    const std::uint8_t b[] = {4};
    ASSERT_TRUE(write_tcp_frame(w, a));
    ASSERT_TRUE(write_tcp_frame(w, b));
    Bytes s = w.result();
    EXPECT_EQ(hex(s), "000301020300"
                      "0104");
    auto f = parse_tcp_frame(s, 1500);
    ASSERT_EQ(f.status, TcpFrame::Status::Frame);
    EXPECT_EQ(f.consumed, 5u);
    EXPECT_EQ(hex(f.packet), "010203");
    auto g = parse_tcp_frame(s.subspan(5), 1500);
    ASSERT_EQ(g.status, TcpFrame::Status::Frame);
    EXPECT_EQ(hex(g.packet), "04");
    EXPECT_EQ(parse_tcp_frame(s.first(4), 1500).status, TcpFrame::Status::NeedMore);
    EXPECT_EQ(parse_tcp_frame(s.first(1), 1500).status, TcpFrame::Status::NeedMore);
    EXPECT_EQ(parse_tcp_frame(s, 2).status, TcpFrame::Status::Error);
    const std::uint8_t zero[] = {0, 0, 1};
    EXPECT_EQ(parse_tcp_frame(zero, 1500).status, TcpFrame::Status::Error);
}

} // namespace
} // namespace ovpn::wire
