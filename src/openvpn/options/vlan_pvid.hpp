// options/vlan_pvid.hpp: --vlan-pvid values, read as 2.6 reads them
// (positive_atoi: the leading number, "4x" is 4, no number is 0; valid is
// 1..4094), and the server's own (its last --vlan-pvid, 1 when not given).
#pragma once

#include <cstdlib>
#include <string>

#include "openvpn/options/options.hpp"

namespace ovpn::options {

inline constexpr int kVlanMinPvid = 1, kVlanMaxPvid = 4094;

// vlan_pvid_value: the number `s` gives, 0 when none or negative.
inline int vlan_pvid_value(const std::string& s)
{
    const long v = std::strtol(s.c_str(), nullptr, 10);
    return v < 0 || v > kVlanMaxPvid ? (v < 0 ? 0 : kVlanMaxPvid + 1) : static_cast<int>(v);
}

inline bool vlan_pvid_ok(int v)
{
    return v >= kVlanMinPvid && v <= kVlanMaxPvid;
}

inline int vlan_pvid(const Options& o)
{
    const Directive* d = o.last("vlan-pvid");
    return d && !d->args.empty() ? vlan_pvid_value(d->args[0]) : 1;
}

} // namespace ovpn::options
