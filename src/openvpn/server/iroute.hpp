// server/iroute.hpp: --iroute / --iroute-ipv6 lines of a client's config
// (client_config.hpp keeps them as "net [mask]" / "net/bits") turned into
// the data plane's routes (data::IRoute). Pure.
#pragma once

#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"
#include "openvpn/data/userspace_data_plane.hpp"

namespace ovpn::server {

// parse_iroute: "192.168.77.0 255.255.255.0", "10.1.2.3" (a host), or
// "fd00:77::/64" / "fd00::1" (a host). The netmask must be contiguous; host
// bits beyond the prefix are cleared. Errors read like 2.6's.
Result<data::IRoute> parse_iroute(std::string_view spec);

// iroute_string: "192.168.77.0/24", "fd00:77::/64" (for logs and
// --learn-address).
std::string iroute_string(const data::IRoute& r);

} // namespace ovpn::server
