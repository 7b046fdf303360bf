// tun/gateway_info_test.cpp: 2.6's ROUTE_GATEWAY / ROUTE6_GATEWAY lines.
#include <gtest/gtest.h>

#include "openvpn/tun/gateway_info.hpp"

namespace ovpn::tun {
namespace {

IpAddr addr(const char* s)
{
    return *IpAddr::parse(s);
}

TEST(GatewayFormat, Ipv4WithGatewayShowsNetmaskInterfaceAndHardwareAddress)
{
    GatewayInfo g;
    g.defined = true;
    g.gateway = addr("192.0.2.1");
    g.netlen = 24;
    g.iface = "eth0";
    g.hwaddr = std::array<std::uint8_t, 6>{0x02, 0xfc, 0, 0, 0, 0xa1};
    EXPECT_EQ(format_gateway(g), "ROUTE_GATEWAY 192.0.2.1/255.255.255.0 IFACE=eth0 HWADDR=02:fc:00:00:00:a1");
}

TEST(GatewayFormat, Ipv4OnLinkShowsNoAddress)
{
    GatewayInfo g;
    g.defined = true;
    g.on_link = true;
    g.gateway = addr("0.0.0.0");
    g.iface = "veth0";
    EXPECT_EQ(format_gateway(g), "ROUTE_GATEWAY ON_LINK IFACE=veth0");
}

TEST(GatewayFormat, Ipv4WithoutDefaultRouteIsAllZeros)
{
    GatewayInfo g;
    g.defined = true;
    g.gateway = addr("0.0.0.0");
    EXPECT_EQ(format_gateway(g), "ROUTE_GATEWAY 0.0.0.0");
}

TEST(GatewayFormat, Ipv6OnLinkKeepsTheTargetBeforeOnLink)
{
    GatewayInfo g;
    g.defined = true;
    g.on_link = true;
    g.gateway = addr("fd09::7");
    g.iface = "veth0";
    EXPECT_EQ(format_gateway(g), "ROUTE6_GATEWAY fd09::7 ON_LINK IFACE=veth0");
    g.on_link = false;
    g.gateway = addr("fd09::1");
    EXPECT_EQ(format_gateway(g), "ROUTE6_GATEWAY fd09::1 IFACE=veth0");
}

} // namespace
} // namespace ovpn::tun
