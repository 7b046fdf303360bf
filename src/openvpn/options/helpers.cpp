// options/helpers.cpp: see helpers.hpp.
#include "openvpn/options/helpers.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "openvpn/options/handlers.hpp"

namespace ovpn::options {
namespace {

Err<std::string> usage(const std::string& msg)
{
    return Err{"Options error: " + msg};
}

const char* topology_name(Topology t)
{
    switch (t) {
    case Topology::Net30:
        return "net30";
    case Topology::P2P:
        return "p2p";
    case Topology::Subnet:
        return "subnet";
    }
    return "net30";
}

// server_ipv6: --server-ipv6 net/bits.
Status<> expand_server_ipv6(Options& o)
{
    const std::string& spec = *o.server_ipv6;
    const auto slash = spec.find('/');
    auto bits = h::parse_int(spec.substr(slash + 1), 0, 128);
    std::array<unsigned char, 16> net{};
    if (!bits || inet_pton(AF_INET6, spec.substr(0, slash).c_str(), net.data()) != 1)
        return usage("error parsing --server-ipv6 parameter: " + spec);
    if (*bits < 64 || *bits > 124)
        return usage("--server-ipv6 netbits must be between 64 and 124");
    if (o.client)
        return usage("--server-ipv6 and --client cannot be used together");
    if (o.ifconfig_ipv6_pool)
        return usage("--server-ipv6 already defines an ifconfig-ipv6-pool, so you can't also specify "
                     "--ifconfig-pool explicitly");
    auto plus = [&](unsigned v) {
        auto a = net;
        unsigned carry = v;
        for (int i = 15; i >= 0 && carry; --i) {
            carry += a[static_cast<std::size_t>(i)];
            a[static_cast<std::size_t>(i)] = static_cast<unsigned char>(carry & 0xff);
            carry >>= 8;
        }
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
        return std::string(buf);
    };
    o.mode = Mode::Server;
    o.tls_server = true;
    o.ifconfig_ipv6 = std::make_pair(plus(1) + "/" + std::to_string(*bits), plus(2));
    o.ifconfig_ipv6_pool = plus(*bits < 112 ? 0x1000 : 2) + "/" + std::to_string(*bits);
    o.push.push_back("tun-ipv6");
    return Ok{};
}

Status<> server_conflicts(const Options& o, const std::string& dev)
{
    if (o.client)
        return usage("--server and --client cannot be used together");
    if (o.server_bridge)
        return usage("--server and --server-bridge cannot be used together");
    if (o.secret)
        return usage("--server and --secret cannot be used together (you must use SSL/TLS keys)");
    const bool nopool = o.server->size() > 2;
    if (!nopool && o.ifconfig_pool)
        return usage("--server already defines an ifconfig-pool, so you can't also specify --ifconfig-pool "
                     "explicitly");
    if (dev != "tun" && dev != "tap")
        return usage("--server directive only makes sense with --dev tun or --dev tap");
    return Ok{};
}

void server_pool(Options& o, std::uint32_t start, std::uint32_t end, std::optional<std::uint32_t> mask)
{
    if (o.server->size() > 2)
        return; // nopool
    std::vector<std::string> pool{ipv4_string(start), ipv4_string(end)};
    if (mask)
        pool.push_back(ipv4_string(*mask));
    o.ifconfig_pool = std::move(pool);
}

Status<> expand_server(Options& o)
{
    const std::string dev = effective_dev_type(o);
    if (auto st = server_conflicts(o, dev); !st)
        return st;
    auto net = parse_ipv4((*o.server)[0]);
    auto mask = parse_ipv4((*o.server)[1]);
    auto bits = mask ? netbits(*mask) : std::nullopt;
    if (!net || !mask || !bits || (*net & ~*mask) != 0)
        return usage("--server directive network/netmask combination is invalid");
    if (*bits < 16)
        return usage("--server directive netmask allows for too many host addresses (subnet must be "
                     "255.255.0.0 or higher)");
    if (dev == "tun" && *bits > 29)
        return usage("--server directive when used with --dev tun must define a subnet of 255.255.255.248 "
                     "or lower");
    if (dev == "tap" && *bits > 30)
        return usage("--server directive when used with --dev tap must define a subnet of 255.255.255.252 "
                     "or lower");
    o.mode = Mode::Server;
    o.tls_server = true;
    const Topology topo = o.topology.value_or(Topology::Net30);
    const std::uint32_t bcast = *net | ~*mask;
    if (dev == "tun" && topo != Topology::Subnet) {
        o.ifconfig = std::make_pair(ipv4_string(*net + 1), ipv4_string(*net + 2));
        server_pool(o, *net + 4, bcast - (*bits == 29 ? 0 : 4), std::nullopt);
        o.routes.push_back(Route{{ipv4_string(*net), ipv4_string(*mask)}});
        if (o.client_to_client)
            o.push.push_back("route " + ipv4_string(*net) + " " + ipv4_string(*mask));
        else if (topo == Topology::Net30)
            o.push.push_back("route " + ipv4_string(*net + 1));
    } else {
        o.ifconfig = std::make_pair(ipv4_string(*net + 1), ipv4_string(*mask));
        server_pool(o, *net + 2, bcast - 1, *mask);
        o.push.push_back("route-gateway " + ipv4_string(*net + 1));
        if (dev == "tun" && !o.route_gateway)
            o.route_gateway = ipv4_string(*net + 2);
    }
    if (dev == "tun")
        o.push.push_back(std::string("topology ") + topology_name(topo));
    return Ok{};
}

Status<> expand_server_bridge(Options& o)
{
    if (o.client)
        return usage("--server-bridge and --client cannot be used together");
    if (o.ifconfig_pool)
        return usage("--server-bridge already defines an ifconfig-pool, so you can't also specify "
                     "--ifconfig-pool explicitly");
    if (o.secret)
        return usage("--server-bridge and --secret cannot be used together (you must use SSL/TLS keys)");
    if (effective_dev_type(o) != "tap")
        return usage("--server-bridge directive only makes sense with --dev tap");
    const auto& a = *o.server_bridge;
    o.mode = Mode::Server;
    o.tls_server = true;
    if (a.size() == 4) {
        for (const auto& s : a)
            if (!parse_ipv4(s))
                return usage("--server-bridge: '" + s + "' is not an IPv4 address");
        o.ifconfig_pool = std::vector<std::string>{a[2], a[3], a[1]};
        o.push.push_back("route-gateway " + a[0]);
    } else if (a.empty()) {
        o.push.push_back("route-gateway dhcp");
    }
    return Ok{};
}

Status<> expand_keepalive(Options& o)
{
    const auto [ping, timeout] = *o.keepalive;
    if (ping <= 0 || timeout <= 0)
        return usage("--keepalive parameters must be > 0");
    if (ping * 2 > timeout)
        return usage(
            strfmt("the second parameter to --keepalive (restart timeout=%d) must be at least twice "
                   "the value of the first parameter (ping interval=%d).  A ratio of 1:5 or 1:6 would "
                   "be even better.  Recommended setting is --keepalive 10 60.",
                   timeout, ping));
    if (o.ping || o.ping_exit || o.ping_restart)
        return usage("--keepalive conflicts with --ping, --ping-exit, or --ping-restart.  If you use "
                     "--keepalive, you don't need any of the other --ping directives.");
    o.ping = ping;
    o.ping_restart = o.is_server() ? timeout * 2 : timeout;
    if (o.is_server()) {
        o.push.push_back("ping " + std::to_string(ping));
        o.push.push_back("ping-restart " + std::to_string(timeout));
    }
    return Ok{};
}

void build_connection_list(Options& o)
{
    if (o.have_connection_blocks)
        return;
    o.connections.clear();
    if (o.ce.remotes.empty()) {
        o.connections.push_back(o.ce);
        return;
    }
    for (const auto& r : o.ce.remotes) {
        ConnectionEntry e = o.ce;
        e.remotes = {r};
        // A remote's own port is only the remote side's, as in 2.6 (the
        // local port stays --lport/--port, 1194 by default).
        if (r.port)
            e.rport = *r.port;
        if (r.proto)
            e.proto = *r.proto;
        o.connections.push_back(std::move(e));
    }
}

// tcp_client_entry: 2.6's PROTO_TCP_CLIENT or PROTO_TCP (any family).
bool tcp_client_entry(const ConnectionEntry& e)
{
    const std::string& proto = entry_proto(e);
    return proto.rfind("tcp", 0) == 0 && proto.find("server") == std::string::npos;
}

// apply_http_proxy_override: 2.6's options_postprocess_http_proxy_override:
// the proxy replaces every TCP client entry's own (no credentials, HTTP/1.0,
// 2.6's agent) and the UDP entries are left out; without a TCP entry it is
// ignored, with 2.6's note.
void apply_http_proxy_override(Options& o, Logger& log)
{
    const Directive* d = o.last("http-proxy-override");
    if (d == nullptr || d->args.size() < 2)
        return;
    if (std::none_of(o.connections.begin(), o.connections.end(), tcp_client_entry)) {
        log.write(
            Verb::Error,
            "Note: option http-proxy-override ignored because no TCP-based connection profiles are defined");
        return;
    }
    std::erase_if(o.connections,
                  [](const ConnectionEntry& e) { return entry_proto(e).rfind("udp", 0) == 0; });
    for (ConnectionEntry& e : o.connections) {
        if (!tcp_client_entry(e))
            continue;
        e.http_proxy = ProxySpec{d->args[0], d->args[1], {}};
        e.http_proxy_options = {{"VERSION", "1.0"}, {"AGENT", "OpenVPN-Autoproxy/1.0"}};
    }
}

} // namespace

std::optional<std::uint32_t> parse_ipv4(const std::string& s)
{
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1)
        return std::nullopt;
    return ntohl(a.s_addr);
}

std::string ipv4_string(std::uint32_t v)
{
    in_addr a{};
    a.s_addr = htonl(v);
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::optional<int> netbits(std::uint32_t mask)
{
    int bits = 0;
    while (bits < 32 && (mask & (0x80000000u >> bits)))
        ++bits;
    const std::uint32_t expect = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return mask == expect ? std::optional<int>(bits) : std::nullopt;
}

const std::string& entry_proto(const ConnectionEntry& e)
{
    if (!e.remotes.empty() && e.remotes.front().proto)
        return *e.remotes.front().proto;
    return e.proto;
}

bool proto_is_tcp(const std::string& proto)
{
    return proto.rfind("tcp", 0) == 0;
}

std::string effective_dev_type(const Options& o)
{
    if (o.dev_type)
        return *o.dev_type;
    if (!o.dev)
        return "";
    for (const char* t : {"tun", "tap", "null"})
        if (o.dev->rfind(t, 0) == 0)
            return t;
    return "";
}

bool is_one_shot(const Options& o)
{
    return o.show_help || o.show_version || o.genkey || o.show_ciphers || o.show_digests || o.show_tls ||
           o.show_engines || o.show_curves || o.given("show-pkcs11-ids") || o.given("show-gateway") ||
           o.mktun || o.rmtun || o.test_crypto;
}

Status<> finalize(Options& o, Logger& log)
{
    if (is_one_shot(o))
        return Ok{};
    if (o.server_ipv6)
        if (auto st = expand_server_ipv6(o); !st)
            return st;
    if (o.server)
        if (auto st = expand_server(o); !st)
            return st;
    if (o.server_bridge)
        if (auto st = expand_server_bridge(o); !st)
            return st;
    if (o.client) {
        o.pull = true;
        o.tls_client = true;
    }
    if (o.keepalive)
        if (auto st = expand_keepalive(o); !st)
            return st;
    if (o.is_server() && o.given("tcp-nodelay"))
        o.push.push_back("socket-flags TCP_NODELAY");
    if (!o.topology)
        o.topology = Topology::Net30;
    build_connection_list(o);
    apply_http_proxy_override(o, log);
    return Ok{};
}

} // namespace ovpn::options
