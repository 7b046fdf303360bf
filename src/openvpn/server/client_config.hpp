// server/client_config.hpp: the per-client options a server reads from the
// --client-config-dir file of a client (named by its common name, or
// DEFAULT) and from the file a --client-connect script writes. Pure: text in,
// options out. Supported: push, push-reset, push-remove, ifconfig-push,
// ifconfig-ipv6-push, iroute, iroute-ipv6 (routed: iroute.hpp), disable,
// vlan-pvid (the client's VLAN with --vlan-tagging).
// Anything else is reported back so the caller can log it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::server {

struct ClientConfig {
    bool push_reset = false;
    std::vector<std::string> push;
    std::vector<std::string> push_remove;
    std::optional<std::pair<std::string, std::string>> ifconfig_push; // local, remote-or-netmask
    std::optional<std::pair<std::string, std::string>> ifconfig_ipv6_push;
    std::vector<std::string> iroutes;
    std::optional<std::string> vlan_pvid; // as written; checked when applied
    bool disable = false;
    std::vector<std::string> ignored; // directives we do not apply
};

// parse_client_config: errors are 2.6-like sentences naming `name`.
Result<ClientConfig> parse_client_config(std::string_view text, const std::string& name);

// merge: b's lines after a's (ccd file, then the client-connect output).
void merge(ClientConfig& a, const ClientConfig& b);

// apply_push: configured pushes after push-reset / push-remove, plus the
// client's own.
std::vector<std::string> apply_push(const std::vector<std::string>& configured, const ClientConfig& c);

} // namespace ovpn::server
