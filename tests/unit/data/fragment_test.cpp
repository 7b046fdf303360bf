#include "openvpn/data/fragment.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ovpn;
using namespace ovpn::data;

namespace {
PacketBuf payload(std::size_t n)
{
    PacketBuf b;
    auto d = b.append(n);
    for (std::size_t i = 0; i < n; ++i)
        d[i] = static_cast<std::uint8_t>(i * 7);
    return b;
}
} // namespace

TEST(Fragment, HeaderBitsMatch26Layout)
{
    FragHeader h{FragType::Last, 0xAB, 5, 400};
    const std::uint32_t v = encode_frag_header(h);
    EXPECT_EQ(v & 3, 2u);
    EXPECT_EQ((v >> 2) & 0xFF, 0xABu);
    EXPECT_EQ((v >> 10) & 0x1F, 5u);
    EXPECT_EQ(((v >> 15) & 0x3FFF) << 2, 400u);
    auto back = decode_frag_header(v);
    EXPECT_EQ(back.seq_id, 0xAB);
    EXPECT_EQ(back.frag_id, 5);
    EXPECT_EQ(back.size, 400);
}

TEST(Fragment, SplitAndReassembleOutOfOrder)
{
    Fragmenter f(500);
    Defragmenter d;
    auto pkt = payload(1234);
    std::vector<PacketBuf> pieces(32);
    const std::size_t n = f.split(pkt, pieces);
    ASSERT_EQ(n, 3u);
    TimePoint now{};
    EXPECT_EQ(d.on_payload(pieces[2], now), Defragmenter::Verdict::Pending);
    EXPECT_EQ(d.on_payload(pieces[0], now), Defragmenter::Verdict::Pending);
    ASSERT_EQ(d.on_payload(pieces[1], now), Defragmenter::Verdict::Complete);
    ASSERT_EQ(pieces[1].size(), 1234u);
    EXPECT_TRUE(std::equal(pieces[1].span().begin(), pieces[1].span().end(), payload(1234).span().begin()));
}

TEST(Fragment, WholeAndGarbage)
{
    Fragmenter f(500);
    Defragmenter d;
    auto pkt = payload(100);
    ASSERT_TRUE(f.mark_whole(pkt));
    EXPECT_EQ(d.on_payload(pkt, TimePoint{}), Defragmenter::Verdict::Complete);
    EXPECT_EQ(pkt.size(), 100u);
    PacketBuf tiny;
    tiny.append(2);
    EXPECT_EQ(d.on_payload(tiny, TimePoint{}), Defragmenter::Verdict::Bad);
    PacketBuf test_type;
    auto t = test_type.append(8);
    std::fill(t.begin(), t.end(), 0);
    t[3] = 3;
    EXPECT_EQ(d.on_payload(test_type, TimePoint{}), Defragmenter::Verdict::Bad);
    // a piece claiming an offset far beyond the buffer
    PacketBuf far;
    auto h = far.append(4 + 400);
    const std::uint32_t v = encode_frag_header(FragHeader{FragType::NotLast, 1, 31, 0});
    h[0] = v >> 24, h[1] = v >> 16, h[2] = v >> 8, h[3] = v;
    EXPECT_EQ(d.on_payload(far, TimePoint{}), Defragmenter::Verdict::Bad);
    std::vector<PacketBuf> pieces(2);
    EXPECT_EQ(f.split(payload(1500), pieces), 0u); // needs 3 bufs
}
