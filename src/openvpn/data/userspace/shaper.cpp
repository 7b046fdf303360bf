// data/userspace/shaper.cpp: --shaper on the userspace data plane, 2.6's
// rule (shaper.c): every send of n bytes on the link (counted with the IP
// and UDP/TCP headers, as datagram_overhead) delays the next read from tun
// by n / rate seconds (n at least 100, the delay at most 10 s). While it
// holds, the tun descriptor is not watched and a loop timer resumes it.
// Control packets are not shaped (2.6 shapes them too; they are few).
#include <netinet/in.h>

#include <algorithm>
#include <chrono>

#include "openvpn/data/userspace/peer.hpp"
#include "openvpn/data/userspace_data_plane.hpp"

namespace ovpn::data {

namespace {

// header_overhead: 2.6's datagram_overhead for the peer's link.
std::size_t header_overhead(const PeerSpec& spec) noexcept
{
    const bool v6 = spec.remote.family() == AF_INET6;
    const bool tcp = spec.link && spec.link->proto() != io::LinkProto::Udp;
    return (v6 ? 40 : 20) + (tcp ? 20 : 8);
}

} // namespace

void UserspaceDataPlane::shaper_wrote(const Peer& p, std::span<const PacketBuf> sent, TimePoint now)
{
    // 2.6: each write counts at least 100 bytes and delays at most 10 s
    constexpr std::size_t kMinBytes = 100;
    constexpr std::chrono::microseconds kMaxDelay = std::chrono::seconds(10);
    const auto rate = static_cast<std::size_t>(cfg_.shaper);
    for (const PacketBuf& b : sent) {
        const std::size_t bytes = std::max(b.size() + header_overhead(p.spec), kMinBytes);
        const auto delay = std::min(std::chrono::microseconds(bytes * 1000000 / rate), kMaxDelay);
        shaper_free_ = std::max(shaper_free_, now) + std::chrono::duration_cast<Duration>(delay);
    }
}

// shaper_holds: true while the shaper forbids reading tun; then the tun fd
// is paused until shaper_free_.
bool UserspaceDataPlane::shaper_holds(TimePoint now)
{
    if (now >= shaper_free_)
        return false;
    if (loop_ != nullptr && !shaper_timer_) {
        if (tun_watched_)
            (void)loop_->modify_fd(tun_->fd(), 0);
        shaper_timer_ = loop_->add_timer(shaper_free_, [this] { shaper_resume(); });
    }
    return true;
}

void UserspaceDataPlane::shaper_resume()
{
    shaper_timer_.reset();
    if (tun_watched_)
        (void)loop_->modify_fd(tun_->fd(), io::kReadable);
    on_tun_readable(now());
}

} // namespace ovpn::data
