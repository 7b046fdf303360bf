// control/control_channel.hpp: the OpenVPN control channel of one TLS
// session (one peer), sans-I/O (style G3): control packets and `now` in;
// control packets, events and the next deadline out.
//
//   on_packet(wire bytes, now)      a control packet from the peer
//   send_message(text)              a text command (PUSH_REQUEST, ...)
//   poll_transmit(now) -> bytes     the next control packet to send
//   poll_event() -> Event           KeyActive, Message, Failed, ...
//   next_timeout()                  when to call poll_transmit/on_timer again
//   on_timer(now)                   handshake window, reneg-sec, lame duck
//   derive_keys(key_id, ...)        data keys of an Active key state
//
// It owns the session ids, the primary key state and the lame-duck key
// state, runs renegotiation (by time, bytes, packets, packet-id exhaustion, or
// the peer's soft reset) with key id rotation, and wraps every packet through
// its ControlWrap; once dynamic tls-crypt is on (enable_dynamic_tls_crypt),
// the packets of key ids above 0 go through that wrap instead (2.6's
// tls_session_get_tls_wrap). Data packets never come here: the caller routes
// by opcode.
//
// Threading: event-loop thread only. Logging: never; failures are events.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/control/control_wrap.hpp"
#include "openvpn/control/key_state.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/clock.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/wire/control_packet.hpp"

namespace ovpn::control {

// RandomFn: fills the span with random bytes (RAND_bytes by default; tests
// may inject a seeded one).
using RandomFn = std::function<void(MutBytes)>;

struct ControlConfig {
    bool is_server = false; // TLS role: server waits for the client's reset
    std::shared_ptr<const TlsContext> tls;
    std::unique_ptr<ControlWrap> wrap; // required (make_no_wrap() for none)
    Duration tls_timeout = seconds(2);
    Duration hand_window = seconds(60);
    Duration reneg_sec = seconds(3600); // 0 = off
    std::int64_t reneg_bytes = -1;      // -1 = off
    std::int64_t reneg_packets = -1;    // -1 = off
    Duration tran_window = seconds(3600);
    std::size_t max_packet_size = 1250 - 28; // --max-packet-size minus IP/UDP
    // key-method-2 fields we send (randoms are generated here)
    std::string options_string;
    std::string username;
    SecureBytes password;
    std::string peer_info; // empty for a --mode server
    RandomFn random;       // empty = RAND_bytes
    // local_session_id: our session id when it was chosen before the
    // channel existed (a server's stateless HMAC cookie, which the client
    // has already ACKed); empty = a random one.
    std::optional<wire::SessionId> local_session_id;
};

struct KeyActiveEvent {
    std::uint8_t key_id = 0;
    bool renegotiated = false; // key id > first key of this session
};
struct MessageEvent {
    std::string text;
};
struct FailedEvent {
    std::uint8_t key_id = 0;
    std::string reason;
    bool fatal = false; // the primary key of a fresh session: the session is dead
};
struct LameDuckExpiredEvent {
    std::uint8_t key_id = 0;
};
struct RenegotiationStartedEvent {
    std::uint8_t key_id = 0; // the new key id
    bool by_peer = false;
};

struct ControlEvent {
    enum class Kind : std::uint8_t { KeyActive, Message, Failed, LameDuckExpired, RenegotiationStarted } kind;
    KeyActiveEvent key_active;
    MessageEvent message;
    FailedEvent failed;
    LameDuckExpiredEvent lame_duck;
    RenegotiationStartedEvent reneg;
};

// Drops counted by reason (G9).
struct ControlStats {
    std::uint64_t packets_in = 0, packets_out = 0;
    std::uint64_t drop_unwrap = 0;  // HMAC/tag/replay failure
    std::uint64_t drop_parse = 0;   // malformed plain packet
    std::uint64_t drop_session = 0; // wrong session id / unexpected reset
    std::uint64_t drop_key_id = 0;  // key id of neither key state
    std::uint64_t drop_window = 0;  // msg-id beyond the receive window
    std::uint64_t bad_messages = 0; // non-printable control text
};

class ControlChannel {
public:
    static Result<std::unique_ptr<ControlChannel>> create(ControlConfig cfg, TimePoint now);

    // start: a TLS client sends its hard reset (a server waits).
    void start(TimePoint now);

    // on_packet: one control packet as received (wrapped). Bad packets are
    // counted in stats() and otherwise ignored.
    void on_packet(Bytes pkt, TimePoint now);

    // send_message: queue a NUL-terminated text message on the primary key
    // (it must be Active, else false).
    bool send_message(std::string_view text);
    // queue_message: send_message, or, while a renegotiation is under way,
    // send it once the new primary key is Active (2.6's paybuf: a server's
    // exit RESTART during a rekey). false without any key.
    bool queue_message(std::string_view text);

    // poll_transmit: the next packet to put on the wire, or nothing.
    std::optional<std::vector<std::uint8_t>> poll_transmit(TimePoint now);
    std::optional<ControlEvent> poll_event();
    TimePoint next_timeout() const;
    void on_timer(TimePoint now);

    // renegotiate: start a soft reset now (if the primary key is Active).
    bool renegotiate(TimePoint now);
    // note_data_traffic: cumulative data-channel bytes and packets (both
    // directions) for --reneg-bytes / --reneg-pkts; `send_pid_exhausted` when
    // the data channel's packet id reached 0xFF000000.
    void note_data_traffic(std::uint64_t bytes, std::uint64_t packets, bool send_pid_exhausted,
                           TimePoint now);

    // derive_keys: the data keys of an Active key state. use_ekm: TLS
    // exporter; otherwise 2.6's PRF over the key-method-2 randoms.
    Result<data::DataKeys> derive_keys(std::uint8_t key_id, std::string_view cipher, std::string_view auth,
                                       bool use_ekm) const;
    // export_keying_material: RFC 5705 from the primary key's TLS session.
    Result<SecureBytes> export_keying_material(std::string_view label, std::size_t len) const;

    // enable_dynamic_tls_crypt: negotiated dynamic tls-crypt (IV_PROTO bit
    // 9, control/dynamic_wrap.hpp), called when the first data key is
    // installed: derives the wrap of every later key id from key id 0's TLS
    // session, as 2.6 does only while that key is the primary one (else
    // nothing changes). `wall_secs`: the wrap's packet-id time.
    Status<> enable_dynamic_tls_crypt(std::uint32_t wall_secs);
    bool dynamic_tls_crypt() const noexcept { return dyn_wrap_ != nullptr; }

    // peer_km2: what the peer sent in the key exchange of key_id.
    const wire::KeyMethod2* peer_km2(std::uint8_t key_id) const;
    const TlsSession* tls_session(std::uint8_t key_id) const;
    std::optional<std::uint8_t> primary_key_id() const;
    bool primary_active() const;
    const wire::SessionId& session_id() const noexcept { return local_sid_; }
    const wire::SessionId& remote_session_id() const noexcept { return remote_sid_; }
    const ControlStats& stats() const noexcept { return stats_; }

    // update_credentials: username / password (or auth-token) for the next
    // key exchange (renegotiations re-send them, §12).
    void update_credentials(std::string username, SecureBytes password);

private:
    explicit ControlChannel(ControlConfig cfg) : cfg_(std::move(cfg)) {}

    std::unique_ptr<KeyState> new_key_state(std::uint8_t key_id, TimePoint now);
    KeyState* find_key(std::uint8_t key_id);
    const KeyState* find_key(std::uint8_t key_id) const;
    void handle_plain(const wire::ControlPacket& p, TimePoint now);
    bool accept_reset(const wire::ControlPacket& p, TimePoint now);
    void start_soft_reset(std::uint8_t new_key_id, bool by_peer, TimePoint now);
    void process_key(KeyState& ks, TimePoint now);
    bool peer_finished(const KeyState& ks) const;
    void activate(KeyState& ks, TimePoint now);
    void drain_received(KeyState& ks);
    void handle_record(KeyState& ks, Bytes record);
    void write_local_km2(KeyState& ks);
    void fail_key(KeyState& ks, std::string why);
    void feed_tls_output(KeyState& ks);
    std::optional<std::vector<std::uint8_t>> build_packet(KeyState& ks, Transmit t, TimePoint now);
    void emit(ControlEvent e) { events_.push_back(std::move(e)); }
    void random_bytes(MutBytes out) const;
    std::size_t max_payload(const KeyState& ks) const;
    // wrap_for: the wrap of the packets of key_id.
    ControlWrap& wrap_for(std::uint8_t key_id) const;

    ControlConfig cfg_;
    wire::SessionId local_sid_{};
    wire::SessionId remote_sid_{};
    std::unique_ptr<KeyState> primary_;
    std::unique_ptr<KeyState> lame_duck_;
    std::unique_ptr<ControlWrap> dyn_wrap_; // dynamic tls-crypt: key ids > 0
    std::deque<ControlEvent> events_;
    ControlStats stats_;
    std::uint64_t data_bytes_ = 0, data_packets_ = 0;
    bool first_key_done_ = false;
};

} // namespace ovpn::control
