#include "openvpn/server/addr_index.hpp"

#include <algorithm>
#include <cstring>

namespace ovpn::server {

// Hash: what SockAddr's operator== compares (family, port, address), so
// equal addresses hash alike.
std::size_t AddrIndex::Hash::operator()(const io::SockAddr& a) const noexcept
{
    std::uint64_t h = (static_cast<std::uint64_t>(a.family()) << 16) | a.port();
    std::uint8_t bytes[16] = {};
    if (a.family() == AF_INET)
        std::memcpy(bytes, &reinterpret_cast<const sockaddr_in*>(&a.ss)->sin_addr, 4);
    else if (a.family() == AF_INET6)
        std::memcpy(bytes, &reinterpret_cast<const sockaddr_in6*>(&a.ss)->sin6_addr, 16);
    std::uint64_t w[2];
    std::memcpy(w, bytes, sizeof w);
    h = (h * 0x9e3779b97f4a7c15ULL) ^ (w[0] * 0xc2b2ae3d27d4eb4fULL) ^ (w[1] * 0x165667b19e3779f9ULL);
    h ^= h >> 31;
    return static_cast<std::size_t>(h * 0xbf58476d1ce4e5b9ULL);
}

void AddrIndex::add(const io::SockAddr& a, std::uint32_t id)
{
    auto& ids = ids_[a];
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
        ids.push_back(id);
}

void AddrIndex::remove(const io::SockAddr& a, std::uint32_t id)
{
    auto it = ids_.find(a);
    if (it == ids_.end())
        return;
    std::erase(it->second, id);
    if (it->second.empty())
        ids_.erase(it);
}

std::optional<std::uint32_t> AddrIndex::find(const io::SockAddr& a) const
{
    auto it = ids_.find(a);
    if (it == ids_.end())
        return std::nullopt;
    return *std::min_element(it->second.begin(), it->second.end());
}

} // namespace ovpn::server
