#include "openvpn/server/pool.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

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
    // tap: one address each with the pool's netmask (2.6: --topology does
    // not apply to tap, its pool is always individual addresses).
    p.topo_ = options::effective_dev_type(o) == "tap" ? options::Topology::Subnet
                                                      : o.topology.value_or(options::Topology::Net30);
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
    p.addr_.assign(cap, AddrSlot{});
    p.duplicate_cn_ = o.duplicate_cn;
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

std::optional<std::uint32_t> Pool::acquire_addr(const std::string& cn)
{
    std::optional<std::size_t> pick;
    if (!duplicate_cn_ && !cn.empty())
        for (std::size_t i = 0; i < addr_.size() && !pick; ++i)
            if (!addr_[i].used && addr_[i].cn == cn)
                pick = i;
    for (std::size_t i = 0; i < addr_.size() && !pick; ++i)
        if (!addr_[i].used && addr_[i].cn.empty())
            pick = i;
    if (!pick) {
        for (std::size_t i = 0; i < addr_.size(); ++i)
            if (!addr_[i].used && !addr_[i].fixed && (!pick || addr_[i].released < addr_[*pick].released))
                pick = i;
    }
    if (!pick)
        return std::nullopt;
    AddrSlot& a = addr_[*pick];
    if (a.cn != cn)
        a.fixed = false;
    a.used = true;
    a.cn = duplicate_cn_ ? std::string() : cn;
    return static_cast<std::uint32_t>(*pick);
}

void Pool::release_addr(std::uint32_t slot)
{
    if (slot >= addr_.size())
        return;
    addr_[slot].used = false;
    addr_[slot].released = ++release_seq_;
}

std::uint32_t Pool::v4_base(std::uint32_t slot) const
{
    // 2.6 names the /30's base in net30, the client's address otherwise
    return topo_ == options::Topology::Net30 ? *v4_start_ + 4 * slot : *v4_start_ + slot;
}

std::optional<std::uint32_t> Pool::slot_of_v4(std::uint32_t h) const
{
    if (!v4_start_ || h < *v4_start_)
        return std::nullopt;
    std::uint32_t off = h - *v4_start_;
    if (topo_ == options::Topology::Net30)
        off >>= 2;
    if (off >= addr_.size())
        return std::nullopt;
    return off;
}

std::optional<std::uint32_t> Pool::slot_of_v6(const in6_addr& a) const
{
    if (!v6_base_ || std::memcmp(a.s6_addr, v6_base_->s6_addr, 12) != 0)
        return std::nullopt;
    auto low = [](const in6_addr& x) {
        return (std::uint32_t{x.s6_addr[12]} << 24) | (std::uint32_t{x.s6_addr[13]} << 16) |
               (std::uint32_t{x.s6_addr[14]} << 8) | std::uint32_t{x.s6_addr[15]};
    };
    const std::uint32_t b = low(*v6_base_), x = low(a);
    if (x < b || x - b >= addr_.size())
        return std::nullopt;
    return x - b;
}

std::vector<std::string> Pool::load_persist(std::string_view text, bool fixed)
{
    std::vector<std::string> warnings;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        if (line.empty() || line[0] == '#' || line[0] == ';')
            continue;
        std::vector<std::string> f;
        std::size_t start = 0;
        for (;;) {
            const std::size_t c = line.find(',', start);
            f.emplace_back(
                line.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
            if (c == std::string_view::npos)
                break;
            start = c + 1;
        }
        if (f.size() < 2 || f[0].empty()) {
            warnings.push_back("pool: bad line '" + std::string(line) + "'");
            continue;
        }
        std::optional<std::uint32_t> h, h6;
        if (!f[1].empty()) {
            auto a = options::parse_ipv4(f[1]);
            if (!a)
                warnings.push_back("pool: invalid IPv4 (" + f[1] + ") for CN=" + f[0]);
            else if (!(h = slot_of_v4(*a)))
                warnings.push_back("pool: IPv4 (" + f[1] + ") out of pool range for CN=" + f[0]);
        }
        if (f.size() > 2 && !f[2].empty()) {
            in6_addr a6{};
            if (inet_pton(AF_INET6, f[2].c_str(), &a6) != 1)
                warnings.push_back("pool: invalid IPv6 (" + f[2] + ") for CN=" + f[0]);
            else if (!(h6 = slot_of_v6(a6)))
                warnings.push_back("pool: IPv6 (" + f[2] + ") out of pool range for CN=" + f[0]);
            else if (!h)
                h = h6;
        }
        if (!h)
            continue;
        AddrSlot& s = addr_[*h];
        if (s.used)
            continue;
        s.cn = f[0];
        s.fixed = fixed;
    }
    return warnings;
}

std::string Pool::format_persist() const
{
    std::string out;
    for (std::size_t i = 0; i < addr_.size(); ++i) {
        if (addr_[i].cn.empty())
            continue;
        const auto slot = static_cast<std::uint32_t>(i);
        out += addr_[i].cn;
        out += ',';
        if (v4_start_)
            out += v4_string(v4_base(slot));
        out += ',';
        if (auto a = v6(slot))
            out += v6_string(*a);
        out += '\n';
    }
    return out;
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
