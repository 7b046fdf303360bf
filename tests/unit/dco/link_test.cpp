// RTM_NEWLINK / RTM_DELLINK bytes for the ovpn-dco link kind.
#include "dco/link.hpp"

#include <bit>

#include <gtest/gtest.h>

#include "hex.hpp"

namespace ovpn::dco {
namespace {

using test::hex;
using test::vec;

TEST(Link, NewLinkMultiPeer)
{
    if constexpr (std::endian::native != std::endian::little)
        GTEST_SKIP();
    auto b = build_newlink("tun5", LinkMode::MP, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("4c 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00" // RTM_NEWLINK
                           "11 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" // ifinfomsg AF_PACKET
                           "09 00 03 00 74 75 6e 35 00 00 00 00"             // IFNAME "tun5"
                           "20 00 12 00"                                     // LINKINFO
                           "0d 00 01 00 6f 76 70 6e 2d 64 63 6f 00 00 00 00" // KIND "ovpn-dco"
                           "0c 00 02 00"                                     // INFO_DATA
                           "05 00 01 00 01 00 00 00"));                      // IFLA_OVPN_MODE = MP
}

TEST(Link, NewLinkP2pModeByte)
{
    auto b = build_newlink("x", LinkMode::P2P, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ((*b)[b->size() - 4], 0); // IFLA_OVPN_MODE payload
}

TEST(Link, NewLinkRefusesBadNames)
{
    EXPECT_FALSE(build_newlink("", LinkMode::P2P, 1).ok());
    EXPECT_FALSE(build_newlink("sixteen-chars-xx", LinkMode::P2P, 1).ok());
}

TEST(Link, DelLink)
{
    if constexpr (std::endian::native != std::endian::little)
        GTEST_SKIP();
    auto b = build_dellink(7, 2);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("20 00 00 00 11 00 05 00 02 00 00 00 00 00 00 00"
                           "00 00 00 00 07 00 00 00 00 00 00 00 00 00 00 00"));
}

} // namespace
} // namespace ovpn::dco
