#include "openvpn/client/script_env.hpp"

#include <ctime>

#include "openvpn/core/log.hpp"

namespace ovpn::client {

namespace {

std::string idx(const std::string& base, std::size_t n)
{
    return base + "_" + std::to_string(n);
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// add_process_env: setenv, config, daemon, verb, the connection entry,
// time.
void add_process_env(script::Env& env, const ScriptEnvFacts& f)
{
    script::ProcessFacts p;
    p.config = f.config;
    p.daemon = f.daemon;
    p.log_redirect = f.log_redirect;
    p.daemon_pid = f.daemon_pid;
    p.start_time = f.start_time;
    p.verb = f.verb;
    p.setenv = f.setenv;
    p.now_unix = f.now_unix;
    p.now_ascii = f.now_ascii;
    script::add_process_env(env, p);
    const std::size_t n = f.connection_index;
    if (!f.remote.empty())
        env.set(idx("remote", n), f.remote);
    if (!f.remote_port.empty())
        env.set(idx("remote_port", n), f.remote_port);
    if (!f.proto.empty())
        env.set(idx("proto", n), f.proto);
    if (!f.local_port.empty())
        env.set(idx("local_port", n), f.local_port);
}

// add_device_env: dev, MTU, script_context, ifconfig_*.
void add_device_env(script::Env& env, const ScriptEnvFacts& f)
{
    env.set("dev", f.dev);
    env.set("dev_type", f.dev_type);
    env.set_int("tun_mtu", f.tun_mtu);
    env.set_int("link_mtu", f.link_mtu);
    env.set("script_context", f.restart ? "restart" : "init");
    env.set_int("redirect_gateway", f.redirect_gateway ? 1 : 0);
    if (!f.ifconfig_local.empty()) {
        env.set("ifconfig_local", f.ifconfig_local);
        if (!f.ifconfig_remote_or_netmask.empty())
            env.set(f.subnet ? "ifconfig_netmask" : "ifconfig_remote", f.ifconfig_remote_or_netmask);
    }
    if (!f.ifconfig_ipv6_local.empty()) {
        env.set("ifconfig_ipv6_local", f.ifconfig_ipv6_local);
        if (f.ifconfig_ipv6_netbits)
            env.set_int("ifconfig_ipv6_netbits", *f.ifconfig_ipv6_netbits);
        if (!f.ifconfig_ipv6_remote.empty())
            env.set("ifconfig_ipv6_remote", f.ifconfig_ipv6_remote);
    }
}

// add_route_env: the gateways, route_*, route_ipv6_*, foreign_option_*.
void add_route_env(script::Env& env, const ScriptEnvFacts& f)
{
    if (!f.route_vpn_gateway.empty())
        env.set("route_vpn_gateway", f.route_vpn_gateway);
    if (!f.route_net_gateway.empty())
        env.set("route_net_gateway", f.route_net_gateway);
    for (std::size_t i = 0; i < f.routes.size(); ++i) {
        const ScriptRoute& r = f.routes[i];
        env.set(idx("route_network", i + 1), r.network);
        env.set(idx("route_netmask", i + 1), r.netmask);
        env.set(idx("route_gateway", i + 1), r.gateway);
        if (r.metric)
            env.set_int(idx("route_metric", i + 1), *r.metric);
    }
    for (std::size_t i = 0; i < f.routes_ipv6.size(); ++i) {
        const ScriptRoute6& r = f.routes_ipv6[i];
        env.set(idx("route_ipv6_network", i + 1), r.network);
        env.set(idx("route_ipv6_gateway", i + 1), r.gateway);
        if (r.metric)
            env.set_int(idx("route_ipv6_metric", i + 1), *r.metric);
    }
    for (std::size_t i = 0; i < f.foreign_options.size(); ++i)
        env.set(idx("foreign_option", i + 1), f.foreign_options[i]);
}

// add_peer_env: the peer's address, common name, certificate and signal.
void add_peer_env(script::Env& env, const ScriptEnvFacts& f)
{
    if (!f.peer_ip.empty()) {
        // 2.6 keeps untrusted_* from the first packet and adds trusted_*
        // once the peer authenticated.
        for (const char* pre : {"untrusted_", "trusted_"}) {
            if (pre[0] == 't' && !f.peer_trusted)
                continue;
            env.set(std::string(pre) + (f.peer_ipv6 ? "ip6" : "ip"), f.peer_ip);
            env.set_int(std::string(pre) + "port", f.peer_port);
        }
    }
    if (!f.common_name.empty())
        env.set("common_name", f.common_name);
    for (const auto& [name, value] : f.cert_vars)
        env.set(name, value);
    if (!f.signal.empty())
        env.set("signal", f.signal);
}

} // namespace

script::Env build_script_env(const ScriptEnvFacts& f)
{
    script::Env env;
    add_process_env(env, f);
    if (!f.dev.empty()) {
        add_device_env(env, f);
        add_route_env(env, f);
    }
    add_peer_env(env, f);
    return env;
}

std::vector<std::string> foreign_options_of(const options::Options& o)
{
    std::vector<std::string> out;
    for (const auto& d : o.dhcp_options) {
        std::string line = "dhcp-option";
        for (const auto& a : d)
            line += " " + a;
        out.push_back(line);
    }
    return out;
}

std::string format_time_ascii(long long unix_time)
{
    return script::format_time_ascii(unix_time);
}

std::vector<std::pair<std::string, std::string>> split_subject(const std::string& subject)
{
    std::vector<std::pair<std::string, std::string>> out;
    const bool slash_form = !subject.empty() && subject[0] == '/';
    const char sep = slash_form ? '/' : ',';
    std::size_t pos = slash_form ? 1 : 0;
    while (pos <= subject.size()) {
        std::size_t end = subject.find(sep, pos);
        if (end == std::string::npos)
            end = subject.size();
        const std::string part = trim(subject.substr(pos, end - pos));
        const auto eq = part.find('=');
        if (eq != std::string::npos && eq > 0)
            out.emplace_back(trim(part.substr(0, eq)), trim(part.substr(eq + 1)));
        pos = end + 1;
    }
    return out;
}

} // namespace ovpn::client
