// wire/packet_id.hpp: packet ids and the replay window (protocol-facts §7).
//
//   short form (data channel):        | id (u32) |
//   long form (tls-auth / tls-crypt): | id (u32) | time (u32, sender's start) |
//
// The sender counts from 1 (id 0 is never valid). The receiver accepts an id
// above the highest seen, or an unseen id less than `backtrack` below it,
// unless a packet received above it arrived more than `time_backtrack`
// seconds ago (2.6's --replay-window n t, default 64 15). A jump of more than
// `backtrack` (and the first packet) starts a fresh window whose lower ids
// count as unseen. In long form a newer time starts a fresh window and an
// older time is refused. backtrack 0 (2.6 over TCP with --replay-window 0)
// demands consecutive ids.
//
// Usage: authenticate first, then `test()`, then `add()` -- a forged packet
// must never move the window. `now` is seconds of any monotonic clock.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/wire/drop.hpp"

namespace ovpn::wire {

inline constexpr std::uint32_t kPacketIdRenegotiate = 0xFF000000; // send side: time to renegotiate
inline constexpr unsigned kDefaultReplayWindow = 64;
inline constexpr unsigned kDefaultReplayTime = 15;
inline constexpr unsigned kMaxReplayWindow = 65536;

struct PacketId {
    std::uint32_t id = 0;
    std::uint32_t time = 0; // 0 in short form
};

// PacketIdSend: the sender's counter.
class PacketIdSend {
public:
    // start_time: the long form's time field (session start); start_id: the
    // last id used, so the first packet carries start_id + 1.
    explicit PacketIdSend(std::uint32_t start_time = 0, std::uint32_t start_id = 0) noexcept
        : time_(start_time), id_(start_id)
    {
    }

    // next_short: the next short-form id, or nullopt once 0xFFFFFFFF was used
    // (2.6 "packet ID roll over": the key must be renegotiated).
    std::optional<std::uint32_t> next_short() noexcept;
    // next_long: the next long-form id; after 0xFFFFFFFF the id restarts at 1
    // with time = now, but only if now is later than the current time
    // (else nullopt, as 2.6).
    std::optional<PacketId> next_long(std::uint32_t now) noexcept;
    // needs_renegotiation: the id reached 0xFF000000.
    bool needs_renegotiation() const noexcept { return id_ >= kPacketIdRenegotiate; }
    std::uint32_t last_id() const noexcept { return id_; }
    std::uint32_t time() const noexcept { return time_; }

private:
    std::uint32_t time_;
    std::uint32_t id_;
};

// ReplayWindow: the receiver's state. Not thread-safe.
class ReplayWindow {
public:
    explicit ReplayWindow(unsigned backtrack = kDefaultReplayWindow,
                          unsigned time_backtrack = kDefaultReplayTime);

    // test: would pid be accepted now? Does not change the state.
    // Returns nullopt if yes, else PacketIdZero or Replay.
    std::optional<Drop> test(PacketId pid, std::uint32_t now) const noexcept;
    // add: record an accepted (and authenticated) pid.
    void add(PacketId pid, std::uint32_t now) noexcept;
    // check_and_add: test, then add on success.
    std::optional<Drop> check_and_add(PacketId pid, std::uint32_t now) noexcept;

    // seed: start from a saved state (--replay-persist): every id of
    // `pid.time` up to pid.id, and every older time, counts as seen, as
    // 2.6's packet_id_persist_load_obj leaves its window.
    void seed(PacketId pid) noexcept;

    std::uint32_t highest() const noexcept { return id_; }
    std::uint32_t time() const noexcept { return time_; }

private:
    // slot(i): state of id_ - i, for i < size_: 0 = not seen, else receive time + 1.
    std::uint64_t& slot(std::uint64_t i) noexcept { return ring_[(head_ + i) % ring_.size()]; }
    std::uint64_t slot(std::uint64_t i) const noexcept { return ring_[(head_ + i) % ring_.size()]; }
    void push_unseen() noexcept;

    unsigned backtrack_;
    unsigned time_backtrack_;
    std::uint32_t id_ = 0;   // highest id seen (0 = nothing yet)
    std::uint32_t time_ = 0; // long form: time of the current window
    std::size_t head_ = 0;
    std::size_t size_ = 0;            // valid slots
    std::vector<std::uint64_t> ring_; // backtrack slots, slot(0) = id_
};

// read_packet_id / write_packet_id: big-endian, long form when `long_form`.
bool read_packet_id(ByteReader& r, bool long_form, PacketId& out) noexcept;
bool write_packet_id(ByteWriter& w, bool long_form, PacketId pid) noexcept;

} // namespace ovpn::wire
