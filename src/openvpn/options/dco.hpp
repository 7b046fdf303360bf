// options/dco.hpp: the DCO verdict. Every condition under which 2.6 turns
// data channel offload off (dco.c's dco_check_option and
// dco_check_startup_option, plus --disable-dco), in 2.6's order, each with
// the option that causes it and a message phrased like 2.6's "Note: ...".
//
// 2.6 stops at the first condition and prints only that one; we collect all
// of them (--check-config prints every one), and blockers.front() is the
// one 2.6 would print. The facts about the host (kernel family present,
// existing interface kinds, capabilities) come in through DcoHost so the
// verdict itself is a pure function.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/options/options.hpp"

namespace ovpn::options {

struct DcoBlocker {
    std::string option;  // e.g. "fragment", "topology", "kernel"
    std::string message; // e.g. "Note: --fragment disables data channel offload."
};

struct DcoHost {
    bool kernel_family = false; // ovpn-dco-v2 resolved (dco/availability.hpp)
    // iface_kind: the rtnetlink kind of an existing interface, nullopt if none.
    std::function<std::optional<std::string>(const std::string&)> iface_kind;
    bool cap_setpcap = true; // CAP_SETPCAP effective (libcap-ng)
    bool cap_net_admin_permitted = true;
};

struct DcoVerdict {
    std::vector<DcoBlocker> blockers;
    bool enabled() const { return blockers.empty(); }
};

// The ciphers the ovpn-dco-v2 module implements (2.6's dco_get_supported_ciphers).
inline constexpr const char* kDcoCiphers = "AES-128-GCM:AES-256-GCM:AES-192-GCM:CHACHA20-POLY1305";

// dco_verdict: over finalized options (after helpers.hpp's finalize).
DcoVerdict dco_verdict(const Options& o, const DcoHost& host);

// dco_option_blockers: the part that is checked again for per-client
// options (client-config-dir, client-connect) and pushed options.
std::vector<DcoBlocker> dco_option_blockers(const Options& o);

} // namespace ovpn::options
