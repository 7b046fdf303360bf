#include "openvpn/control/reliable.hpp"

#include <algorithm>

namespace ovpn::control {

namespace {
constexpr std::size_t kAckMruSize = 8;
}

void Reliable::queue(std::uint8_t opcode, Bytes payload)
{
    ReliableMessage m;
    m.opcode = opcode;
    m.payload.assign(payload.begin(), payload.end());
    backlog_.push_back(std::move(m));
}

// fill_window: give backlog messages their msg-ids while the window allows
// (new id - oldest unacked id < send_window).
void Reliable::fill_window(TimePoint now)
{
    while (!backlog_.empty()) {
        if (!in_flight_.empty() && next_send_id_ - in_flight_.front().msg.msg_id >= cfg_.send_window)
            break;
        if (in_flight_.size() >= cfg_.send_window)
            break;
        InFlight f;
        f.msg = std::move(backlog_.front());
        backlog_.pop_front();
        f.msg.msg_id = next_send_id_++;
        f.next_try = now;
        f.timeout = cfg_.initial_timeout;
        in_flight_.push_back(std::move(f));
    }
}

void Reliable::on_acks(std::span<const std::uint32_t> ids, TimePoint now)
{
    for (std::uint32_t id : ids) {
        auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                               [id](const InFlight& f) { return f.msg.msg_id == id; });
        if (it == in_flight_.end())
            continue;
        in_flight_.erase(it);
        // Fast retransmit: an ACK for a later id hints that earlier ones were lost.
        for (auto& f : in_flight_) {
            if (f.sent && f.msg.msg_id < id && ++f.later_acks == cfg_.fast_retransmit_after) {
                f.next_try = now;
                f.later_acks = 0;
            }
        }
    }
    fill_window(now);
}

RecvVerdict Reliable::on_message(std::uint32_t msg_id, std::uint8_t opcode, Bytes payload)
{
    // Unsigned distance handles ids below next_recv_id_ as "far ahead", so
    // compare explicitly for the already-delivered case first.
    if (msg_id < next_recv_id_ || received_.count(msg_id) != 0) {
        pending_acks_.push_back(msg_id);
        return RecvVerdict::Duplicate;
    }
    if (msg_id - next_recv_id_ >= cfg_.recv_window)
        return RecvVerdict::OutOfWindow;
    ReliableMessage m;
    m.opcode = opcode;
    m.msg_id = msg_id;
    m.payload.assign(payload.begin(), payload.end());
    received_.emplace(msg_id, std::move(m));
    pending_acks_.push_back(msg_id);
    return RecvVerdict::Stored;
}

std::optional<ReliableMessage> Reliable::pop_received()
{
    auto it = received_.find(next_recv_id_);
    if (it == received_.end())
        return std::nullopt;
    ReliableMessage m = std::move(it->second);
    received_.erase(it);
    ++next_recv_id_;
    return m;
}

std::optional<std::uint8_t> Reliable::next_received_opcode() const
{
    auto it = received_.find(next_recv_id_);
    if (it == received_.end())
        return std::nullopt;
    return it->second.opcode;
}

void Reliable::remember_ack(std::uint32_t id)
{
    auto it = std::find(ack_mru_.begin(), ack_mru_.end(), id);
    if (it != ack_mru_.end())
        ack_mru_.erase(it);
    ack_mru_.push_front(id);
    if (ack_mru_.size() > kAckMruSize)
        ack_mru_.pop_back();
}

// take_acks: pending ACKs first (oldest first, deduplicated), then recently
// ACKed ids to fill the free slots, so a lost ACK packet is repaired by the
// next one (2.6's ACK MRU).
std::vector<std::uint32_t> Reliable::take_acks(std::size_t max)
{
    std::vector<std::uint32_t> out;
    while (!pending_acks_.empty() && out.size() < max) {
        std::uint32_t id = pending_acks_.front();
        pending_acks_.pop_front();
        if (std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(id);
    }
    for (std::uint32_t id : out)
        remember_ack(id);
    for (std::uint32_t id : ack_mru_) {
        if (out.size() >= max)
            break;
        if (std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(id);
    }
    return out;
}

std::optional<Transmit> Reliable::poll_transmit(TimePoint now)
{
    fill_window(now);
    for (auto& f : in_flight_) {
        if (f.next_try > now)
            continue;
        if (f.sent)
            ++num_retransmits_;
        f.sent = true;
        f.next_try = now + f.timeout;
        f.timeout = std::min(f.timeout * 2, std::max(cfg_.max_timeout, cfg_.initial_timeout));
        Transmit t;
        t.message = f.msg;
        t.acks = take_acks(cfg_.max_acks_piggyback);
        return t;
    }
    if (!pending_acks_.empty()) {
        Transmit t;
        t.acks = take_acks(cfg_.max_acks_standalone);
        return t;
    }
    return std::nullopt;
}

TimePoint Reliable::next_timeout() const
{
    TimePoint t = TimePoint::max();
    if (!pending_acks_.empty())
        t = TimePoint::min();
    for (const auto& f : in_flight_)
        t = std::min(t, f.next_try);
    if (!backlog_.empty() && in_flight_.size() < cfg_.send_window)
        t = TimePoint::min();
    return t;
}

void Reliable::schedule_now(TimePoint now)
{
    for (auto& f : in_flight_) {
        f.next_try = now;
        f.timeout = cfg_.initial_timeout;
    }
}

} // namespace ovpn::control
