// server/auth_token.cpp: --auth-gen-token at 2.6's places (ssl_verify.c's
// verify_user_pass, push.c, forward.c): a client that passed its
// credentials gets a token in its PUSH_REPLY; a later key (renegotiation)
// or a new connection (reconnect) with a good token passes without the
// script and plugins, unless external-auth hands every token to them with
// session_id and session_state; an expired or bad token is refused
// ("AUTH_FAILED,SESSION: token expired"), so the client comes back with
// its password. Each successful check renews the token; a renegotiation
// pushes the new one ("PUSH_REPLY,auth-token ..."), and with a renewal
// time under reneg-sec a timer does too. The token logic is
// session/auth_token.hpp; this file is the glue.
#include <ctime>

#include "openvpn/crypto/key_files.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/reneg.hpp"
#include "openvpn/session/tls_config.hpp"

namespace ovpn::server {

namespace {

std::int64_t wall_now()
{
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::string text_of(const SecureBytes& b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

int reneg_max(const options::Options& o)
{
    return o.reneg_sec && !o.reneg_sec->empty() ? std::atoi(o.reneg_sec->front().c_str()) : 3600;
}

} // namespace

// load_auth_token: the policy and the HMAC key (the secret file, or random
// for this run as 2.6 makes it when none is given).
Status<> Server::load_auth_token()
{
    token_key_.reset();
    if (!o_.auth_gen_token)
        return Ok{};
    auto p = session::parse_auth_gen_token(*o_.auth_gen_token, reneg_max(o_), o_.hand_window.value_or(60));
    if (!p)
        return Err(p.error());
    token_policy_ = *p;
    Result<session::AuthTokenKey> key = Err{std::string()};
    if (o_.auth_gen_token_secret) {
        auto text = session::read_secret_ref(*o_.auth_gen_token_secret);
        if (!text)
            return Err(text.error());
        auto secret = crypto::parse_auth_token_key(
            std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
        if (!secret)
            return Err("ERROR: Cannot load auth-token secret: " + secret.error());
        key = session::AuthTokenKey::from_secret(*secret);
    } else {
        key = session::AuthTokenKey::random();
    }
    if (!key)
        return Err(key.error());
    token_key_ = std::move(*key);
    return Ok{};
}

// token_gate: the token part of the credentials check, before any script
// or plugin. `user` becomes empty for a token only valid for the empty user.
Server::TokenGate Server::token_gate(Instance& in, std::string& user, const SecureBytes& pass)
{
    in.token_env.reset();
    if (!token_key_)
        return TokenGate::NoToken;
    const std::string name = user;
    auto r = in.token.check(*token_key_, token_policy_, user, pass, wall_now());
    for (const auto& n : r.notes)
        log_.logf(kV1, "%s %s", in.prefix().c_str(), n.c_str());
    if (r.expired)
        in.auth_reason = "SESSION: token expired";
    using V = session::AuthTokenState::Verdict;
    switch (r.verdict) {
    case V::Accepted:
        log_.logf(kV1, "%s TLS: Username/auth-token authentication succeeded for username '%s'",
                  in.prefix().c_str(), user.c_str());
        return TokenGate::Accepted;
    case V::Refused:
        log_.logf(kV1, "%s TLS: Username/auth-token authentication failed for username '%s'",
                  in.prefix().c_str(), name.c_str());
        return TokenGate::Refused;
    default:
        return TokenGate::NoToken;
    }
}

// token_env: session_id and session_state for the scripts and plugins of
// this check, and later the client's --client-connect (2.6 keeps them in
// the client's env set).
void Server::token_env(Instance& in, script::Env& env, const std::string& user, const SecureBytes& pass)
{
    if (!token_key_)
        return;
    in.token_env = in.token.session_env(*token_key_, user, pass, wall_now());
    add_token_env(in, env);
}

void Server::add_token_env(const Instance& in, script::Env& env) const
{
    if (!in.token_env)
        return;
    env.set("session_state", in.token_env->second);
    env.set("session_id", in.token_env->first);
}

// token_accepted: the credentials passed: a fresh token for the client; an
// admitted client (a renegotiation) gets it pushed now, a new one in its
// PUSH_REPLY.
void Server::token_accepted(Instance& in, const std::string& user)
{
    if (!token_key_)
        return;
    in.auth_reason.clear();
    in.token_user = user;
    in.token.renew(*token_key_, user, wall_now());
    if (session::renews_between_rekeys(token_policy_, reneg_max(o_)))
        in.token_renew_at = loop_.now() + seconds(token_policy_.renewal);
    if (in.up)
        push_token(in);
}

// push_token: "PUSH_REPLY,auth-token <token>" (2.6's
// send_push_reply_auth_token).
void Server::push_token(Instance& in)
{
    if (in.token.current().empty())
        return;
    const std::string msg = "PUSH_REPLY,auth-token " + text_of(in.token.current());
    (void)in.cc->send_message(msg);
    log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.prefix().c_str(), in.cn.c_str(),
              session::redact_control_message(msg).c_str());
    flush(in);
}

// token_tick: 2.6's auth-token renewal timer (renewal under reneg-sec):
// an admitted client gets a fresh token every `renewal` seconds.
void Server::token_tick(Instance& in, TimePoint now)
{
    if (!token_key_ || !in.token_renew_at || now < *in.token_renew_at)
        return;
    in.token_renew_at = now + seconds(token_policy_.renewal);
    if (!in.up || in.auth_failed || !in.token.has_initial())
        return;
    in.token.renew(*token_key_, in.token_user, wall_now());
    push_token(in);
}

// token_push_option: the "auth-token" line of the PUSH_REPLY, if any.
std::optional<std::string> Server::token_push_option(const Instance& in) const
{
    if (in.token.current().empty())
        return std::nullopt;
    return "auth-token " + text_of(in.token.current());
}

} // namespace ovpn::server
