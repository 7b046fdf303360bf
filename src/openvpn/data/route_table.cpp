#include "openvpn/data/route_table.hpp"

#include <algorithm>
#include <cstring>

namespace ovpn::data {

namespace {

std::uint8_t family_tag(int family) noexcept
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

unsigned host_bits(std::uint8_t tag) noexcept
{
    return tag == 4 ? 32 : 128;
}

} // namespace

std::size_t RouteTable::KeyHash::operator()(const Key& k) const noexcept
{
    std::uint64_t w[2];
    std::memcpy(w, k.a.data(), sizeof w);
    const std::uint64_t tail = (static_cast<std::uint64_t>(k.family) << 8) | k.len;
    // distinct multipliers per word, so swapped halves hash apart
    std::uint64_t h = (w[0] * 0x9e3779b97f4a7c15ULL) ^ (w[1] * 0xc2b2ae3d27d4eb4fULL) ^ tail;
    h ^= h >> 29;
    return static_cast<std::size_t>(h * 0xbf58476d1ce4e5b9ULL);
}

// make_key: `addr` of `family` with the bits beyond `len` cleared (a
// peer's own address: len kHost, nothing cleared).
RouteTable::Key RouteTable::make_key(int family, const std::uint8_t* addr, std::uint8_t len)
{
    Key k;
    k.family = family_tag(family);
    k.len = len;
    const unsigned bits = host_bits(k.family);
    std::memcpy(k.a.data(), addr, bits / 8);
    if (len == kHost)
        return k;
    const unsigned full = len / 8, rest = len % 8;
    if (rest != 0)
        k.a[full] &= static_cast<std::uint8_t>(0xff << (8 - rest));
    for (unsigned i = full + (rest != 0 ? 1 : 0); i < 16; ++i)
        k.a[i] = 0;
    return k;
}

void RouteTable::add_host(PeerId id, const std::optional<in_addr>& v4, const std::optional<in6_addr>& v6)
{
    if (v4)
        claim(id, make_key(AF_INET, reinterpret_cast<const std::uint8_t*>(&v4->s_addr), kHost));
    if (v6)
        claim(id, make_key(AF_INET6, v6->s6_addr, kHost));
}

void RouteTable::set_iroutes(PeerId id, const std::vector<IRoute>& routes)
{
    drop_iroutes(id);
    for (const IRoute& r : routes) {
        const std::uint8_t tag = family_tag(r.family);
        if (tag == 0 || r.prefix_len > host_bits(tag))
            continue;
        claim(id, make_key(r.family, r.addr.data(), r.prefix_len));
    }
}

void RouteTable::remove(PeerId id)
{
    auto it = owned_.find(id);
    if (it == owned_.end())
        return;
    for (const Key& k : it->second)
        release(id, k);
    owned_.erase(it);
}

// drop_iroutes: the peer's iroute keys go, its own addresses stay.
void RouteTable::drop_iroutes(PeerId id)
{
    auto it = owned_.find(id);
    if (it == owned_.end())
        return;
    auto& keys = it->second;
    for (const Key& k : keys)
        if (k.len != kHost)
            release(id, k);
    std::erase_if(keys, [](const Key& k) { return k.len != kHost; });
}

// claim: `id` becomes the newest claimant of `k` (once, however often it
// names it).
void RouteTable::claim(PeerId id, const Key& k)
{
    auto& keys = owned_[id];
    if (std::find(keys.begin(), keys.end(), k) != keys.end())
        return;
    keys.push_back(k);
    Entry& e = claims_[k];
    if (e.who.empty() && k.len != kHost)
        count_length(k.family, k.len, +1);
    e.who.push_back(id);
    e.last_use = now_;
}

void RouteTable::release(PeerId id, const Key& k)
{
    auto it = claims_.find(k);
    if (it == claims_.end())
        return;
    std::erase(it->second.who, id);
    if (!it->second.who.empty())
        return;
    claims_.erase(it);
    if (k.len != kHost)
        count_length(k.family, k.len, -1);
}

// count_length: the lengths in use change only when a length's first key
// comes or its last goes.
void RouteTable::count_length(std::uint8_t family, std::uint8_t len, int delta)
{
    Lengths& l = lengths(family);
    l.count[len] = static_cast<std::uint32_t>(static_cast<int>(l.count[len]) + delta);
    l.in_use.clear();
    for (int i = static_cast<int>(host_bits(family)); i >= 0; --i)
        if (l.count[static_cast<std::size_t>(i)] != 0)
            l.in_use.push_back(static_cast<std::uint8_t>(i));
}

std::optional<PeerId> RouteTable::lookup(int family, const std::uint8_t* addr) const
{
    const std::uint8_t tag = family_tag(family);
    if (tag == 0 || claims_.empty())
        return std::nullopt;
    if (auto it = claims_.find(make_key(family, addr, kHost)); it != claims_.end()) {
        it->second.last_use = now_;
        return it->second.who.back();
    }
    for (const std::uint8_t len : lengths(tag).in_use)
        if (auto it = claims_.find(make_key(family, addr, len)); it != claims_.end()) {
            it->second.last_use = now_;
            return it->second.who.back();
        }
    return std::nullopt;
}

StaleRoute RouteTable::stale_route(const Key& k, PeerId owner)
{
    StaleRoute r;
    r.id = owner;
    r.host = k.len == kHost;
    r.route.family = k.family == 4 ? AF_INET : AF_INET6;
    r.route.addr = k.a;
    r.route.prefix_len = static_cast<std::uint8_t>(r.host ? host_bits(k.family) : k.len);
    return r;
}

std::vector<StaleRoute> RouteTable::expire(std::uint32_t max_idle)
{
    std::vector<StaleRoute> out;
    for (auto it = claims_.begin(); it != claims_.end();) {
        const Key& k = it->first;
        const Entry& e = it->second;
        if (e.who.empty() || now_ - e.last_use < max_idle) {
            ++it;
            continue;
        }
        out.push_back(stale_route(k, e.who.back()));
        for (const PeerId id : e.who)
            if (auto o = owned_.find(id); o != owned_.end())
                std::erase(o->second, k);
        if (k.len != kHost)
            count_length(k.family, k.len, -1);
        it = claims_.erase(it);
    }
    return out;
}

std::size_t RouteTable::prefix_lengths(int family) const
{
    const std::uint8_t tag = family_tag(family);
    return tag == 0 ? 0 : lengths(tag).in_use.size();
}

} // namespace ovpn::data
