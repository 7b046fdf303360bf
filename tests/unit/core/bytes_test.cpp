#include "openvpn/core/bytes.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

#include <array>
#include <gtest/gtest.h>

namespace ovpn {
namespace {

TEST(ByteReader, ReadsBigEndianAndStopsAtEnd)
{
    const std::array<std::uint8_t, 7> in{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    ByteReader r{in};
    std::uint8_t a = 0;
    std::uint16_t b = 0;
    std::uint32_t c = 0;
    ASSERT_TRUE(r.read_u8(a));
    ASSERT_TRUE(r.read_u16(b));
    ASSERT_TRUE(r.read_u32(c));
    EXPECT_EQ(a, 0x01);
    EXPECT_EQ(b, 0x0203);
    EXPECT_EQ(c, 0x04050607u);
    EXPECT_TRUE(r.empty());
    EXPECT_FALSE(r.read_u8(a));
}

TEST(ByteReader, ShortReadLeavesPositionUnchanged)
{
    const std::array<std::uint8_t, 3> in{1, 2, 3};
    ByteReader r{in};
    std::uint32_t v = 0;
    EXPECT_FALSE(r.read_u32(v));
    EXPECT_EQ(r.remaining(), 3u);
    std::uint32_t v24 = 0;
    EXPECT_TRUE(r.read_u24(v24));
    EXPECT_EQ(v24, 0x010203u);
}

TEST(ByteWriter, FailsInsteadOfOverflowing)
{
    std::array<std::uint8_t, 5> out{};
    ByteWriter w{out};
    EXPECT_TRUE(w.write_u32(0xdeadbeef));
    EXPECT_FALSE(w.write_u16(1));
    EXPECT_TRUE(w.write_u8(0x42));
    EXPECT_EQ(w.written(), 5u);
    EXPECT_EQ(out[0], 0xde);
    EXPECT_EQ(out[4], 0x42);
}

TEST(PacketBuf, PrependAndAppendInPlace)
{
    PacketBuf b(64, 16);
    const std::array<std::uint8_t, 4> payload{9, 8, 7, 6};
    ASSERT_TRUE(b.append(payload));
    auto hdr = b.prepend(4);
    ASSERT_EQ(hdr.size(), 4u);
    hdr[0] = 0x48;
    EXPECT_EQ(b.size(), 8u);
    EXPECT_EQ(b.data()[0], 0x48);
    EXPECT_EQ(b.data()[4], 9);
    EXPECT_TRUE(b.prepend(13).empty()); // only 12 bytes of headroom left
    EXPECT_TRUE(b.consume_front(4));
    EXPECT_EQ(b.data()[0], 9);
}

TEST(Result, CarriesValueOrError)
{
    Result<int> good = 5;
    Result<int> bad = Err{std::string("broken")};
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 5);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), "broken");
}

TEST(SecureBytes, WipeClears)
{
    SecureBytes k(32);
    k[0] = 0xAA;
    k.wipe();
    EXPECT_TRUE(k.empty());
}

} // namespace
} // namespace ovpn
