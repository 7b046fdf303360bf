// client/script_env.hpp: the environment 2.6 gives the client's scripts
// (features.md §4.2), built from plain facts about the session so it can be
// tested without a tunnel. One ScriptEnvFacts per session; the client fills
// what it knows at each step (tun open, routes applied, peer known) and
// calls build_script_env for up / route-up / ipchange / route-pre-down /
// down / tls-verify.
//
// Variables (names exactly as 2.6 exports them):
//   always:  config, daemon, daemon_log_redirect, daemon_pid,
//            daemon_start_time, verb, remote_N, remote_port_N, proto_N,
//            local_port_N (when bound), every --setenv NAME value,
//            time_ascii, time_unix
//   tun up:  dev, dev_type, tun_mtu, link_mtu, ifconfig_local,
//            ifconfig_remote | ifconfig_netmask, ifconfig_ipv6_local,
//            ifconfig_ipv6_netbits, ifconfig_ipv6_remote, script_context,
//            redirect_gateway, route_vpn_gateway, route_net_gateway,
//            route_network_N, route_netmask_N, route_gateway_N,
//            route_metric_N, route_ipv6_network_N, route_ipv6_gateway_N,
//            foreign_option_N (dhcp-option)
//   peer:    trusted_ip/trusted_ip6, trusted_port, untrusted_ip,
//            untrusted_port, common_name, and for every depth d of the
//            peer's chain X509_<d>_<field>, tls_id_<d>, tls_serial_<d>,
//            tls_serial_hex_<d>, tls_digest_<d>, tls_digest_sha256_<d>
//            (control::cert_env)
//   down:    signal
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/options/options.hpp"
#include "openvpn/script/script_runner.hpp"

namespace ovpn::client {

struct ScriptRoute {
    std::string network, netmask, gateway;
    std::optional<int> metric;
};
struct ScriptRoute6 {
    std::string network; // with "/len"
    std::string gateway;
    std::optional<int> metric;
};

struct ScriptEnvFacts {
    // process
    std::string config; // --config file ("" if none)
    bool daemon = false, log_redirect = false;
    long long daemon_pid = 0, start_time = 0;
    int verb = 1;
    std::size_t connection_index = 1; // the _N of remote_N etc. (1-based)
    std::string remote, remote_port, proto, local_port;
    std::vector<std::pair<std::string, std::string>> setenv;
    long long now_unix = 0;
    std::string now_ascii; // "YYYY-MM-DD HH:MM:SS"

    // tunnel (empty dev: not open yet)
    std::string dev, dev_type = "tun";
    unsigned tun_mtu = 1500, link_mtu = 0;
    bool subnet = false; // topology subnet: ifconfig_netmask, else _remote
    std::string ifconfig_local, ifconfig_remote_or_netmask;
    std::string ifconfig_ipv6_local, ifconfig_ipv6_remote;
    std::optional<int> ifconfig_ipv6_netbits;
    bool restart = false; // script_context restart | init
    bool redirect_gateway = false;
    std::string route_vpn_gateway, route_net_gateway;
    std::vector<ScriptRoute> routes;
    std::vector<ScriptRoute6> routes_ipv6;
    std::vector<std::string> foreign_options; // "dhcp-option DNS 10.8.0.1"

    // peer
    std::string peer_ip;
    bool peer_ipv6 = false;
    std::uint16_t peer_port = 0;
    bool peer_trusted = true; // trusted_* after authentication, untrusted_* before
    std::string common_name;
    // cert_vars: control::cert_env() of the peer's chain (X509_<d>_*,
    // tls_*_<d>, common_name), every depth verified so far.
    std::vector<std::pair<std::string, std::string>> cert_vars;

    // down / route-pre-down
    std::string signal; // "sigterm", "sigusr1", "ping-restart", ...
};

// build_script_env: the variables for one script run (script_type is added
// by ScriptRunner::run).
script::Env build_script_env(const ScriptEnvFacts& f);

// foreign_options_of: --dhcp-option lines as 2.6 numbers them into
// foreign_option_N ("dhcp-option DNS 10.8.0.1").
std::vector<std::string> foreign_options_of(const options::Options& o);

// format_time_ascii: 2.6's time_ascii for a unix time (local time).
std::string format_time_ascii(long long unix_time);

// split_subject: "C=KG, ST=NA, CN=x" or "/C=KG/CN=x" -> (field, value) pairs.
std::vector<std::pair<std::string, std::string>> split_subject(const std::string& subject);

} // namespace ovpn::client
