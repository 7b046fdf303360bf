#include "openvpn/wire/packet_id.hpp"

#include <algorithm>

namespace ovpn::wire {

std::optional<std::uint32_t> PacketIdSend::next_short() noexcept
{
    if (id_ == 0xffffffffu)
        return std::nullopt;
    return ++id_;
}

std::optional<PacketId> PacketIdSend::next_long(std::uint32_t now) noexcept
{
    if (id_ == 0xffffffffu) {
        if (now <= time_)
            return std::nullopt;
        id_ = 0;
        time_ = now;
    }
    return PacketId{++id_, time_};
}

ReplayWindow::ReplayWindow(unsigned backtrack, unsigned time_backtrack)
    : backtrack_(std::min(backtrack, kMaxReplayWindow)), time_backtrack_(time_backtrack),
      ring_(std::max<std::size_t>(1, std::min(backtrack, kMaxReplayWindow)), 0)
{
}

std::optional<Drop> ReplayWindow::test(PacketId pid, std::uint32_t now) const noexcept
{
    if (pid.id == 0)
        return Drop::PacketIdZero;
    if (pid.time < time_)
        return Drop::Replay;
    if (backtrack_ == 0) {
        const bool ok = pid.time > time_ ? pid.id == 1 : (id_ == 0 || pid.id == id_ + 1);
        return ok ? std::nullopt : std::optional<Drop>(Drop::Replay);
    }
    if (pid.time > time_ || pid.id > id_)
        return std::nullopt;
    const std::uint64_t diff = id_ - pid.id;
    if (diff >= size_ || slot(diff) != 0)
        return Drop::Replay;
    // Too late once a packet above it arrived more than time_backtrack ago.
    for (std::uint64_t i = 0; i < diff; ++i) {
        const std::uint64_t t = slot(i);
        if (t != 0 && t - 1 + time_backtrack_ < now)
            return Drop::Replay;
    }
    return std::nullopt;
}

void ReplayWindow::push_unseen() noexcept
{
    head_ = (head_ + ring_.size() - 1) % ring_.size();
    ring_[head_] = 0;
    size_ = std::min(size_ + 1, ring_.size());
}

void ReplayWindow::add(PacketId pid, std::uint32_t now) noexcept
{
    if (backtrack_ == 0) {
        time_ = pid.time;
        id_ = pid.id;
        return;
    }
    if (size_ == 0 || pid.time > time_ || (pid.id >= backtrack_ && pid.id - backtrack_ > id_)) {
        // Fresh window: the backtrack ids below pid count as unseen.
        time_ = pid.time;
        id_ = pid.id > backtrack_ ? pid.id - backtrack_ : 0;
        size_ = 0;
        head_ = 0;
    }
    while (id_ < pid.id) {
        push_unseen();
        ++id_;
    }
    const std::uint64_t diff = id_ - pid.id;
    if (diff < size_)
        slot(diff) = std::uint64_t{now} + 1;
}

void ReplayWindow::seed(PacketId pid) noexcept
{
    if (pid.id == 0)
        return;
    time_ = pid.time;
    id_ = pid.id;
    // a full window of seen slots (seen "at 0": long past any
    // time_backtrack), so the next id extends it rather than starting a
    // fresh window whose lower ids would count as unseen
    head_ = 0;
    size_ = ring_.size();
    std::fill(ring_.begin(), ring_.end(), std::uint64_t{1});
}

std::optional<Drop> ReplayWindow::check_and_add(PacketId pid, std::uint32_t now) noexcept
{
    if (auto d = test(pid, now))
        return d;
    add(pid, now);
    return std::nullopt;
}

bool read_packet_id(ByteReader& r, bool long_form, PacketId& out) noexcept
{
    out.time = 0;
    return r.read_u32(out.id) && (!long_form || r.read_u32(out.time));
}

bool write_packet_id(ByteWriter& w, bool long_form, PacketId pid) noexcept
{
    return w.write_u32(pid.id) && (!long_form || w.write_u32(pid.time));
}

} // namespace ovpn::wire
