#include "openvpn/server/pool.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "openvpn/options/helpers.hpp"

namespace ovpn::server {

namespace {

std::string v4_string(std::uint32_t host_order)
{
    return options::ipv4_string(host_order);
}

in6_addr add_v6(in6_addr a, std::uint32_t v)
{
    std::uint32_t carry = v;
    for (int i = 15; i >= 0 && carry != 0; --i) {
        carry += a.s6_addr[i];
        a.s6_addr[i] = static_cast<std::uint8_t>(carry & 0xff);
        carry >>= 8;
    }
    return a;
}

std::string v6_string(const in6_addr& a)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    return buf;
}

} // namespace

Result<Pool> Pool::create(const options::Options& o)
{
    Pool p;
    std::size_t cap = static_cast<std::size_t>(o.max_clients.value_or(1024));
    p.topo_ = o.topology.value_or(options::Topology::Net30);
    if (o.ifconfig_pool && o.ifconfig_pool->size() >= 2) {
        auto start = options::parse_ipv4((*o.ifconfig_pool)[0]);
        auto end = options::parse_ipv4((*o.ifconfig_pool)[1]);
        if (!start || !end || *end < *start)
            return Err("--ifconfig-pool: bad range " + (*o.ifconfig_pool)[0] + " " + (*o.ifconfig_pool)[1]);
        std::size_t n = *end - *start + 1;
        if (p.topo_ == options::Topology::Net30) {
            // /30 blocks aligned like 2.6: the start rounded down to a multiple of 4.
            std::uint32_t s = *start & ~3u;
            n = (*end - s + 1) / 4;
            p.v4_start_ = s;
        } else {
            p.v4_start_ = *start;
        }
        if (n == 0)
            return Err(std::string("--ifconfig-pool: the range holds no address"));
        cap = std::min(cap, n);
        if (o.ifconfig_pool->size() > 2) {
            auto m = options::parse_ipv4((*o.ifconfig_pool)[2]);
            if (!m)
                return Err("--ifconfig-pool: bad netmask " + (*o.ifconfig_pool)[2]);
            p.v4_netmask_ = *m;
        } else if (o.ifconfig && p.topo_ == options::Topology::Subnet) {
            if (auto m = options::parse_ipv4(o.ifconfig->second))
                p.v4_netmask_ = *m;
        }
        if (o.ifconfig)
            if (auto a = options::parse_ipv4(o.ifconfig->first))
                p.v4_server_ = *a;
    }
    if (o.ifconfig_ipv6_pool) {
        const std::string& spec = *o.ifconfig_ipv6_pool;
        auto slash = spec.find('/');
        in6_addr base{};
        if (inet_pton(AF_INET6, spec.substr(0, slash).c_str(), &base) != 1)
            return Err("--ifconfig-ipv6-pool: bad address " + spec);
        p.v6_base_ = base;
        if (slash != std::string::npos)
            p.v6_bits_ = std::atoi(spec.c_str() + slash + 1);
        if (o.ifconfig_ipv6) {
            const std::string& s = o.ifconfig_ipv6->first;
            p.v6_server_ = s.substr(0, s.find('/'));
        }
        if (p.v6_bits_ >= 112)
            cap = std::min<std::size_t>(cap, (std::size_t{1} << (128 - p.v6_bits_)) - 2);
    }
    if (cap == 0)
        return Err(std::string("the client pool is empty"));
    p.used_.assign(cap, false);
    return p;
}

std::optional<std::uint32_t> Pool::acquire()
{
    for (std::size_t i = 0; i < used_.size(); ++i) {
        if (!used_[i]) {
            used_[i] = true;
            return static_cast<std::uint32_t>(i);
        }
    }
    return std::nullopt;
}

void Pool::release(std::uint32_t slot)
{
    if (slot < used_.size())
        used_[slot] = false;
}

std::size_t Pool::in_use() const noexcept
{
    return static_cast<std::size_t>(std::count(used_.begin(), used_.end(), true));
}

std::optional<in_addr> Pool::v4(std::uint32_t slot) const
{
    if (!v4_start_ || slot >= used_.size())
        return std::nullopt;
    std::uint32_t a = topo_ == options::Topology::Net30 ? *v4_start_ + 4 * slot + 2 : *v4_start_ + slot;
    in_addr r{};
    r.s_addr = htonl(a);
    return r;
}

std::optional<in6_addr> Pool::v6(std::uint32_t slot) const
{
    if (!v6_base_ || slot >= used_.size())
        return std::nullopt;
    return add_v6(*v6_base_, slot);
}

std::optional<std::string> Pool::push_ifconfig(std::uint32_t slot) const
{
    auto a = v4(slot);
    if (!a)
        return std::nullopt;
    const std::uint32_t h = ntohl(a->s_addr);
    switch (topo_) {
    case options::Topology::Subnet:
        return "ifconfig " + v4_string(h) + " " + v4_string(v4_netmask_);
    case options::Topology::P2P:
        return "ifconfig " + v4_string(h) + " " + v4_string(v4_server_);
    case options::Topology::Net30:
        break;
    }
    return "ifconfig " + v4_string(h) + " " + v4_string(h - 1);
}

std::optional<std::string> Pool::push_ifconfig_ipv6(std::uint32_t slot) const
{
    auto a = v6(slot);
    if (!a)
        return std::nullopt;
    return "ifconfig-ipv6 " + v6_string(*a) + "/" + std::to_string(v6_bits_) + " " + v6_server_;
}

} // namespace ovpn::server
