// options/table_server.cpp: mode, client/pull, the P2MP server, push and
// client-config-dir options, user/password authentication.
#include "openvpn/options/handlers.hpp"
#include "openvpn/options/vlan_pvid.hpp"

namespace ovpn::options {
namespace {
using namespace h;
using O = Options;

Status<> h_mode(Ctx& c, Args a)
{
    if (a[0] == "p2p")
        c.o.mode = Mode::P2P;
    else if (a[0] == "server")
        c.o.mode = Mode::Server;
    else
        return fail("Bad --mode parameter: %s", a[0].c_str());
    return Ok{};
}

Status<> h_client(Ctx& c, Args)
{
    c.o.client = true;
    return Ok{};
}

Status<> h_server(Ctx& c, Args a)
{
    if (a.size() > 2 && a[2] != "nopool")
        return fail("--server: the third parameter must be 'nopool', not '%s'", a[2].c_str());
    c.o.server = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_server_ipv6(Ctx& c, Args a)
{
    if (a[0].find('/') == std::string::npos)
        return fail("error parsing --server-ipv6 parameter: %s (need an IPv6 network/bits)", a[0].c_str());
    c.o.server_ipv6 = a[0];
    return Ok{};
}

Status<> h_server_bridge(Ctx& c, Args a)
{
    if (a.size() != 0 && a.size() != 4 && !(a.size() == 1 && a[0] == "nogw"))
        return fail("--server-bridge takes 4 parameters, 'nogw', or none");
    c.o.server_bridge = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_push(Ctx& c, Args a)
{
    c.o.push.push_back(a[0]);
    return Ok{};
}

Status<> h_push_reset(Ctx& c, Args)
{
    c.o.push.clear();
    return Ok{};
}

Status<> h_verify_client_cert(Ctx& c, Args a)
{
    const std::string v = a.empty() ? "require" : a[0];
    auto st = one_of(v, {"none", "optional", "require"}, "verify-client-cert");
    if (st)
        c.o.verify_client_cert = v;
    return st;
}

Status<> h_auth_retry(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"none", "nointeract", "interact"}, "auth-retry");
    if (st)
        c.o.auth_retry = a[0];
    return st;
}

Status<> h_auth_user_pass(Ctx& c, Args a)
{
    if (a.empty()) {
        c.o.auth_user_pass = FileRef{"", "", false, c.at, "auth-user-pass"};
        return Ok{};
    }
    c.o.auth_user_pass = file_ref(c, a, "auth-user-pass");
    return Ok{};
}

Status<> h_vlan_accept(Ctx& c, Args a)
{
    if (a[0] != "tagged" && a[0] != "untagged" && a[0] != "all")
        return fail("--vlan-accept must be 'tagged', 'untagged' or 'all'");
    c.o.vlan_accept = a[0];
    return Ok{};
}

Status<> h_shaper(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 100, 100000000);
    if (!v)
        return fail("Bad shaper value, must be between 100 and 100000000");
    c.o.shaper = *v;
    return Ok{};
}

Status<> h_two_ints(Ctx&, Args a)
{
    for (const auto& s : a) {
        auto v = parse_int(s, 0, 1 << 30);
        if (!v)
            return Err{v.error()};
    }
    return Ok{};
}

// h_stale_routes: --stale-routes-check n [t], both at least 1 (2.6's words).
Status<> h_stale_routes(Ctx&, Args a)
{
    for (const auto& s : a) {
        auto v = parse_int(s, 0, 1 << 30);
        if (!v || *v < 1)
            return Err{std::string("--stale-routes-check aging time and check interval must be >= 1")};
    }
    return Ok{};
}

Status<> h_peer_id(Ctx& c, Args a)
{
    auto v = parse_int(a[0], 0, 0xFFFFFE);
    if (!v)
        return Err{v.error()};
    c.o.peer_id = *v;
    return Ok{};
}

Status<> h_pool_persist(Ctx& c, Args a)
{
    c.o.ifconfig_pool_persist = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_vlan_pvid(Ctx&, Args a)
{
    if (!vlan_pvid_ok(vlan_pvid_value(a[0])))
        return fail("the parameter of --vlan-pvid parameters must be >= 1 and <= 4094");
    return Ok{};
}

const OptionSpec kTable[] = {
    // --- roles
    {"mode", 1, 1, P_GENERAL, Dco::Ok, 0, h_mode, "p2p|server", "Point-to-point or multi-client server."},
    {"client", 0, 0, P_GENERAL, Dco::Ok, 0, h_client, "", "Client helper: --pull and --tls-client."},
    {"pull", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::pull>, "", "Accept options pushed by the server."},
    {"tls-server", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::tls_server>, "", "Take the TLS server role."},
    {"tls-client", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::tls_client>, "", "Take the TLS client role."},
    {"push-continuation", 1, 1, P_PULL_MODE, Dco::Ok, F_INTERNAL, keep, "n",
     "Pushed only: more PUSH_REPLY messages follow."},
    {"peer-id", 1, 1, P_PEER_ID, Dco::Ok, F_INTERNAL, h_peer_id, "id",
     "Pushed only: our peer id for DATA_V2 packets."},

    // --- server helpers and pools
    {"server", 2, 3, P_GENERAL, Dco::Ok, 0, h_server, "network netmask [nopool]",
     "Server helper: mode server, tls-server, address pool and pushes."},
    {"server-ipv6", 1, 1, P_GENERAL, Dco::Ok, 0, h_server_ipv6, "network/bits",
     "IPv6 part of the server helper."},
    {"server-bridge", 0, 4, P_GENERAL, Dco::Ok, 0, h_server_bridge, "[gw mask pool-start pool-end|nogw]",
     "Server helper for bridged tap setups."},
    {"ifconfig-pool", 2, 3, P_GENERAL, Dco::Ok, 0, list<&O::ifconfig_pool>, "start end [mask]",
     "IPv4 pool for clients."},
    {"ifconfig-pool-persist", 1, 2, P_GENERAL, Dco::Ok, 0, h_pool_persist, "file [n]",
     "Remember client addresses in file."},
    {"ifconfig-ipv6-pool", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::ifconfig_ipv6_pool>, "addr/bits",
     "IPv6 pool for clients."},
    {"ifconfig-push-constraint", 2, 2, P_GENERAL, Dco::Ok, F_INTERNAL, keep, "net mask",
     "Internal: limit of --ifconfig-push addresses."},
    {"push", 1, 1, P_PUSH, Dco::Ok, 0, h_push, "\"option\"", "Send option to clients in PUSH_REPLY."},
    {"push-reset", 0, 0, P_INSTANCE, Dco::Ok, 0, h_push_reset, "", "CCD: forget inherited pushes."},
    {"push-remove", 1, 1, P_INSTANCE, Dco::Ok, 0, keep, "opt", "CCD: drop pushes starting with opt."},
    {"max-clients", 1, 1, P_GENERAL, Dco::Ok, 0, num<&O::max_clients, 1, 1 << 30>, "n",
     "Accept at most n clients."},
    {"max-routes-per-client", 1, 1, P_INHERIT, Dco::Ok, 0, keep, "n", "Internal routes per client."},
    {"hash-size", 2, 2, P_GENERAL, Dco::Ok, 0, h_two_ints, "r v", "Sizes of the server's hash tables."},
    {"connect-freq", 2, 2, P_GENERAL, Dco::Ok, 0, h_two_ints, "n sec",
     "Accept at most n new connections per sec."},
    {"connect-freq-initial", 2, 2, P_GENERAL, Dco::Ok, 0, h_two_ints, "n sec",
     "Answer at most n first packets per sec."},
    {"bcast-buffers", 1, 1, P_GENERAL, Dco::Ok, 0, keep, "n", "Broadcast buffer count."},
    {"tcp-queue-limit", 1, 1, P_GENERAL, Dco::Ok, 0, keep, "n", "Queued packets per TCP client."},
    {"tcp-nodelay", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "", "Set TCP_NODELAY here and push it."},
    {"port-share", 2, 3, P_GENERAL, Dco::Ok, 0, list<&O::port_share>, "host port [dir]",
     "TCP server: pass non-OpenVPN connections to host:port."},
    {"client-to-client", 0, 0, P_GENERAL, Dco::NoEffect, 0, flag<&O::client_to_client>, "",
     "Route client-to-client traffic internally (the kernel routes it under DCO)."},
    {"duplicate-cn", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::duplicate_cn>, "",
     "Allow several clients with one common name."},
    {"stale-routes-check", 1, 2, P_GENERAL, Dco::Ok, 0, h_stale_routes, "n [t]",
     "Every t s (default n), drop the routes no packet used for n s (not under DCO: the kernel routes)."},
    {"shaper", 1, 1, P_SHAPER, Dco::Blocks, 0, h_shaper, "bytes/s",
     "Limit what is sent to the peer to this many bytes per second (100 to 100000000), counting the "
     "link's headers, as 2.6. Not in --mode server. Turns offload off (2.6 keeps offload on and does "
     "not shape)."},
    {"vlan-tagging", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::vlan_tagging>, "",
     "--dev tap --mode server: the tap device is an 802.1Q VLAN port. A frame read from it belongs to "
     "the VLAN its tag names (the tag is removed) or, untagged, to the server's --vlan-pvid, and goes "
     "only to the clients with that --vlan-pvid; a client's frames are tagged with its VLAN on the way "
     "to the device, and learnt, flooded and forwarded client-to-client only within it. A frame a "
     "client tagged itself is dropped. Dropped frames are counted (vlan-filtered), not logged."},
    {"vlan-accept", 1, 1, P_GENERAL, Dco::Ok, 0, h_vlan_accept, "tagged|untagged|all",
     "With --vlan-tagging, which frames the device carries (default all). tagged: only tagged frames "
     "come from it and every client's frame gets its tag. untagged: only untagged (and priority-tagged, "
     "VLAN 0) frames come from it, for the server's --vlan-pvid; frames of clients on another VLAN are "
     "dropped. all: both; a client's frame is tagged unless its VLAN is the server's --vlan-pvid. A "
     "priority-tagged frame keeps its tag and priority bits."},
    {"vlan-pvid", 1, 1, P_GENERAL | P_INSTANCE, Dco::Ok, 0, h_vlan_pvid, "id",
     "With --vlan-tagging, a VLAN id from 1 to 4094 (default 1): in the server's config, the VLAN of "
     "untagged frames and of clients that set none; in a --client-config-dir file or the "
     "--client-connect output, the client's VLAN."},

    // --- client-config-dir
    {"client-config-dir", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::client_config_dir>, "dir",
     "Per-client option files, named after the common name."},
    {"ccd-exclusive", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::ccd_exclusive>, "",
     "Refuse clients without a client-config-dir file."},
    {"iroute", 1, 2, P_INSTANCE, Dco::Ok, 0, append<&O::iroutes>, "net [mask]",
     "CCD: a network behind a client."},
    {"iroute-ipv6", 1, 1, P_INSTANCE, Dco::Ok, 0, append<&O::iroutes_ipv6>, "net/bits",
     "CCD: an IPv6 network behind a client."},
    {"ifconfig-push", 2, 3, P_INSTANCE, Dco::Ok, 0, list<&O::ifconfig_push>, "local remote [alias]",
     "CCD: fixed address for a client."},
    {"ifconfig-ipv6-push", 1, 2, P_INSTANCE, Dco::Ok, 0, list<&O::ifconfig_ipv6_push>, "addr/bits [remote]",
     "CCD: fixed IPv6 address for a client."},
    {"disable", 0, 0, P_INSTANCE, Dco::Ok, 0, keep, "", "CCD: refuse this client."},

    // --- user/password authentication
    {"auth-user-pass", 0, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, h_auth_user_pass, "[file]",
     "Client: send a user name and password (file or prompt)."},
    {"auth-retry", 1, 1, P_GENERAL, Dco::Ok, 0, h_auth_retry, "none|nointeract|interact",
     "What to do when the server refuses the password."},
    {"static-challenge", 2, 2, P_GENERAL, Dco::Ok, 0, list<&O::static_challenge>, "text echo",
     "Ask for a second factor with text."},
    {"auth-token", 1, 1, P_ECHO, Dco::Ok, 0, str<&O::auth_token>, "token",
     "Pushed: a token to use instead of the password."},
    {"auth-token-user", 1, 1, P_ECHO, Dco::Ok, 0, str<&O::auth_token_user>, "base64-user",
     "Pushed: the user name for the token."},
    {"verify-client-cert", 0, 1, P_GENERAL, Dco::Ok, 0, h_verify_client_cert, "none|optional|require",
     "Server: whether clients need a certificate."},
    {"username-as-common-name", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::username_as_common_name>, "",
     "Server: use the user name as common name."},
    {"auth-user-pass-optional", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::auth_user_pass_optional>, "",
     "Server: allow clients without a user name."},
    {"auth-gen-token", 0, kAny, P_GENERAL, Dco::Ok, 0, list<&O::auth_gen_token>,
     "[lifetime [renewal]] [external-auth]",
     "Server: push session tokens that clients reuse instead of their password (see AUTHENTICATION TOKENS)."},
    {"auth-gen-token-secret", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::auth_gen_token_secret>, "file",
     "Server: key for session tokens (see --genkey auth-token)."},
};

} // namespace

std::span<const OptionSpec> server_options()
{
    return kTable;
}

} // namespace ovpn::options
