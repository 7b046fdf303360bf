#include "openvpn/server/client_config.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::server;

TEST(ClientConfig, ReadsTheDirectivesOfACcdFile)
{
    auto c = parse_client_config("# ccd\n"
                                 "ifconfig-push 10.94.0.50 255.255.255.0\n"
                                 "ifconfig-ipv6-push fd94::50/64\n"
                                 "push \"route 192.168.7.0 255.255.255.0\"\n"
                                 "iroute 192.168.8.0 255.255.255.0\n"
                                 "comp-lzo no\n",
                                 "ccd/alice");
    ASSERT_TRUE(c) << c.error();
    ASSERT_TRUE(c->ifconfig_push);
    EXPECT_EQ(c->ifconfig_push->first, "10.94.0.50");
    EXPECT_EQ(c->ifconfig_push->second, "255.255.255.0");
    ASSERT_TRUE(c->ifconfig_ipv6_push);
    EXPECT_EQ(c->ifconfig_ipv6_push->first, "fd94::50/64");
    EXPECT_EQ(c->push, std::vector<std::string>{"route 192.168.7.0 255.255.255.0"});
    EXPECT_EQ(c->iroutes, std::vector<std::string>{"192.168.8.0 255.255.255.0"});
    EXPECT_EQ(c->ignored, std::vector<std::string>{"comp-lzo"});
    EXPECT_FALSE(c->disable);
}

TEST(ClientConfig, MissingArgumentsAndBadQuotingAreErrors)
{
    EXPECT_FALSE(parse_client_config("ifconfig-push 10.94.0.50\n", "x"));
    EXPECT_FALSE(parse_client_config("push\n", "x"));
    EXPECT_FALSE(parse_client_config("push \"unterminated\n", "x"));
}

TEST(ClientConfig, PushResetAndPushRemoveShapeTheConfiguredList)
{
    const std::vector<std::string> configured = {"route-gateway 10.94.0.1", "topology subnet", "ping 2",
                                                 "ping-restart 10"};
    auto rm = parse_client_config("push-remove ping\npush \"dhcp-option DNS 10.94.0.1\"\n", "x");
    ASSERT_TRUE(rm);
    EXPECT_EQ(apply_push(configured, *rm),
              (std::vector<std::string>{"route-gateway 10.94.0.1", "topology subnet", "ping-restart 10",
                                        "dhcp-option DNS 10.94.0.1"}));
    auto reset = parse_client_config("push-reset\npush \"topology subnet\"\n", "x");
    ASSERT_TRUE(reset);
    EXPECT_EQ(apply_push(configured, *reset), std::vector<std::string>{"topology subnet"});
}

TEST(ClientConfig, MergeLetsTheScriptOutputWin)
{
    auto a = parse_client_config("ifconfig-push 10.94.0.50 255.255.255.0\npush \"a 1\"\n", "ccd");
    auto b = parse_client_config("ifconfig-push 10.94.0.60 255.255.255.0\npush \"b 2\"\ndisable\n", "script");
    ASSERT_TRUE(a && b);
    merge(*a, *b);
    EXPECT_EQ(a->ifconfig_push->first, "10.94.0.60");
    EXPECT_EQ(a->push, (std::vector<std::string>{"a 1", "b 2"}));
    EXPECT_TRUE(a->disable);
}

// --vlan-pvid in a ccd file or the --client-connect output: the client's
// VLAN, the later file's value winning; checked when applied.
TEST(ClientConfig, VlanPvidIsKeptAsWrittenAndTheLaterOneWins)
{
    auto ccd = parse_client_config("vlan-pvid 10\n", "ccd/alice");
    ASSERT_TRUE(ccd) << ccd.error();
    EXPECT_EQ(ccd->vlan_pvid, "10");
    EXPECT_TRUE(ccd->ignored.empty());
    auto script = parse_client_config("vlan-pvid 20\n", "client-connect output");
    ASSERT_TRUE(script);
    merge(*ccd, *script);
    EXPECT_EQ(ccd->vlan_pvid, "20");
    auto none = parse_client_config("push \"ping 5\"\n", "x");
    ASSERT_TRUE(none);
    merge(*ccd, *none);
    EXPECT_EQ(ccd->vlan_pvid, "20");
    EXPECT_FALSE(parse_client_config("vlan-pvid\n", "x"));
}
