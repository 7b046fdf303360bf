// session/control_events.hpp: driving one session's control channel, the
// same for a client, a p2p peer and each client of a server: its events
// dispatched to the owner (one switch), its packets flushed onto the link,
// its timers run. The owner implements ControlHandler; what is the same for
// every role (the log lines of failures and soft resets) happens here.
//
// The owner may end the session from inside a handler call (destroy or
// replace the control channel, or mark the session dead): dispatching and
// flushing stop as soon as alive() says so or the channel is replaced.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/core/clock.hpp"
#include "openvpn/core/log.hpp"

namespace ovpn::session {

class ControlHandler {
public:
    virtual ~ControlHandler() = default;
    // alive: false once a call ended the session.
    virtual bool alive() const = 0;
    // log_prefix: what starts this session's log lines ("" for a client,
    // "cn/ip:port " for a server's client).
    virtual std::string log_prefix() const = 0;
    // send_control: one control packet to the peer.
    virtual void send_control(const std::vector<std::uint8_t>& pkt) = 0;
    // on_key_active: a key state finished its handshake (the first of the
    // session, or a renegotiation).
    virtual void on_key_active(std::uint8_t key_id, bool renegotiated) = 0;
    // on_message: a control-channel text message (PUSH_REQUEST, ...).
    virtual void on_message(const std::string& text) = 0;
    // on_tls_failed: the handshake of a fresh session failed (logged): the
    // session is dead.
    virtual void on_tls_failed() = 0;
    // on_lame_duck_expired: the old key `key_id` is retired (KeyRotation).
    virtual void on_lame_duck_expired(std::uint8_t key_id) = 0;
};

// feed_control_packet: one control packet from the peer; true when the
// channel accepted it (not counted as a drop), which counts as life.
bool feed_control_packet(control::ControlChannel& cc, Bytes pkt, TimePoint now);

// dispatch_control_events: every pending event of `cc`, in order.
void dispatch_control_events(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h,
                             Logger& log);
// flush_control: every packet `cc` has to send now.
void flush_control(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h, TimePoint now);
// control_tick: the channel's timers (handshake window, retransmits,
// reneg-sec, lame duck), then its events; the owner flushes when its link
// can take the packets.
void control_tick(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h, Logger& log,
                  TimePoint now);

} // namespace ovpn::session
