#include "openvpn/session/reneg.hpp"

#include <gtest/gtest.h>

using ovpn::session::reneg_seconds;
using ovpn::session::reneg_seconds_of;

TEST(RenegJitter, ServerTakesUpToTenPercentOff)
{
    EXPECT_EQ(reneg_seconds(3600, std::nullopt, true, 0), 3600);
    EXPECT_EQ(reneg_seconds(3600, std::nullopt, true, 359), 3241);
    EXPECT_EQ(reneg_seconds(3600, std::nullopt, true, 360), 3600); // r mod 360
    EXPECT_EQ(reneg_seconds(3600, std::nullopt, true, 1000), 3600 - 280);
    EXPECT_EQ(reneg_seconds(5, std::nullopt, true, 7), 5); // mod max(0, 1)
    // every value lands in (0.9 max, max]
    for (std::uint32_t r = 0; r < 2000; r += 37) {
        const int v = reneg_seconds(100, std::nullopt, true, r);
        EXPECT_GT(v, 90);
        EXPECT_LE(v, 100);
    }
}

TEST(RenegJitter, ClientWithoutMinKeepsMax)
{
    EXPECT_EQ(reneg_seconds(3600, std::nullopt, false, 359), 3600);
}

TEST(RenegJitter, ExplicitMinBoundsBothRoles)
{
    EXPECT_EQ(reneg_seconds(3600, 1800, true, 1799), 1801);
    EXPECT_EQ(reneg_seconds(3600, 1800, false, 1799), 1801);
    EXPECT_EQ(reneg_seconds(3600, 1800, true, 1800), 3600);
    EXPECT_EQ(reneg_seconds(3600, 3600, true, 5), 3600);   // span max(0, 1)
    EXPECT_EQ(reneg_seconds(0, std::nullopt, true, 5), 0); // off stays off
}

TEST(RenegJitter, FromOptionArguments)
{
    EXPECT_EQ(reneg_seconds_of(std::nullopt, true, 10), 3590);
    EXPECT_EQ(reneg_seconds_of(std::vector<std::string>{"100"}, true, 3), 97);
    EXPECT_EQ(reneg_seconds_of(std::vector<std::string>{"100", "50"}, true, 49), 51);
    EXPECT_EQ(reneg_seconds_of(std::vector<std::string>{"x"}, true, 0), std::nullopt);
}
