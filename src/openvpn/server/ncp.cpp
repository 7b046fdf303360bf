#include "openvpn/server/ncp.hpp"

#include <cstdlib>

#include "openvpn/control/data_keys.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/wire/key_method2.hpp"

namespace ovpn::server {

namespace {

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(sep, start);
        if (end == std::string::npos)
            end = s.size();
        if (end > start)
            out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::optional<std::string> occ_cipher(const std::string& occ)
{
    for (const auto& item : split(occ, ','))
        if (item.rfind("cipher ", 0) == 0)
            return item.substr(7);
    return std::nullopt;
}

} // namespace

std::vector<std::string> NcpResult::push_flags() const
{
    std::vector<std::string> out;
    std::string flags;
    if (cc_exit)
        flags = use_ekm ? " cc-exit tls-ekm" : " cc-exit";
    else if (use_ekm)
        out.push_back("key-derivation tls-ekm");
    if (dyn_tls_crypt)
        flags += " dyn-tls-crypt";
    if (!flags.empty())
        out.push_back("protocol-flags" + flags);
    return out;
}

Result<NcpResult> negotiate_server(const NcpInput& in)
{
    NcpResult r;
    auto iv = wire::parse_peer_info(in.peer_info);
    unsigned proto = 0;
    if (auto it = iv.find("IV_PROTO"); it != iv.end())
        proto = static_cast<unsigned>(std::strtoul(it->second.c_str(), nullptr, 10));
    int ncp = 0;
    if (auto it = iv.find("IV_NCP"); it != iv.end())
        ncp = std::atoi(it->second.c_str());
    std::optional<std::string> client_list;
    if (auto it = iv.find("IV_CIPHERS"); it != iv.end())
        client_list = it->second;
    else if (ncp >= 2)
        client_list = "AES-256-GCM:AES-128-GCM";
    const auto occ = occ_cipher(in.client_options);
    for (const auto& c : split(in.data_ciphers, ':')) {
        if (client_list ? session::contains_cipher(*client_list, c)
                        : (occ && session::contains_cipher(*occ, c))) {
            r.cipher = c;
            break;
        }
    }
    if (r.cipher.empty() && in.fallback && !client_list &&
        (!occ || session::contains_cipher(*occ, *in.fallback)))
        r.cipher = *in.fallback;
    if (r.cipher.empty())
        return Err(std::string("Data channel cipher negotiation failed (no shared cipher)"));
    auto ci = control::lookup_data_cipher(r.cipher);
    if (!ci)
        return Err("Unsupported data cipher '" + r.cipher + "'");
    r.cipher = ci->name;
    r.auth = in.auth;
    r.push_cipher = iv.count("IV_CIPHERS") != 0 || ncp >= 2;
    r.use_ekm = (proto & wire::kIvProtoTlsKeyExport) != 0;
    r.cc_exit = (proto & wire::kIvProtoCcExitNotify) != 0;
    r.data_v2 = (proto & wire::kIvProtoDataV2) != 0;
    r.request_push = (proto & wire::kIvProtoRequestPush) != 0;
    r.dyn_tls_crypt = (proto & wire::kIvProtoDynTlsCrypt) != 0;
    return r;
}

} // namespace ovpn::server
