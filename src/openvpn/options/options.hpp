// options/options.hpp: the typed result of parsing a configuration, as the
// daemon consumes it. Only options/ fills this struct (through the option
// table in table.hpp); every other layer reads it.
//
// Conventions:
//  - std::optional<T> is "not given"; a bool is a plain switch (false = off).
//  - FileRef is an option that names a file OR carries an inline <tag> block.
//  - Options that can also appear in a <connection> block live in
//    ConnectionEntry: `ce` holds the top-level values, `connections` the
//    resolved list (one per <connection> block, or one per --remote when there
//    are no blocks, or just `ce` when neither exists) built by finalize().
//  - Every accepted directive is also kept, in order, in `directives`, so the
//    options without a typed field (rare, niche ones) are still available.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ovpn::options {

// Where a directive came from: "[CMD-LINE]" line 1, a file and line, or
// "[PUSH-OPTIONS]".
struct Origin {
    std::string file;
    int line = 0;
};

// A file argument or an inline block (<ca>...</ca>).
struct FileRef {
    std::string path;    // file name (empty when inline)
    std::string content; // inline block text (empty when a path)
    bool is_inline = false;
    Origin origin;
    std::string option; // the option name, for error messages
};

struct CertHashList {
    int depth = 0;     // 0 = the peer's certificate, 1 = its issuer
    bool sha1 = false; // else SHA256
    std::vector<std::vector<std::uint8_t>> hashes;
};

struct RemoteEntry {
    std::string host;
    std::optional<std::string> port;
    std::optional<std::string> proto;
};

struct ProxySpec {
    std::string host;
    std::string port;
    std::vector<std::string> extra; // auth file / method / flags as given
};

// The <connection>-capable options (2.6's connection_entry).
struct ConnectionEntry {
    std::vector<RemoteEntry> remotes; // inside a block: its own --remote
    std::optional<std::string> local;
    std::string port = "1194";
    std::optional<std::string> lport, rport;
    std::string proto = "udp";
    bool bind_local = true; // --nobind clears it
    bool bind_given = false;
    bool nobind = false;
    bool float_peer = false;
    std::optional<int> connect_retry, connect_retry_max, connect_retry_max_backoff;
    std::optional<int> connect_timeout;
    std::optional<ProxySpec> http_proxy, socks_proxy;
    std::vector<std::vector<std::string>> http_proxy_options;
    std::optional<int> fragment; // bytes
    std::optional<std::vector<std::string>> mssfix;
    std::optional<int> tun_mtu, tun_mtu_extra, link_mtu, tun_mtu_max, max_packet_size;
    std::optional<std::string> mtu_disc;
    std::optional<int> explicit_exit_notify;
    std::optional<FileRef> tls_auth, tls_crypt, tls_crypt_v2;
    std::optional<int> key_direction; // 0 or 1
    Origin origin;                    // of the <connection> block (or first remote)
};

enum class Mode { P2P, Server };
enum class Topology { Net30, P2P, Subnet };
enum class AllowCompression { No, Asym, Yes };

struct Route {
    std::vector<std::string> args; // network [netmask [gateway [metric]]]
};

struct Directive {
    std::string name;
    std::vector<std::string> args;
    Origin origin;
    bool is_inline = false;
};

struct Options {
    // --- process, logging
    std::optional<std::string> config; // the first --config file
    int verb = 1;
    std::optional<int> mute;
    std::optional<std::string> log, log_append, status;
    std::optional<int> status_interval, status_version;
    std::optional<std::string> daemon_name, writepid, cd, chroot, user, group, tmp_dir;
    bool daemon = false, syslog = false, suppress_timestamps = false, machine_readable_output = false;
    bool errors_to_stderr = false, mlock = false, persist_key = false, persist_tun = false;
    std::optional<int> nice;
    std::vector<std::pair<std::string, std::string>> setenv;

    // --- mode, device
    Mode mode = Mode::P2P;
    bool client = false, pull = false, tls_client = false, tls_server = false;
    std::optional<std::string> dev, dev_type, dev_node, lladdr;
    std::optional<Topology> topology; // 2.6 default: net30
    std::optional<std::pair<std::string, std::string>> ifconfig, ifconfig_ipv6;
    bool ifconfig_noexec = false, ifconfig_nowarn = false, mktun = false, rmtun = false;
    std::optional<int> txqueuelen;
    bool disable_dco = false;
    std::optional<std::string> bind_dev;

    // --- connection defaults and resolved list
    ConnectionEntry ce;
    std::vector<ConnectionEntry> connections; // see file comment
    bool have_connection_blocks = false;
    bool remote_random = false, remote_random_hostname = false;
    std::optional<std::string> resolv_retry;

    // --- timers
    std::optional<int> ping, ping_restart, ping_exit, inactive, session_timeout;
    std::int64_t inactive_bytes = 0; // --inactive n [bytes]
    std::optional<std::pair<int, int>> keepalive;
    bool ping_timer_rem = false;

    // --- routes and networking
    std::vector<Route> routes, routes_ipv6;
    std::optional<std::string> route_gateway, route_ipv6_gateway;
    std::optional<int> route_metric;
    std::optional<std::vector<std::string>> redirect_gateway, redirect_private, route_delay;
    bool route_nopull = false, route_noexec = false, allow_pull_fqdn = false, block_ipv6 = false;
    std::vector<std::vector<std::string>> dhcp_options, dns, client_nat, pull_filters;

    // --- server
    std::optional<std::vector<std::string>> server, server_bridge;
    std::optional<std::string> server_ipv6;
    std::vector<std::string> push;
    std::optional<std::vector<std::string>> ifconfig_pool, ifconfig_pool_persist;
    std::optional<std::string> ifconfig_ipv6_pool, client_config_dir;
    bool ccd_exclusive = false, client_to_client = false, duplicate_cn = false;
    std::optional<int> max_clients;
    std::optional<std::string> verify_client_cert; // none|optional|require
    bool username_as_common_name = false, auth_user_pass_optional = false;
    std::vector<std::vector<std::string>> iroutes, iroutes_ipv6;
    std::optional<std::vector<std::string>> ifconfig_push, ifconfig_ipv6_push;
    std::optional<std::vector<std::string>> auth_gen_token;
    std::optional<FileRef> auth_gen_token_secret;
    std::optional<std::vector<std::string>> port_share;
    bool vlan_tagging = false;
    std::optional<std::string> vlan_accept;
    std::optional<int> shaper;

    // --- TLS and keys
    std::optional<FileRef> ca, cert, key, dh, extra_certs, pkcs12, crl_verify, secret;
    std::optional<FileRef> auth_user_pass, http_proxy_user_pass, peer_fingerprint;
    std::optional<std::string> capath, tls_version_min, tls_version_max, tls_cipher, tls_ciphersuites,
        tls_groups, tls_cert_profile, remote_cert_tls, ecdh_curve, ns_cert_type;
    std::optional<std::vector<std::string>> verify_x509_name;
    // --peer-fingerprint (depth 0) / --verify-hash (depth 1): the accepted
    // certificate digests (options/cert_options.hpp)
    std::optional<CertHashList> verify_hash;
    std::optional<std::vector<unsigned>> remote_cert_ku; // empty: only present
    std::optional<std::string> remote_cert_eku;
    std::vector<std::string> x509_track;          // as given, "+" kept
    std::vector<std::string> x509_username_field; // after 2.6's upcasing; empty = CN
    std::optional<int> tls_timeout, hand_window, tran_window, reneg_bytes, reneg_pkts;
    std::optional<std::vector<std::string>> reneg_sec;
    std::optional<std::string> tls_crypt_v2_verify, auth_retry;
    bool auth_nocache = false, push_peer_info = false, tls_exit = false, single_session = false;
    std::optional<std::vector<std::string>> static_challenge;
    std::optional<std::string> auth_token, auth_token_user;

    // --- data channel
    std::optional<std::string> cipher, auth, data_ciphers, data_ciphers_fallback;
    std::optional<std::string> compress; // "" = bare --compress
    std::optional<std::string> comp_lzo; // "" = bare --comp-lzo
    std::optional<AllowCompression> allow_compression;
    bool no_replay = false, mute_replay_warnings = false, force_tls_key_material_export = false;
    std::optional<std::vector<std::string>> replay_window;
    std::optional<int> peer_id;
    std::optional<std::string> key_derivation, protocol_flags;
    // --keying-material-exporter label len: exported_keying_material (hex)
    // in the environment of TLS_FINAL plugin calls, as 2.6
    struct KeyingExporter {
        std::string label;
        int length = 0;
    };
    std::optional<KeyingExporter> keying_material_exporter;

    // --- scripts, plugins, management
    std::optional<int> script_security;
    std::optional<std::string> up, down, route_up, route_pre_down, ipchange, tls_verify, client_connect,
        client_disconnect, learn_address, auth_user_pass_verify, client_crresponse, tls_export_cert;
    bool up_delay = false, up_restart = false, down_pre = false;
    std::vector<std::vector<std::string>> plugins;
    std::optional<std::vector<std::string>> management;
    bool management_query_proxy = false, management_query_passwords = false, management_hold = false,
         management_client_auth = false, management_external_key = false;
    std::optional<std::string> management_external_cert, management_client_user, management_client_group;

    // --- one-shot actions
    bool show_version = false, show_help = false, show_ciphers = false, show_digests = false,
         show_tls = false, show_engines = false, show_curves = false, test_crypto = false;
    std::optional<std::vector<std::string>> genkey;

    // --- bookkeeping
    std::vector<Directive> directives; // every accepted line, in order
    std::vector<std::string> ignore_unknown;
    bool forward_compatible = false;

    // given: was option `name` accepted at least once?
    bool given(const std::string& name) const;
    // last: the last accepted directive `name`, or nullptr.
    const Directive* last(const std::string& name) const;
    bool is_server() const { return mode == Mode::Server; }
};

} // namespace ovpn::options
