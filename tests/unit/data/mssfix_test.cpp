#include "openvpn/data/mssfix.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ovpn::data;

namespace {
// A minimal IPv4 TCP SYN with an MSS option (1460) and a valid TCP checksum
// field we only check for consistent incremental update.
std::vector<std::uint8_t> syn_v4(std::uint16_t mss, std::uint8_t flags = 0x02)
{
    std::vector<std::uint8_t> p(20 + 24, 0);
    p[0] = 0x45;
    p[3] = static_cast<std::uint8_t>(p.size());
    p[9] = 6;
    std::uint8_t* t = p.data() + 20;
    t[12] = 6 << 4; // 24-byte header
    t[13] = flags;
    t[16] = 0x12;
    t[17] = 0x34;
    t[20] = 2;
    t[21] = 4;
    t[22] = static_cast<std::uint8_t>(mss >> 8);
    t[23] = static_cast<std::uint8_t>(mss);
    return p;
}

std::uint32_t ones_sum(const std::vector<std::uint8_t>& p, std::size_t off)
{
    std::uint32_t s = 0;
    for (std::size_t i = off; i + 1 < p.size(); i += 2)
        s += (p[i] << 8) | p[i + 1];
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return s;
}
} // namespace

TEST(Mssfix, ClampsLargeMssAndKeepsChecksumConsistent)
{
    auto p = syn_v4(1460);
    const auto before = ones_sum(p, 20);
    EXPECT_TRUE(clamp_mss(p, 1300));
    EXPECT_EQ((p[42] << 8) | p[43], 1300);
    EXPECT_EQ(ones_sum(p, 20), before); // one's complement sum of the segment unchanged
}

TEST(Mssfix, LeavesSmallMssNonSynAndGarbage)
{
    auto p = syn_v4(1200);
    EXPECT_FALSE(clamp_mss(p, 1300));
    auto ack = syn_v4(1460, 0x10);
    EXPECT_FALSE(clamp_mss(ack, 1300));
    std::vector<std::uint8_t> junk(30, 0x45);
    EXPECT_FALSE(clamp_mss(junk, 1300));
    std::vector<std::uint8_t> empty;
    EXPECT_FALSE(clamp_mss(empty, 1300));
}

TEST(Mssfix, Arithmetic)
{
    EXPECT_EQ(mss_for_mssfix(1492, 0), 1452);
    EXPECT_EQ(mss_for_mssfix(30, 0), 0);
}
