// session/auth_token.cpp: see auth_token.hpp.
#include "openvpn/session/auth_token.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cinttypes>
#include <cstdio>

#include "openvpn/crypto/pem.hpp"
#include "openvpn/wire/evp.hpp"

namespace ovpn::session {

namespace {

constexpr std::size_t kSecretLen = 128;
constexpr std::size_t kSecretHmacOffset = 64; // 2.6's struct key: cipher[64] | hmac[64]
constexpr std::size_t kTokenLen = kTokenBodyLen + kTokenHmacLen;
constexpr std::size_t kSessionIdB64Len = kTokenSessionIdLen * 4 / 3;

bool parse_positive(const std::string& s, std::int64_t& out)
{
    if (s.empty() || s.size() > 10)
        return false;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

void put_be64(std::uint8_t* p, std::uint64_t v)
{
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<std::uint8_t>(v & 0xff);
        v >>= 8;
    }
}

std::uint64_t get_be64(const std::uint8_t* p)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | p[i];
    return v;
}

std::array<std::uint8_t, kTokenBodyLen> body_bytes(const TokenBody& b)
{
    std::array<std::uint8_t, kTokenBodyLen> out{};
    std::copy(b.session_id.begin(), b.session_id.end(), out.begin());
    put_be64(out.data() + kTokenSessionIdLen, b.initial);
    put_be64(out.data() + kTokenSessionIdLen + 8, b.stamp);
    return out;
}

// decode_token: the 60 bytes of a token, or nothing (wrong prefix, bad
// base64); `len` gets the decoded length for 2.6's size warning.
std::optional<SecureBytes> decode_token(Bytes token, long long& len)
{
    len = -1;
    if (!is_auth_token(token))
        return std::nullopt;
    const Bytes b64 = token.subspan(kAuthTokenPrefix.size());
    auto raw = crypto::base64_decode(std::string_view(reinterpret_cast<const char*>(b64.data()), b64.size()));
    if (!raw)
        return std::nullopt;
    len = static_cast<long long>(raw->size());
    if (raw->size() != kTokenLen)
        return std::nullopt;
    return std::move(*raw);
}

std::string fmt(const char* f, std::uint64_t a, std::uint64_t b = 0)
{
    char buf[200];
    std::snprintf(buf, sizeof buf, f, a, b);
    return buf;
}

} // namespace

Result<AuthTokenPolicy> parse_auth_gen_token(const std::vector<std::string>& args, std::int64_t reneg_sec,
                                             std::int64_t hand_window)
{
    AuthTokenPolicy p;
    if (!args.empty() && !parse_positive(args[0], p.lifetime))
        p.lifetime = 0; // 2.6's positive_atoi: anything else is 0
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::int64_t v = 0;
        if (i == 1 && parse_positive(args[i], v) && v > 0)
            p.renewal = v;
        else if (args[i] == "external-auth")
            p.external_auth = true;
        else
            return Err{"Invalid argument to auth-gen-token: " + args[i] + " (" + std::to_string(i + 1) + ")"};
    }
    if (reneg_sec <= 0)
        return Err{std::string("--auth-gen-token needs a non-infinite --renegotiate_seconds setting")};
    if (p.renewal == 0)
        p.renewal = reneg_sec; // 2.6 sets the default before it checks
    if (p.renewal < 2 * hand_window)
        return Err{"--auth-gen-token renewal time needs to be at least  two times --hand-window (" +
                   std::to_string(hand_window) + ")."};
    return p;
}

bool renews_between_rekeys(const AuthTokenPolicy& p, std::int64_t reneg_sec)
{
    return p.renewal < reneg_sec;
}

Result<AuthTokenKey> AuthTokenKey::from_secret(Bytes secret)
{
    if (secret.size() < kSecretLen)
        return Err{std::string("ERROR: not enough data in auth-token secret")};
    AuthTokenKey k;
    k.key_ = SecureBytes(secret.subspan(kSecretHmacOffset, kTokenHmacLen));
    return k;
}

Result<AuthTokenKey> AuthTokenKey::random()
{
    SecureBytes s(kSecretLen);
    if (RAND_bytes(s.data(), static_cast<int>(s.size())) != 1)
        return Err{std::string("ERROR: Cannot load auth-token secret")};
    return from_secret(s);
}

bool AuthTokenKey::mac(std::string_view user, Bytes body, MutBytes out) const
{
    auto h = wire::Hmac::create("SHA256", key_);
    return h && h->compute({as_bytes(user), body}, out);
}

SecureBytes make_token(const AuthTokenKey& key, std::string_view user, const TokenBody& b)
{
    SecureBytes raw(kTokenLen);
    const auto body = body_bytes(b);
    std::copy(body.begin(), body.end(), raw.data());
    if (!key.mac(user, body, raw.span().subspan(kTokenBodyLen)))
        return {};
    SecureBytes b64((kTokenLen + 2) / 3 * 4 + 1);
    const int n = EVP_EncodeBlock(b64.data(), raw.data(), static_cast<int>(raw.size()));
    SecureBytes out(kAuthTokenPrefix.size() + static_cast<std::size_t>(n));
    std::copy(kAuthTokenPrefix.begin(), kAuthTokenPrefix.end(), out.data());
    std::copy(b64.data(), b64.data() + n, out.data() + kAuthTokenPrefix.size());
    return out;
}

std::optional<TokenBody> read_token(Bytes token)
{
    long long len = 0;
    auto raw = decode_token(token, len);
    if (!raw)
        return std::nullopt;
    TokenBody b;
    std::copy(raw->data(), raw->data() + kTokenSessionIdLen, b.session_id.begin());
    b.initial = get_be64(raw->data() + kTokenSessionIdLen);
    b.stamp = get_be64(raw->data() + kTokenSessionIdLen + 8);
    return b;
}

bool is_auth_token(Bytes password)
{
    return password.size() >= kAuthTokenPrefix.size() &&
           wire::ct_equal(password.first(kAuthTokenPrefix.size()), as_bytes(kAuthTokenPrefix));
}

// hmac_matches: the token's HMAC is the one of user over its body.
static bool hmac_matches(const AuthTokenKey& key, std::string_view user, const SecureBytes& raw)
{
    std::array<std::uint8_t, kTokenHmacLen> want{};
    if (!key.mac(user, raw.span().first(kTokenBodyLen), want))
        return false;
    return wire::ct_equal(want, raw.span().subspan(kTokenBodyLen));
}

TokenCheck check_token(const AuthTokenKey& key, const AuthTokenPolicy& p, std::string_view user,
                       Bytes password, std::int64_t now, const SecureBytes* initial)
{
    TokenCheck c;
    long long len = 0;
    auto raw = decode_token(password, len);
    if (!raw) {
        c.notes.push_back("ERROR: --auth-token wrong size (" + std::to_string(len) +
                          "!=" + std::to_string(kTokenLen) + ")");
        return c;
    }
    if (hmac_matches(key, user, *raw)) {
        c.flags = kTokenHmacOk;
    } else if (hmac_matches(key, "", *raw)) {
        c.flags = kTokenHmacOk | kTokenEmptyUser;
    } else {
        c.notes.push_back("--auth-gen-token: HMAC on token from client failed (" + std::string(user) + ")");
        return c;
    }
    const auto b = read_token(password);
    const auto t = static_cast<std::int64_t>(b->stamp);
    const auto t0 = static_cast<std::int64_t>(b->initial);
    if (!(now >= t && now < t + 2 * p.renewal)) {
        c.notes.push_back(
            fmt("Timestamp (%" PRIu64 ") of auth-token is out of the renewal window", b->stamp));
        c.flags |= kTokenExpired;
    }
    if (t < t0) {
        c.notes.push_back(fmt("Initial timestamp (%" PRIu64 ") in token from client earlier than current "
                              "timestamp %" PRIu64 ". Broken/unsynchronised clock?",
                              b->initial, b->stamp));
        c.flags |= kTokenExpired;
    }
    if (p.lifetime != 0 && now > t0 + p.lifetime)
        c.flags |= kTokenExpired;
    if (c.flags & kTokenExpired)
        c.notes.emplace_back("--auth-gen-token: auth-token from client expired");
    const std::size_t head = kAuthTokenPrefix.size() + kSessionIdB64Len;
    if (initial != nullptr && !initial->empty() &&
        (initial->size() < head || !wire::ct_equal(initial->span().first(head), password.first(head)))) {
        c.notes.emplace_back("--auth-gen-token: session id in token changed (Rejecting token.");
        c.flags = 0;
    }
    return c;
}

std::string session_state(bool had_token, unsigned flags)
{
    if (!had_token)
        return "Initial";
    if (!(flags & kTokenHmacOk))
        return "Invalid";
    const bool expired = flags & kTokenExpired;
    if (flags & kTokenEmptyUser)
        return expired ? "ExpiredEmptyUser" : "AuthenticatedEmptyUser";
    return expired ? "Expired" : "Authenticated";
}

AuthTokenState::Result AuthTokenState::check(const AuthTokenKey& key, const AuthTokenPolicy& p,
                                             std::string& user, Bytes password, std::int64_t now)
{
    Result r;
    flags_ = 0;
    if (!is_auth_token(password))
        return r;
    TokenCheck c = check_token(key, p, user, password, now, &initial_);
    flags_ = c.flags;
    r.notes = std::move(c.notes);
    r.expired = (flags_ & kTokenExpired) != 0;
    if (flags_ & kTokenEmptyUser)
        user.clear(); // 2.6 overwrites the client's user name
    if (initial_.empty())
        initial_ = SecureBytes(password);
    if (p.external_auth) {
        r.verdict = Verdict::External;
    } else if (flags_ == kTokenHmacOk) {
        r.verdict = Verdict::Accepted;
    } else {
        wipe();
        r.verdict = Verdict::Refused;
    }
    return r;
}

std::pair<std::string, std::string>
AuthTokenState::session_env(const AuthTokenKey& key, std::string_view user, Bytes password, std::int64_t now)
{
    const bool had_token = is_auth_token(password);
    std::string state = session_state(had_token, had_token ? flags_ : 0);
    Bytes source = password;
    if (!(flags_ & kTokenHmacOk) || (flags_ & kTokenExpired) || !had_token) {
        if (initial_.empty())
            renew(key, user, now);
        source = initial_;
    }
    const std::size_t head = kAuthTokenPrefix.size() + kSessionIdB64Len;
    std::string id;
    if (source.size() >= head)
        id.assign(reinterpret_cast<const char*>(source.data()) + kAuthTokenPrefix.size(), kSessionIdB64Len);
    return {id, state};
}

void AuthTokenState::renew(const AuthTokenKey& key, std::string_view user, std::int64_t now)
{
    TokenBody b;
    b.stamp = static_cast<std::uint64_t>(now);
    b.initial = b.stamp;
    auto old = initial_.empty() ? std::nullopt : read_token(initial_);
    if (old) {
        b.session_id = old->session_id;
        b.initial = old->initial;
    } else if (RAND_bytes(b.session_id.data(), static_cast<int>(b.session_id.size())) != 1) {
        current_.wipe();
        return; // no token rather than a predictable one
    }
    current_ = make_token(key, (flags_ & kTokenEmptyUser) ? std::string_view() : user, b);
    if (initial_.empty())
        initial_ = current_;
}

void AuthTokenState::wipe() noexcept
{
    current_.wipe();
    initial_.wipe();
}

std::string redact_control_message(std::string_view text, bool show_tokens)
{
    std::string out;
    out.reserve(text.size());
    bool redact = false;
    std::size_t keep = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::string_view rest = text.substr(i);
        if (rest.starts_with("SESS_ID_")) {
            keep = 7;
            redact = true;
        } else if (rest.starts_with("echo ")) {
            keep = 4;
            redact = true;
        } else if (!show_tokens && rest.starts_with("auth-token ")) {
            keep = 10;
            redact = true;
        }
        if (text[i] == ',')
            redact = false;
        if (!redact) {
            out += text[i];
        } else if (keep > 0) {
            --keep;
            out += text[i];
        }
    }
    return out;
}

} // namespace ovpn::session
