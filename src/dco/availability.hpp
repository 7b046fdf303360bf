// dco/availability.hpp: is the ovpn-dco-v2 kernel family there? Exactly what
// 2.6's dco_available() asks: resolve the generic-netlink family name on a
// fresh libnl socket (genl_ctrl_resolve). No modprobe, no /sys probing; the
// kernel may autoload the module on the lookup itself, as for 2.6.
#pragma once

#include <string>

namespace ovpn::dco {

inline constexpr const char* kDcoFamily = "ovpn-dco-v2";

struct Availability {
    bool available = false;
    int family_id = -1;
    std::string reason; // why not, when unavailable (for --verb 4 logs)
};

// dco_family_available: look the family up now (opens and closes a socket).
Availability dco_family_available(const std::string& family = kDcoFamily);

// dco_module_version: /sys/module/ovpn_dco_v2/version, or "N/A" (only for
// the "DCO version:" banner line, never to decide).
std::string dco_module_version();

} // namespace ovpn::dco
