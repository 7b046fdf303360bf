#include "openvpn/wire/compress.hpp"
#include "openvpn/wire/ping_occ.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>
#include <lzo/lzo1x.h>

namespace ovpn::wire {
namespace {

using test::hex;
using test::unhex;

PacketBuf buf_of(Bytes b)
{
    PacketBuf buf;
    EXPECT_TRUE(buf.append(b));
    return buf;
}

TEST(Ping, MagicIsExact)
{
    EXPECT_TRUE(is_ping(unhex("2a187bf3641eb4cb07ed2d0a981fc748")));
    EXPECT_FALSE(is_ping(unhex("2a187bf3641eb4cb07ed2d0a981fc74800")));
    EXPECT_FALSE(is_ping(unhex("2a187bf3641eb4cb07ed2d0a981fc749")));
    EXPECT_FALSE(is_ping({}));
}

TEST(Occ, ParseAndBuild)
{
    auto exit = occ_exit_payload();
    EXPECT_EQ(hex(exit), "287f346bd4ef7a812d56b8d3afc5459c06");
    auto m = parse_occ(exit);
    ASSERT_TRUE(m.has_value());
    ASSERT_TRUE(m->ok());
    EXPECT_EQ((*m)->type, OccType::Exit);
    std::uint8_t buf[64];
    auto n = write_occ_reply(buf, "V4,dev-type tun");
    ASSERT_TRUE(n.ok());
    auto r = parse_occ(Bytes(buf, *n));
    ASSERT_TRUE(r && r->ok());
    EXPECT_EQ((*r)->type, OccType::Reply);
    EXPECT_EQ((*r)->body.size(), 16u); // string + NUL
    n = write_occ_mtu_reply(buf, 1500, 1400);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(hex(Bytes(buf + 16, *n - 16)), "0505dc0578");
    EXPECT_FALSE(parse_occ(unhex("4500")).has_value()); // an IP packet
    EXPECT_FALSE(parse_occ(unhex("287f346bd4ef7a812d56b8d3afc5459c"))->ok());
    EXPECT_EQ(parse_occ(unhex("287f346bd4ef7a812d56b8d3afc5459c07"))->error(), Drop::BadOpcode);
    EXPECT_EQ(parse_occ(unhex("287f346bd4ef7a812d56b8d3afc5459c0501"))->error(), Drop::TooShort);
    EXPECT_EQ(write_occ(MutBytes(buf, 10), OccType::Request).error(), Drop::NoRoom);
}

std::vector<std::uint8_t> scratch(4096);

std::string framed(CompressMode mode, const char* payload_hex, bool allow = false)
{
    auto b = buf_of(unhex(payload_hex));
    EXPECT_TRUE(compress_frame(b, mode, allow, scratch).ok());
    return hex(b.span());
}

std::string unframed(CompressMode mode, const char* wire_hex)
{
    auto b = buf_of(unhex(wire_hex));
    auto r = decompress_frame(b, mode, scratch);
    if (!r)
        return std::string("drop:") + to_string(r.error());
    return hex(b.span());
}

TEST(Compress, StubFramingBytes)
{
    EXPECT_EQ(framed(CompressMode::None, "45000102"), "45000102");
    EXPECT_EQ(framed(CompressMode::LzoNo, "45000102"), "fa45000102");
    EXPECT_EQ(framed(CompressMode::Lzo, "45000102"), "fa45000102");
    EXPECT_EQ(framed(CompressMode::Stub, "45000102"), "fb00010245");
    EXPECT_EQ(framed(CompressMode::StubV2, "45000102"), "45000102");
    EXPECT_EQ(framed(CompressMode::StubV2, "50000102"), "500050000102");
    EXPECT_EQ(framed(CompressMode::Lz4V2, "50"), "500050");
    EXPECT_EQ(framed(CompressMode::Stub, ""), "");

    EXPECT_EQ(unframed(CompressMode::LzoNo, "fa45000102"), "45000102");
    EXPECT_EQ(unframed(CompressMode::Stub, "fb00010245"), "45000102");
    EXPECT_EQ(unframed(CompressMode::Stub, "fb45"), "45");
    EXPECT_EQ(unframed(CompressMode::StubV2, "45000102"), "45000102");
    EXPECT_EQ(unframed(CompressMode::StubV2, "500050000102"), "50000102");
    EXPECT_EQ(unframed(CompressMode::StubV2, "500a50000102"), "50000102"); // what 2.6 sends
    EXPECT_EQ(unframed(CompressMode::StubV2, "50"), "drop:packet too short");
    EXPECT_EQ(unframed(CompressMode::StubV2, "5007aa"), "drop:bad compression header");
    EXPECT_EQ(unframed(CompressMode::Lzo, "4500"), "drop:bad compression header");
    EXPECT_EQ(unframed(CompressMode::Lz4, "1245"), "drop:bad compression header");
}

std::vector<std::uint8_t> compressible(std::size_t n)
{
    std::vector<std::uint8_t> p(n);
    for (std::size_t i = 0; i < n; ++i)
        p[i] = static_cast<std::uint8_t>((i / 10) % 4);
    p[0] = 0x45;
    return p;
}

TEST(Compress, Lz4RoundTripsBothFramings)
{
    for (auto mode : {CompressMode::Lz4, CompressMode::Lz4V2}) {
        auto p = compressible(600);
        auto b = buf_of(p);
        ASSERT_TRUE(compress_frame(b, mode, true, scratch).ok());
        EXPECT_LT(b.size(), p.size());
        if (mode == CompressMode::Lz4)
            EXPECT_EQ(b.data()[0], kLz4CompressByte);
        else
            EXPECT_EQ(hex(b.span().first(2)), "5001");
        ASSERT_TRUE(decompress_frame(b, mode, scratch).ok());
        EXPECT_EQ(hex(b.span()), hex(p));
        // Not allowed: framing only.
        auto c = buf_of(p);
        ASSERT_TRUE(compress_frame(c, mode, false, scratch).ok());
        EXPECT_EQ(c.size(), mode == CompressMode::Lz4 ? p.size() + 1 : p.size());
        // Short payloads are never compressed.
        auto s = buf_of(compressible(99));
        ASSERT_TRUE(compress_frame(s, mode, true, scratch).ok());
        EXPECT_NE(s.data()[0], kLz4CompressByte);
    }
    // Corrupt LZ4 data is a counted drop, not a crash.
    EXPECT_EQ(unframed(CompressMode::Lz4V2, "5001ffffffffffff"), "drop:decompression failed");
    auto big = compressible(2000);
    auto b = buf_of(big);
    std::vector<std::uint8_t> small(64);
    ASSERT_TRUE(compress_frame(b, CompressMode::Lz4V2, true, scratch).ok());
    EXPECT_EQ(decompress_frame(b, CompressMode::Lz4V2, small).error(), Drop::DecompressFailed);
}

TEST(Compress, LzoDecompression)
{
    ASSERT_EQ(lzo_init(), LZO_E_OK);
    auto p = compressible(800);
    std::vector<std::uint8_t> out(p.size() + p.size() / 16 + 64 + 3);
    std::vector<std::uint8_t> work(LZO1X_1_MEM_COMPRESS);
    lzo_uint out_len = out.size();
    ASSERT_EQ(lzo1x_1_compress(p.data(), p.size(), out.data(), &out_len, work.data()), LZO_E_OK);
    std::vector<std::uint8_t> wire{kLzoCompressByte};
    wire.insert(wire.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out_len));
    auto b = buf_of(wire);
    ASSERT_TRUE(decompress_frame(b, CompressMode::Lzo, scratch).ok());
    EXPECT_EQ(hex(b.span()), hex(p));
    EXPECT_EQ(unframed(CompressMode::Lzo, "66ffffffff"), "drop:decompression failed");
}

} // namespace
} // namespace ovpn::wire
