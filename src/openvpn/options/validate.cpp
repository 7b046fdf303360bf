// options/validate.cpp: option combinations (see validate.hpp). Each check
// function covers one area of 2.6's options_postprocess_verify and adds
// "Options error: ..." sentences to an error list.
#include "openvpn/options/validate.hpp"

#include <cstdlib>
#include <initializer_list>
#include <map>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/pkcs11_used.hpp"
#include "openvpn/options/vlan_pvid.hpp"

namespace ovpn::options {
namespace {

class Errors {
public:
    explicit Errors(std::vector<std::string>& out) : out_(out) {}
    void add(const std::string& msg) { out_.push_back("Options error: " + msg); }
    void require(bool cond, const char* msg)
    {
        if (!cond)
            add(msg);
    }

private:
    std::vector<std::string>& out_;
};

// effective_proto: what 2.6 turns a bare "tcp" into (helpers run first).
std::string effective_proto(const Options& o, const ConnectionEntry& ce)
{
    std::string p = ce.proto;
    if (p == "tcp" || p == "tcp4" || p == "tcp6") {
        const std::string fam = p.substr(3);
        if (o.server || o.server_bridge)
            return "tcp" + fam + "-server";
        if (o.client)
            return "tcp" + fam + "-client";
    }
    return p;
}

void check_ce(const Options& o, const ConnectionEntry& ce, Errors& e)
{
    const std::string proto = effective_proto(o, ce);
    const bool udp = !proto_is_tcp(proto);
    if (proto == "tcp" || proto == "tcp4" || proto == "tcp6")
        e.add("--proto tcp is ambiguous in this context. Please specify --proto tcp-server or --proto "
              "tcp-client");
    if (ce.tun_mtu && ce.link_mtu)
        e.add("only one of --tun-mtu or --link-mtu may be defined");
    if (ce.tun_mtu && *ce.tun_mtu < 100)
        e.add(strfmt("TUN MTU value (%d) must be at least 100", *ce.tun_mtu));
    if (o.given("mtu-test") && !udp)
        e.add("--mtu-test only makes sense with --proto udp");
    if (ce.bind_given && ce.nobind)
        e.add("--bind and --nobind can't be used together");
    if (ce.local && ce.nobind)
        e.add("--local and --nobind don't make sense when used together");
    if (ce.lport && ce.nobind)
        e.add("--lport and --nobind don't make sense when used together");
    if (ce.fragment && !udp)
        e.add("--fragment can only be used with --proto udp");
    if (proto.find("-client") != std::string::npos && ce.remotes.empty())
        e.add("--remote MUST be used in TCP Client mode");
    if (ce.http_proxy && !(proto_is_tcp(proto) && proto.find("-client") != std::string::npos))
        e.add("--http-proxy MUST be used in TCP Client mode (i.e. --proto tcp-client)");
    if (ce.socks_proxy && proto.find("-server") != std::string::npos)
        e.add("--socks-proxy can not be used in TCP Server mode");
    if (proto.find("-server") != std::string::npos && ce.remotes.size() > 1)
        e.add("TCP server mode allows at most one --remote address");
    if (ce.nobind && ce.remotes.empty() && !o.is_server())
        e.add("--nobind doesn't make sense unless used with --remote");
    // Port 0 means "any" for the local side (--lport 0, a server's --port 0);
    // 2.6 also takes it for the remote and then fails every send (EINVAL).
    for (const auto& r : ce.remotes)
        if (r.port.value_or(ce.rport.value_or(ce.port)) == "0")
            e.add(strfmt("--remote %s: remote port 0 cannot be connected to (--lport 0 asks for a random "
                         "local port)",
                         r.host.c_str()));
}

void check_management(const Options& o, Errors& e, Logger& log)
{
    // 2.6 counts the flag options and a --management-log-cache other than
    // its default 250; --management-client-user/-group alone meet the second
    // check instead.
    static const char* const modifiers[] = {"management-query-passwords", "management-query-remote",
                                            "management-query-proxy",     "management-hold",
                                            "management-signal",          "management-forget-disconnect",
                                            "management-up-down",         "management-client",
                                            "management-external-key",    "management-external-cert",
                                            "management-client-auth"};
    bool any = false;
    for (const char* m : modifiers)
        any = any || o.given(m);
    if (const Directive* d = o.last("management-log-cache"))
        any = any || std::atoi(d->args[0].c_str()) != 250;
    if (!o.management && any)
        e.add("--management is not specified, however one or more options which modify the behavior of "
              "--management were specified");
    const bool unix_sock = o.management && (*o.management)[1] == "unix";
    if (!unix_sock && (o.management_client_user || o.management_client_group))
        e.add("--management-client-(user|group) can only be used on unix domain sockets");
    if (o.management && !unix_sock && o.management->size() < 3)
        log.write(Verb::Error, mute::None, Severity::Warning,
                  "WARNING: Using --management on a TCP port WITHOUT passwords is STRONGLY discouraged and "
                  "considered insecure");
}

void check_server_mode(const Options& o, const std::string& dev, Errors& e)
{
    e.require(dev == "tun" || dev == "tap", "--mode server only works with --dev tun or --dev tap");
    e.require(!o.pull, "--pull cannot be used with --mode server");
    e.require(o.tls_server, "--mode server requires --tls-server");
    e.require(o.ce.remotes.empty(), "--remote cannot be used with --mode server");
    e.require(!o.ce.nobind, "--nobind cannot be used with --mode server");
    e.require(!o.ce.http_proxy, "--http-proxy cannot be used with --mode server");
    e.require(!o.ce.socks_proxy, "--socks-proxy cannot be used with --mode server");
    e.require(!o.have_connection_blocks, "<connection> cannot be used with --mode server");
    e.require(!o.shaper, "--shaper cannot be used with --mode server");
    if (o.given("connect-freq") && proto_is_tcp(o.ce.proto))
        e.add("--connect-freq only works with --mode server --proto udp.  Try --max-clients instead.");
    e.require(!o.redirect_gateway && !o.redirect_private,
              "--redirect-gateway cannot be used with --mode server (however --push \"redirect-gateway\" is "
              "fine)");
    e.require(!o.route_delay, "--route-delay cannot be used with --mode server");
    e.require(!o.up_delay, "--up-delay cannot be used with --mode server");
    e.require(!o.ifconfig_ipv6_pool || o.ifconfig_ipv6, "--ifconfig-ipv6-pool needs --ifconfig-ipv6");
    e.require(!o.given("allow-recursive-routing"),
              "--allow-recursive-routing cannot be used with --mode server");
    e.require(
        !o.auth_user_pass,
        "--auth-user-pass cannot be used with --mode server (it should be used on the client side only)");
    e.require(!o.ccd_exclusive || o.client_config_dir,
              "--ccd-exclusive must be used with --client-config-dir");
    e.require(!o.vlan_tagging || dev == "tap", "--vlan-tagging must be used with --dev tap");
    // 2.6 compares with its defaults: "all" and 1 may be given without it
    e.require(o.vlan_tagging || o.vlan_accept.value_or("all") == "all",
              "--vlan-accept requires --vlan-tagging");
    e.require(o.vlan_tagging || vlan_pvid(o) == 1, "--vlan-pvid requires --vlan-tagging");
    e.require(!o.port_share || proto_is_tcp(o.ce.proto),
              "--port-share only works in TCP server mode (--proto values of tcp-server, tcp4-server, or "
              "tcp6-server)");
}

void check_server_only(const Options& o, Errors& e)
{
    struct Rule {
        const char* option;
        const char* msg;
    };
    static const Rule rules[] = {
        {"ifconfig-pool", "--ifconfig-pool/--ifconfig-pool-persist requires --mode server"},
        {"ifconfig-pool-persist", "--ifconfig-pool/--ifconfig-pool-persist requires --mode server"},
        {"ifconfig-ipv6-pool", "--ifconfig-ipv6-pool requires --mode server"},
        {"learn-address", "--learn-address requires --mode server"},
        {"client-connect", "--client-connect requires --mode server"},
        {"client-crresponse", "--client-crresponse requires --mode server"},
        {"client-disconnect", "--client-disconnect requires --mode server"},
        {"client-config-dir", "--client-config-dir/--ccd-exclusive requires --mode server"},
        {"ccd-exclusive", "--client-config-dir/--ccd-exclusive requires --mode server"},
        {"client-to-client", "--client-to-client requires --mode server"},
        {"duplicate-cn", "--duplicate-cn requires --mode server"},
        {"connect-freq", "--connect-freq requires --mode server"},
        {"verify-client-cert", "--verify-client-cert requires --mode server"},
        {"username-as-common-name", "--username-as-common-name requires --mode server"},
        {"auth-user-pass-optional", "--auth-user-pass-optional requires --mode server"},
        {"opt-verify", "--opt-verify requires --mode server"},
        {"auth-user-pass-verify", "--auth-user-pass-verify requires --mode server"},
        {"auth-gen-token", "--auth-gen-token requires --mode server"},
        {"port-share", "--port-share requires TCP server mode (--mode server --proto tcp-server)"},
        {"stale-routes-check", "--stale-routes-check requires --mode server"},
        {"vlan-tagging", "--vlan-tagging requires --mode server"},
        {"force-tls-key-material-export", "--force-tls-key-material-export requires --mode server"},
    };
    std::string last;
    for (const Rule& r : rules)
        if (o.given(r.option) && last != r.msg) {
            e.add(r.msg);
            last = r.msg;
        }
}

void check_tls_required(const Options& o, Errors& e)
{
    struct Field {
        bool set;
        const char* name;
    };
    const ConnectionEntry& ce = o.ce;
    const Field fields[] = {
        {bool(o.ca), "--ca"},
        {bool(o.capath), "--capath"},
        {bool(o.dh), "--dh"},
        {bool(o.cert), "--cert"},
        {bool(o.key), "--key"},
        {bool(o.pkcs12), "--pkcs12"},
        {bool(o.tls_cipher), "--tls-cipher"},
        {bool(o.tls_ciphersuites), "--tls-ciphersuites"},
        {bool(o.tls_cert_profile), "--tls-cert-profile"},
        {bool(o.tls_verify), "--tls-verify"},
        {bool(o.tls_export_cert), "--tls-export-cert"},
        {bool(o.verify_x509_name), "--verify-x509-name"},
        {bool(o.tls_timeout), "--tls-timeout"},
        {bool(o.reneg_bytes), "--reneg-bytes"},
        {bool(o.reneg_pkts), "--reneg-pkts"},
        {bool(o.reneg_sec), "--reneg-sec"},
        {bool(o.hand_window), "--hand-window"},
        {bool(o.tran_window), "--tran-window"},
        {bool(ce.tls_auth), "--tls-auth"},
        {bool(ce.tls_crypt), "--tls-crypt"},
        {bool(ce.tls_crypt_v2), "--tls-crypt-v2"},
        {o.single_session, "--single-session"},
        {o.push_peer_info, "--push-peer-info"},
        {o.tls_exit, "--tls-exit"},
        {bool(o.crl_verify), "--crl-verify"},
        {bool(o.ns_cert_type), "--ns-cert-type"},
        {o.given("remote-cert-ku"), "--remote-cert-ku"},
        {o.given("remote-cert-eku"), "--remote-cert-eku"},
        {pkcs11_used(o), "--pkcs11-providers"},
        {o.given("pkcs11-private-mode"), "--pkcs11-private-mode"},
        {o.given("pkcs11-id"), "--pkcs11-id"},
        {o.given("pkcs11-id-management"), "--pkcs11-id-management"},
        {o.pull, "--pull"},
    };
    for (const Field& f : fields)
        if (f.set)
            e.add(strfmt("Parameter %s can only be specified in TLS-mode, i.e. where --tls-server or "
                         "--tls-client is also specified.",
                         f.name));
}

// check_pkcs11: 2.6's checks when the key is on a token (they take the
// place of every other credential check but the CA's).
void check_pkcs11(const Options& o, Errors& e)
{
    const bool id = o.given("pkcs11-id"), mgmt = o.given("pkcs11-id-management");
    e.require(!(id && mgmt),
              "Parameter --pkcs11-id cannot be used when --pkcs11-id-management is also specified.");
    e.require(id || mgmt, "Parameter --pkcs11-id or --pkcs11-id-management should be specified.");
    e.require(!o.cert, "Parameter --cert cannot be used when --pkcs11-provider is also specified.");
    e.require(!o.key, "Parameter --key cannot be used when --pkcs11-provider is also specified.");
    e.require(!o.management_external_key,
              "Parameter --management-external-key cannot be used when --pkcs11-provider is also specified.");
    e.require(
        !o.management_external_cert,
        "Parameter --management-external-cert cannot be used when --pkcs11-provider is also specified.");
    e.require(!o.pkcs12, "Parameter --pkcs12 cannot be used when --pkcs11-provider is also specified.");
    if (!o.ca && !o.capath && !o.peer_fingerprint)
        e.add("You must define CA file (--ca) or CA path (--capath) and/or peer fingerprint verification "
              "(--peer-fingerprint)");
}

void check_tls_credentials(const Options& o, Errors& e)
{
    if (pkcs11_used(o))
        return check_pkcs11(o, e);
    const bool ext_cert = o.management_external_cert.has_value();
    const bool ext_key = o.management_external_key;
    // 2.6's order: the external key/certificate pairs first; when they
    // decide, the --pkcs12 and --cert/--key checks are not made.
    if (ext_key && o.key) {
        e.add("--key and --management-external-key are mutually exclusive");
    } else if (ext_cert && o.cert) {
        e.add("--cert and --management-external-cert are mutually exclusive");
    } else if (ext_cert && !ext_key) {
        e.add("--management-external-cert must be used with --management-external-key");
    } else if (o.pkcs12 && !ext_cert) {
        e.require(!o.capath, "Parameter --capath cannot be used when --pkcs12 is also specified.");
        e.require(!o.cert, "Parameter --cert cannot be used when --pkcs12 is also specified.");
        e.require(!o.key, "Parameter --key cannot be used when --pkcs12 is also specified.");
        e.require(!ext_key,
                  "Parameter --management-external-key cannot be used when --pkcs12 is also specified.");
        return;
    }
    if (!o.ca && !o.capath && !o.peer_fingerprint)
        e.add("You must define CA file (--ca) or CA path (--capath) and/or peer fingerprint verification "
              "(--peer-fingerprint)");
    if (ext_cert || (ext_key && o.key))
        return;
    if (o.pull) {
        const int sum = (o.cert || ext_cert) + (o.key || ext_key);
        if (sum == 0 && !o.auth_user_pass)
            e.add("No client-side authentication method is specified.  You must use either --cert/--key, "
                  "--pkcs12, or --auth-user-pass");
        else if (sum == 1)
            e.add("If you use one of --cert or --key, you must use them both");
        return;
    }
    if (!o.cert && !ext_cert)
        e.add("You must define certificate file (--cert) or PKCS#12 file (--pkcs12)");
    if (!o.key && !ext_key)
        e.add("You must define private key file (--key) or PKCS#12 file (--pkcs12)");
}

int tls_version_rank(const std::optional<std::string>& v)
{
    return v ? (*v)[2] - '0' + 1 : 0;
}

void check_tls(const Options& o, Errors& e, Logger& log)
{
    if (o.tls_server + o.tls_client + bool(o.secret) > 1)
        e.add("specify only one of --tls-server, --tls-client, or --secret");
    if (!o.tls_server && !o.tls_client) {
        log.write(Verb::Error, "DEPRECATION: No tls-client or tls-server option in configuration detected. "
                               "OpenVPN 2.7 will remove the functionality to run a VPN without TLS. See the "
                               "examples section in the manual page for examples of a similar quick setup "
                               "with peer-fingerprint.");
        check_tls_required(o, e);
    } else {
        check_tls_credentials(o, e);
        const ConnectionEntry& ce = o.ce;
        e.require(!(ce.tls_auth && ce.tls_crypt), "--tls-auth and --tls-crypt are mutually exclusive");
        if (o.tls_client && ce.tls_crypt_v2 && (ce.tls_auth || ce.tls_crypt))
            e.add("--tls-crypt-v2, --tls-auth and --tls-crypt are mutually exclusive in client mode");
        if (o.tls_server && !o.dh)
            e.add("You must define DH file (--dh)");
        // a client's --dh: options/startup_warnings.hpp
    }
    const int vmax = tls_version_rank(o.tls_version_max);
    if (vmax > 0 && vmax < tls_version_rank(o.tls_version_min))
        e.add("--tls-version-min bigger than --tls-version-max");
    if (o.auth_user_pass && !o.pull)
        e.add("--auth-user-pass requires --pull");
    if (o.verify_client_cert && *o.verify_client_cert != "require")
        log.write(Verb::Error, "WARNING: POTENTIALLY DANGEROUS OPTION --verify-client-cert none|optional may "
                               "accept clients which do not present a certificate");
}

// check_dns: every --dns server has an address (2.6's dns_options_verify,
// which names the lowest priority first).
void check_dns(const Options& o, Errors& e)
{
    std::map<long, std::size_t> addresses;
    for (const auto& d : o.dns)
        if (d.size() > 3 && d[0] == "server")
            addresses[std::strtol(d[1].c_str(), nullptr, 10)] += d[2] == "address" ? d.size() - 3 : 0;
    for (const auto& [priority, n] : addresses)
        if (n == 0) {
            e.add(strfmt("ERROR: dns server %ld does not have an address assigned", priority));
            return;
        }
}

void check_misc(const Options& o, const std::string& dev, Errors& e)
{
    check_dns(o, e);
    if (o.lladdr && dev != "tap")
        e.add("--lladdr can only be used in --dev tap mode");
    if (o.replay_window && o.no_replay)
        e.add("--replay-window doesn't make sense when replay protection is disabled with --no-replay");
    if (o.config && *o.config == "stdin" && o.given("remap-usr1") &&
        o.last("remap-usr1")->args[0] == "SIGHUP")
        e.add("Options 'config stdin' and 'remap-usr1 SIGHUP' are incompatible with each other.");
}

} // namespace

std::vector<std::string> check_options(const Options& o, Logger& log)
{
    std::vector<std::string> out;
    Errors e(out);
    // --test-crypto needs the key instead of a device; 2.6 checks the rest
    // as for a start.
    if (o.test_crypto)
        e.require(o.secret.has_value(), "You must define key file (--secret)");
    else if (!o.dev)
        e.add("You must define TUN/TAP device (--dev)");
    const std::string dev = effective_dev_type(o);
    if (o.dev && dev.empty())
        e.add(strfmt("Cannot detect the device type of '%s': use --dev-type tun|tap|null", o.dev->c_str()));
    check_misc(o, dev, e);
    for (const auto& ce : o.connections)
        check_ce(o, ce, e);
    if (o.connections.empty()) // one-shot actions (--test-crypto) skip finalize's list
        check_ce(o, o.ce, e);
    check_management(o, e, log);
    if (o.is_server())
        check_server_mode(o, dev, e);
    else
        check_server_only(o, e);
    check_tls(o, e, log);
    return out;
}

std::vector<std::string> validate(const Options& o, Logger& log, ValidateFlags flags)
{
    std::vector<std::string> out = check_options(o, log);
    for (auto& s : check_ciphers(o))
        out.push_back(std::move(s));
    if (flags.check_files)
        for (auto& s : check_files(o))
            out.push_back(std::move(s));
    return out;
}

} // namespace ovpn::options
