#include "openvpn/client/setup.hpp"

// client/setup.cpp: see setup.hpp.
#include "openvpn/client/setup.hpp"

#include <algorithm>
#include <cstdlib>

#include "openvpn/control/data_keys.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/wire/key_method2.hpp"

namespace ovpn::client {

using session::contains_cipher;
using session::data_ciphers;
using session::split_list;
using session::upper_case;

namespace {

// has_flag: `word` among the arguments of the last `name` directive (the
// typed field keeps only the first word of "protocol-flags a b c").
bool has_flag(const options::Options& o, const std::string& name, const std::string& word)
{
    const options::Directive* d = o.last(name);
    return d != nullptr && std::find(d->args.begin(), d->args.end(), word) != d->args.end();
}

// occ_value: the value of "key v" in an OCC string ("V4,cipher X,...").
std::optional<std::string> occ_value(const std::string& occ, const std::string& key)
{
    for (const auto& item : split_list(occ, ',')) {
        if (item.rfind(key + " ", 0) == 0)
            return item.substr(key.size() + 1);
    }
    return std::nullopt;
}

} // namespace

unsigned iv_proto(const options::Options& o)
{
    unsigned bits = wire::kIvProtoDataV2 | wire::kIvProtoTlsKeyExport | wire::kIvProtoCcExitNotify |
                    wire::kIvProtoDynTlsCrypt;
    if (o.pull)
        bits |= wire::kIvProtoRequestPush | wire::kIvProtoAuthFailTemp;
    else
        bits |= wire::kIvProtoNcpP2p;
    return bits;
}

std::string make_peer_info(const options::Options& o, bool dco)
{
    wire::PeerInfoParams p;
    p.pull = o.pull;
    if (dco)
        p.lzo_stub = p.comp_stub = p.comp_stubv2 = false;
    p.ciphers = data_ciphers(o);
    p.iv_proto = iv_proto(o);
    if (o.ce.tun_mtu_max)
        p.tun_mtu_max = static_cast<unsigned>(std::max(1600, *o.ce.tun_mtu_max));
    for (const auto& [k, v] : o.setenv) {
        if (k == "IV_GUI_VER" || k == "IV_SSO" || (o.push_peer_info && k.rfind("UV_", 0) == 0))
            p.extra[k] = v;
    }
    return wire::build_peer_info(p);
}

Result<Negotiated> negotiate_pull(const options::Options& pushed, const std::string& server_options)
{
    Negotiated n;
    const std::string list = data_ciphers(pushed);
    const std::string fallback = pushed.data_ciphers_fallback.value_or("");
    if (pushed.cipher &&
        (contains_cipher(list, *pushed.cipher) || upper_case(*pushed.cipher) == upper_case(fallback))) {
        n.cipher = *pushed.cipher;
    } else if (pushed.cipher && !pushed.cipher->empty() && pushed.given("cipher") &&
               pushed.last("cipher")->origin.file == "[PUSH-OPTIONS]") {
        return Err("OPTIONS ERROR: pushed cipher not allowed - " + *pushed.cipher + " not in " + list);
    } else if (auto occ = occ_value(server_options, "cipher"); occ && contains_cipher(list, *occ)) {
        n.cipher = *occ;
    } else if (!fallback.empty()) {
        n.cipher = fallback;
    } else {
        return Err(std::string(
            "OPTIONS ERROR: failed to negotiate cipher with server. Add the server's cipher "
            "('" +
            occ_value(server_options, "cipher").value_or("?") + "') to --data-ciphers (currently '" + list +
            "') if you want to connect to this "
            "server."));
    }
    auto ci = control::lookup_data_cipher(n.cipher);
    if (!ci)
        return Err("Unsupported data cipher '" + n.cipher + "'");
    n.cipher = ci->name;
    n.auth = pushed.auth.value_or("SHA1");
    n.use_ekm =
        has_flag(pushed, "protocol-flags", "tls-ekm") || has_flag(pushed, "key-derivation", "tls-ekm");
    n.cc_exit = has_flag(pushed, "protocol-flags", "cc-exit");
    n.dyn_tls_crypt = has_flag(pushed, "protocol-flags", "dyn-tls-crypt");
    if (pushed.peer_id)
        n.peer_id = static_cast<std::uint32_t>(*pushed.peer_id);
    return n;
}

Result<Negotiated> negotiate_p2p(const options::Options& o, bool we_are_tls_server,
                                 const std::string& peer_info, const std::string& peer_options)
{
    Negotiated n;
    auto iv = wire::parse_peer_info(peer_info);
    unsigned proto = 0;
    if (auto it = iv.find("IV_PROTO"); it != iv.end())
        proto = static_cast<unsigned>(std::strtoul(it->second.c_str(), nullptr, 10));
    const std::string ours = data_ciphers(o);
    auto it = iv.find("IV_CIPHERS");
    if (it != iv.end()) {
        const std::string& server_list = we_are_tls_server ? ours : it->second;
        const std::string& client_list = we_are_tls_server ? it->second : ours;
        for (const auto& c : split_list(server_list, ':')) {
            if (contains_cipher(client_list, c)) {
                n.cipher = c;
                break;
            }
        }
    }
    if (n.cipher.empty()) {
        auto occ = occ_value(peer_options, "cipher");
        if (o.data_ciphers_fallback)
            n.cipher = *o.data_ciphers_fallback;
        else if (o.cipher && occ && upper_case(*occ) == upper_case(*o.cipher))
            n.cipher = *o.cipher;
        else
            return Err(std::string("Data channel cipher negotiation failed (no shared cipher)"));
    }
    auto ci = control::lookup_data_cipher(n.cipher);
    if (!ci)
        return Err("Unsupported data cipher '" + n.cipher + "'");
    n.cipher = ci->name;
    n.auth = o.auth.value_or("SHA1");
    if ((proto & wire::kIvProtoNcpP2p) != 0) {
        n.use_ekm = (proto & wire::kIvProtoTlsKeyExport) != 0;
        n.cc_exit = (proto & wire::kIvProtoCcExitNotify) != 0;
        n.dyn_tls_crypt = (proto & wire::kIvProtoDynTlsCrypt) != 0;
        if ((proto & wire::kIvProtoDataV2) != 0)
            n.peer_id = 0x76706e; // "vpn"; EKM-derived when EKM is on (caller)
    }
    return n;
}

} // namespace ovpn::client
