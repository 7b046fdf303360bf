// server/addr_index.hpp: the server's UDP clients by source address (IP and
// port), so a control packet or a P_DATA_V1 packet finds its instance in
// one hash probe instead of a scan of every client (P_DATA_V2 packets find
// theirs by peer id). Only live UDP instances are in it: the table adds a
// client when it is made, moves it when it floats, and drops it when it is
// closed. Should two live clients ever share an address, the lowest id is
// found, as the scan of the id-ordered table found it. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "openvpn/io/sock_addr.hpp"

namespace ovpn::server {

class AddrIndex {
public:
    void add(const io::SockAddr& a, std::uint32_t id);
    // remove: `id` at `a` (nothing if it is not there).
    void remove(const io::SockAddr& a, std::uint32_t id);
    std::optional<std::uint32_t> find(const io::SockAddr& a) const;
    std::size_t size() const noexcept { return ids_.size(); }

private:
    struct Hash {
        std::size_t operator()(const io::SockAddr& a) const noexcept;
    };
    // ids_: per address the ids there (almost always one)
    std::unordered_map<io::SockAddr, std::vector<std::uint32_t>, Hash> ids_;
};

} // namespace ovpn::server
