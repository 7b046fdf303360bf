// options/table_network.cpp: device, transport and <connection> options,
// MTU, proxies, timers, routes and DNS.
#include "openvpn/options/handlers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdlib>

#include "openvpn/options/parser.hpp"

namespace ovpn::options {
namespace {
using namespace h;
using O = Options;
using CE = ConnectionEntry;

Status<> h_dev_type(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"tun", "tap", "null"}, "dev-type");
    if (st)
        c.o.dev_type = a[0];
    return st;
}

Status<> h_topology(Ctx& c, Args a)
{
    if (a[0] == "net30")
        c.o.topology = Topology::Net30;
    else if (a[0] == "p2p")
        c.o.topology = Topology::P2P;
    else if (a[0] == "subnet")
        c.o.topology = Topology::Subnet;
    else
        return fail("Bad topology type: '%s'. Valid topologies are net30, p2p, subnet", a[0].c_str());
    return Ok{};
}

template <auto M> Status<> pair(Ctx& c, Args a)
{
    c.o.*M = std::make_pair(a[0], a[1]);
    return Ok{};
}

bool known_proto(const std::string& p)
{
    for (const char* n : {"udp", "udp4", "udp6", "tcp", "tcp4", "tcp6", "tcp-server", "tcp4-server",
                          "tcp6-server", "tcp-client", "tcp4-client", "tcp6-client"})
        if (p == n)
            return true;
    return false;
}

Status<> bad_proto(const std::string& p)
{
    return fail("Bad protocol: '%s'. Allowed protocols with --proto option: udp tcp-server tcp-client "
                "udp4 tcp4-server tcp4-client udp6 tcp6-server tcp6-client",
                p.c_str());
}

Status<> h_proto(Ctx& c, Args a)
{
    if (!known_proto(a[0]))
        return bad_proto(a[0]);
    c.ce.proto = a[0];
    return Ok{};
}

Status<> h_proto_force(Ctx&, Args a)
{
    if (a[0] != "udp" && a[0] != "tcp")
        return fail("Bad --proto-force protocol: '%s'", a[0].c_str());
    return Ok{};
}

Status<> h_remote(Ctx& c, Args a)
{
    RemoteEntry r{a[0], {}, {}};
    if (a.size() > 1) {
        auto port = port_number(a[1]);
        if (!port)
            return fail("--remote %s: %s", a[0].c_str(), port.error().c_str());
        r.port = *port;
    }
    if (a.size() > 2) {
        if (!known_proto(a[2]))
            return bad_proto(a[2]);
        r.proto = a[2];
    }
    c.ce.remotes.push_back(std::move(r));
    if (c.ce.remotes.size() == 1 && c.ce.origin.file.empty())
        c.ce.origin = c.at;
    return Ok{};
}

template <auto M> Status<> ce_port(Ctx& c, Args a)
{
    auto port = port_number(a[0]);
    if (!port)
        return fail("Bad port number: %s", a[0].c_str());
    c.ce.*M = *port;
    return Ok{};
}

Status<> h_bind(Ctx& c, Args a)
{
    if (!a.empty() && a[0] != "ipv6only")
        return fail("--bind only accepts 'ipv6only', not '%s'", a[0].c_str());
    c.ce.bind_local = true;
    c.ce.bind_given = true;
    return Ok{};
}

Status<> h_nobind(Ctx& c, Args)
{
    c.ce.bind_local = false;
    c.ce.nobind = true;
    return Ok{};
}

Status<> h_connection(Ctx& c, Args a)
{
    if (!c.is_inline)
        return fail("--connection is only allowed as an inline <connection> block");
    return c.parser ? c.parser->connection_block(a[0], c.at) : Ok{};
}

Status<> h_connect_retry(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 1 << 30);
    if (!v)
        return Err{v.error()};
    c.ce.connect_retry = *v;
    if (a.size() > 1) {
        auto m = parse_int(a[1], 0, 1 << 30);
        if (!m)
            return Err{m.error()};
        c.ce.connect_retry_max_backoff = *m;
    }
    return Ok{};
}

Status<> h_fragment(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 65535);
    if (!v)
        return Err{v.error()};
    if (*v < 68)
        return fail("--fragment needs to be at least 68");
    if (a.size() > 1 && a[1] != "mtu")
        return fail("Unknown parameter to --fragment: %s", a[1].c_str());
    c.ce.fragment = *v;
    return Ok{};
}

Status<> h_mssfix(Ctx& c, Args a)
{
    if (!a.empty()) {
        auto v = parse_int(a[0], 0, 65535);
        if (!v)
            return Err{v.error()};
    }
    if (a.size() > 1 && a[1] != "mtu" && a[1] != "fixed")
        return fail("Unknown parameter to --mssfix: %s", a[1].c_str());
    c.ce.mssfix = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_tun_mtu(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 1, 65535);
    if (!v)
        return Err{v.error()};
    c.ce.tun_mtu = *v;
    return Ok{};
}

// h_socket_flags: 2.6 knows one flag, TCP_NODELAY (which this build sets
// on every TCP link socket anyway).
Status<> h_socket_flags(Ctx&, Args a)
{
    for (const auto& f : a)
        if (f != "TCP_NODELAY")
            return Err{strfmt("unknown socket flag: %s", f.c_str())};
    return Ok{};
}

Status<> h_mtu_disc(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"no", "maybe", "yes"}, "mtu-disc");
    if (st)
        c.ce.mtu_disc = a[0];
    return st;
}

// dns_port: the optional port of a --dns server address, 1..65535.
bool dns_port(const std::string& s)
{
    auto v = parse_int(s, 1, 65535);
    return v.ok() && s.find_first_not_of("0123456789") == std::string::npos;
}

// dns_address_ok: 2.6's forms: a.b.c.d, a.b.c.d:port, an IPv6 address, or
// [IPv6]:port; numeric only.
bool dns_address_ok(const std::string& addr)
{
    const auto first = addr.find(':');
    const auto last = addr.rfind(':');
    std::string host = addr;
    int family = AF_INET;
    if (first == std::string::npos || first == last) {
        if (last != std::string::npos) {
            if (last == 0 || !dns_port(addr.substr(last + 1)))
                return false;
            host = addr.substr(0, last);
        }
    } else {
        family = AF_INET6;
        if (addr[0] == '[') {
            if (last < 2 || addr[last - 1] != ']' || last - 1 == 1 || !dns_port(addr.substr(last + 1)))
                return false;
            host = addr.substr(1, last - 2);
        }
    }
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(family, host.c_str(), buf) == 1;
}

// dns_address_count: addresses already given for one --dns server priority.
std::size_t dns_address_count(const Options& o, long priority)
{
    std::size_t n = 0;
    for (const auto& d : o.dns)
        if (d.size() > 3 && d[0] == "server" && d[2] == "address" &&
            std::strtol(d[1].c_str(), nullptr, 10) == priority)
            n += d.size() - 3;
    return n;
}

Status<> h_dns_server(Ctx& c, Args a)
{
    const long lo = c.pulled() ? 0 : -128;
    auto prio = parse_int(a[1], lo, 127);
    if (!prio)
        return fail("--dns server: invalid priority value '%s'", a[1].c_str());
    const long p = *prio;
    const std::string& what = a[2];
    if (what == "address") {
        std::size_t count = dns_address_count(c.o, p);
        for (std::size_t i = 3; i < a.size(); ++i)
            if (!dns_address_ok(a[i]) || ++count > 8)
                return fail("--dns server %ld: malformed address or maximum exceeded '%s'", p, a[i].c_str());
        return Ok{};
    }
    if (what == "resolve-domains")
        return Ok{};
    if (a.size() == 4 && what == "dnssec" && (a[3] == "yes" || a[3] == "no" || a[3] == "optional"))
        return Ok{};
    if (a.size() == 4 && what == "dnssec")
        return fail("--dns server %ld: malformed dnssec value '%s'", p, a[3].c_str());
    if (a.size() == 4 && what == "transport" && (a[3] == "plain" || a[3] == "DoH" || a[3] == "DoT"))
        return Ok{};
    if (a.size() == 4 && what == "transport")
        return fail("--dns server %ld: malformed transport value '%s'", p, a[3].c_str());
    if (a.size() == 4 && what == "sni")
        return Ok{};
    return fail("--dns server %ld: unknown option type '%s' or missing or unknown parameter", p,
                what.c_str());
}

// h_dns: --dns, checked as 2.6 checks it; the words are kept as given.
Status<> h_dns(Ctx& c, Args a)
{
    Status<> st = Ok{};
    if (a[0] == "server" && a.size() >= 4)
        st = h_dns_server(c, a);
    else if (a[0] != "search-domains" || a.size() < 2)
        st = fail("--dns: unknown option type '%s' or missing or unknown parameter", a[0].c_str());
    if (st)
        c.o.dns.emplace_back(a.begin(), a.end());
    return st;
}

Status<> h_mtu_dynamic(Ctx&, Args)
{
    return fail("--mtu-dynamic has been replaced by --fragment");
}

template <auto M> Status<> proxy(Ctx& c, Args a)
{
    ProxySpec p{a[0], "", {}};
    if (a.size() > 1) {
        // Port 0 is never reachable: 2.6 takes it and fails every connect.
        auto port = port_number(a[1]);
        if (!port || *port == "0")
            return fail("Bad proxy port number: %s", a[1].c_str());
        p.port = *port;
    } else if (M == &CE::http_proxy) {
        return fail("http-proxy port number not defined");
    } else {
        p.port = "1080";
    }
    p.extra.assign(a.begin() + std::min<std::size_t>(2, a.size()), a.end());
    c.ce.*M = std::move(p);
    return Ok{};
}

Status<> h_proxy_option(Ctx& c, Args a)
{
    c.ce.http_proxy_options.emplace_back(a.begin(), a.end());
    return Ok{};
}

Status<> h_proxy_deprecated(Ctx& c, Args)
{
    warn(c,
         "DEPRECATED OPTION: %s: In OpenVPN 2.4 proxy connection retries and timeouts are handled "
         "like regular connections. Use connect-retry-max and connect-timeout instead.",
         std::string(c.name).c_str());
    return Ok{};
}

Status<> h_keepalive(Ctx& c, Args a)
{
    auto p = parse_int(a[0], 0, 1 << 30);
    auto t = parse_int(a[1], 0, 1 << 30);
    if (!p || !t)
        return fail("--keepalive parameters must be numbers");
    c.o.keepalive = std::make_pair(*p, *t);
    return Ok{};
}

Status<> h_explicit_exit(Ctx& c, Args a)
{
    int n = 1;
    if (!a.empty()) {
        auto v = parse_int(a[0], 0, 1 << 20);
        if (!v)
            return Err{v.error()};
        n = *v;
    }
    c.ce.explicit_exit_notify = n;
    return Ok{};
}

Status<> h_inactive(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 1 << 30);
    if (!v)
        return Err{v.error()};
    c.o.inactive = *v;
    c.o.inactive_bytes = 0;
    if (a.size() > 1) {
        auto b = parse_int(a[1], 0, 1 << 30);
        if (!b)
            return Err{b.error()};
        c.o.inactive_bytes = *b;
    }
    return Ok{};
}

Status<> h_route(Ctx& c, Args a)
{
    c.o.routes.push_back(Route{std::vector<std::string>(a.begin(), a.end())});
    return Ok{};
}

Status<> h_route6(Ctx& c, Args a)
{
    c.o.routes_ipv6.push_back(Route{std::vector<std::string>(a.begin(), a.end())});
    return Ok{};
}

Status<> h_pull_filter(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"accept", "ignore", "reject"}, "pull-filter");
    if (st)
        c.o.pull_filters.emplace_back(a.begin(), a.end());
    return st;
}

Status<> h_client_nat(Ctx& c, Args a)
{
    if (a[0] != "snat" && a[0] != "dnat")
        return fail("client-nat: type must be 'snat' or 'dnat'");
    // 2.6's checks and words (clinat.c): numeric IPv4, inet_aton's forms
    // ("1.2.3" is 1.2.0.3); data::parse_client_nat reads them the same way
    static const char* const kWhat[] = {"network", "netmask", "foreign network"};
    for (std::size_t i = 1; i < 4; ++i) {
        in_addr addr{};
        if (::inet_aton(a[i].c_str(), &addr) == 0)
            return fail("client-nat: bad %s: %s", kWhat[i - 1], a[i].c_str());
    }
    c.o.client_nat.emplace_back(a.begin(), a.end());
    return Ok{};
}

Status<> h_mark(Ctx&, Args a)
{
    auto v = parse_int(a[0], 0, 0x7fffffff);
    return v ? Status<>(Ok{}) : Status<>(Err{v.error()});
}

Status<> h_resolv_retry(Ctx& c, Args a)
{
    if (a[0] != "infinite") {
        auto v = parse_int(a[0], 0, 1 << 30);
        if (!v)
            return Err{v.error()};
    }
    c.o.resolv_retry = a[0];
    return Ok{};
}

const OptionSpec kTable[] = {
    // --- device
    {"dev", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::dev>, "tun|tap|name",
     "The virtual device: tun (layer 3), tap (layer 2), or a name starting with either."},
    {"dev-type", 1, 1, P_GENERAL, Dco::Conditional, 0, h_dev_type, "tun|tap|null",
     "Device type when --dev is a custom name; DCO needs tun."},
    {"dev-node", 1, 1, P_GENERAL, Dco::NoEffect, 0, str<&O::dev_node>, "node",
     "Path of the tun clone device; ignored under DCO."},
    {"lladdr", 1, 1, P_UP, Dco::Ok, 0, str<&O::lladdr>, "mac", "Set the tap device's MAC address."},
    {"topology", 1, 1, P_UP, Dco::Conditional, 0, h_topology, "net30|p2p|subnet",
     "How addresses are laid out on a tun device; a DCO server needs subnet."},
    {"ifconfig", 2, 2, P_UP, Dco::Ok, 0, pair<&O::ifconfig>, "local remote|netmask",
     "IPv4 address of the device and its peer or netmask."},
    {"ifconfig-ipv6", 2, 2, P_UP, Dco::Ok, 0, pair<&O::ifconfig_ipv6>, "addr/bits remote",
     "IPv6 address of the device and its peer."},
    {"ifconfig-noexec", 0, 0, P_UP, Dco::Ok, 0, flag<&O::ifconfig_noexec>, "",
     "Do not configure the device address; only pass it to scripts."},
    {"ifconfig-nowarn", 0, 0, P_UP, Dco::Ok, 0, flag<&O::ifconfig_nowarn>, "",
     "Do not warn when the peers' --ifconfig settings differ."},
    {"txqueuelen", 1, 1, P_GENERAL, Dco::Ok, 0, num<&O::txqueuelen, 0, 1 << 20>, "n",
     "Transmit queue length of the device."},
    {"mktun", 0, 0, P_GENERAL, Dco::Blocks, 0, flag<&O::mktun>, "", "Create a persistent device and exit."},
    {"rmtun", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::rmtun>, "", "Remove a persistent device and exit."},
    {"persist-tun", 0, 0, P_PERSIST, Dco::Ok, 0, flag<&O::persist_tun>, "",
     "Keep the device open across restarts."},
    {"persist-key", 0, 0, P_PERSIST, Dco::Ok, 0, flag<&O::persist_key>, "",
     "Keep keys loaded across restarts."},
    {"persist-local-ip", 0, 0, P_PERSIST_IP, Dco::Ok, 0, keep, "", "Keep the local address across restarts."},
    {"persist-remote-ip", 0, 0, P_PERSIST_IP, Dco::Ok, 0, keep, "", "Keep the peer address across restarts."},

    // --- transport and <connection>
    {"connection", 1, 2, P_GENERAL | P_INLINE, Dco::Ok, 0, h_connection, "<connection>...</connection>",
     "A block of per-server options; blocks are tried in order."},
    {"remote", 1, 3, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_remote, "host [port [proto]]",
     "A server to connect to; repeat for fallbacks."},
    {"remote-random", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::remote_random>, "",
     "Try the --remote entries in random order."},
    {"remote-random-hostname", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::remote_random_hostname>, "",
     "Prepend a random label to the remote host name."},
    {"resolv-retry", 1, 1, P_GENERAL, Dco::Ok, 0, h_resolv_retry, "n|infinite",
     "Keep retrying name resolution for n seconds."},
    {"preresolve", 0, 1, P_GENERAL, Dco::Ok, 0, keep, "", "Resolve all remote names at start-up."},
    {"ip-remote-hint", 0, 1, P_GENERAL, Dco::Ok, F_INTERNAL, keep, "[addr]", "Internal: address hint."},
    {"connect-retry", 1, 2, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_connect_retry, "n [max]",
     "Wait n s (doubling up to max) between connection attempts."},
    {"connect-timeout", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::connect_timeout, 0, 1 << 30>,
     "n", "Give up a connection attempt after n s."},
    {"server-poll-timeout", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0,
     ce_num<&CE::connect_timeout, 0, 1 << 30>, "n", "Same as --connect-timeout."},
    {"connect-retry-max", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0,
     ce_num<&CE::connect_retry_max, 0, 1 << 30>, "n", "Stop after n attempts over all remotes."},
    {"float", 0, 0, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_flag<&CE::float_peer>, "",
     "Accept authenticated packets from a new peer address."},
    {"proto", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_proto, "p",
     "udp, tcp-client, tcp-server (with 4 or 6 to force a family)."},
    {"proto-force", 1, 1, P_GENERAL, Dco::Ok, 0, h_proto_force, "udp|tcp",
     "Only use <connection> entries with this protocol."},
    {"port", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_port<&CE::port>, "port",
     "Local and remote port (default 1194): a number or a service name; 0 lets the kernel pick the local "
     "one."},
    {"lport", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_port<&CE::lport>, "port",
     "Local port; implies --bind. 0: any free port."},
    {"rport", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_port<&CE::rport>, "port", "Remote port."},
    {"local", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, ce_str<&CE::local>, "host",
     "Local address to bind."},
    {"bind", 0, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_bind, "[ipv6only]", "Bind to the local port."},
    {"nobind", 0, 0, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_nobind, "", "Use a random local port."},
    {"bind-dev", 1, kAny, P_SOCKFLAGS, Dco::Blocks, 0, str<&O::bind_dev>, "dev",
     "Bind the socket to a device (VRF); not supported with DCO."},
    {"mark", 1, 1, P_GENERAL, Dco::Ok, 0, h_mark, "n", "Set SO_MARK on outgoing packets."},
    {"rcvbuf", 1, 1, P_SOCKBUF, Dco::Ok, 0, keep, "n", "Socket receive buffer size."},
    {"sndbuf", 1, 1, P_SOCKBUF, Dco::Ok, 0, keep, "n", "Socket send buffer size."},
    {"socket-flags", 0, kAny, P_SOCKFLAGS, Dco::Ok, 0, h_socket_flags, "flags",
     "Socket flags: TCP_NODELAY (set on every TCP link socket by this build)."},
    {"passtos", 0, 0, P_GENERAL, Dco::Blocks, 0, keep, "",
     "Copy the TOS byte of each IPv4 packet from the tunnel to the encrypted packets carrying it (IPv4 "
     "link only, as 2.6). Turns offload off."},
    {"multihome", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "UDP on a wildcard-bound socket with several local addresses: answer each peer from the address its "
     "packets come to, through the interface they came in on (IP_PKTINFO / IPV6_PKTINFO). A server keeps "
     "it per client (and, with offload, gives it to the kernel); a p2p peer that learns its peer (no "
     "--remote, or --float) keeps its peer's. No effect on TCP, as in 2.6."},
    {"mtu-test", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "UDP: measure the largest packets the link carries each way, as 2.6: once the tunnel is up, a "
     "full-size OCC load packet each way every 6 s, then the peer's figures; after about three minutes "
     "a NOTE line gives [tried,actual] sizes both ways (a server tests each client). Under offload the "
     "kernel carries the data channel, no test packets go out and the test ends with 2.6's failure note."},

    // --- MTU
    {"tun-mtu", 1, 2, P_PUSH_MTU | P_CONNECTION, Dco::Ok, 0, h_tun_mtu, "n [occ-n]", "MTU of the device."},
    {"tun-mtu-extra", 1, 1, P_MTU | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::tun_mtu_extra, 0, 65535>, "n",
     "Extra room for tap headers."},
    {"tun-mtu-max", 1, 2, P_MTU | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::tun_mtu_max, 0, 65535>, "n",
     "Largest MTU a server may push."},
    {"link-mtu", 1, 1, P_MTU | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::link_mtu, 0, 65535>, "n",
     "MTU of the transport packets (deprecated)."},
    {"udp-mtu", 1, 1, P_MTU | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::link_mtu, 0, 65535>, "n",
     "Old name of --link-mtu."},
    {"max-packet-size", 1, 1, P_MTU | P_CONNECTION, Dco::Ok, 0, ce_num<&CE::max_packet_size, 154, 65535>, "n",
     "Largest transport packet to send."},
    {"mtu-dynamic", 0, kAny, P_MTU | P_CONNECTION, Dco::Ok, F_DEPRECATED, h_mtu_dynamic, "",
     "Removed: use --fragment."},
    {"fragment", 1, 2, P_MTU | P_CONNECTION, Dco::Blocks, 0, h_fragment, "n [mtu]",
     "Fragment tunnelled packets larger than n bytes; disables DCO."},
    {"mtu-disc", 1, 1, P_MTU | P_CONNECTION, Dco::Ok, 0, h_mtu_disc, "no|maybe|yes", "Path MTU discovery."},
    {"mssfix", 0, 2, P_GENERAL | P_CONNECTION, Dco::NoEffect, 0, h_mssfix, "[n [mtu|fixed]]",
     "Clamp TCP MSS so packets fit n bytes; not applied by the kernel under DCO."},

    // --- proxies
    {"http-proxy", 1, 4, P_GENERAL | P_CONNECTION, Dco::Blocks, 0, proxy<&CE::http_proxy>,
     "host port [authfile|auto|auto-nct] [method]", "Connect through an HTTP proxy; disables DCO."},
    {"http-proxy-user-pass", 1, kAny, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::http_proxy_user_pass>,
     "file", "Proxy user name and password."},
    {"http-proxy-option", 1, 3, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_proxy_option, "type [params]",
     "Extra HTTP proxy settings (VERSION, AGENT, CUSTOM-HEADER)."},
    {"http-proxy-retry", 0, kAny, P_GENERAL | P_CONNECTION, Dco::Ok, F_DEPRECATED, h_proxy_deprecated, "",
     "Ignored since 2.4."},
    {"http-proxy-timeout", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, F_DEPRECATED, h_proxy_deprecated, "n",
     "Ignored since 2.4."},
    {"socks-proxy", 1, 3, P_GENERAL | P_CONNECTION, Dco::Blocks, 0, proxy<&CE::socks_proxy>,
     "host [port [authfile]]", "Connect through a SOCKS5 proxy; disables DCO."},
    {"socks-proxy-retry", 0, kAny, P_GENERAL | P_CONNECTION, Dco::Ok, F_DEPRECATED, h_proxy_deprecated, "",
     "Ignored since 2.4."},

    // --- timers
    {"keepalive", 2, 2, P_GENERAL, Dco::Ok, 0, h_keepalive, "interval timeout",
     "Ping every interval s, restart after timeout s of silence (servers push it)."},
    {"ping", 1, 1, P_TIMER, Dco::Ok, 0, num<&O::ping, 0, 1 << 30>, "n", "Send a ping after n s of silence."},
    {"ping-exit", 1, 1, P_TIMER, Dco::Ok, 0, num<&O::ping_exit, 0, 1 << 30>, "n",
     "Exit after n s without packets."},
    {"ping-restart", 1, 1, P_TIMER, Dco::Ok, 0, num<&O::ping_restart, 0, 1 << 30>, "n",
     "Restart after n s without packets."},
    {"ping-timer-rem", 0, 0, P_TIMER, Dco::Ok, 0, flag<&O::ping_timer_rem>, "",
     "Only run the ping timers while a remote address is known."},
    {"inactive", 1, 2, P_TIMER, Dco::Ok, 0, h_inactive, "n [bytes]", "Exit after n s of tunnel inactivity."},
    {"session-timeout", 1, 1, P_TIMER, Dco::Ok, 0, num<&O::session_timeout, 0, 1 << 30>, "n",
     "End the session after n s."},
    {"explicit-exit-notify", 0, 1, P_GENERAL | P_CONNECTION | P_EXPLICIT_NOTIFY, Dco::Ok, 0, h_explicit_exit,
     "[n]", "Tell the peer when we exit (UDP), retrying n times."},

    // --- routes
    {"route", 1, 4, P_ROUTE, Dco::Ok, 0, h_route, "net [mask [gw [metric]]]", "Add an IPv4 route."},
    {"route-ipv6", 1, 3, P_ROUTE, Dco::Ok, 0, h_route6, "net/bits [gw [metric]]", "Add an IPv6 route."},
    {"route-gateway", 1, 1, P_ROUTE_EXTRAS, Dco::Ok, 0, str<&O::route_gateway>, "gw|dhcp",
     "Default gateway for --route."},
    {"route-ipv6-gateway", 1, 1, P_ANY, Dco::Ok, 0, str<&O::route_ipv6_gateway>, "gw",
     "Default gateway for --route-ipv6."},
    {"route-metric", 1, 1, P_ROUTE, Dco::Ok, 0, num<&O::route_metric, 0, 1 << 30>, "n",
     "Default route metric."},
    {"route-delay", 0, 2, P_ROUTE_EXTRAS, Dco::Ok, 0, list<&O::route_delay>, "[n [w]]",
     "Wait n s after connecting before adding routes."},
    {"route-noexec", 0, 0, P_SCRIPT, Dco::Ok, 0, flag<&O::route_noexec>, "",
     "Do not add routes; only pass them to scripts."},
    {"route-nopull", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::route_nopull>, "",
     "Ignore routes and DNS settings pushed by the server."},
    {"route-method", 1, 1, P_ROUTE_EXTRAS, Dco::Ok, 0, keep, "m", "Windows route method; ignored on Linux."},
    {"pull-filter", 2, 2, P_GENERAL, Dco::Ok, 0, h_pull_filter, "accept|ignore|reject text",
     "Filter pushed options that start with text."},
    {"allow-pull-fqdn", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::allow_pull_fqdn>, "",
     "Accept host names in pushed routes."},
    {"redirect-gateway", 0, kAny, P_ROUTE, Dco::Ok, 0, list<&O::redirect_gateway>, "[flags]",
     "Send all traffic through the tunnel."},
    {"redirect-private", 0, kAny, P_ROUTE, Dco::Ok, 0, list<&O::redirect_private>, "[flags]",
     "Like --redirect-gateway without changing the default route."},
    {"block-ipv6", 0, 0, P_ROUTE, Dco::Blocks, 0, flag<&O::block_ipv6>, "",
     "Answer every IPv6 packet routed into the tunnel with an ICMPv6 no-route message from the "
     "--ifconfig-ipv6 remote (fe80::7 without one) instead of sending it. Turns offload off."},
    {"client-nat", 4, 4, P_ROUTE, Dco::Blocks, 0, h_client_nat, "snat|dnat net mask alias",
     "Stateless one-to-one NAT of the IPv4 addresses in tunnelled packets, as 2.6: snat maps the "
     "source of what is sent (and the destination of what comes back) from net/mask to alias, dnat the "
     "destination. Given in the config it turns offload off."},
    {"allow-recursive-routing", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Allow packets to the VPN server through the tunnel itself."},
    {"dhcp-option", 1, kAny, P_DHCPDNS, Dco::Ok, 0, append<&O::dhcp_options>, "type value",
     "DNS and other settings, exported to scripts as foreign_option_N."},
    {"dns", 1, kAny, P_DHCPDNS, Dco::Ok, 0, h_dns, "search-domains|server n ...", "Structured DNS settings."},
    {"disable-occ", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "",
     "Do not warn about option mismatches with the peer."},
};

} // namespace

std::span<const OptionSpec> network_options()
{
    return kTable;
}

} // namespace ovpn::options
