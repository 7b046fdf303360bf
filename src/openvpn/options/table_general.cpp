// options/table_general.cpp: process, logging, management, scripts, plugins,
// one-shot actions and the Windows-only names.
#include <algorithm>

#include "openvpn/options/handlers.hpp"
#include "openvpn/options/management_options.hpp"
#include "openvpn/options/parser.hpp"

namespace ovpn::options {
namespace {
using namespace h;
using O = Options;

Status<> h_config(Ctx& c, Args a)
{
    if (!c.o.config)
        c.o.config = a[0];
    return c.parser ? c.parser->include_file(a[0], c.at) : Ok{};
}

Status<> h_setenv(Ctx& c, Args a)
{
    if (a[0] == "FORWARD_COMPATIBLE" && a.size() > 1 && a[1] == "1")
        c.o.forward_compatible = true;
    c.o.setenv.emplace_back(a[0], a.size() > 1 ? a[1] : "");
    return Ok{};
}

// h_setenv_safe: --setenv with "OPENVPN_" before the name (2.6's
// setenv_str_safe); a server may push it.
Status<> h_setenv_safe(Ctx& c, Args a)
{
    c.o.setenv.emplace_back("OPENVPN_" + a[0], a.size() > 1 ? a[1] : "");
    return Ok{};
}

Status<> h_ignore_unknown(Ctx& c, Args a)
{
    for (const auto& n : a)
        c.o.ignore_unknown.push_back(n.rfind("--", 0) == 0 ? n.substr(2) : n);
    return Ok{};
}

Status<> h_help(Ctx& c, Args a)
{
    if (!a.empty())
        return fail("--help does not accept any parameters");
    c.o.show_help = true;
    return Ok{};
}

Status<> h_verb(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 1000);
    if (!v)
        return Err{v.error()};
    c.o.verb = std::min(*v, 11);
    return Ok{};
}

Status<> h_daemon(Ctx& c, Args a)
{
    c.o.daemon = true;
    if (!a.empty())
        c.o.daemon_name = a[0];
    return Ok{};
}

Status<> h_syslog(Ctx& c, Args)
{
    c.o.syslog = true;
    return Ok{};
}

Status<> h_status(Ctx& c, Args a)
{
    c.o.status = a[0];
    if (a.size() > 1) {
        auto v = parse_int(a[1], 1, 1 << 30);
        if (!v)
            return Err{v.error()};
        c.o.status_interval = *v;
    }
    return Ok{};
}

Status<> h_status_version(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 1, 3);
    if (!v)
        return fail("--status-version must be 1 to 3");
    c.o.status_version = *v;
    return Ok{};
}

Status<> h_management(Ctx& c, Args a)
{
    std::vector<std::string> v(a.begin(), a.end());
    if (a[1] != "unix") {
        auto port = port_number(a[1]);
        if (!port)
            return Err{port.error()};
        v[1] = *port;
    }
    c.o.management = std::move(v);
    return Ok{};
}

Status<> h_script_security(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 3);
    if (!v)
        return fail("--script-security must be 0 to 3");
    c.o.script_security = *v;
    return Ok{};
}

Status<> h_remap_usr1(Ctx&, Args a)
{
    return one_of(a[0], {"SIGHUP", "SIGTERM"}, "remap-usr1");
}

Status<> h_genkey(Ctx& c, Args a)
{
    c.o.genkey = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

// joined: a script command as given (program and its arguments).
template <auto M> Status<> script(Ctx& c, Args a)
{
    std::string cmd;
    for (const auto& s : a)
        cmd += (cmd.empty() ? "" : " ") + s;
    c.o.*M = cmd;
    return Ok{};
}

Status<> h_compat_mode(Ctx&, Args a)
{
    unsigned x = 0, y = 0, z = 0;
    char extra = 0;
    if (std::sscanf(a[0].c_str(), "%u.%u.%u%c", &x, &y, &z, &extra) != 3)
        return fail("cannot parse version number for --compat-mode: %s", a[0].c_str());
    return Ok{};
}

Status<> h_cert_not_required(Ctx&, Args)
{
    return fail("REMOVED OPTION: --client-cert-not-required, use '--verify-client-cert none' instead");
}

Status<> h_removed_25(Ctx& c, Args)
{
    return fail("--%s was removed in OpenVPN 2.5. Update your configuration.", std::string(c.name).c_str());
}

Status<> h_opt_verify(Ctx& c, Args)
{
    c.log.write(Verb::Info, "DEPRECATION: opt-verify is deprecated and will be removed in OpenVPN 2.7");
    return Ok{};
}

Status<> h_prng(Ctx& c, Args)
{
    warn(c, "NOTICE: --prng option ignored (SSL library PRNG is used)");
    return Ok{};
}

Status<> h_max_routes(Ctx& c, Args)
{
    warn(c, "DEPRECATED OPTION: --max-routes option ignored. The number of routes is unlimited as of "
            "OpenVPN 2.4. This option will be removed in a future version, please remove it from your "
            "configuration.");
    return Ok{};
}

Status<> h_tun_ipv6(Ctx& c, Args)
{
    if (!c.pulled())
        warn(c, "Note: option tun-ipv6 is ignored because modern operating systems do not need special "
                "IPv6 tun handling anymore.");
    return Ok{};
}

constexpr std::uint8_t W = F_WINDOWS;

const OptionSpec kTable[] = {
    // --- configuration and process
    {"config", 1, 1, P_CONFIG, Dco::Ok, 0, h_config, "file",
     "Read options from file (nested up to 10 deep)."},
    {"setenv", 1, 2, P_GENERAL, Dco::Ok, 0, h_setenv, "name value",
     "Set an environment variable for scripts; 'setenv opt ...' makes the rest of the line optional."},
    {"setenv-safe", 1, 2, P_SETENV, Dco::Ok, 0, h_setenv_safe, "name value",
     "Like --setenv, but the variable name is prefixed with OPENVPN_."},
    {"ignore-unknown-option", 1, kAny, P_GENERAL, Dco::Ok, 0, h_ignore_unknown, "opt...",
     "Only warn when one of the named options is not known to this build."},
    {"help", 0, kAny, P_GENERAL, Dco::Ok, 0, h_help, "", "Print the list of options and exit."},
    {"version", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_version>, "", "Print the version and exit."},
    {"cd", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::cd>, "dir", "Change to dir before reading further files."},
    {"chroot", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::chroot>, "dir", "chroot into dir after initialization."},
    {"setcon", 1, 1, P_GENERAL, Dco::Ok, F_ABSENT, keep, "context",
     "Switch SELinux context after initialization (not built on Debian)."},
    {"writepid", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::writepid>, "file", "Write the process id to file."},
    {"user", 1, 1, P_GENERAL, Dco::Conditional, 0, str<&O::user>, "user",
     "Drop privileges to user after start-up; needs CAP_SETPCAP to keep DCO."},
    {"group", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::group>, "group",
     "Drop privileges to group after start-up."},
    {"daemon", 0, 1, P_GENERAL, Dco::Ok, 0, h_daemon, "[name]", "Detach and run in the background."},
    {"mlock", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::mlock>, "", "Lock all memory so keys are never swapped."},
    {"nice", 1, 1, P_NICE, Dco::Ok, 0, num<&O::nice, -20, 19>, "n", "Change the process priority."},
    {"tmp-dir", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::tmp_dir>, "dir", "Directory for temporary files."},
    {"remap-usr1", 1, 1, P_GENERAL, Dco::Ok, 0, h_remap_usr1, "signal",
     "Treat SIGUSR1 as SIGHUP or SIGTERM."},
    {"disable-dco", 0, kAny, P_GENERAL, Dco::Blocks, 0, flag<&O::disable_dco>, "",
     "Never use the kernel data channel offload."},
    {"compat-mode", 1, 2, P_ANY, Dco::Ok, 0, h_compat_mode, "version",
     "Behave like the given older OpenVPN version where defaults changed."},
    {"fast-io", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Write UDP packets without waiting for poll (no-op here)."},
    {"echo", 0, kAny, P_ECHO, Dco::Ok, 0, keep, "[text]", "Log text (management GUIs use it)."},
    {"parameter", 0, kAny, P_ECHO, Dco::Ok, 0, keep, "[text]",
     "Like --echo, passed to the management client."},
    {"gremlin", 1, 1, P_GENERAL, Dco::Ok, F_INTERNAL, keep, "n", "Debug: simulate network trouble."},
    {"memstats", 1, 1, P_GENERAL, Dco::Ok, F_INTERNAL, keep, "file", "Debug: write memory statistics."},
    {"show-gateway", 0, 1, P_GENERAL, Dco::Ok, 0, keep, "[v6-target]", "Show the default gateway and exit."},
    {"test-crypto", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::test_crypto>, "",
     "Self-test: encrypt and decrypt packets of every length up to the frame size with the --secret key "
     "and --cipher/--auth (any data-channel cipher mode), then exit."},
    {"genkey", 0, 3, P_GENERAL, Dco::Ok, 0, h_genkey, "type [file]",
     "Write a new key: secret, tls-auth, tls-crypt, tls-crypt-v2-server, tls-crypt-v2-client, auth-token."},
    {"show-ciphers", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_ciphers>, "",
     "List the data channel ciphers and exit."},
    {"show-digests", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_digests>, "",
     "List the HMAC digests and exit."},
    {"show-engines", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_engines>, "",
     "List crypto engines and exit."},
    {"show-tls", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_tls>, "", "List the TLS cipher suites and exit."},
    {"show-curves", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_curves>, "", "Old name of --show-groups."},
    {"show-groups", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::show_curves>, "",
     "List the TLS key exchange groups and exit."},

    // --- logging
    {"verb", 1, 1, P_MESSAGES, Dco::Ok, 0, h_verb, "n",
     "Log verbosity, 0 (quiet) to 11; 3 is a good default."},
    {"mute", 1, 1, P_MESSAGES, Dco::Ok, 0, num<&O::mute, 0, 1 << 30>, "n",
     "Log at most n messages in a row of one category."},
    {"errors-to-stderr", 0, 0, P_MESSAGES, Dco::Ok, 0, flag<&O::errors_to_stderr>, "",
     "Also print errors to stderr when logging to a file."},
    {"log", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::log>, "file", "Log to file, truncating it."},
    {"log-append", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::log_append>, "file", "Log to file, appending."},
    {"syslog", 0, 1, P_GENERAL, Dco::Ok, 0, h_syslog, "[name]", "Log to syslog under name."},
    {"suppress-timestamps", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::suppress_timestamps>, "",
     "Leave the timestamp off log lines."},
    {"machine-readable-output", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::machine_readable_output>, "",
     "Log lines with a timestamp and a level flag, for programs."},
    {"status", 1, 2, P_GENERAL, Dco::Ok, 0, h_status, "file [n]",
     "Write connection status to file every n s."},
    {"status-version", 1, 1, P_GENERAL, Dco::Ok, 0, h_status_version, "n", "Status file format 1, 2 or 3."},
    {"mute-replay-warnings", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::mute_replay_warnings>, "",
     "Do not log replayed or reordered packets."},

    // --- management interface
    {"management", 2, 3, P_GENERAL, Dco::Ok, 0, h_management, "ip port|path unix [pwfile]",
     "Open the management interface on a TCP port or a unix socket."},
    {"management-client-user", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::management_client_user>, "user",
     "Only this user may connect to the unix management socket."},
    {"management-client-group", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::management_client_group>, "group",
     "Only this group may connect to the unix management socket."},
    {"management-query-passwords", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::management_query_passwords>, "",
     "Ask the management client for passwords."},
    {"management-query-remote", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Let the management client pick each --remote."},
    {"management-query-proxy", 0, 0, P_GENERAL, Dco::Blocks, 0, flag<&O::management_query_proxy>, "",
     "Let the management client supply a proxy; disables DCO."},
    {"management-hold", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::management_hold>, "",
     "Wait for a 'hold release' from the management client before starting."},
    {"management-signal", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Send SIGUSR1 to ourselves when the management client disconnects."},
    {"management-forget-disconnect", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Forget passwords when the management client disconnects."},
    {"management-up-down", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Report tunnel up/down to the management client."},
    {"management-client", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Connect out to the management address instead of listening."},
    {"management-external-key", 0, kAny, P_GENERAL, Dco::Ok, 0, management_external_key, "[flags]",
     "Let the management client sign with the private key."},
    {"management-external-cert", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::management_external_cert>, "hint",
     "Ask the management client for the certificate."},
    {"management-client-auth", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::management_client_auth>, "",
     "Let the management client authenticate connecting clients."},
    {"management-log-cache", 1, 1, P_GENERAL, Dco::Ok, 0, management_log_cache, "n",
     "Keep the last n log lines for the management client."},
    {"http-proxy-override", 2, 3, P_GENERAL, Dco::Blocks, F_INTERNAL, keep, "host port [flags]",
     "Connect through this HTTP proxy instead of the configured one (TCP client entries; UDP ones are "
     "left out), as 2.6, which a management GUI passes on the command line."},

    // --- scripts and plugins
    {"script-security", 1, 1, P_GENERAL, Dco::Ok, 0, h_script_security, "level",
     "0: no external programs; 1: built-ins only; 2: scripts; 3: passwords via env."},
    {"up", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::up>, "cmd", "Run cmd after the device opens."},
    {"down", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::down>, "cmd", "Run cmd after the device closes."},
    {"down-pre", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::down_pre>, "", "Run --down before the device closes."},
    {"up-delay", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::up_delay>, "",
     "Open the device and run --up only once the connection is up (--secret: once the peer's first "
     "authenticated packet arrives; it is pinged meanwhile)."},
    {"up-restart", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::up_restart>, "",
     "Also run --up/--down on restarts."},
    {"ipchange", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::ipchange>, "cmd",
     "Run cmd when the peer's address changes."},
    {"route-up", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::route_up>, "cmd",
     "Run cmd after routes are added."},
    {"route-pre-down", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::route_pre_down>, "cmd",
     "Run cmd before routes are removed."},
    {"tls-verify", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::tls_verify>, "cmd",
     "Run cmd for each certificate of the peer's chain."},
    {"tls-export-cert", 1, 1, P_SCRIPT, Dco::Ok, 0, str<&O::tls_export_cert>, "dir",
     "Write the peer's certificate to dir for --tls-verify."},
    {"client-connect", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::client_connect>, "cmd",
     "Server: run cmd when a client connects; it may return options."},
    {"client-disconnect", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::client_disconnect>, "cmd",
     "Server: run cmd when a client disconnects."},
    {"client-crresponse", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::client_crresponse>, "cmd",
     "Server: run cmd when a client sends CR_RESPONSE,answer (its answer to a CR_TEXT challenge, from the "
     "client's management cr-response). The answer is in a temporary file (mode 0600, in --tmp-dir) named by "
     "the last argument, never in the environment; the environment has the client's common_name, username, "
     "untrusted_ip/port and the pending key's auth_control_file, so the script may decide a deferred "
     "authentication. A failing script refuses the client (AUTH_FAILED). Plugins get the answer at "
     "CLIENT_CRRESPONSE in the variable crresponse. Needs --mode server."},
    {"learn-address", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::learn_address>, "cmd",
     "Server: run cmd when a client address is added or removed."},
    {"auth-user-pass-verify", 1, kAny, P_SCRIPT, Dco::Ok, 0, script<&O::auth_user_pass_verify>,
     "cmd via-env|via-file",
     "Server: check client user names and passwords with cmd. Exit status 0 accepts, 2 defers the decision "
     "(see "
     "DEFERRED AUTHENTICATION in the man page), anything else refuses. The password reaches the environment "
     "(via-env) only with --script-security 3."},
    {"plugin", 1, kAny, P_PLUGIN, Dco::Ok, 0, append<&O::plugins>, "module [args]", "Load a plugin module."},

    // --- deprecated and removed
    {"client-cert-not-required", 0, 0, P_GENERAL, Dco::Ok, F_DEPRECATED, h_cert_not_required, "",
     "Removed: use --verify-client-cert none."},
    {"compat-names", 0, kAny, P_GENERAL, Dco::Ok, F_DEPRECATED, h_removed_25, "", "Removed in 2.5."},
    {"no-name-remapping", 0, 0, P_GENERAL, Dco::Ok, F_DEPRECATED, h_removed_25, "", "Removed in 2.5."},
    {"opt-verify", 0, 0, P_GENERAL, Dco::Ok, F_DEPRECATED, h_opt_verify, "",
     "Deprecated: refuse peers whose options differ."},
    {"prng", 1, 2, P_GENERAL, Dco::Ok, F_DEPRECATED, h_prng, "alg [nsl]",
     "Ignored; the SSL library's PRNG is used."},
    {"max-routes", 0, 1, P_GENERAL, Dco::Ok, F_DEPRECATED, h_max_routes, "n",
     "Ignored; routes are unlimited."},
    {"tun-ipv6", 0, 0, P_UP, Dco::Ok, F_DEPRECATED, h_tun_ipv6, "", "Ignored; IPv6 needs no switch."},

    // --- Windows only (unknown on Linux, as in 2.6)
    {"windows-driver", 1, 1, P_GENERAL, Dco::Ok, W, keep, "driver",
     "Windows: choose the virtual adapter driver."},
    {"win-sys", 1, 1, P_GENERAL, Dco::Ok, W, keep, "path", "Windows: system directory."},
    {"ip-win32", 1, 3, P_DHCPDNS, Dco::Ok, W, keep, "method", "Windows: how to set the adapter address."},
    {"show-adapters", 0, 0, P_GENERAL, Dco::Ok, W, keep, "", "Windows: list adapters."},
    {"show-net", 0, 0, P_GENERAL, Dco::Ok, W, keep, "", "Windows: show routes and adapters."},
    {"show-net-up", 0, 0, P_UP, Dco::Ok, W, keep, "", "Windows: show the network once up."},
    {"tap-sleep", 1, 1, P_DHCPDNS, Dco::Ok, W, keep, "n", "Windows: wait n s after opening the adapter."},
    {"dhcp-renew", 0, 0, P_DHCPDNS, Dco::Ok, W, keep, "", "Windows: renew the DHCP lease."},
    {"dhcp-pre-release", 0, 0, P_DHCPDNS, Dco::Ok, W, keep, "", "Windows: release DHCP before start."},
    {"dhcp-release", 0, 0, P_DHCPDNS, Dco::Ok, W, keep, "", "Windows: obsolete, on by default."},
    {"dhcp-internal", 1, 1, P_GENERAL, Dco::Ok, W | F_INTERNAL, keep, "n", "Windows: internal."},
    {"register-dns", 0, 0, P_DHCPDNS, Dco::Ok, W, keep, "", "Windows: register the adapter in DNS."},
    {"block-outside-dns", 0, 0, P_DHCPDNS, Dco::Ok, W, keep, "", "Windows: block DNS outside the tunnel."},
    {"rdns-internal", 0, 0, P_GENERAL, Dco::Ok, W | F_INTERNAL, keep, "", "Windows: internal."},
    {"show-valid-subnets", 0, 0, P_GENERAL, Dco::Ok, W, keep, "", "Windows: list usable subnets."},
    {"pause-exit", 0, 0, P_GENERAL, Dco::Ok, W, keep, "", "Windows: wait for a key before exiting."},
    {"service", 1, 2, P_GENERAL, Dco::Ok, W, keep, "event [0|1]", "Windows: run as a service."},
    {"allow-nonadmin", 0, 1, P_GENERAL, Dco::Ok, W, keep, "[adapter]",
     "Windows: let users open the adapter."},
    {"cryptoapicert", 1, 1, P_GENERAL, Dco::Ok, W, keep, "select",
     "Windows: take the key from the cert store."},
    {"msg-channel", 1, kAny, P_GENERAL, Dco::Ok, W | F_INTERNAL, keep, "handle", "Windows: internal."},
    {"iproute", 1, 1, P_GENERAL, Dco::Ok, F_ABSENT, keep, "cmd",
     "Use cmd instead of ip (not built on Debian)."},
    {"use-prediction-resistance", 0, 0, P_GENERAL, Dco::Ok, F_ABSENT, keep, "",
     "mbed TLS only (not built on Debian)."},
};

} // namespace

std::span<const OptionSpec> general_options()
{
    return kTable;
}

} // namespace ovpn::options
