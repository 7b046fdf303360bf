// data/route_table.hpp: which peer owns a VPN address, for a P2MP server's
// per-packet decisions (the tun -> client route, the source check of a
// client's packet, client-to-client). 2.6's multi.c keeps a hash of its
// learned addresses and looks a packet up once per CIDR length in use;
// this does the same: one hash of the peers' own (pool / ifconfig-push)
// addresses and one hash per prefix length of their iroutes, so a lookup
// costs at most one probe per distinct iroute length, whatever the number
// of peers. Changed only when a peer comes, goes or gets its iroutes.
//
// Verdicts: a peer's own address wins over any iroute (a host route is as
// long as a prefix gets), then the longest iroute. Two peers claiming the
// same address or the same network: the one that claimed it last wins
// (2.6 replaces a learned route); when it goes, the earlier claim is back.
// Ageing (--stale-routes-check, 2.6's check_stale_routes): every entry
// (an own address, an iroute) carries the coarse time it was last used by
// a lookup; set_now() moves that clock (once per batch, never per packet)
// and expire() drops what was not used for a while.
// Pure, no I/O; not thread-safe.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "openvpn/data/data_plane.hpp"

namespace ovpn::data {

class RouteTable {
public:
    // add_host: the peer's own VPN addresses (either may be absent).
    void add_host(PeerId id, const std::optional<in_addr>& v4, const std::optional<in6_addr>& v6);
    // set_iroutes: the networks behind `id`, replacing its earlier ones.
    // Host bits beyond prefix_len are ignored; a route of another family
    // or a prefix longer than the address is skipped.
    void set_iroutes(PeerId id, const std::vector<IRoute>& routes);
    // remove: everything `id` claimed (its addresses and iroutes).
    void remove(PeerId id);
    // lookup: the peer owning `addr` (4 or 16 network-order bytes of
    // `family`), or nothing.
    std::optional<PeerId> lookup(int family, const std::uint8_t* addr) const;
    // prefix_lengths: how many distinct iroute lengths `family` has (the
    // probes a lookup may take beyond the host hash).
    std::size_t prefix_lengths(int family) const;
    // set_now: the coarse clock (seconds) lookups and claims stamp entries with.
    void set_now(std::uint32_t now) noexcept { now_ = now; }
    // expire: every entry not looked up (nor claimed) for max_idle seconds
    // or more goes, whoever claimed it; returns them with the peer that
    // owned them.
    std::vector<StaleRoute> expire(std::uint32_t max_idle);

private:
    // Key: a masked address of one family; len is the prefix length, or
    // kHost for a peer's own address (distinct from a /32 or /128 iroute).
    static constexpr std::uint8_t kHost = 0xff;
    struct Key {
        std::array<std::uint8_t, 16> a{};
        std::uint8_t family = 0; // 4 or 6
        std::uint8_t len = kHost;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    // Lengths: per family, how many keys use each iroute length, and the
    // lengths in use, longest first (what lookup probes).
    struct Lengths {
        std::array<std::uint32_t, 129> count{};
        std::vector<std::uint8_t> in_use;
    };

    static Key make_key(int family, const std::uint8_t* addr, std::uint8_t len);
    void claim(PeerId id, const Key& k);
    void release(PeerId id, const Key& k);
    void drop_iroutes(PeerId id);
    Lengths& lengths(std::uint8_t family) { return family == 4 ? len4_ : len6_; }
    const Lengths& lengths(std::uint8_t family) const { return family == 4 ? len4_ : len6_; }
    void count_length(std::uint8_t family, std::uint8_t len, int delta);

    // Entry: the peers claiming a key, the newest last (the winner), and
    // when a lookup last found it.
    struct Entry {
        std::vector<PeerId> who;
        mutable std::uint32_t last_use = 0;
    };
    static StaleRoute stale_route(const Key& k, PeerId owner);

    std::unordered_map<Key, Entry, KeyHash> claims_;
    // owned_: per peer the keys it claimed (to remove them again)
    std::unordered_map<PeerId, std::vector<Key>> owned_;
    Lengths len4_, len6_;
    std::uint32_t now_ = 0;
};

} // namespace ovpn::data
