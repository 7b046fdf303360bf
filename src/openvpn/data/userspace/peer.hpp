// data/userspace/peer.hpp: one peer of the UserspaceDataPlane (internal to
// data/userspace/): its spec, key slots, keepalive clocks, counters,
// fragmentation state (its iroutes are in the plane's RouteTable).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/data/fragment.hpp"
#include "openvpn/data/mtu_test.hpp"
#include "openvpn/data/userspace_data_plane.hpp"

namespace ovpn::data {

struct UserspaceDataPlane::Peer {
    PeerSpec spec;
    bool use_to = false; // unconnected UDP socket: send to spec.remote
    bool gone = false;   // Gone was reported: no more traffic
    bool exhaust_reported = false;
    std::unique_ptr<crypto::DataChannel> primary, secondary;
    std::chrono::seconds ping_interval{0}, ping_timeout{0};
    TimePoint last_rx{}, last_tx{};
    PeerStats st;
    std::optional<Fragmenter> frag; // built at first send, from the key's overhead
    Defragmenter defrag;
    MtuSizes mtu; // --mtu-test: the largest datagrams each way

    bool can_send() const noexcept { return primary && spec.link && !gone; }
    const io::SockAddr* to() const noexcept
    {
        return use_to && !spec.remote.empty() ? &spec.remote : nullptr;
    }
    crypto::DataChannel* key_for(std::uint8_t kid, bool static_key)
    {
        if (static_key)
            return primary.get();
        if (primary && primary->key_id() == kid)
            return primary.get();
        if (secondary && secondary->key_id() == kid)
            return secondary.get();
        return nullptr;
    }
};

// secs: the packet-id time field (and --secret session time) of `now`.
inline std::uint32_t secs(TimePoint now)
{
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

} // namespace ovpn::data
