// plan_from_options: 2.6's reading of the network options into a NetPlan.
#include "openvpn/tun/plan_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>

// gcc 12 at -O2 sees the optional<pair<string, string>> members of the
// large Options built on the stack below as read before they are set
// (-Wmaybe-uninitialized, a false positive that came with more Options
// fields); the test only assigns and reads them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

using namespace ovpn;
using namespace ovpn::tun;

namespace {

struct Captured {
    std::FILE* f = std::tmpfile();
    Logger log{f};
    std::string text()
    {
        std::fflush(f);
        std::rewind(f);
        std::string s;
        char buf[512];
        while (std::fgets(buf, sizeof buf, f))
            s += buf;
        return s;
    }
};

options::Route route(std::vector<std::string> a)
{
    return options::Route{std::move(a)};
}

PlanFacts facts()
{
    PlanFacts f;
    f.ifname = "tun7";
    f.mtu = 1400;
    f.remote_host = *IpAddr::parse("192.0.2.10");
    f.net_gateway = *IpAddr::parse("192.0.2.1");
    return f;
}

} // namespace

TEST(PlanOptions, AddressesRoutesKeywordsAndMetrics)
{
    options::Options o;
    o.topology = options::Topology::Subnet;
    o.ifconfig = std::make_pair(std::string("10.8.0.2"), std::string("255.255.255.0"));
    o.ifconfig_ipv6 = std::make_pair(std::string("fd00::1000/64"), std::string("fd00::1"));
    o.route_gateway = "10.8.0.1";
    o.route_metric = 9;
    o.routes = {route({"10.1.0.0", "255.255.0.0"}), route({"10.2.0.0", "255.255.255.0", "net_gateway", "5"}),
                route({"remote_host", "255.255.255.255", "net_gateway"}),
                route({"localhost", "default", "vpn_gateway", "default"})};
    o.routes_ipv6 = {route({"2001:db8::/32"}), route({"2001:db9::/48", "fd00::2", "7"})};
    o.redirect_gateway = std::vector<std::string>{"def1", "ipv6"};
    Captured c;
    auto p = plan_from_options(o, facts(), c.log);
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->ifname, "tun7");
    EXPECT_EQ(p->mtu, 1400u);
    EXPECT_EQ(p->topology, Topology::Subnet);
    ASSERT_TRUE(p->ifconfig_ipv6);
    EXPECT_EQ(p->ifconfig_ipv6->prefixlen, 64);
    EXPECT_EQ(p->route_gateway.to_string(), "10.8.0.1");
    EXPECT_EQ(p->route_metric, 9u);
    ASSERT_EQ(p->routes.size(), 4u);
    EXPECT_EQ(p->routes[0].dst.to_string(), "10.1.0.0/16");
    EXPECT_FALSE(p->routes[0].gateway.is_set()); // vpn_gateway: route-gateway at apply time
    EXPECT_EQ(p->routes[1].gateway.to_string(), "192.0.2.1");
    EXPECT_EQ(p->routes[1].metric, 5u);
    EXPECT_EQ(p->routes[2].dst.to_string(), "192.0.2.10/32");
    EXPECT_EQ(p->routes[3].dst.to_string(), "127.0.0.1/32");
    ASSERT_EQ(p->routes_ipv6.size(), 2u);
    EXPECT_EQ(p->routes_ipv6[0].dst.to_string(), "2001:db8::/32");
    EXPECT_EQ(p->routes_ipv6[1].gateway.to_string(), "fd00::2");
    EXPECT_EQ(p->routes_ipv6[1].metric, 7u);
    EXPECT_TRUE(p->redirect.enabled && p->redirect.def1 && p->redirect.ipv6);
    EXPECT_EQ(c.text(), "");
}

TEST(PlanOptions, DcoDefaultMetricUnlessRouteMetricGivesOne)
{
    options::Options o;
    o.routes = {route({"10.1.0.0", "255.255.0.0"})};
    Captured c;
    PlanFacts f = facts();
    EXPECT_FALSE(plan_from_options(o, f, c.log)->route_metric); // userspace: none
    f.default_metric = kDcoRouteMetric;
    EXPECT_EQ(plan_from_options(o, f, c.log)->route_metric, 200u); // 2.6's DCO_DEFAULT_METRIC
    o.route_metric = 0;                                            // 2.6: 0 keeps the default
    EXPECT_EQ(plan_from_options(o, f, c.log)->route_metric, 200u);
    o.route_metric = 30;
    EXPECT_EQ(plan_from_options(o, f, c.log)->route_metric, 30u);
}

TEST(PlanOptions, BadRoutesAreLoggedAndLeftOut)
{
    options::Options o;
    o.routes = {route({"10.3.0.0", "255.0.255.0"}), route({"10.4.0.0", "255.255.0.0", "10.8.0.1", "metric"}),
                route({"10.5.0.0", "255.255.0.0"})};
    o.routes_ipv6 = {route({"2001:db8::/129"}), route({"10.0.0.0/8"})};
    Captured c;
    auto p = plan_from_options(o, facts(), c.log);
    ASSERT_TRUE(p) << p.error();
    ASSERT_EQ(p->routes.size(), 1u);
    EXPECT_EQ(p->routes[0].dst.to_string(), "10.5.0.0/16");
    EXPECT_TRUE(p->routes_ipv6.empty());
    const std::string t = c.text();
    EXPECT_NE(t.find("failed to parse/resolve route for host/network: 10.3.0.0 255.0.255.0"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("route-ipv6: failed to parse route for network: 2001:db8::/129"), std::string::npos)
        << t;
}

TEST(PlanOptions, BadIfconfigIsAnError)
{
    Captured c;
    options::Options v6;
    v6.ifconfig_ipv6 = std::make_pair(std::string("fd00::1/abc"), std::string("fd00::2"));
    EXPECT_FALSE(plan_from_options(v6, facts(), c.log));
    options::Options v4;
    v4.ifconfig = std::make_pair(std::string("10.8.0.2"), std::string("not-an-address"));
    EXPECT_FALSE(plan_from_options(v4, facts(), c.log));
}
