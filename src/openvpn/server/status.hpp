// server/status.hpp: the --status file of a server in 2.6's three formats
// (multi.c:multi_print_status): version 1 (sections with headers), version 2
// (tagged CSV lines) and version 3 (version 2 with tabs). Pure: the caller
// collects the rows and writes the text.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace ovpn::server {

struct StatusClient {
    std::string common_name;
    std::string real_address; // "10.93.0.2:41234"
    std::string vpn_ipv4, vpn_ipv6;
    std::vector<std::string> routes; // iroutes, "192.168.77.0/24": more ROUTING TABLE rows
    std::string username = "UNDEF";
    std::uint64_t bytes_received = 0, bytes_sent = 0;
    std::time_t connected_since = 0;
    std::time_t last_ref = 0;
    std::uint32_t client_id = 0, peer_id = 0;
    std::string cipher;
};

// format_status: the whole file for `version` (1, 2 or 3; others as 1).
// `title`: the version line 2.6 puts in TITLE.
std::string format_status(int version, const std::vector<StatusClient>& clients, std::time_t now,
                          const std::string& title);

} // namespace ovpn::server
