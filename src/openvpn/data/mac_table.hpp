// data/mac_table.hpp: the MAC-keyed routing table of a --dev tap P2MP
// server, the sibling of the address/iroute lookup a tun server does (2.6's
// multi.c keys its route hash by the frame's source MAC in tap mode). Each
// frame from a client teaches the table that its source MAC (on its VLAN)
// lives behind that client; frames to a known unicast MAC go to that client.
//
//   learn(mac, vid, peer)  the MAC moves to `peer` if another had it (a
//                          host that roamed), as multi_learn_addr; refused
//                          once `peer` owns max_per_peer MACs (2.6's
//                          --max-routes-per-client, default 256), so a
//                          client sending random source MACs cannot grow
//                          the table without bound
//   lookup(mac, vid)       O(1) (hash)
//   forget(peer)           every MAC of a peer that went away
//   expire(max_idle)       --stale-routes-check: MACs not seen (learned or
//                          looked up) for max_idle seconds of the coarse
//                          clock set_now() moves; the next frame from the
//                          host learns it again, as in 2.6
//
// Group (broadcast/multicast) and all-zero MACs are never learned.
// Threading: one thread (the data plane's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "openvpn/data/data_plane.hpp"
#include "openvpn/data/ethernet.hpp"

namespace ovpn::data {

class MacTable {
public:
    explicit MacTable(std::size_t max_per_peer = 256) : max_per_peer_(max_per_peer) {}

    enum class Learn : std::uint8_t { Known, Added, Moved, Refused };
    Learn learn(const MacAddr& mac, std::uint16_t vid, PeerId peer);
    // probe: what learn would answer, changing nothing.
    Learn probe(const MacAddr& mac, std::uint16_t vid, PeerId peer) const;
    std::optional<PeerId> lookup(const MacAddr& mac, std::uint16_t vid) const;
    void forget(PeerId peer);
    void set_now(std::uint32_t now) noexcept { now_ = now; }
    // expire: drops the idle MACs; returns each one's owner, MAC and VLAN.
    std::vector<StaleRoute> expire(std::uint32_t max_idle);
    std::size_t size() const noexcept { return owner_.size(); }
    std::size_t count(PeerId peer) const;

private:
    static std::uint64_t key(const MacAddr& mac, std::uint16_t vid) noexcept
    {
        return mac.key() | (static_cast<std::uint64_t>(vid) << 48);
    }

    struct Owner {
        PeerId peer = 0;
        mutable std::uint32_t last_use = 0;
        MacAddr mac{};
        std::uint16_t vid = 0;
    };
    void drop_count(PeerId peer);

    std::size_t max_per_peer_;
    std::uint32_t now_ = 0;
    std::unordered_map<std::uint64_t, Owner> owner_;
    std::unordered_map<PeerId, std::size_t> per_peer_;
};

} // namespace ovpn::data
