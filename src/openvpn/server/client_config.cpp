#include "openvpn/server/client_config.hpp"

#include "openvpn/core/log.hpp"
#include "openvpn/options/lexer.hpp"

namespace ovpn::server {

Result<ClientConfig> parse_client_config(std::string_view text, const std::string& name)
{
    auto lines = options::split_config(text, name);
    if (!lines)
        return Err(lines.error());
    ClientConfig c;
    for (const auto& l : *lines) {
        if (l.tokens.empty())
            continue;
        const std::string& d = l.tokens[0];
        const std::size_t n = l.tokens.size() - 1;
        auto need = [&](std::size_t k) -> Status<> {
            if (n < k)
                return Err(strfmt("Options error: %s:%d: --%s needs %zu argument(s)", name.c_str(),
                                  l.origin.line, d.c_str(), k));
            return Ok{};
        };
        if (d == "push") {
            if (auto s = need(1); !s)
                return Err(s.error());
            c.push.push_back(l.tokens[1]);
        } else if (d == "push-reset") {
            c.push_reset = true;
            c.push.clear();
        } else if (d == "push-remove") {
            if (auto s = need(1); !s)
                return Err(s.error());
            c.push_remove.push_back(l.tokens[1]);
        } else if (d == "ifconfig-push") {
            if (auto s = need(2); !s)
                return Err(s.error());
            c.ifconfig_push = std::pair{l.tokens[1], l.tokens[2]};
        } else if (d == "ifconfig-ipv6-push") {
            if (auto s = need(1); !s)
                return Err(s.error());
            c.ifconfig_ipv6_push = std::pair{l.tokens[1], n > 1 ? l.tokens[2] : std::string()};
        } else if (d == "iroute" || d == "iroute-ipv6") {
            if (auto s = need(1); !s)
                return Err(s.error());
            std::string r = l.tokens[1];
            if (n > 1)
                r += " " + l.tokens[2];
            c.iroutes.push_back(r);
        } else if (d == "vlan-pvid") {
            if (auto s = need(1); !s)
                return Err(s.error());
            c.vlan_pvid = l.tokens[1];
        } else if (d == "disable") {
            c.disable = true;
        } else {
            c.ignored.push_back(d);
        }
    }
    return c;
}

void merge(ClientConfig& a, const ClientConfig& b)
{
    if (b.push_reset) {
        a.push_reset = true;
        a.push.clear();
    }
    a.push.insert(a.push.end(), b.push.begin(), b.push.end());
    a.push_remove.insert(a.push_remove.end(), b.push_remove.begin(), b.push_remove.end());
    if (b.ifconfig_push)
        a.ifconfig_push = b.ifconfig_push;
    if (b.ifconfig_ipv6_push)
        a.ifconfig_ipv6_push = b.ifconfig_ipv6_push;
    a.iroutes.insert(a.iroutes.end(), b.iroutes.begin(), b.iroutes.end());
    if (b.vlan_pvid)
        a.vlan_pvid = b.vlan_pvid;
    a.disable = a.disable || b.disable;
    a.ignored.insert(a.ignored.end(), b.ignored.begin(), b.ignored.end());
}

std::vector<std::string> apply_push(const std::vector<std::string>& configured, const ClientConfig& c)
{
    std::vector<std::string> out;
    if (!c.push_reset) {
        for (const auto& p : configured) {
            bool removed = false;
            for (const auto& r : c.push_remove) {
                // push-remove matches the option's first word(s) as a prefix.
                if (p.rfind(r, 0) == 0 && (p.size() == r.size() || p[r.size()] == ' '))
                    removed = true;
            }
            if (!removed)
                out.push_back(p);
        }
    }
    out.insert(out.end(), c.push.begin(), c.push.end());
    return out;
}

} // namespace ovpn::server
