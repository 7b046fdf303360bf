// data/mac_table.cpp: see mac_table.hpp.
#include "openvpn/data/mac_table.hpp"

#include <iterator>

namespace ovpn::data {

MacTable::Learn MacTable::probe(const MacAddr& mac, std::uint16_t vid, PeerId peer) const
{
    if (mac.group() || mac.zero())
        return Learn::Refused;
    auto it = owner_.find(key(mac, vid));
    if (it != owner_.end() && it->second.peer == peer)
        return Learn::Known;
    if (count(peer) >= max_per_peer_)
        return Learn::Refused;
    return it == owner_.end() ? Learn::Added : Learn::Moved;
}

MacTable::Learn MacTable::learn(const MacAddr& mac, std::uint16_t vid, PeerId peer)
{
    const Learn st = probe(mac, vid, peer);
    const std::uint64_t k = key(mac, vid);
    auto it = owner_.find(k);
    if (st == Learn::Known)
        it->second.last_use = now_;
    if (st == Learn::Known || st == Learn::Refused)
        return st;
    ++per_peer_[peer];
    if (it == owner_.end()) {
        owner_.emplace(k, Owner{peer, now_, mac, vid});
        return Learn::Added;
    }
    drop_count(it->second.peer);
    it->second.peer = peer;
    it->second.last_use = now_;
    return Learn::Moved;
}

std::optional<PeerId> MacTable::lookup(const MacAddr& mac, std::uint16_t vid) const
{
    auto it = owner_.find(key(mac, vid));
    if (it == owner_.end())
        return std::nullopt;
    it->second.last_use = now_;
    return it->second.peer;
}

void MacTable::forget(PeerId peer)
{
    if (per_peer_.erase(peer) == 0)
        return;
    std::erase_if(owner_, [peer](const auto& e) { return e.second.peer == peer; });
}

void MacTable::drop_count(PeerId peer)
{
    if (auto old = per_peer_.find(peer); old != per_peer_.end() && --old->second == 0)
        per_peer_.erase(old);
}

std::vector<StaleRoute> MacTable::expire(std::uint32_t max_idle)
{
    std::vector<StaleRoute> out;
    for (auto it = owner_.begin(); it != owner_.end();) {
        if (now_ - it->second.last_use < max_idle) {
            ++it;
            continue;
        }
        StaleRoute r;
        r.id = it->second.peer;
        r.is_mac = true;
        r.mac = it->second.mac.b;
        r.vid = it->second.vid;
        out.push_back(r);
        drop_count(it->second.peer);
        it = owner_.erase(it);
    }
    return out;
}

std::size_t MacTable::count(PeerId peer) const
{
    auto it = per_peer_.find(peer);
    return it == per_peer_.end() ? 0 : it->second;
}

} // namespace ovpn::data
