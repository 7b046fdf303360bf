// control/reliable.hpp: the reliability layer under the TLS byte stream of one
// key state (protocol-facts.md §2.3). OpenVPN runs its control channel over
// UDP too, so every control message carries a message id, the receiver ACKs
// each one, and the sender retransmits with a doubling timeout until the ACK
// arrives. This layer is sans-I/O: messages, ACK lists and `now` go in;
// outgoing messages (with the ACKs to piggyback) and the next deadline come
// out. It knows nothing about packet encoding or wrapping (tls-auth/crypt).
//
//   send side: backlog --(window of 6)--> in flight --(ACKed)--> gone
//              msg-ids are assigned when a message enters the window, so
//              they stay gap-free; a retransmission keeps its msg-id; the
//              retransmission timeout doubles up to max_timeout.
//   recv side: msg-ids in [next_expected, next_expected + 12) are stored;
//              older ones and duplicates are ACKed again but not stored;
//              payloads are delivered strictly in msg-id order.
//
// Threading: one owner (the key state), event-loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/clock.hpp"

namespace ovpn::control {

struct ReliableConfig {
    Duration initial_timeout = seconds(2); // --tls-timeout
    std::size_t send_window = 6;           // TLS_RELIABLE_N_SEND_BUFFERS
    std::size_t recv_window = 12;          // TLS_RELIABLE_N_REC_BUFFERS
    std::size_t max_acks_piggyback = 4;    // CONTROL_SEND_ACK_MAX
    std::size_t max_acks_standalone = 8;   // RELIABLE_ACK_SIZE
    unsigned fast_retransmit_after = 3;    // N_ACK_RETRANSMIT
    // max_timeout: the retransmission timeout doubles up to this. 2.6 lets
    // it double without bound: the fifth try of a message comes 30 s after
    // the first, the sixth after 62 s, past the 60 s hand-window, although
    // the path may have worked again long before; bounded, tries go on every
    // max_timeout (issue 15).
    Duration max_timeout = seconds(4);
};

// ReliableMessage: one message of the stream, with the opcode it travels
// under (hard reset, soft reset or P_CONTROL_V1 / WKC).
struct ReliableMessage {
    std::uint8_t opcode = 0;
    std::uint32_t msg_id = 0;
    std::vector<std::uint8_t> payload;
};

// Transmit: what to put on the wire now. `message` is empty for a bare ACK
// (P_ACK_V1); `acks` are the msg-ids to acknowledge in the same packet.
struct Transmit {
    std::optional<ReliableMessage> message;
    std::vector<std::uint32_t> acks;
};

enum class RecvVerdict : std::uint8_t {
    Stored,      // new, in window: stored and queued for ACK
    Duplicate,   // already seen: not stored, ACKed again
    OutOfWindow, // too far ahead: dropped, not ACKed (the peer retransmits)
};

class Reliable {
public:
    explicit Reliable(ReliableConfig cfg = {}) : cfg_(cfg) {}

    // queue: add a message to send; it gets its msg-id once it enters the
    // send window. Never fails: the backlog is bounded by the caller (the TLS
    // engine produces a bounded amount per handshake).
    void queue(std::uint8_t opcode, Bytes payload);

    // on_acks: the peer acknowledged these msg-ids. Unknown ids are ignored.
    void on_acks(std::span<const std::uint32_t> ids, TimePoint now);

    // on_message: a message arrived (msg-id + payload). Returns what was done.
    RecvVerdict on_message(std::uint32_t msg_id, std::uint8_t opcode, Bytes payload);

    // pop_received: the next in-order message, if it has arrived.
    std::optional<ReliableMessage> pop_received();
    // next_received_opcode: the opcode of the message pop_received would
    // return. A message left here keeps its place in the receive window, so
    // a peer cannot get more than the window stored and ACKed ahead of it.
    std::optional<std::uint8_t> next_received_opcode() const;

    // poll_transmit: the next packet to send at `now`, or nothing. Due
    // (re)transmissions come first and piggyback up to 4 ACKs; pending ACKs
    // with nothing to carry them produce a bare ACK with up to 8.
    std::optional<Transmit> poll_transmit(TimePoint now);

    // next_timeout: when poll_transmit next has something (TimePoint::max()
    // if nothing is waiting for a timer). Pending ACKs or new messages make
    // it `now`-ish: callers poll right after feeding input anyway.
    TimePoint next_timeout() const;

    // schedule_now: retransmit everything in flight at the next poll (2.6
    // does this when it first sees the peer's reset).
    void schedule_now(TimePoint now);

    // forget_sent: stop sending what is queued or in flight (the peer is
    // known to have it: its ACKs were lost).
    void forget_sent()
    {
        backlog_.clear();
        in_flight_.clear();
    }

    bool all_acked() const noexcept { return in_flight_.empty() && backlog_.empty(); }
    bool has_pending_acks() const noexcept { return !pending_acks_.empty(); }
    std::size_t num_in_flight() const noexcept { return in_flight_.size(); }
    std::uint32_t next_send_id() const noexcept { return next_send_id_; }
    std::uint32_t next_expected_id() const noexcept { return next_recv_id_; }
    std::uint64_t num_retransmits() const noexcept { return num_retransmits_; }

private:
    struct InFlight {
        ReliableMessage msg;
        TimePoint next_try{};
        Duration timeout{};
        unsigned later_acks = 0; // ACKs seen for higher ids (fast retransmit)
        bool sent = false;
    };

    void fill_window(TimePoint now);
    std::vector<std::uint32_t> take_acks(std::size_t max);
    void remember_ack(std::uint32_t id);

    ReliableConfig cfg_;
    std::deque<ReliableMessage> backlog_; // msg_id not yet assigned
    std::deque<InFlight> in_flight_;      // ascending msg_id
    std::uint32_t next_send_id_ = 0;

    std::map<std::uint32_t, ReliableMessage> received_; // id -> message, in window
    std::uint32_t next_recv_id_ = 0;
    std::deque<std::uint32_t> pending_acks_; // to send, oldest first
    std::deque<std::uint32_t> ack_mru_;      // recently ACKed, newest first
    std::uint64_t num_retransmits_ = 0;
};

} // namespace ovpn::control
