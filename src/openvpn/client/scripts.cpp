// client/scripts.cpp: the scripts of a client session with 2.6's arguments
// and environment (script_env.hpp): --up/--down arguments, --ipchange,
// --tls-verify, and the facts every script sees.
#include "openvpn/client/client.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "openvpn/client/internal.hpp"
#include "openvpn/client/script_env.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/push_options.hpp"
#include "openvpn/plugin/host.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/session/keying_exporter.hpp"
#include "openvpn/session/tls_verify.hpp"
#include "openvpn/tun/net_setup.hpp"

namespace ovpn::client {

std::vector<std::string> Client::up_down_args(bool restart) const
{
    std::string local, remote;
    if (pushed_.ifconfig) {
        local = pushed_.ifconfig->first;
        remote = pushed_.ifconfig->second;
    }
    // "init" whenever the device is opened or closed; "restart" only for
    // the --up-restart calls on a device kept by --persist-tun (2.6).
    return script::up_down_args(dp_ ? dp_->device().name : plan_.ifname, plan_.mtu, local, remote, restart);
}

bool Client::run_script(const std::string& type, const std::string& command,
                        const std::vector<std::string>& args, bool with_signal)
{
    script::ScriptRunner runner(log_, base_.script_security.value_or(1));
    ScriptEnvFacts f = script_facts();
    if (!with_signal)
        f.signal.clear();
    return runner.run(type, command, args, build_script_env(f)).ok();
}

bool Client::run_hook(int plugin_type, const std::string& type, const std::optional<std::string>& command,
                      const std::vector<std::string>& args, bool with_signal, bool fatal_plugin)
{
    bool plugin_ok = true;
    if (plugin::wants(plugins_, plugin_type)) {
        ScriptEnvFacts f = script_facts();
        if (!with_signal)
            f.signal.clear();
        plugin_ok = plugin::call(plugins_, {plugin_type, args}, build_script_env(f)).ok();
        if (!plugin_ok)
            log_.write(Verb::Error, plugin::failure_message(plugin_type));
        if (!plugin_ok && fatal_plugin)
            return false;
    }
    const bool script_ok = !command || run_script(type, *command, args, with_signal);
    return plugin_ok && script_ok;
}

bool Client::run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain)
{
    // 2.6: the peer still untrusted, common_name only once depth 0 is
    // reached; the chain's variables come from session::run_tls_verify.
    ScriptEnvFacts f = script_facts();
    f.signal.clear();
    f.peer_trusted = false;
    f.common_name.clear();
    f.cert_vars.clear();
    return session::run_tls_verify(base_, cert, chain, build_script_env(f), "", log_, plugins_);
}

// tls_final: 2.6's key_method_2_read calls TLS_FINAL on the client too,
// after each key exchange, with --keying-material-exporter's variable.
bool Client::tls_final(std::uint8_t key_id)
{
    if (!plugin::wants(plugins_, OPENVPN_PLUGIN_TLS_FINAL))
        return true;
    ScriptEnvFacts f = script_facts();
    f.signal.clear();
    script::Env env = build_script_env(f);
    session::set_exported_keying_material(base_, cc_->tls_session(key_id), env, log_);
    return plugin::call(plugins_, {OPENVPN_PLUGIN_TLS_FINAL, {}}, env).ok();
}

void Client::run_ipchange()
{
    if ((!base_.ipchange && !plugin::wants(plugins_, OPENVPN_PLUGIN_IPCHANGE)) || remote_.empty())
        return;
    const std::string addr =
        std::string(remote_.family() == AF_INET6 ? "[AF_INET6]" : "[AF_INET]") + remote_.ip_string();
    // 2.6 hands "[AF_INET]1.2.3.4 1194" over as ONE argument (checked with
    // 2.6.14: $1 holds the space and the port).
    (void)run_hook(OPENVPN_PLUGIN_IPCHANGE, "ipchange", base_.ipchange,
                   {addr + " " + std::to_string(remote_.port())});
}

ScriptEnvFacts Client::script_facts() const
{
    ScriptEnvFacts f;
    add_process_facts(f);
    add_connection_facts(f);
    if (dp_)
        add_tunnel_facts(f);
    if (!remote_.empty()) {
        f.peer_ip = remote_.ip_string();
        f.peer_ipv6 = remote_.family() == AF_INET6 && f.peer_ip.find(':') != std::string::npos;
        f.peer_port = remote_.port();
        f.peer_trusted = heard_from_peer_ || static_peer_seen_;
    }
    f.common_name = peer_cn_;
    f.cert_vars = peer_cert_vars_;
    f.signal = last_signal_.empty() ? "sigterm" : last_signal_;
    return f;
}

// add_process_facts: config, daemon, pid, verb, setenv, time.
void Client::add_process_facts(ScriptEnvFacts& f) const
{
    f.config = base_.config.value_or("");
    f.daemon = base_.daemon;
    f.log_redirect = base_.log.has_value() || base_.log_append.has_value();
    f.daemon_pid = static_cast<long long>(::getpid());
    f.start_time = start_time_;
    f.verb = base_.verb;
    f.setenv = pushed_.setenv; // the config's, and a pushed --setenv-safe
    f.now_unix = static_cast<long long>(std::time(nullptr));
    f.now_ascii = format_time_ascii(f.now_unix);
}

// add_connection_facts: the connection entry in use.
void Client::add_connection_facts(ScriptEnvFacts& f) const
{
    const auto& list = base_.connections;
    f.connection_index = list.empty() ? 1 : (attempts_.index() % list.size()) + 1;
    const options::ConnectionEntry& ce = current_ce();
    const Remote r = remote_of(ce);
    f.remote = r.host;
    f.remote_port = r.host.empty() ? std::string() : r.port;
    f.proto = r.proto;
    if (!ce.nobind && (ce.lport || ce.bind_given || !base_.pull))
        f.local_port = ce.lport.value_or(ce.port);
}

// add_tunnel_facts: the device, its addresses and routes.
void Client::add_tunnel_facts(ScriptEnvFacts& f) const
{
    f.dev = dp_->device().name;
    f.dev_type = f.dev == "null" ? "null" : options::effective_dev_type(pushed_);
    f.tun_mtu = plan_.mtu;
    f.subnet = plan_.topology == tun::Topology::Subnet;
    if (pushed_.ifconfig) {
        f.ifconfig_local = pushed_.ifconfig->first;
        f.ifconfig_remote_or_netmask = pushed_.ifconfig->second;
    }
    if (pushed_.ifconfig_ipv6) {
        const std::string& a = pushed_.ifconfig_ipv6->first;
        const auto slash = a.find('/');
        f.ifconfig_ipv6_local = a.substr(0, slash);
        if (slash != std::string::npos)
            f.ifconfig_ipv6_netbits = std::atoi(a.c_str() + slash + 1);
        f.ifconfig_ipv6_remote = pushed_.ifconfig_ipv6->second;
    }
    f.redirect_gateway = pushed_.redirect_gateway.has_value() || pushed_.redirect_private.has_value();
    const tun::IpAddr vpn_gw = tun::NetSetup::vpn_gateway(plan_);
    if (vpn_gw.is_set())
        f.route_vpn_gateway = vpn_gw.to_string();
    f.route_net_gateway = net_gateway_;
    add_route_facts(f);
    f.foreign_options = foreign_options_of(pushed_);
}

// add_route_facts: route_* and route_ipv6_* of the plan.
void Client::add_route_facts(ScriptEnvFacts& f) const
{
    for (const auto& rt : plan_.routes) {
        ScriptRoute sr;
        sr.network = rt.dst.addr.to_string();
        char mask[INET_ADDRSTRLEN] = {};
        in_addr m = tun::len_to_netmask(rt.dst.len);
        ::inet_ntop(AF_INET, &m, mask, sizeof mask);
        sr.netmask = mask;
        sr.gateway = rt.gateway.is_set() ? rt.gateway.to_string() : f.route_vpn_gateway;
        if (rt.metric)
            sr.metric = static_cast<int>(*rt.metric);
        f.routes.push_back(sr);
    }
    for (const auto& rt : plan_.routes_ipv6) {
        ScriptRoute6 sr;
        sr.network = rt.dst.to_string();
        sr.gateway = rt.gateway.is_set() ? rt.gateway.to_string() : plan_.route_ipv6_gateway.to_string();
        if (rt.metric)
            sr.metric = static_cast<int>(*rt.metric);
        f.routes_ipv6.push_back(sr);
    }
}

} // namespace ovpn::client
