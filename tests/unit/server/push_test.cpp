#include "openvpn/server/push.hpp"

#include <gtest/gtest.h>

#include "openvpn/wire/push_message.hpp"

using namespace ovpn;
using namespace ovpn::server;

namespace {

PushInput sample()
{
    PushInput in;
    in.configured = {"route-gateway 10.94.0.1", "topology subnet", "ping 2", "ping-restart 10"};
    in.ifconfig = "ifconfig 10.94.0.2 255.255.255.0";
    in.ifconfig_ipv6 = "ifconfig-ipv6 fd94::1000/64 fd94::1";
    in.peer_id = 0;
    in.ncp.cipher = "AES-256-GCM";
    in.ncp.push_cipher = true;
    in.ncp.cc_exit = true;
    in.ncp.use_ekm = true;
    return in;
}

} // namespace

TEST(Push, ConfiguredFirstThenPerClientIn26Order)
{
    auto opts = push_options(sample());
    std::vector<std::string> want = {"route-gateway 10.94.0.1",
                                     "topology subnet",
                                     "ping 2",
                                     "ping-restart 10",
                                     "ifconfig-ipv6 fd94::1000/64 fd94::1",
                                     "ifconfig 10.94.0.2 255.255.255.0",
                                     "peer-id 0",
                                     "cipher AES-256-GCM",
                                     "protocol-flags cc-exit tls-ekm"};
    EXPECT_EQ(opts, want);
    auto msgs = build_push_messages(sample());
    ASSERT_TRUE(msgs);
    ASSERT_EQ(msgs->size(), 1u);
    EXPECT_EQ(msgs->front().rfind("PUSH_REPLY,route-gateway 10.94.0.1,topology subnet,", 0), 0u);
}

TEST(Push, NoCipherNoPeerIdForAnOldClient)
{
    PushInput in = sample();
    in.peer_id.reset();
    in.ncp.push_cipher = false;
    in.ncp.cc_exit = false;
    in.ncp.use_ekm = false;
    in.ifconfig_ipv6.reset();
    auto opts = push_options(in);
    for (const auto& o : opts) {
        EXPECT_NE(o.rfind("peer-id", 0), 0u) << o;
        EXPECT_NE(o.rfind("cipher", 0), 0u) << o;
        EXPECT_NE(o.rfind("protocol-flags", 0), 0u) << o;
    }
    EXPECT_EQ(opts.back(), "ifconfig 10.94.0.2 255.255.255.0");
}

TEST(Push, LongListIsSplitWithContinuationAndParsesBack)
{
    PushInput in = sample();
    for (int i = 0; i < 120; ++i)
        in.configured.push_back("route 10." + std::to_string(i) + ".0.0 255.255.0.0");
    auto msgs = build_push_messages(in);
    ASSERT_TRUE(msgs) << msgs.error();
    ASSERT_GT(msgs->size(), 1u);
    std::vector<std::string> back;
    for (std::size_t i = 0; i < msgs->size(); ++i) {
        EXPECT_LE((*msgs)[i].size(), 940u);
        auto pr = wire::parse_push_reply((*msgs)[i]);
        ASSERT_TRUE(pr);
        EXPECT_EQ(pr->more_follow(), i + 1 < msgs->size());
        back.insert(back.end(), pr->options.begin(), pr->options.end());
    }
    EXPECT_EQ(back, push_options(in));
}

TEST(Push, AuthTokenAfterPeerIdBeforeCipher)
{
    PushInput in = sample();
    in.auth_token = "auth-token SESS_ID_AT_x";
    auto opts = push_options(in);
    const std::vector<std::string> mid(opts.begin() + 6, opts.begin() + 9);
    const std::vector<std::string> want = {"peer-id 0", "auth-token SESS_ID_AT_x", "cipher AES-256-GCM"};
    EXPECT_EQ(mid, want);
}
