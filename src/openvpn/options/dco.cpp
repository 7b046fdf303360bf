// options/dco.cpp: see dco.hpp.
#include "openvpn/options/dco.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "openvpn/core/log.hpp"
#include "openvpn/options/helpers.hpp"

namespace ovpn::options {
namespace {

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

bool dco_cipher(const std::string& name)
{
    std::stringstream ss(kDcoCiphers);
    std::string item;
    while (std::getline(ss, item, ':'))
        if (item == upper(name))
            return true;
    return false;
}

// fallback_cipher: 2.6's enable_ncp_fallback + ciphername: set by
// --data-ciphers-fallback, or by --cipher in plain p2p mode.
std::optional<std::string> fallback_cipher(const Options& o)
{
    const bool p2p = !o.pull && !o.is_server();
    if (!o.data_ciphers_fallback && !(p2p && o.cipher))
        return std::nullopt;
    // The later of the two directives wins, as both set the same field in 2.6.
    for (auto it = o.directives.rbegin(); it != o.directives.rend(); ++it)
        if (it->name == "cipher" || it->name == "data-ciphers-fallback")
            return it->args.at(0);
    return o.data_ciphers_fallback ? o.data_ciphers_fallback : o.cipher;
}

bool compression_configured(const Options& o)
{
    const bool comp = o.compress && *o.compress != "migrate";
    const bool allowed = o.allow_compression && *o.allow_compression != AllowCompression::No;
    return comp || o.comp_lzo.has_value() || allowed;
}

void add(std::vector<DcoBlocker>& v, const char* option, const std::string& msg)
{
    v.push_back(DcoBlocker{option, msg});
}

void ce_blockers(const ConnectionEntry& ce, std::vector<DcoBlocker>& v)
{
    if (ce.fragment)
        add(v, "fragment", "Note: --fragment disables data channel offload.");
    if (ce.http_proxy)
        add(v, "http-proxy", "Note: --http-proxy disables data channel offload.");
    if (ce.socks_proxy)
        add(v, "socks-proxy", "Note: --socks-proxy disables data channel offload.");
}

// tun_name_is_fixed: 2.6 treats "tun"/"tap"/"null" (no number) as dynamic.
bool tun_name_is_fixed(const std::string& dev)
{
    return dev != "tun" && dev != "tap" && dev != "null";
}

void host_blockers(const Options& o, const DcoHost& host, std::vector<DcoBlocker>& v)
{
    if (host.iface_kind && tun_name_is_fixed(*o.dev)) {
        auto kind = host.iface_kind(*o.dev);
        if (kind && *kind != "ovpn-dco")
            add(v, "dev",
                strfmt("Interface %s exists and is non-DCO. Disabling data channel offload", o.dev->c_str()));
    }
    if (o.user && !host.cap_setpcap)
        add(v, "user",
            "--user specified but lacking CAP_SETPCAP. Cannot retain CAP_NET_ADMIN. Disabling "
            "data channel offload");
    else if (o.user && !host.cap_net_admin_permitted)
        add(v, "user",
            "--user specified but not permitted to retain CAP_NET_ADMIN. Disabling data channel "
            "offload");
}

// userspace_blockers: what this build does only on the userspace data path
// (2.6 keeps DCO on and silently skips these). Given in the config, they
// keep the data channel in userspace; pushed, they are ignored under DCO
// as in 2.6.
void userspace_blockers(const Options& o, std::vector<DcoBlocker>& v)
{
    if (o.block_ipv6)
        add(v, "block-ipv6", "Note: --block-ipv6 disables data channel offload.");
    if (o.given("passtos"))
        add(v, "passtos", "Note: --passtos disables data channel offload.");
    if (o.shaper)
        add(v, "shaper", "Note: --shaper disables data channel offload.");
    if (!o.client_nat.empty())
        add(v, "client-nat", "Note: --client-nat disables data channel offload.");
}

// dedupe: one line per option (several <connection> entries may repeat one).
void dedupe(std::vector<DcoBlocker>& v)
{
    std::vector<DcoBlocker> out;
    for (auto& b : v)
        if (std::none_of(out.begin(), out.end(), [&](const DcoBlocker& x) { return x.option == b.option; }))
            out.push_back(std::move(b));
    v = std::move(out);
}

} // namespace

std::vector<DcoBlocker> dco_option_blockers(const Options& o)
{
    std::vector<DcoBlocker> v;
    if (auto fb = fallback_cipher(o); fb && !dco_cipher(*fb))
        add(v, "data-ciphers-fallback",
            strfmt("Note: --data-ciphers-fallback with cipher '%s' disables data channel offload.",
                   fb->c_str()));
    if (compression_configured(o)) {
        const char* opt = o.allow_compression && *o.allow_compression != AllowCompression::No
                              ? "allow-compression"
                          : o.comp_lzo ? "comp-lzo"
                                       : "compress";
        add(v, opt, "Note: '--allow-compression' is not set to 'no', disabling data channel offload.");
    }
    if (o.data_ciphers) {
        std::stringstream ss(*o.data_ciphers);
        std::string item;
        while (std::getline(ss, item, ':')) {
            if (!item.empty() && item[0] == '?')
                item.erase(0, 1);
            if (!item.empty() && !dco_cipher(item)) {
                add(v, "data-ciphers",
                    strfmt("Note: cipher '%s' in --data-ciphers is not supported by ovpn-dco, disabling data "
                           "channel offload.",
                           upper(item).c_str()));
                break;
            }
        }
    }
    return v;
}

DcoVerdict dco_verdict(const Options& o, const DcoHost& host)
{
    DcoVerdict r;
    auto& v = r.blockers;
    if (o.disable_dco)
        add(v, "disable-dco", "Note: --disable-dco given, disabling data channel offload.");
    for (auto& b : dco_option_blockers(o))
        v.push_back(std::move(b));
    if (!o.dev) {
        add(v, "dev", "Note: no --dev given, disabling data channel offload.");
        return r;
    }
    if (!o.tls_client && !o.tls_server)
        add(v, o.secret ? "secret" : "tls-client",
            "No tls-client or tls-server option in configuration detected. Disabling data channel offload.");
    if (effective_dev_type(o) != "tun")
        add(v, o.dev_type ? "dev-type" : "dev", "Note: dev-type not tun, disabling data channel offload.");
    for (const auto& ce : o.connections.empty() ? std::vector<ConnectionEntry>{o.ce} : o.connections)
        ce_blockers(ce, v);
    host_blockers(o, host, v);
    if (o.is_server() && o.topology != Topology::Subnet)
        add(v, "topology", "Note: NOT using '--topology subnet' disables data channel offload.");
    if (o.management_query_proxy)
        add(v, "management-query-proxy", "Note: --management-query-proxy disables data channel offload.");
    if (o.bind_dev)
        add(v, "bind-dev", "Note: bind-dev not supported with DCO, disabling data channel offload");
    userspace_blockers(o, v);
    if (o.mktun)
        add(v, "mktun", "Note: --mktun does not support DCO. Creating TUN interface.");
    if (!host.kernel_family)
        add(v, "kernel", "Note: Kernel support for ovpn-dco missing, disabling data channel offload.");
    dedupe(v);
    return r;
}

} // namespace ovpn::options
