// wire/session_cookie.hpp: 2.6's stateless UDP server handshake ("HMAC
// cookie", protocol-facts §3.6). The server answers a client's hard reset
// without keeping state; its session id is a MAC the server can recompute
// when the client's next packet ACKs it:
//
//   server_sid = HMAC-SHA256(K, time_slot (u32 BE) || peer address || client_sid)[0..8)
//   time_slot  = now / ((hand_window + 1) / 2)
//
// K is random per server process. The peer address bytes are whatever
// stable encoding the caller uses (family, address, port); only the server
// itself recomputes the cookie. verify() accepts the current slot and the
// two before it (2.6.16+), so a cookie lives between hand_window and
// 1.5 x hand_window seconds.
#pragma once

#include <cstdint>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/evp.hpp"

namespace ovpn::wire {

class SessionCookie {
public:
    // create: key of at least 32 bytes (use generate() for a random one).
    static Result<SessionCookie> create(Bytes key);
    static Result<SessionCookie> generate();

    // compute: the server session id for this peer at `now` (offset in slots).
    SessionId compute(std::uint32_t now, unsigned hand_window, Bytes peer_addr, const SessionId& client_sid,
                      int slot_offset = 0) noexcept;
    // verify: true if cookie matches one of the slots -2..0.
    bool verify(std::uint32_t now, unsigned hand_window, Bytes peer_addr, const SessionId& client_sid,
                const SessionId& cookie) noexcept;

private:
    explicit SessionCookie(Hmac h) : hmac_(std::move(h)) {}
    Hmac hmac_;
};

// cookie_reply_ok: the checks a 2.6.15+ stateless server makes on the
// client's packet that completes the cookie handshake: key id 0, at least
// one ACK, every ACKed id <= 1, message id <= 1. The ACK's session id must
// then be checked with SessionCookie::verify.
bool cookie_reply_ok(const ControlPacket& p) noexcept;

} // namespace ovpn::wire
