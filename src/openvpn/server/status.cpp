#include "openvpn/server/status.hpp"

namespace ovpn::server {

namespace {

std::string time_str(std::time_t t)
{
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

// Row: fields joined by the version's separator.
std::string row(const std::vector<std::string>& fields, char sep)
{
    std::string s;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            s += sep;
        s += fields[i];
    }
    return s + "\n";
}

} // namespace

std::string format_status(int version, const std::vector<StatusClient>& clients, std::time_t now,
                          const std::string& title)
{
    std::string out;
    if (version != 2 && version != 3) {
        out += "OpenVPN CLIENT LIST\n";
        out += "Updated," + time_str(now) + "\n";
        out += "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n";
        for (const auto& c : clients)
            out += row({c.common_name, c.real_address, std::to_string(c.bytes_received),
                        std::to_string(c.bytes_sent), time_str(c.connected_since)},
                       ',');
        out += "ROUTING TABLE\n";
        out += "Virtual Address,Common Name,Real Address,Last Ref\n";
        for (const auto& c : clients) {
            for (const std::string* a : {&c.vpn_ipv4, &c.vpn_ipv6})
                if (!a->empty())
                    out += row({*a, c.common_name, c.real_address, time_str(c.last_ref)}, ',');
            for (const std::string& r : c.routes)
                out += row({r, c.common_name, c.real_address, time_str(c.last_ref)}, ',');
        }
        out += "GLOBAL STATS\n";
        out += "Max bcast/mcast queue length,0\n";
        out += "END\n";
        return out;
    }
    const char sep = version == 3 ? '\t' : ',';
    out += row({"TITLE", title}, sep);
    out += row({"TIME", time_str(now), std::to_string(now)}, sep);
    out += row({"HEADER", "CLIENT_LIST", "Common Name", "Real Address", "Virtual Address",
                "Virtual IPv6 Address", "Bytes Received", "Bytes Sent", "Connected Since",
                "Connected Since (time_t)", "Username", "Client ID", "Peer ID", "Data Channel Cipher"},
               sep);
    for (const auto& c : clients)
        out += row({"CLIENT_LIST", c.common_name, c.real_address, c.vpn_ipv4, c.vpn_ipv6,
                    std::to_string(c.bytes_received), std::to_string(c.bytes_sent),
                    time_str(c.connected_since), std::to_string(c.connected_since), c.username,
                    std::to_string(c.client_id), std::to_string(c.peer_id), c.cipher},
                   sep);
    out += row({"HEADER", "ROUTING_TABLE", "Virtual Address", "Common Name", "Real Address", "Last Ref",
                "Last Ref (time_t)"},
               sep);
    for (const auto& c : clients) {
        std::vector<const std::string*> addrs = {&c.vpn_ipv4, &c.vpn_ipv6};
        for (const std::string& r : c.routes)
            addrs.push_back(&r);
        for (const std::string* a : addrs)
            if (!a->empty())
                out += row({"ROUTING_TABLE", *a, c.common_name, c.real_address, time_str(c.last_ref),
                            std::to_string(c.last_ref)},
                           sep);
    }
    out += row({"GLOBAL_STATS", "Max bcast/mcast queue length", "0"}, sep);
    out += row({"GLOBAL_STATS", "dco_enabled", "0"}, sep);
    out += "END\n";
    return out;
}

} // namespace ovpn::server
