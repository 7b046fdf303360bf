#include "openvpn/server/stateless.hpp"

#include <openssl/rand.h>

#include <cstring>

#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::server {

using wire::Opcode;

Result<CookieGate> CookieGate::create(unsigned hand_window, bool force_cookie)
{
    auto c = wire::SessionCookie::generate();
    if (!c)
        return Err(c.error());
    return CookieGate(std::move(*c), hand_window, force_cookie);
}

Result<CookieGate> CookieGate::with_key(Bytes key, unsigned hand_window, bool force_cookie)
{
    auto c = wire::SessionCookie::create(key);
    if (!c)
        return Err(c.error());
    return CookieGate(std::move(*c), hand_window, force_cookie);
}

bool InitialRateLimit::check(std::uint32_t now_secs, bool& first_over, int& seconds_left) noexcept
{
    first_over = false;
    if (static_cast<std::int64_t>(now_secs) > static_cast<std::int64_t>(period_start) + period) {
        period_start = now_secs;
        count = 0;
        noted = false;
    }
    ++count;
    if (count <= max)
        return true;
    if (!noted) {
        noted = true;
        first_over = true;
        seconds_left = static_cast<int>(static_cast<std::int64_t>(period_start) + period - now_secs);
    }
    return false;
}

std::vector<std::uint8_t> CookieGate::addr_bytes(const io::SockAddr& a)
{
    std::vector<std::uint8_t> out;
    const auto fam = static_cast<std::uint16_t>(a.family());
    const std::uint16_t port = a.port();
    out.push_back(static_cast<std::uint8_t>(fam >> 8));
    out.push_back(static_cast<std::uint8_t>(fam));
    out.push_back(static_cast<std::uint8_t>(port >> 8));
    out.push_back(static_cast<std::uint8_t>(port));
    if (a.family() == AF_INET) {
        const auto* s = reinterpret_cast<const sockaddr_in*>(&a.ss);
        const auto* p = reinterpret_cast<const std::uint8_t*>(&s->sin_addr);
        out.insert(out.end(), p, p + sizeof s->sin_addr);
    } else if (a.family() == AF_INET6) {
        const auto* s = reinterpret_cast<const sockaddr_in6*>(&a.ss);
        const auto* p = reinterpret_cast<const std::uint8_t*>(&s->sin6_addr);
        out.insert(out.end(), p, p + sizeof s->sin6_addr);
        const std::uint32_t scope = s->sin6_scope_id;
        for (int sh = 24; sh >= 0; sh -= 8)
            out.push_back(static_cast<std::uint8_t>(scope >> sh));
    }
    return out;
}

FirstPacket CookieGate::first_packet(Bytes pkt, const io::SockAddr& from, control::ControlWrap& wrap,
                                     std::uint32_t now_secs)
{
    FirstPacket r;
    std::vector<std::uint8_t> plain(pkt.size());
    auto p = unwrap_first(pkt, wrap, plain, now_secs);
    if (!p) {
        ++stats_.drop_unwrap;
        return r;
    }
    const auto addr = addr_bytes(from);
    if (p->opcode == Opcode::ControlHardResetClientV2 || p->opcode == Opcode::ControlHardResetClientV3)
        on_client_reset(r, *p, pkt, addr, wrap, now_secs);
    else
        on_cookie_ack(r, *p, addr, now_secs);
    return r;
}

// unwrap_first: a first packet (a client's reset, or what answers our
// cookie) unwrapped and parsed into `plain`; nullopt for anything else.
std::optional<wire::ControlPacket> CookieGate::unwrap_first(Bytes pkt, control::ControlWrap& wrap,
                                                            std::vector<std::uint8_t>& plain,
                                                            std::uint32_t now_secs)
{
    auto peek = wire::peek_control(pkt);
    if (!peek || peek->key_id != 0 || !wire::is_defined(peek->session_id))
        return std::nullopt;
    const Opcode op = peek->opcode;
    const bool reset = op == Opcode::ControlHardResetClientV2 || op == Opcode::ControlHardResetClientV3;
    const bool reply = op == Opcode::ControlV1 || op == Opcode::AckV1 || op == Opcode::ControlWkcV1;
    if (!reset && !reply)
        return std::nullopt;
    auto n = wrap.unwrap(pkt, plain, now_secs);
    if (!n)
        return std::nullopt;
    auto p = wire::parse_control(Bytes(plain.data(), *n));
    if (!p || p->opcode != op || p->session_id != peek->session_id)
        return std::nullopt;
    return *p;
}

// on_cookie_ack: the client answered our cookie reply: an instance, when
// the cookie is ours and fresh.
void CookieGate::on_cookie_ack(FirstPacket& r, const wire::ControlPacket& p,
                               const std::vector<std::uint8_t>& addr, std::uint32_t now_secs)
{
    if (!wire::cookie_reply_ok(p) ||
        !cookie_.verify(now_secs, hand_window_, addr, p.session_id, p.remote_session_id)) {
        ++stats_.drop_cookie;
        return;
    }
    ++stats_.accepted;
    rate_.give_back(); // a finished three-way handshake does not count
    r.verdict = FirstVerdict::CreateFromAck;
    r.client_sid = p.session_id;
    r.cookie = p.remote_session_id;
}

// on_client_reset: a client's hard reset: the rate limit, then our cookie
// reply, or (a tls-crypt-v2 client without early negotiation) an instance
// at once unless force-cookie.
void CookieGate::on_client_reset(FirstPacket& r, const wire::ControlPacket& p, Bytes pkt,
                                 const std::vector<std::uint8_t>& addr, control::ControlWrap& wrap,
                                 std::uint32_t now_secs)
{
    if (p.num_acks != 0 || !p.message_id || *p.message_id != 0) {
        ++stats_.drop_unwrap;
        return;
    }
    if (!rate_.check(now_secs, r.rate_note, r.rate_seconds_left)) {
        ++stats_.drop_rate;
        return;
    }
    bool resend_wkc = false;
    if (p.opcode == Opcode::ControlHardResetClientV3) {
        // the client's wrap packet id is in the clear (tls-crypt header)
        std::uint32_t pid = 0;
        if (pkt.size() >= wire::kTlsCryptOffPid + 4) {
            for (std::size_t i = 0; i < 4; ++i)
                pid = (pid << 8) | pkt[wire::kTlsCryptOffPid + i];
        }
        if (!wire::supports_early_negotiation(pid)) {
            if (force_cookie_) {
                ++stats_.drop_old_v3;
                return;
            }
            rate_.give_back(); // becomes an instance at once (2.6 gives it back then)
            r.verdict = FirstVerdict::Stateful;
            return;
        }
        resend_wkc = true;
    }
    if (!write_cookie_reply(r, p, addr, resend_wkc, wrap, now_secs)) {
        ++stats_.drop_unwrap;
        r.reply.clear();
        return;
    }
    r.verdict = FirstVerdict::ReplyCookie;
    r.client_sid = p.session_id;
    ++stats_.resets_answered;
}

// write_cookie_reply: our HARD_RESET_SERVER_V2 whose session id is the
// cookie (with the resend-WKC flag for a tls-crypt-v2 client), wrapped.
bool CookieGate::write_cookie_reply(FirstPacket& r, const wire::ControlPacket& p,
                                    const std::vector<std::uint8_t>& addr, bool resend_wkc,
                                    control::ControlWrap& wrap, std::uint32_t now_secs)
{
    wire::ControlPacket out;
    out.opcode = Opcode::ControlHardResetServerV2;
    out.key_id = 0;
    out.session_id = cookie_.compute(now_secs, hand_window_, addr, p.session_id);
    out.num_acks = 1;
    out.acks[0] = 0;
    out.remote_session_id = p.session_id;
    out.message_id = 0;
    std::uint8_t tlv[6];
    if (resend_wkc) {
        auto t = wire::write_early_negotiation(tlv, wire::kEarlyNegFlagResendWkc);
        if (!t)
            return false;
        out.payload = Bytes(tlv, *t);
    }
    std::vector<std::uint8_t> pl(wire::control_size(out));
    auto w = wire::write_control(pl, out);
    if (!w)
        return false;
    r.reply.resize(*w + wrap.overhead() + 64);
    auto m = wrap.wrap(Bytes(pl.data(), *w), r.reply, now_secs);
    if (!m)
        return false;
    r.reply.resize(*m);
    return true;
}

namespace {

class CookieWrap final : public control::ControlWrap {
public:
    explicit CookieWrap(std::unique_ptr<control::ControlWrap> inner) : inner_(std::move(inner)) {}
    std::size_t overhead() const noexcept override { return inner_->overhead(); }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) override
    {
        if (!spent_id_) {
            // spend packet id 1 (the cookie reply's) on a throw-away packet
            std::vector<std::uint8_t> tmp(plain.size() + inner_->overhead() + 64);
            if (!inner_->wrap(plain, tmp, now))
                return Err(wire::Drop::Crypto);
            spent_id_ = true;
        }
        return inner_->wrap(plain, out, now);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) override
    {
        if (!passed_synthetic_) {
            passed_synthetic_ = true;
            if (in.size() > out.size())
                return Err(wire::Drop::NoRoom);
            std::memcpy(out.data(), in.data(), in.size());
            return in.size();
        }
        return inner_->unwrap(in, out, now);
    }
    Bytes wkc() const noexcept override { return inner_->wkc(); }
    Bytes original_key() const noexcept override { return inner_->original_key(); }

private:
    std::unique_ptr<control::ControlWrap> inner_;
    bool passed_synthetic_ = false;
    bool spent_id_ = false;
};

} // namespace

std::unique_ptr<control::ControlWrap> make_cookie_wrap(std::unique_ptr<control::ControlWrap> inner)
{
    return std::make_unique<CookieWrap>(std::move(inner));
}

std::vector<std::uint8_t> synthetic_client_reset(const wire::SessionId& client_sid)
{
    wire::ControlPacket p;
    p.opcode = Opcode::ControlHardResetClientV2;
    p.key_id = 0;
    p.session_id = client_sid;
    p.message_id = 0;
    std::vector<std::uint8_t> out(wire::control_size(p));
    auto n = wire::write_control(out, p);
    out.resize(n ? *n : 0);
    return out;
}

} // namespace ovpn::server
