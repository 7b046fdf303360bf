#include "openvpn/server/iroute.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::server;

TEST(ParseIroute, NetworkAndNetmask)
{
    auto r = parse_iroute("192.168.77.0 255.255.255.0");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->family, AF_INET);
    EXPECT_EQ(r->prefix_len, 24);
    EXPECT_EQ(iroute_string(*r), "192.168.77.0/24");
    auto h = parse_iroute("10.1.2.3");
    ASSERT_TRUE(h);
    EXPECT_EQ(iroute_string(*h), "10.1.2.3/32");
    auto z = parse_iroute("192.168.77.5 255.255.0.0");
    ASSERT_TRUE(z);
    EXPECT_EQ(iroute_string(*z), "192.168.0.0/16");
}

TEST(ParseIroute, Ipv6Prefix)
{
    auto r = parse_iroute("fd00:77::/64");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->family, AF_INET6);
    EXPECT_EQ(iroute_string(*r), "fd00:77::/64");
    auto h = parse_iroute("fd00::1");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->prefix_len, 128);
}

TEST(ParseIroute, BadOnesNameTheOption)
{
    for (const char* bad : {"192.168.77.0 255.0.255.0", "192.168.77 255.255.255.0", "nonsense",
                            "192.168.77.0 255.255.255.0.1"}) {
        auto r = parse_iroute(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().find("--iroute:"), std::string::npos);
    }
    for (const char* bad : {"fd00::/129", "fd00::/x", "fd00:::1/64", "fd00::/"}) {
        auto r = parse_iroute(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().find("--iroute-ipv6:"), std::string::npos);
    }
}
