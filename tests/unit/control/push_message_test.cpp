#include "openvpn/wire/push_message.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::wire;

namespace {

TEST(PushMessage, ParseObservedReply)
{
    auto pr =
        parse_push_reply("PUSH_REPLY,route 10.9.0.0 255.255.255.0,route-gateway 10.8.0.1,topology "
                         "subnet,ping 10,ping-restart 60,ifconfig 10.8.0.2 255.255.255.0,peer-id "
                         "0,cipher AES-256-GCM,protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500");
    ASSERT_TRUE(pr);
    ASSERT_EQ(pr->options.size(), 10u);
    EXPECT_EQ(pr->options[0], "route 10.9.0.0 255.255.255.0");
    EXPECT_EQ(pr->options[9], "tun-mtu 1500");
    EXPECT_EQ(pr->continuation, 0);
    auto empty = parse_push_reply("PUSH_REPLY");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->options.empty());
    EXPECT_FALSE(parse_push_reply("PUSH_REPLYX"));
    EXPECT_FALSE(parse_push_reply("PUSH_REQUEST"));
    EXPECT_FALSE(parse_push_reply("PUSH_REPLY,push-continuation 3"));
}

TEST(PushMessage, BuildSplitsAndParsesBack)
{
    std::vector<std::string> opts;
    for (int i = 0; i < 100; ++i)
        opts.push_back("route 10." + std::to_string(i) + ".0.0 255.255.0.0");
    auto parts = build_push_reply(opts);
    ASSERT_TRUE(parts);
    ASSERT_GT(parts->size(), 1u);
    std::vector<std::string> back;
    for (std::size_t i = 0; i < parts->size(); ++i) {
        EXPECT_LE((*parts)[i].size(), 940u);
        auto pr = parse_push_reply((*parts)[i]);
        ASSERT_TRUE(pr);
        EXPECT_EQ(pr->continuation, i + 1 == parts->size() ? 1 : 2);
        back.insert(back.end(), pr->options.begin(), pr->options.end());
    }
    EXPECT_EQ(back, opts);
    auto single = build_push_reply({"ping 10"});
    ASSERT_TRUE(single);
    EXPECT_EQ(single->at(0), "PUSH_REPLY,ping 10");
    EXPECT_FALSE(build_push_reply({"a,b"}));
    EXPECT_FALSE(build_push_reply({std::string(1000, 'x')}));
}

TEST(PushMessage, SplitRecord)
{
    std::string rec = std::string("PUSH_REQUEST\0", 13) + "INFO,hi\r\n" + std::string("\0bad\x01\0", 6);
    std::size_t bad = 0;
    auto msgs = split_control_record(as_bytes(rec), &bad);
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0], "PUSH_REQUEST");
    EXPECT_EQ(msgs[1], "INFO,hi");
    EXPECT_EQ(bad, 1u);
    auto enc = encode_control_message("PUSH_REQUEST");
    EXPECT_EQ(enc.size(), 13u);
    EXPECT_EQ(enc.back(), 0);
}

TEST(PushMessage, Classify)
{
    EXPECT_EQ(classify_control_message("AUTH_FAILED").kind, ControlMessageKind::AuthFailed);
    auto m = classify_control_message("INFO_PRE,WEB_AUTH::https://x");
    EXPECT_EQ(m.kind, ControlMessageKind::InfoPre);
    EXPECT_EQ(m.arg, "WEB_AUTH::https://x");
    EXPECT_EQ(classify_control_message("INFO,x").kind, ControlMessageKind::Info);
    EXPECT_EQ(classify_control_message("RESTART,[N]bye").kind, ControlMessageKind::Restart);
    EXPECT_EQ(classify_control_message("HALT").kind, ControlMessageKind::Halt);
    EXPECT_EQ(classify_control_message("EXIT").kind, ControlMessageKind::Exit);
    EXPECT_EQ(classify_control_message("WHATEVER").kind, ControlMessageKind::Unknown);
}

TEST(PushMessage, RestartFlags)
{
    auto r = parse_restart_arg("[PN]server going down");
    EXPECT_TRUE(r.preserve_credentials);
    EXPECT_TRUE(r.advance_remote);
    EXPECT_EQ(r.message, "server going down");
    auto r2 = parse_restart_arg("plain");
    EXPECT_FALSE(r2.preserve_credentials);
    EXPECT_EQ(r2.message, "plain");
}

TEST(PushMessage, AuthFailedVariants)
{
    EXPECT_EQ(parse_auth_failed("").kind, AuthFailed::Kind::Plain);
    auto t = parse_auth_failed("TEMP[backoff 30,advance remote]:try later");
    EXPECT_EQ(t.kind, AuthFailed::Kind::Temp);
    EXPECT_EQ(t.backoff_secs, 30u);
    EXPECT_TRUE(t.advance_remote);
    EXPECT_EQ(t.message, "try later");
    auto t2 = parse_auth_failed("TEMP:just text");
    EXPECT_EQ(t2.message, "just text");
    EXPECT_EQ(parse_auth_failed("SESSION:expired").kind, AuthFailed::Kind::Session);
    auto c = parse_auth_failed("CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token");
    EXPECT_EQ(c.kind, AuthFailed::Kind::Crv1);
    EXPECT_EQ(c.crv1_flags, "R,E");
    EXPECT_EQ(c.crv1_state_id, "Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l");
    EXPECT_EQ(c.crv1_username_b64, "Y3Ix");
    EXPECT_EQ(c.message, "Please enter token");
    EXPECT_EQ(parse_auth_pending_timeout("timeout 120"), 120u);
    EXPECT_FALSE(parse_auth_pending_timeout(""));
}

} // namespace
