// server/pool.hpp: the client slots of a P2MP server. Slot i is the client's
// peer id (2.6: lowest free index) and picks its tunnel addresses from
// --ifconfig-pool (topology subnet and p2p: one address each; net30: one /30
// each, client = base+2, its peer = base+1) and --ifconfig-ipv6-pool
// (base + i). Pure: no I/O, so it is tested directly.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::server {

class Pool {
public:
    // create: from the finalized options (--ifconfig-pool, --ifconfig,
    // --topology, --ifconfig-ipv6(-pool), --max-clients).
    static Result<Pool> create(const options::Options& o);

    // acquire: the lowest free slot, or nullopt when full.
    std::optional<std::uint32_t> acquire();
    void release(std::uint32_t slot);
    std::size_t capacity() const noexcept { return used_.size(); }
    std::size_t in_use() const noexcept;

    // Address slots (2.6's pool handles), apart from peer ids because the
    // common name is only known after the handshake. acquire_addr: the free
    // slot last held by (or persisted for) `cn`, else the lowest free slot
    // nobody holds a claim on, else the free slot released longest ago that
    // is not fixed (persist file read-only); nullopt when none. Without
    // --duplicate-cn a released slot keeps its common name's claim.
    std::optional<std::uint32_t> acquire_addr(const std::string& cn);
    void release_addr(std::uint32_t slot);

    // --ifconfig-pool-persist. load_persist: 2.6's lines "cn,ipv4[,ipv6]"
    // ('#'/';' comments, empty fields allowed); a line whose address is in
    // the pool reserves that slot for its cn (fixed: never handed to another
    // cn). Returns one warning per line it could not use.
    std::vector<std::string> load_persist(std::string_view text, bool fixed);
    // format_persist: "cn,ipv4,ipv6\n" for every slot with a common name
    // (in use or reserved), in slot order, fields empty without that pool.
    std::string format_persist() const;

    // The client's addresses in slot (nullopt without a pool of that family).
    std::optional<in_addr> v4(std::uint32_t slot) const;
    std::optional<in6_addr> v6(std::uint32_t slot) const;
    // push_ifconfig: "ifconfig <client> <netmask|peer>"; push_ifconfig_ipv6:
    // "ifconfig-ipv6 <client>/<bits> <server>".
    std::optional<std::string> push_ifconfig(std::uint32_t slot) const;
    std::optional<std::string> push_ifconfig_ipv6(std::uint32_t slot) const;

private:
    std::optional<std::uint32_t> slot_of_v4(std::uint32_t host_order) const;
    std::optional<std::uint32_t> slot_of_v6(const in6_addr& a) const;
    std::uint32_t v4_base(std::uint32_t slot) const;

    std::vector<bool> used_;
    struct AddrSlot {
        bool used = false;
        bool fixed = false;
        std::string cn;             // holder or claimant ("" = none)
        std::uint64_t released = 0; // release order, for reuse of claimed slots
    };
    std::vector<AddrSlot> addr_;
    std::uint64_t release_seq_ = 0;
    bool duplicate_cn_ = false;
    options::Topology topo_ = options::Topology::Net30;
    std::optional<std::uint32_t> v4_start_; // host order
    std::uint32_t v4_netmask_ = 0;          // subnet: pushed netmask
    std::uint32_t v4_server_ = 0;           // p2p: the server's address
    std::optional<in6_addr> v6_base_;
    int v6_bits_ = 64;
    std::string v6_server_;
};

} // namespace ovpn::server
