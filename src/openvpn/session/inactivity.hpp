// session/inactivity.hpp: --inactive n [bytes] as 2.6.14 runs it, the same
// for a client, a p2p peer (TLS or --secret) and each client of a server:
//
//   - the timer starts with the session (a client's connection attempt, a
//     server's client instance), before anyone is heard: a peer that never
//     shows up still ends it after n seconds; a restart starts it again;
//   - tunnel traffic restarts it: every `bytes` bytes (default: any) of
//     data packets in and out; keepalive pings and the control channel do
//     not count;
//   - when it runs out 2.6 logs "Inactivity timeout (--inactive), exiting"
//     and ends the session with SIGTERM[soft,inactive].
// The traffic is read from the data plane's counters (plaintext bytes of the
// peer), as 2.6 does under DCO. Pure: the owner passes the time.
#pragma once

#include <cstdint>
#include <optional>

#include "openvpn/core/clock.hpp"

namespace ovpn::session {

class InactivityTimer {
public:
    // start: n seconds (<= 0: off) and the bytes that count as activity.
    void start(int n, std::int64_t min_bytes, TimePoint now);
    void stop() { deadline_.reset(); }
    // expired: the tunnel's byte total now (in + out; it may start again
    // from 0 with a new peer); true when the time ran out.
    bool expired(std::uint64_t tunnel_bytes, TimePoint now);
    std::optional<TimePoint> deadline() const { return deadline_; }

private:
    Duration period_{};
    std::uint64_t min_bytes_ = 0;
    std::optional<TimePoint> deadline_;
    std::optional<std::uint64_t> seen_; // the total at the last look
    std::uint64_t pending_ = 0;         // bytes since the timer last started
};

} // namespace ovpn::session
