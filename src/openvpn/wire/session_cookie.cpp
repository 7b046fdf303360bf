#include "openvpn/wire/session_cookie.hpp"

#include <array>

#include <openssl/rand.h>

#include "openvpn/core/secure.hpp"

namespace ovpn::wire {

Result<SessionCookie> SessionCookie::create(Bytes key)
{
    if (key.size() < 32)
        return Err{std::string("cookie key must be at least 32 bytes")};
    auto h = Hmac::create("SHA256", key);
    if (!h)
        return Err{h.error()};
    return SessionCookie(std::move(*h));
}

Result<SessionCookie> SessionCookie::generate()
{
    SecureBytes key(32);
    if (RAND_bytes(key.data(), 32) != 1)
        return Err{std::string("RAND_bytes failed")};
    return create(key);
}

SessionId SessionCookie::compute(std::uint32_t now, unsigned hand_window, Bytes peer_addr,
                                 const SessionId& client_sid, int slot_offset) noexcept
{
    const std::uint32_t slot_len = std::max(1u, (hand_window + 1) / 2);
    const std::uint32_t slot =
        static_cast<std::uint32_t>(static_cast<std::int64_t>(now / slot_len) + slot_offset);
    const std::uint8_t slot_be[4] = {static_cast<std::uint8_t>(slot >> 24),
                                     static_cast<std::uint8_t>(slot >> 16),
                                     static_cast<std::uint8_t>(slot >> 8), static_cast<std::uint8_t>(slot)};
    std::array<std::uint8_t, 32> mac{};
    SessionId sid{};
    if (hmac_.compute({Bytes(slot_be, 4), peer_addr, client_sid}, mac))
        std::copy(mac.begin(), mac.begin() + kSessionIdLen, sid.begin());
    return sid;
}

bool SessionCookie::verify(std::uint32_t now, unsigned hand_window, Bytes peer_addr,
                           const SessionId& client_sid, const SessionId& cookie) noexcept
{
    bool ok = false;
    for (int off = -2; off <= 0; ++off) {
        const SessionId expect = compute(now, hand_window, peer_addr, client_sid, off);
        ok |= is_defined(expect) && ct_equal(expect, cookie);
    }
    return ok;
}

bool cookie_reply_ok(const ControlPacket& p) noexcept
{
    if (p.key_id != 0 || p.num_acks == 0)
        return false;
    for (std::size_t i = 0; i < p.num_acks; ++i)
        if (p.acks[i] > 1)
            return false;
    return !p.message_id || *p.message_id <= 1;
}

} // namespace ovpn::wire
