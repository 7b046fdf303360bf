// tun/ against the real kernel, inside a private network namespace (the
// test process unshares its own; nothing touches the host's interfaces).
// Needs root: without it the tests fail, as CI always runs them as root.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>

#include "openvpn/core/log.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"
#include "openvpn/tun/tun_device.hpp"

using namespace ovpn;
using namespace ovpn::tun;

namespace {

void enter_private_netns()
{
    static bool done = false;
    ASSERT_EQ(::geteuid(), 0u) << "tun_tests need root (CI runs them as root)";
    if (!done) {
        ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET) failed";
        done = true;
    }
}

IpAddr ip(const char* s)
{
    return *IpAddr::parse(s);
}

std::uint16_t csum(const std::uint8_t* p, std::size_t n)
{
    std::uint32_t s = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        s += (p[i] << 8) | p[i + 1];
    if (n & 1)
        s += p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return static_cast<std::uint16_t>(~s);
}

// An ICMP echo request src -> dst with valid checksums.
PacketBuf echo_request(const char* src, const char* dst)
{
    PacketBuf b;
    auto p = b.append(28 + 8);
    std::fill(p.begin(), p.end(), 0);
    p[0] = 0x45;
    p[3] = static_cast<std::uint8_t>(p.size());
    p[8] = 64;
    p[9] = 1;
    inet_pton(AF_INET, src, &p[12]);
    inet_pton(AF_INET, dst, &p[16]);
    auto c = csum(p.data(), 20);
    p[10] = c >> 8;
    p[11] = c & 0xFF;
    p[20] = 8; // echo request
    p[24] = 0x12;
    auto ic = csum(p.data() + 20, p.size() - 20);
    p[22] = ic >> 8;
    p[23] = ic & 0xFF;
    return b;
}

struct Fixture : ::testing::Test {
    Logger log{stderr};
    std::unique_ptr<TunDevice> uplink; // stands in for the physical NIC
    std::unique_ptr<Netlink> nl;
    void SetUp() override
    {
        enter_private_netns();
        auto n = Netlink::open();
        ASSERT_TRUE(n.ok()) << n.error();
        nl = std::move(*n);
        auto up = open_tun(TunConfig{"iouplink0", false, 8});
        ASSERT_TRUE(up.ok()) << up.error();
        uplink = std::move(*up);
        auto idx = nl->ifindex("iouplink0");
        ASSERT_TRUE(idx.ok());
        ASSERT_TRUE(nl->set_link(*idx, 1500, true).ok());
        ASSERT_TRUE(nl->add_addr(*idx, ip("192.168.77.2"), 24).ok());
        Route def{IpPrefix{ip("0.0.0.0"), 0}, ip("192.168.77.1"), *idx, std::nullopt};
        auto st = nl->add_route(def);
        ASSERT_TRUE(st.ok()) << st.error();
    }
    void TearDown() override { uplink.reset(); }
};

} // namespace

TEST_F(Fixture, TunDeviceReadWriteBatchAgainstTheKernel)
{
    auto t = open_tun(TunConfig{"iotun0", false, 8});
    ASSERT_TRUE(t.ok()) << t.error();
    EXPECT_EQ((*t)->name(), "iotun0");
    NetPlan plan;
    plan.ifname = "iotun0";
    plan.mtu = 1400;
    plan.topology = Topology::Subnet;
    plan.ifconfig = IfconfigV4{ip("10.77.0.2"), ip("255.255.255.0")};
    NetSetup ns(*nl, log);
    auto st = ns.apply_link(plan);
    ASSERT_TRUE(st.ok()) << st.error();
    // The kernel answers our echo request to its own address through tun.
    std::vector<PacketBuf> out;
    out.push_back(echo_request("10.77.0.1", "10.77.0.2"));
    out.push_back(echo_request("10.77.0.3", "10.77.0.2"));
    auto w = (*t)->write(out);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(*w, 2u);
    std::vector<PacketBuf> in(8);
    std::size_t got = 0;
    for (int i = 0; i < 20 && got < 2; ++i) {
        pollfd pfd{(*t)->fd(), POLLIN, 0};
        ::poll(&pfd, 1, 100);
        auto r = (*t)->read(std::span<PacketBuf>(in).subspan(got));
        ASSERT_TRUE(r.ok());
        // keep only IPv4 echo replies (the kernel also sends IPv6 chatter)
        for (std::size_t k = got; k < got + *r; ++k)
            if (in[k].size() >= 28 && (in[k].data()[0] >> 4) == 4 && in[k].data()[20] == 0)
                std::swap(in[got++], in[k]);
    }
    ASSERT_EQ(got, 2u);
    EXPECT_EQ(in[0].data()[16], 10); // to 10.77.0.x
    ns.restore();
}

TEST_F(Fixture, SubnetRoutesAndRedirectDef1ThenRestore)
{
    auto t = open_tun(TunConfig{"iotun1", false, 8});
    ASSERT_TRUE(t.ok()) << t.error();
    NetPlan plan;
    plan.ifname = "iotun1";
    plan.topology = Topology::Subnet;
    plan.ifconfig = IfconfigV4{ip("10.77.1.2"), ip("255.255.255.0")};
    plan.ifconfig_ipv6 = IfconfigV6{ip("fd77::2"), 64, {}};
    plan.route_gateway = ip("10.77.1.1");
    plan.routes.push_back(RouteSpec{IpPrefix{ip("10.78.0.0"), 16}, {}, std::nullopt});
    plan.routes_ipv6.push_back(RouteSpec{IpPrefix{ip("fd78::"), 48}, {}, std::nullopt});
    plan.redirect.enabled = true;
    plan.redirect.def1 = true;
    plan.remote_host = ip("203.0.113.5");
    NetSetup ns(*nl, log);
    ASSERT_TRUE(ns.apply_link(plan).ok());
    ASSERT_TRUE(ns.apply_routes(plan).ok());
    const int tun_idx = *nl->ifindex("iotun1");
    const int up_idx = *nl->ifindex("iouplink0");

    auto r = nl->lookup(ip("10.78.1.1"));
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->ifindex, tun_idx);
    EXPECT_EQ(r->gateway, ip("10.77.1.1"));
    auto any = nl->lookup(ip("8.8.8.8")); // def1: 0/1 + 128/1 win over the default
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(any->ifindex, tun_idx);
    auto server = nl->lookup(ip("203.0.113.5")); // bypass host route
    ASSERT_TRUE(server.ok());
    EXPECT_EQ(server->ifindex, up_idx);
    EXPECT_EQ(server->gateway, ip("192.168.77.1"));
    auto v6 = nl->lookup(ip("fd78::1"));
    ASSERT_TRUE(v6.ok()) << v6.error();
    EXPECT_EQ(v6->ifindex, tun_idx);

    ns.restore();
    auto after = nl->lookup(ip("8.8.8.8"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->ifindex, up_idx);
    auto gone = nl->lookup(ip("10.78.1.1"));
    ASSERT_TRUE(gone.ok());
    EXPECT_EQ(gone->ifindex, up_idx); // back to the default route
}

TEST_F(Fixture, Net30AndReplacedDefaultRestored)
{
    auto t = open_tun(TunConfig{"iotun2", false, 8});
    ASSERT_TRUE(t.ok()) << t.error();
    NetPlan plan;
    plan.ifname = "iotun2";
    plan.topology = Topology::Net30;
    plan.ifconfig = IfconfigV4{ip("10.79.0.6"), ip("10.79.0.5")};
    plan.redirect.enabled = true; // no def1: the default route is replaced
    plan.redirect.local = true;
    NetSetup ns(*nl, log);
    ASSERT_TRUE(ns.apply_link(plan).ok());
    ASSERT_TRUE(ns.apply_routes(plan).ok());
    const int tun_idx = *nl->ifindex("iotun2");
    auto peer = nl->lookup(ip("10.79.0.5"));
    ASSERT_TRUE(peer.ok());
    EXPECT_EQ(peer->ifindex, tun_idx);
    auto any = nl->lookup(ip("9.9.9.9"));
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(any->ifindex, tun_idx);
    EXPECT_EQ(any->gateway, ip("10.79.0.5"));
    ns.restore();
    auto after = nl->lookup(ip("9.9.9.9"));
    ASSERT_TRUE(after.ok()) << after.error();
    EXPECT_EQ(after->gateway, ip("192.168.77.1"));
}

// --persist-tun: the device outlives one run's TunDevice (the next open with
// the same --dev gets it back, also when the kernel picked the name), and it
// goes with the process, as 2.6's does (it used to stay behind, persistent).
TEST(TunPersist, KeptAcrossRunsAndGoneWithTheProcess)
{
    enter_private_netns();
    TunConfig cfg{"tun", false, 8};
    cfg.persist = true;
    std::string name;
    {
        auto t = open_tun(cfg);
        ASSERT_TRUE(t.ok()) << t.error();
        name = (*t)->name();
    }
    EXPECT_NE(if_nametoindex(name.c_str()), 0u) << name << " went with the first run";
    {
        auto again = open_tun(cfg);
        ASSERT_TRUE(again.ok()) << again.error();
        EXPECT_EQ((*again)->name(), name);
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        TunConfig c{"iopersist0", false, 8};
        c.persist = true;
        auto t = open_tun(c);
        ::_exit(t.ok() && if_nametoindex("iopersist0") != 0 ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not open iopersist0";
    EXPECT_EQ(if_nametoindex("iopersist0"), 0u) << "iopersist0 outlived its process";
}

TEST(TunNull, DevNullReadsNothingAndSwallowsWrites)
{
    auto t = open_tun(TunConfig{"null", false, 8});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ((*t)->fd(), -1);
    std::vector<PacketBuf> bufs(2);
    EXPECT_EQ(*(*t)->read(bufs), 0u);
    EXPECT_EQ(*(*t)->write(bufs), 2u);
}

TEST(Netmask, Conversions)
{
    in_addr m{};
    inet_pton(AF_INET, "255.255.255.252", &m);
    EXPECT_EQ(netmask_to_len(m), 30);
    inet_pton(AF_INET, "255.0.255.0", &m);
    EXPECT_FALSE(netmask_to_len(m).has_value());
    EXPECT_EQ(IpAddr::v4(len_to_netmask(24)).to_string(), "255.255.255.0");
}
