// The dynamic challenge (client/challenge.hpp): 2.6's get_auth_challenge
// reads AUTH_FAILED,CRV1:<flags>:<state id>:<base64 user>:<text>, the answer
// is CRV1::<state id>::<response>; a pushed auth-token-user is base64.
#include "openvpn/client/challenge.hpp"

#include <string>

#include <gtest/gtest.h>

#include "openvpn/client/auth_token.hpp"
#include "openvpn/core/bytes.hpp"

using ovpn::as_bytes;
using ovpn::client::crv1_password;
using ovpn::client::decode_token_user;
using ovpn::client::parse_dynamic_challenge;

TEST(DynamicChallenge, ParsesFlagsStateUserAndText)
{
    auto dc = parse_dynamic_challenge(
        "CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN: 12:34");
    ASSERT_TRUE(dc);
    EXPECT_TRUE(dc->echo);
    EXPECT_EQ(dc->state_id, "Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l");
    EXPECT_EQ(dc->user, "cr1");
    EXPECT_EQ(dc->text, "Please enter token PIN: 12:34"); // the text keeps its colons
}

TEST(DynamicChallenge, NoEchoWithoutTheFlag)
{
    auto dc = parse_dynamic_challenge("CRV1:R:st:dXNlcg==:Code");
    ASSERT_TRUE(dc);
    EXPECT_FALSE(dc->echo);
    EXPECT_EQ(dc->user, "user");
}

TEST(DynamicChallenge, MalformedIsRefused)
{
    EXPECT_FALSE(parse_dynamic_challenge("CRV1:R,E:state"));
    EXPECT_FALSE(parse_dynamic_challenge("CRV1:"));
    EXPECT_FALSE(parse_dynamic_challenge("SESSION:whatever"));
}

TEST(DynamicChallenge, AnswerIsPackedAs26Does)
{
    const std::string resp = "424242";
    auto pw = crv1_password("st-0042", as_bytes(resp));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(pw.data()), pw.size()), "CRV1::st-0042::424242");
}

TEST(AuthTokenUser, DecodesBase64)
{
    auto u = decode_token_user("dG9rdXNlcg==");
    ASSERT_TRUE(u);
    EXPECT_EQ(*u, "tokuser");
    EXPECT_FALSE(decode_token_user("!!!"));
    EXPECT_FALSE(decode_token_user(""));
}

TEST(AuthTokenUser, GoesWithTheToken)
{
    ovpn::client::AuthToken t;
    std::string tok = "SESS_ID_AT_x";
    t.set(tok);
    t.set_user("tokuser");
    std::string renewed = "SESS_ID_AT_y";
    t.set(renewed); // a renewed token keeps the pushed user (2.6's set_auth_token)
    EXPECT_EQ(t.user(), "tokuser");
    EXPECT_TRUE(t.clear());
    EXPECT_EQ(t.user(), ""); // AUTH_FAILED / forget-passwords drop both
}
