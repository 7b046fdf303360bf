// session::make_control_config: one configuration per session for every
// role, with 2.6's reneg-sec per role (init.c do_init_crypto_tls): a
// --mode server takes up to 10 % off per instance, a client or p2p peer
// keeps max, and "--reneg-sec max min" jitters every role.
#include "openvpn/session/control_config.hpp"

#include <gtest/gtest.h>

#include "openvpn/options/parser.hpp"
#include "unit/control/test_pki.hpp"

using namespace ovpn;

namespace {

std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

options::Options parse(std::vector<std::string> args)
{
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

options::Options client(std::vector<std::string> extra = {})
{
    std::vector<std::string> a = {"--client", "--dev", "null", "--remote", "10.94.1.1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return parse(a);
}

options::Options server(std::vector<std::string> extra = {})
{
    std::vector<std::string> a = {"--dev",
                                  "tun",
                                  "--server",
                                  "10.94.0.0",
                                  "255.255.255.0",
                                  "--ca",
                                  data_dir() + "ca.crt",
                                  "--cert",
                                  data_dir() + "server.crt",
                                  "--key",
                                  data_dir() + "server.key",
                                  "--dh",
                                  "none"};
    a.insert(a.end(), extra.begin(), extra.end());
    return parse(a);
}

control::ControlConfig made(const options::Options& o, std::uint32_t random, bool tcp = false)
{
    session::ControlSetup s;
    s.wrap = control::make_no_wrap();
    s.tcp = tcp;
    s.random = random;
    auto c = session::make_control_config(o, std::move(s));
    EXPECT_TRUE(c) << (c ? "" : c.error());
    return c ? std::move(*c) : control::ControlConfig{};
}

} // namespace

TEST(ControlConfig, RenegSecPerRoleAs26)
{
    // client: max, whatever the random number
    EXPECT_EQ(made(client({"--reneg-sec", "100"}), 7).reneg_sec, seconds(100));
    EXPECT_EQ(made(client(), 359).reneg_sec, seconds(3600));
    // server: max - (r mod max/10)
    EXPECT_EQ(made(server({"--reneg-sec", "100"}), 7).reneg_sec, seconds(93));
    EXPECT_EQ(made(server(), 359).reneg_sec, seconds(3600 - 359));
    // with a min: max - (r mod (max - min)), both roles
    EXPECT_EQ(made(client({"--reneg-sec", "100", "50"}), 49).reneg_sec, seconds(51));
    EXPECT_EQ(made(server({"--reneg-sec", "100", "50"}), 49).reneg_sec, seconds(51));
    // 0 stays off
    EXPECT_EQ(made(server({"--reneg-sec", "0"}), 5).reneg_sec, seconds(0));
}

TEST(ControlConfig, RoleWindowsAndOccString)
{
    auto c = made(client({"--tls-timeout", "4", "--hand-window", "30", "--tran-window", "20", "--reneg-bytes",
                          "1000", "--reneg-pkts", "50"}),
                  0, true);
    EXPECT_FALSE(c.is_server);
    EXPECT_EQ(c.tls_timeout, seconds(4));
    EXPECT_EQ(c.hand_window, seconds(30));
    EXPECT_EQ(c.tran_window, seconds(20));
    EXPECT_EQ(c.reneg_bytes, 1000);
    EXPECT_EQ(c.reneg_packets, 50);
    EXPECT_NE(c.options_string.find(",proto TCPv4_CLIENT,"), std::string::npos);
    EXPECT_NE(c.options_string.find(",tls-client"), std::string::npos);
    auto s = made(server(), 0, true);
    EXPECT_TRUE(s.is_server);
    EXPECT_NE(s.options_string.find(",proto TCPv4_SERVER,"), std::string::npos);
    EXPECT_NE(s.options_string.find(",tls-server"), std::string::npos);
    auto u = made(server(), 0, false);
    EXPECT_NE(u.options_string.find(",proto UDPv4,"), std::string::npos);
    // a p2p --tls-server is the TLS server without being a --mode server
    auto p2p = made(parse({"--dev", "null", "--tls-server", "--reneg-sec", "100"}), 7);
    EXPECT_TRUE(p2p.is_server);
    EXPECT_EQ(p2p.reneg_sec, seconds(100));
}
