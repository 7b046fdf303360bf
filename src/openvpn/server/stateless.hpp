// server/stateless.hpp: 2.6's stateless answer to a UDP client's hard reset
// (protocol-facts §3.6, 2.6's mudp.c do_pre_decrypt_check). A spoofed reset
// must not hold a pool slot or any state, so the server:
//
//   1. unwraps the reset with a throw-away wrap (replay not checked) and
//      answers with a HARD_RESET_SERVER_V2 whose session id is a cookie:
//      HMAC(per-process key, time slot, peer address, client sid)
//      (wire/session_cookie.hpp); nothing is stored;
//      - HARD_RESET_CLIENT_V2: always;
//      - HARD_RESET_CLIENT_V3 (tls-crypt-v2) whose wrap packet id carries the
//        early-negotiation marker: likewise, with the RESEND_WKC TLV;
//      - an older V3: stateful as before (the WKc is only in that packet),
//        or ignored with --tls-crypt-v2 ... force-cookie;
//      at most --connect-freq-initial (100 per 10 s) resets are answered;
//   2. on a P_CONTROL_V1 / P_ACK_V1 / P_CONTROL_WKC_V1 from an unknown
//      address: key id 0, ACKs only of ids <= 1, message id <= 1, and the
//      ACK's session id must be the cookie of this address and client sid
//      (current slot or the two before); else the packet is dropped and
//      counted;
//   3. then the instance is created as if its reset had been sent and ACKed
//      and the client's msg-id 0 received: its control channel takes the
//      cookie as its session id and is fed a synthetic plain client reset
//      before the real packet (CookieWrap lets exactly that one through), and
//      its first sent packet id is 2, as 2.6's (the cookie reply used 1).
//
// TCP servers keep per-connection state from the first packet, as in 2.6.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/control/control_wrap.hpp"
#include "openvpn/io/sock_addr.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/session_cookie.hpp"

namespace ovpn::server {

// Counters of the stateless handshake (G9: drops counted by reason).
struct CookieStats {
    std::uint64_t resets_answered = 0; // cookie replies sent
    std::uint64_t accepted = 0;        // instances created from a valid cookie
    std::uint64_t drop_unwrap = 0;     // wrap authentication / parse failed
    std::uint64_t drop_cookie = 0;     // wrong, forged or expired cookie, bad ack/msg ids
    std::uint64_t drop_old_v3 = 0;     // V3 without early negotiation under force-cookie
    std::uint64_t drop_rate = 0;       // resets over --connect-freq-initial
};

// ConnectFreq: 2.6's --connect-freq max secs (otime.c frequency_limit):
// at most `max` new UDP clients (from an address without an instance, after
// the cookie round trip) per `per` seconds, counted in fixed windows; no
// limit unless the option is given.
struct ConnectFreq {
    int max = 0, per = 0;
    std::uint32_t window_start = 0;
    int count = 0;
    // allow: whether one more new client fits now (and count it).
    bool allow(std::uint32_t now_secs) noexcept
    {
        if (per <= 0)
            return true;
        if (now_secs >= window_start + static_cast<std::uint32_t>(per)) {
            window_start = now_secs;
            count = 0;
        }
        return ++count <= max;
    }
};

// InitialRateLimit: 2.6's --connect-freq-initial max secs (reflect_filter.c,
// default 100 per 10 s): at most `max` valid resets are answered per period;
// an instance made from a cookie gives its reset's place back.
struct InitialRateLimit {
    std::int64_t max = 100;
    int period = 10;
    std::int64_t count = 0;
    std::uint32_t period_start = 0;
    bool noted = false;
    // check: count one reset at now_secs; false when over the limit.
    // `first_over` is set on the first refusal of a period (2.6 logs a note
    // then, with `seconds_left`).
    bool check(std::uint32_t now_secs, bool& first_over, int& seconds_left) noexcept;
    void give_back() noexcept
    {
        if (count > 0)
            --count;
    }
};

// What to do with a control packet from an address without an instance.
enum class FirstVerdict : std::uint8_t {
    Drop,         // counted in CookieStats
    ReplyCookie,  // send reply (stateless)
    Stateful,     // old tls-crypt-v2 client: create the instance from this reset
    CreateFromAck // valid cookie: create the instance
};

struct FirstPacket {
    FirstVerdict verdict = FirstVerdict::Drop;
    std::vector<std::uint8_t> reply; // ReplyCookie: the wrapped server reset
    bool rate_note = false;          // first reset refused by --connect-freq-initial this period
    int rate_seconds_left = 0;
    wire::SessionId client_sid{}; // ReplyCookie / CreateFromAck
    wire::SessionId cookie{};     // CreateFromAck: our session id
};

class CookieGate {
public:
    // create: a random per-process key. hand_window in seconds.
    static Result<CookieGate> create(unsigned hand_window, bool force_cookie);
    // set_rate_limit: --connect-freq-initial max secs.
    void set_rate_limit(std::int64_t max, int period) noexcept
    {
        rate_.max = max;
        rate_.period = period;
    }
    // with_key: a fixed key (tests).
    static Result<CookieGate> with_key(Bytes key, unsigned hand_window, bool force_cookie);

    // first_packet: classify a control packet (wire bytes) from `from`, an
    // address without an instance. `wrap` is a fresh wrap of the server's
    // configuration; it is used once (unwrap, then wrap of the reply).
    // now_secs: any monotonic second count (only this gate compares it).
    FirstPacket first_packet(Bytes pkt, const io::SockAddr& from, control::ControlWrap& wrap,
                             std::uint32_t now_secs);

    const CookieStats& stats() const noexcept { return stats_; }

    // addr_bytes: the stable encoding of a peer address the cookie covers
    // (family, port, address).
    static std::vector<std::uint8_t> addr_bytes(const io::SockAddr& a);

private:
    std::optional<wire::ControlPacket> unwrap_first(Bytes pkt, control::ControlWrap& wrap,
                                                    std::vector<std::uint8_t>& plain, std::uint32_t now_secs);
    void on_cookie_ack(FirstPacket& r, const wire::ControlPacket& p, const std::vector<std::uint8_t>& addr,
                       std::uint32_t now_secs);
    void on_client_reset(FirstPacket& r, const wire::ControlPacket& p, Bytes pkt,
                         const std::vector<std::uint8_t>& addr, control::ControlWrap& wrap,
                         std::uint32_t now_secs);
    bool write_cookie_reply(FirstPacket& r, const wire::ControlPacket& p,
                            const std::vector<std::uint8_t>& addr, bool resend_wkc,
                            control::ControlWrap& wrap, std::uint32_t now_secs);

    CookieGate(wire::SessionCookie c, unsigned hw, bool force)
        : cookie_(std::move(c)), hand_window_(hw), force_cookie_(force)
    {
    }

    wire::SessionCookie cookie_;
    unsigned hand_window_;
    bool force_cookie_;
    CookieStats stats_;
    InitialRateLimit rate_;
};

// CookieWrap: the wrap of an instance created from a valid cookie. It
// delegates to `inner`, except that the first unwrap() returns the synthetic
// plain reset given here unchanged, and the first wrap() first spends one
// packet id (the cookie reply used id 1, so 2.6 clients would see a replay).
std::unique_ptr<control::ControlWrap> make_cookie_wrap(std::unique_ptr<control::ControlWrap> inner);

// synthetic_client_reset: the plain HARD_RESET_CLIENT_V2 (msg-id 0, no ACKs)
// the client sent before, for feeding a CookieWrap'd control channel.
std::vector<std::uint8_t> synthetic_client_reset(const wire::SessionId& client_sid);

} // namespace ovpn::server
