// DCO verdict: every 2.6 condition, in 2.6's order, naming the option.
#include <gtest/gtest.h>

#include <algorithm>

#include "openvpn/options/dco.hpp"
#include "parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

DcoHost kernel_ok()
{
    DcoHost h;
    h.kernel_family = true;
    return h;
}

std::vector<std::string> blockers(const std::string& text, DcoHost host = kernel_ok())
{
    const Options o = test::parsed(text, "d.conf");
    std::vector<std::string> out;
    for (const auto& b : dco_verdict(o, host).blockers)
        out.push_back(b.option);
    return out;
}

const std::string kClient = "client\ndev tun\nremote 192.0.2.1\n";
const std::string kServer = "dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n";
using V = std::vector<std::string>;

} // namespace

TEST(Dco, CompatibleConfigs)
{
    EXPECT_EQ(blockers(kClient), V{});
    EXPECT_EQ(blockers(kServer), V{});
    EXPECT_EQ(blockers(kServer + "compress migrate\n"), V{});
    EXPECT_EQ(blockers(kClient + "data-ciphers AES-256-GCM:?AES-128-GCM:CHACHA20-POLY1305\n"), V{});
    EXPECT_EQ(blockers(kClient + "allow-compression no\n"), V{});
}

TEST(Dco, EachBlockerNamesItsOption)
{
    EXPECT_EQ(blockers(kClient + "fragment 1300\n"), V{"fragment"});
    EXPECT_EQ(blockers(kClient + "http-proxy p 8080\n"), V{"http-proxy"});
    EXPECT_EQ(blockers(kClient + "socks-proxy p\n"), V{"socks-proxy"});
    EXPECT_EQ(blockers("client\ndev tap\nremote x\n"), V{"dev"});
    EXPECT_EQ(blockers("client\ndev mydev\ndev-type tap\nremote x\n"), V{"dev-type"});
    EXPECT_EQ(blockers("dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\ntopology net30\n"),
              V{"topology"});
    EXPECT_EQ(blockers("dev tun\nserver 10.8.0.0 255.255.255.0\n"), V{"topology"});
    EXPECT_EQ(blockers(kClient + "management 127.0.0.1 7505\nmanagement-query-proxy\n"),
              V{"management-query-proxy"});
    EXPECT_EQ(blockers(kClient + "data-ciphers-fallback AES-256-CBC\n"), V{"data-ciphers-fallback"});
    EXPECT_EQ(blockers(kClient + "comp-lzo no\n"), V{"comp-lzo"});
    EXPECT_EQ(blockers(kClient + "compress\n"), V{"compress"});
    EXPECT_EQ(blockers(kClient + "allow-compression asym\n"), V{"allow-compression"});
    EXPECT_EQ(blockers(kClient + "data-ciphers AES-256-GCM:AES-256-CBC\n"), V{"data-ciphers"});
    EXPECT_EQ(blockers(kClient + "bind-dev vrf0\n"), V{"bind-dev"});
    EXPECT_EQ(blockers(kClient + "disable-dco\n"), V{"disable-dco"});
    const auto mk = blockers(kClient + "mktun\n");
    EXPECT_NE(std::find(mk.begin(), mk.end(), "mktun"), mk.end());
}

TEST(Dco, StaticKeyAndP2pCipher)
{
    // 2.6 order: the p2p --cipher fallback is checked before the TLS check.
    EXPECT_EQ(blockers("dev tun\nremote x\nsecret k\ncipher AES-256-CBC\n"),
              (V{"data-ciphers-fallback", "secret"}));
    EXPECT_EQ(blockers("dev tun\nremote x\nsecret k\n"), V{"secret"});
}

TEST(Dco, HostFacts)
{
    DcoHost h = kernel_ok();
    h.kernel_family = false;
    EXPECT_EQ(blockers(kClient, h), V{"kernel"});
    h = kernel_ok();
    h.cap_setpcap = false;
    EXPECT_EQ(blockers(kClient + "user nobody\n", h), V{"user"});
    h = kernel_ok();
    h.iface_kind = [](const std::string& n) -> std::optional<std::string> {
        return n == "tun7" ? std::optional<std::string>("tun") : std::nullopt;
    };
    EXPECT_EQ(blockers("client\ndev tun7\nremote x\n", h), V{"dev"});
    EXPECT_EQ(blockers("client\ndev tun8\nremote x\n", h), V{});
}

TEST(Dco, AllBlockersInTwoSixOrder)
{
    auto v = blockers("client\ndev tap\nremote x\nfragment 1300\ncomp-lzo\ndata-ciphers AES-128-CBC\n"
                      "data-ciphers-fallback BF-CBC\n");
    EXPECT_EQ(v, (V{"data-ciphers-fallback", "comp-lzo", "data-ciphers", "dev", "fragment"}));
}
