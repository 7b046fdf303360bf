// session/auth_token.hpp: the tokens of --auth-gen-token in 2.6's format, so
// a token our server made is reused by a 2.6 client and ours, and a token a
// 2.6 server made with the same --auth-gen-token-secret passes here. Pure:
// the caller gives the time and keeps the per-client AuthTokenState.
//
//   token = "SESS_ID_AT_" + base64(body | HMAC-SHA256(user | body))
//   body  = session id (12 random bytes) | initial time (8) | time (8)
//
// The times are Unix seconds, big-endian. The HMAC key is bytes 64..95 of
// the 128-byte --auth-gen-token-secret (2.6 reads the file into its
// cipher(64)|hmac(64) key and uses the digest's size of the hmac half), or
// random at start. A token is good while now is in [time, time + 2 *
// renewal) and, with a lifetime, until initial time + lifetime. A token
// whose HMAC only passes for the empty user name (OpenVPN 3 clients) is
// valid "for the empty user". Key material and tokens live in SecureBytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::session {

inline constexpr std::string_view kAuthTokenPrefix = "SESS_ID_AT_";
inline constexpr std::size_t kTokenSessionIdLen = 12;
inline constexpr std::size_t kTokenBodyLen = kTokenSessionIdLen + 8 + 8;
inline constexpr std::size_t kTokenHmacLen = 32;

// 2.6's AUTH_TOKEN_* flags of a checked token.
inline constexpr unsigned kTokenHmacOk = 1u << 0;
inline constexpr unsigned kTokenExpired = 1u << 1;
inline constexpr unsigned kTokenEmptyUser = 1u << 2;

// AuthTokenPolicy: --auth-gen-token [lifetime] [renewal-time] [external-auth].
struct AuthTokenPolicy {
    std::int64_t lifetime = 0; // seconds; 0: the token never expires by age
    std::int64_t renewal = 0;  // seconds; defaults to reneg-sec
    bool external_auth = false;
};

// parse_auth_gen_token: the option's arguments (without its name) as 2.6
// reads them; reneg_sec is the --reneg-sec maximum (renewal's default).
// Fails on an argument 2.6 calls invalid, on reneg-sec 0 and on a renewal
// (given or reneg-sec's) under two --hand-window.
Result<AuthTokenPolicy> parse_auth_gen_token(const std::vector<std::string>& args, std::int64_t reneg_sec,
                                             std::int64_t hand_window);

// renews_between_rekeys: 2.6 pushes fresh tokens on a timer of `renewal`
// seconds only when that is shorter than reneg-sec; otherwise each
// renegotiation renews the token.
bool renews_between_rekeys(const AuthTokenPolicy& p, std::int64_t reneg_sec);

// AuthTokenKey: the HMAC-SHA256 key that signs and checks tokens.
class AuthTokenKey {
public:
    // from_secret: the 128 bytes of an --auth-gen-token-secret file.
    static Result<AuthTokenKey> from_secret(Bytes secret);
    // random: a key for this run only (no --auth-gen-token-secret).
    static Result<AuthTokenKey> random();
    // mac: HMAC-SHA256(user | body) into out (32 bytes).
    bool mac(std::string_view user, Bytes body, MutBytes out) const;

private:
    SecureBytes key_;
};

// TokenBody: the signed fields of a token.
struct TokenBody {
    std::array<std::uint8_t, kTokenSessionIdLen> session_id{};
    std::uint64_t initial = 0;
    std::uint64_t stamp = 0;
};

// make_token: the token text for user and body.
SecureBytes make_token(const AuthTokenKey& key, std::string_view user, const TokenBody& b);
// read_token: the body of a well-formed token (prefix, base64 of 60
// bytes); nothing said about its HMAC.
std::optional<TokenBody> read_token(Bytes token);
// is_auth_token: the password starts with "SESS_ID_AT_" (2.6's
// is_auth_token, compared in constant time).
bool is_auth_token(Bytes password);

// TokenCheck: what verifying a client's token found.
struct TokenCheck {
    unsigned flags = 0;             // kToken* (0: invalid)
    std::vector<std::string> notes; // 2.6's warning lines, in order
};

// check_token: 2.6's verify_auth_token for the token `password` of `user`
// at `now`. initial: the first token of this client's session, if any
// (its prefix and session id must not change).
TokenCheck check_token(const AuthTokenKey& key, const AuthTokenPolicy& p, std::string_view user,
                       Bytes password, std::int64_t now, const SecureBytes* initial);

// session_state: the session_state variable: Initial (no token), Invalid,
// Authenticated, Expired, AuthenticatedEmptyUser, ExpiredEmptyUser.
std::string session_state(bool had_token, unsigned flags);

// AuthTokenState: one client's tokens (2.6's multi->auth_token and
// auth_token_initial with the newest key's flags).
class AuthTokenState {
public:
    // Verdict: what the credentials check does with a password.
    enum class Verdict {
        NoToken,  // not a token: the script/plugin decides
        Accepted, // a good token: no script/plugin
        Refused,  // a bad or expired token: refused, tokens wiped
        External, // a token under external-auth: the script/plugin decides
    };
    struct Result {
        Verdict verdict = Verdict::NoToken;
        std::vector<std::string> notes;
        bool expired = false; // 2.6 tells the client "SESSION: token expired"
    };
    // check: the token part of 2.6's verify_user_pass. `user` becomes empty
    // when the token is only valid for the empty user name.
    Result check(const AuthTokenKey& key, const AuthTokenPolicy& p, std::string& user, Bytes password,
                 std::int64_t now);
    // session_env: the session_id and session_state values for the
    // scripts and plugins (2.6's add_session_token_env); makes the first
    // token when there is none yet, so its id is the one later pushed.
    std::pair<std::string, std::string> session_env(const AuthTokenKey& key, std::string_view user,
                                                    Bytes password, std::int64_t now);
    // renew: a fresh token for user, keeping the session id and initial
    // time of the first one (2.6's generate_auth_token).
    void renew(const AuthTokenKey& key, std::string_view user, std::int64_t now);
    // current: the token to push; empty before the first success.
    const SecureBytes& current() const noexcept { return current_; }
    bool has_initial() const noexcept { return !initial_.empty(); }
    void wipe() noexcept;

private:
    SecureBytes current_, initial_;
    unsigned flags_ = 0;
};

// redact_control_message: a control message for the log with token values
// hidden as 2.6 does (sanitize_control_message): "SESS_ID_..." keeps
// "SESS_ID" only, "auth-token <t>" becomes "auth-token" (unless
// show_tokens, 2.6's --verb 7), "echo <x>" becomes "echo", up to the next
// comma.
std::string redact_control_message(std::string_view text, bool show_tokens = false);

} // namespace ovpn::session
