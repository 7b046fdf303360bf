// data/mac_table.cpp: see mac_table.hpp.
#include "openvpn/data/mac_table.hpp"

#include <iterator>

namespace ovpn::data {

MacTable::Learn MacTable::learn(const MacAddr& mac, std::uint16_t vid, PeerId peer)
{
    if (mac.group() || mac.zero())
        return Learn::Refused;
    const std::uint64_t k = key(mac, vid);
    auto it = owner_.find(k);
    if (it != owner_.end() && it->second == peer)
        return Learn::Known;
    if (count(peer) >= max_per_peer_)
        return Learn::Refused;
    ++per_peer_[peer];
    if (it == owner_.end()) {
        owner_.emplace(k, peer);
        return Learn::Added;
    }
    if (auto old = per_peer_.find(it->second); old != per_peer_.end() && --old->second == 0)
        per_peer_.erase(old);
    it->second = peer;
    return Learn::Moved;
}

std::optional<PeerId> MacTable::lookup(const MacAddr& mac, std::uint16_t vid) const
{
    auto it = owner_.find(key(mac, vid));
    if (it == owner_.end())
        return std::nullopt;
    return it->second;
}

void MacTable::forget(PeerId peer)
{
    if (per_peer_.erase(peer) == 0)
        return;
    std::erase_if(owner_, [peer](const auto& e) { return e.second == peer; });
}

std::size_t MacTable::count(PeerId peer) const
{
    auto it = per_peer_.find(peer);
    return it == per_peer_.end() ? 0 : it->second;
}

} // namespace ovpn::data
