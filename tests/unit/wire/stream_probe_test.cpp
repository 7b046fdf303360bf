#include "openvpn/wire/stream_probe.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ovpn::wire;

namespace {

StreamHead probe(std::vector<std::uint8_t> b)
{
    return classify_stream_head(b);
}

} // namespace

TEST(StreamProbe, NothingIsDecidedBeforeTwoBytes)
{
    EXPECT_EQ(probe({}), StreamHead::NeedMore);
    EXPECT_EQ(probe({'G'}), StreamHead::NeedMore);
    EXPECT_EQ(probe({0x00}), StreamHead::NeedMore);
}

TEST(StreamProbe, TwoBytesJudgeTheRecordLengthOnly)
{
    EXPECT_EQ(probe({0x00, 14}), StreamHead::OpenVpn);
    EXPECT_EQ(probe({0x00, 255}), StreamHead::OpenVpn);
    EXPECT_EQ(probe({0x00, 13}), StreamHead::Foreign);
    EXPECT_EQ(probe({0x01, 0x00}), StreamHead::Foreign); // 256
    EXPECT_EQ(probe({'G', 'E'}), StreamHead::Foreign);
}

TEST(StreamProbe, HardResetV2InItsLengthRange)
{
    EXPECT_EQ(probe({0x00, 0x36, 0x38}), StreamHead::OpenVpn); // 2.6's reset: 54 bytes, key id 0
    EXPECT_EQ(probe({0x00, 14, 0x38, 0xAA}), StreamHead::OpenVpn);
    EXPECT_EQ(probe({0x00, 0x36, 0x39}), StreamHead::Foreign); // key id 1
    EXPECT_EQ(probe({0x00, 0x36, 0x20}), StreamHead::Foreign); // P_CONTROL_V1
    EXPECT_EQ(probe({0x00, 13, 0x38}), StreamHead::Foreign);
    EXPECT_EQ(probe({0x01, 0x00, 0x38}), StreamHead::Foreign);
    EXPECT_EQ(probe({'G', 'E', 'T', ' '}), StreamHead::Foreign);
    EXPECT_EQ(probe({0x16, 0x03, 0x01, 0x02}), StreamHead::Foreign); // TLS ClientHello
}

TEST(StreamProbe, HardResetV3NeedsTheWrappedKeysLength)
{
    EXPECT_EQ(probe({0x01, 0x50, 0x50}), StreamHead::OpenVpn); // 336
    EXPECT_EQ(probe({0x04, 0xFE, 0x50}), StreamHead::OpenVpn); // 1278
    EXPECT_EQ(probe({0x04, 0xFF, 0x50}), StreamHead::Foreign); // 1279
    EXPECT_EQ(probe({0x01, 0x4F, 0x50}), StreamHead::Foreign); // 335
    EXPECT_EQ(probe({0x00, 0x36, 0x50}), StreamHead::Foreign); // a V3 reset cannot be that short
}
