#include "openvpn/session/auth_token.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <string>

using namespace ovpn;
using namespace ovpn::session;

namespace {

// The vectors below were computed outside this code with 2.6's layout
// (auth_token.c): HMAC-SHA256 keyed with bytes 64..95 of the secret over
// user | session id | initial (BE64) | time (BE64), then base64 of
// body | HMAC after "SESS_ID_AT_".
constexpr std::string_view kUserToken =
    "SESS_ID_AT_oKGio6SlpqeoqaqrAAAAAGVT8QAAAAAAZVPzWHGRy76LNVa7ly0sqczaE+a/"
    "3CDLMaqrP7VIqQs5e829";
constexpr std::string_view kEmptyUserToken =
    "SESS_ID_AT_oKGio6SlpqeoqaqrAAAAAGVT8QAAAAAAZVPxAJiJLDaiW5COHtmY1IW+k/"
    "2Lo8JEm1tXxM/5weRxO5rQ";
constexpr std::int64_t kT0 = 1700000000;

AuthTokenKey test_key()
{
    SecureBytes secret(128);
    std::iota(secret.data(), secret.data() + 128, 0);
    return *AuthTokenKey::from_secret(secret);
}

TokenBody test_body(std::uint64_t stamp)
{
    TokenBody b;
    std::iota(b.session_id.begin(), b.session_id.end(), 0xa0);
    b.initial = kT0;
    b.stamp = stamp;
    return b;
}

std::string str(const SecureBytes& b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

AuthTokenPolicy policy(std::int64_t lifetime, std::int64_t renewal, bool external = false)
{
    AuthTokenPolicy p;
    p.lifetime = lifetime;
    p.renewal = renewal;
    p.external_auth = external;
    return p;
}

} // namespace

TEST(AuthToken, MakesTwoSixTokens)
{
    EXPECT_EQ(str(make_token(test_key(), "iouser", test_body(kT0 + 600))), kUserToken);
    EXPECT_EQ(str(make_token(test_key(), "", test_body(kT0))), kEmptyUserToken);
}

TEST(AuthToken, ReadsTheBody)
{
    auto b = read_token(as_bytes(kUserToken));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->initial, static_cast<std::uint64_t>(kT0));
    EXPECT_EQ(b->stamp, static_cast<std::uint64_t>(kT0 + 600));
    EXPECT_EQ(b->session_id[0], 0xa0);
    EXPECT_EQ(b->session_id[11], 0xab);
    EXPECT_FALSE(read_token(as_bytes(std::string("SESS_ID_AT_abcd"))));
    EXPECT_FALSE(read_token(as_bytes(std::string(kUserToken.substr(3)))));
}

TEST(AuthToken, Prefix)
{
    EXPECT_TRUE(is_auth_token(as_bytes(kUserToken)));
    EXPECT_FALSE(is_auth_token(as_bytes(std::string("SESS_ID_AT"))));
    EXPECT_FALSE(is_auth_token(as_bytes(std::string("SESS_ID_XX_abc"))));
    EXPECT_FALSE(is_auth_token(as_bytes(std::string("password"))));
}

TEST(AuthToken, GoodTokenInsideTheRenewalWindow)
{
    const auto p = policy(0, 3600);
    auto c = check_token(test_key(), p, "iouser", as_bytes(kUserToken), kT0 + 600, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk);
    EXPECT_TRUE(c.notes.empty());
    // the window is [time, time + 2 renewal)
    c = check_token(test_key(), p, "iouser", as_bytes(kUserToken), kT0 + 600 + 7199, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk);
    c = check_token(test_key(), p, "iouser", as_bytes(kUserToken), kT0 + 600 + 7200, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk | kTokenExpired);
    c = check_token(test_key(), p, "iouser", as_bytes(kUserToken), kT0 + 599, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk | kTokenExpired);
}

TEST(AuthToken, LifetimeEndsIt)
{
    auto c = check_token(test_key(), policy(600, 3600), "iouser", as_bytes(kUserToken), kT0 + 600, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk);
    c = check_token(test_key(), policy(600, 3600), "iouser", as_bytes(kUserToken), kT0 + 601, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk | kTokenExpired);
    EXPECT_EQ(c.notes.back(), "--auth-gen-token: auth-token from client expired");
}

TEST(AuthToken, WrongUserKeyOrTamperingFails)
{
    const auto p = policy(0, 3600);
    EXPECT_EQ(check_token(test_key(), p, "other", as_bytes(kUserToken), kT0 + 600, nullptr).flags, 0u);
    SecureBytes secret(128);
    auto other = *AuthTokenKey::from_secret(secret);
    EXPECT_EQ(check_token(other, p, "iouser", as_bytes(kUserToken), kT0 + 600, nullptr).flags, 0u);
    // the cipher half of the secret is not used (2.6 keys the HMAC with the hmac half)
    SecureBytes secret2(128);
    std::iota(secret2.data(), secret2.data() + 128, 0);
    secret2[0] ^= 1;
    secret2[127] ^= 1;
    EXPECT_EQ(check_token(*AuthTokenKey::from_secret(secret2), p, "iouser", as_bytes(kUserToken), kT0 + 600,
                          nullptr)
                  .flags,
              kTokenHmacOk);
    secret2[64] ^= 1;
    EXPECT_EQ(check_token(*AuthTokenKey::from_secret(secret2), p, "iouser", as_bytes(kUserToken), kT0 + 600,
                          nullptr)
                  .flags,
              0u);
    std::string t(kUserToken);
    t[20] = t[20] == 'A' ? 'B' : 'A';
    auto c = check_token(test_key(), p, "iouser", as_bytes(t), kT0 + 600, nullptr);
    EXPECT_EQ(c.flags, 0u);
    EXPECT_EQ(c.notes.back(), "--auth-gen-token: HMAC on token from client failed (iouser)");
    c = check_token(test_key(), p, "iouser", as_bytes(t.substr(0, 50)), kT0 + 600, nullptr);
    EXPECT_EQ(c.flags, 0u);
    EXPECT_EQ(c.notes.back().rfind("ERROR: --auth-token wrong size", 0), 0u);
}

TEST(AuthToken, EmptyUserToken)
{
    auto c = check_token(test_key(), policy(0, 3600), "someone", as_bytes(kEmptyUserToken), kT0 + 1, nullptr);
    EXPECT_EQ(c.flags, kTokenHmacOk | kTokenEmptyUser);
    EXPECT_EQ(session_state(true, c.flags), "AuthenticatedEmptyUser");
    EXPECT_EQ(session_state(true, c.flags | kTokenExpired), "ExpiredEmptyUser");
}

TEST(AuthToken, SessionIdMustNotChange)
{
    const SecureBytes initial(as_bytes(kEmptyUserToken)); // same session id
    auto c = check_token(test_key(), policy(0, 3600), "iouser", as_bytes(kUserToken), kT0 + 600, &initial);
    EXPECT_EQ(c.flags, kTokenHmacOk);
    std::string other(kEmptyUserToken);
    other[12] = other[12] == 'A' ? 'B' : 'A';
    const SecureBytes changed(as_bytes(other));
    c = check_token(test_key(), policy(0, 3600), "iouser", as_bytes(kUserToken), kT0 + 600, &changed);
    EXPECT_EQ(c.flags, 0u);
}

TEST(AuthToken, States)
{
    EXPECT_EQ(session_state(false, 0), "Initial");
    EXPECT_EQ(session_state(true, 0), "Invalid");
    EXPECT_EQ(session_state(true, kTokenHmacOk), "Authenticated");
    EXPECT_EQ(session_state(true, kTokenHmacOk | kTokenExpired), "Expired");
}

TEST(AuthToken, PolicyArguments)
{
    auto p = parse_auth_gen_token({}, 3600, 60);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->lifetime, 0);
    EXPECT_EQ(p->renewal, 3600);
    EXPECT_FALSE(p->external_auth);
    p = parse_auth_gen_token({"600", "300", "external-auth"}, 3600, 60);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->lifetime, 600);
    EXPECT_EQ(p->renewal, 300);
    EXPECT_TRUE(p->external_auth);
    EXPECT_TRUE(renews_between_rekeys(*p, 3600));
    p = parse_auth_gen_token({"0", "external-auth"}, 120, 60);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->external_auth);
    EXPECT_EQ(p->renewal, 120);
    EXPECT_FALSE(renews_between_rekeys(*p, 120));
    EXPECT_FALSE(parse_auth_gen_token({}, 10, 60)); // reneg-sec's renewal under 2 hand-window
    EXPECT_TRUE(parse_auth_gen_token({}, 10, 5));
    EXPECT_FALSE(parse_auth_gen_token({"0", "bogus"}, 3600, 60));
    EXPECT_FALSE(parse_auth_gen_token({}, 0, 60));
    EXPECT_FALSE(parse_auth_gen_token({"0", "100"}, 3600, 60)); // renewal < 2 hand-window
}

TEST(AuthTokenState, FirstLoginMakesTheTokenItsEnvNames)
{
    AuthTokenState s;
    const auto key = test_key();
    std::string user = "iouser";
    const auto pw = as_bytes(std::string_view("secret"));
    EXPECT_EQ(s.check(key, policy(0, 60), user, pw, kT0).verdict, AuthTokenState::Verdict::NoToken);
    auto [id, state] = s.session_env(key, user, pw, kT0);
    EXPECT_EQ(state, "Initial");
    EXPECT_EQ(id.size(), 16u);
    s.renew(key, user, kT0 + 5);
    const std::string tok = str(s.current());
    ASSERT_EQ(tok.size(), kAuthTokenPrefix.size() + 80);
    EXPECT_EQ(tok.substr(kAuthTokenPrefix.size(), 16), id); // the pushed token carries that id
    auto b = read_token(s.current());
    EXPECT_EQ(b->initial, static_cast<std::uint64_t>(kT0)); // from the first token
    EXPECT_EQ(b->stamp, static_cast<std::uint64_t>(kT0 + 5));
}

TEST(AuthTokenState, ReconnectWithTheTokenSkipsTheScript)
{
    const auto key = test_key();
    AuthTokenState fresh; // a new client instance after the reconnect
    std::string user = "iouser";
    auto r = fresh.check(key, policy(0, 3600), user, as_bytes(kUserToken), kT0 + 700);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::Accepted);
    auto [id, state] = fresh.session_env(key, user, as_bytes(kUserToken), kT0 + 700);
    EXPECT_EQ(state, "Authenticated");
    EXPECT_EQ(id, "oKGio6Slpqeoqaqr");
    fresh.renew(key, user, kT0 + 700);
    auto b = read_token(fresh.current());
    EXPECT_EQ(b->session_id, test_body(0).session_id);
    EXPECT_EQ(b->initial, static_cast<std::uint64_t>(kT0));
    EXPECT_EQ(b->stamp, static_cast<std::uint64_t>(kT0 + 700));
    // the renewed token is good; the next one must keep its session id
    std::string u2 = "iouser";
    EXPECT_EQ(fresh.check(key, policy(0, 3600), u2, fresh.current(), kT0 + 800).verdict,
              AuthTokenState::Verdict::Accepted);
}

TEST(AuthTokenState, ExpiredRefusedOrExternal)
{
    const auto key = test_key();
    AuthTokenState s;
    std::string user = "iouser";
    auto r = s.check(key, policy(60, 3600), user, as_bytes(kUserToken), kT0 + 700);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::Refused);
    EXPECT_TRUE(r.expired);
    EXPECT_FALSE(s.has_initial()); // wiped
    AuthTokenState e;
    r = e.check(key, policy(60, 3600, true), user, as_bytes(kUserToken), kT0 + 700);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::External);
    EXPECT_EQ(e.session_env(key, user, as_bytes(kUserToken), kT0 + 700).second, "Expired");
    AuthTokenState bad;
    r = bad.check(key, policy(0, 3600, true), user, as_bytes(std::string("SESS_ID_AT_xyz")), kT0);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::External);
    EXPECT_EQ(bad.session_env(key, user, as_bytes(std::string("SESS_ID_AT_xyz")), kT0).second, "Invalid");
}

TEST(AuthTokenState, EmptyUserTokenClearsTheUser)
{
    AuthTokenState s;
    std::string user = "someone";
    auto r = s.check(test_key(), policy(0, 3600), user, as_bytes(kEmptyUserToken), kT0 + 10);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::Refused); // 2.6 accepts only plain HMAC_OK
    AuthTokenState x;
    user = "someone";
    r = x.check(test_key(), policy(0, 3600, true), user, as_bytes(kEmptyUserToken), kT0 + 10);
    EXPECT_EQ(r.verdict, AuthTokenState::Verdict::External);
    EXPECT_EQ(user, "");
    x.renew(test_key(), "someone", kT0 + 20); // still signed for the empty user
    std::string empty;
    EXPECT_EQ(check_token(test_key(), policy(0, 3600), "", x.current(), kT0 + 20, nullptr).flags,
              kTokenHmacOk);
}

TEST(AuthToken, RedactsControlMessages)
{
    EXPECT_EQ(redact_control_message("PUSH_REPLY,peer-id 0,auth-token SESS_ID_AT_abc,cipher AES-256-GCM"),
              "PUSH_REPLY,peer-id 0,auth-tokenSESS_ID,cipher AES-256-GCM"); // 2.6's exact output
    EXPECT_EQ(redact_control_message("PUSH_REPLY,auth-token abc,x"), "PUSH_REPLY,auth-token,x");
    EXPECT_EQ(redact_control_message("PUSH_REPLY,auth-token SESS_ID_AT_abc,cipher X", true),
              "PUSH_REPLY,auth-token SESS_ID,cipher X");
    EXPECT_EQ(redact_control_message("PUSH_REPLY,echo secret stuff,x"), "PUSH_REPLY,echo,x");
    EXPECT_EQ(redact_control_message("PUSH_REPLY,route 10.0.0.0"), "PUSH_REPLY,route 10.0.0.0");
}
