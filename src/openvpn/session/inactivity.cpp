// session/inactivity.cpp: see inactivity.hpp.
#include "openvpn/session/inactivity.hpp"

namespace ovpn::session {

void InactivityTimer::start(int n, std::int64_t min_bytes, TimePoint now)
{
    seen_.reset();
    pending_ = 0;
    if (n <= 0) {
        deadline_.reset();
        return;
    }
    period_ = seconds(n);
    min_bytes_ = min_bytes > 0 ? static_cast<std::uint64_t>(min_bytes) : 0;
    deadline_ = now + period_;
}

bool InactivityTimer::expired(std::uint64_t tunnel_bytes, TimePoint now)
{
    if (!deadline_)
        return false;
    // A smaller total is a new peer's count: it starts from there.
    const std::uint64_t before = seen_ && *seen_ <= tunnel_bytes ? *seen_ : 0;
    seen_ = tunnel_bytes;
    if (tunnel_bytes > before) {
        pending_ += tunnel_bytes - before;
        if (pending_ >= min_bytes_) { // 2.6: at least `bytes`, any by default
            pending_ = 0;
            deadline_ = now + period_;
        }
    }
    return now >= *deadline_;
}

} // namespace ovpn::session
