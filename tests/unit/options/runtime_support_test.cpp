// What the daemon refuses at start-up because it would not act on it.
#include <gtest/gtest.h>

#include <set>

#include "openvpn/options/runtime_support.hpp"
#include "openvpn/options/table.hpp"
#include "unit/options/parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

using options::test::parsed;

std::vector<std::string> names(const std::vector<Unsupported>& v)
{
    std::vector<std::string> out;
    for (const auto& u : v)
        out.push_back(u.option);
    return out;
}

const std::string kClient = "client\ndev tun\nremote 192.0.2.1 1194\n";
const std::string kServer = "dev tun\nserver 10.8.0.0 255.255.255.0\n";

} // namespace

TEST(RuntimeSupport, EveryGapIsAnOptionOfTheTableAndListedOnce)
{
    std::set<std::string_view> seen;
    for (const RuntimeGap& g : runtime_gaps()) {
        EXPECT_NE(lookup(g.option), nullptr) << g.option;
        EXPECT_TRUE(seen.insert(g.option).second) << "listed twice: " << g.option;
        EXPECT_FALSE(g.why.empty()) << g.option;
    }
}

TEST(RuntimeSupport, PlainConfigsRunAsGiven)
{
    EXPECT_TRUE(runtime_unsupported(parsed(kClient)).empty());
    EXPECT_TRUE(runtime_unsupported(parsed(kServer)).empty());
}

TEST(RuntimeSupport, ClientWithManagementIsRefusedByName)
{
    auto v = runtime_unsupported(parsed(kClient + "management 127.0.0.1 7505\nplugin /x/y.so\n"));
    EXPECT_EQ(names(v), (std::vector<std::string>{"management", "plugin"}));
    EXPECT_EQ(format_unsupported(v[0]).rfind("Options error: --management is not supported", 0), 0u);
}

TEST(RuntimeSupport, ServerOnlyGapsDoNotHitClients)
{
    // 2.6 ignores connect-freq outside server mode; so do we.
    EXPECT_TRUE(runtime_unsupported(parsed(kClient + "connect-freq 10 1\n")).empty());
    auto v = runtime_unsupported(parsed(kServer + "connect-freq 10 1\n"));
    EXPECT_EQ(names(v), (std::vector<std::string>{"connect-freq"}));
}
