#include "openvpn/server/push.hpp"

#include "openvpn/wire/push_message.hpp"

namespace ovpn::server {

std::vector<std::string> push_options(const PushInput& in)
{
    std::vector<std::string> out;
    for (const auto& p : in.configured)
        if (!p.empty())
            out.push_back(p);
    if (in.ifconfig_ipv6)
        out.push_back(*in.ifconfig_ipv6);
    if (in.ifconfig)
        out.push_back(*in.ifconfig);
    if (in.peer_id)
        out.push_back("peer-id " + std::to_string(*in.peer_id));
    if (in.auth_token)
        out.push_back(*in.auth_token);
    if (in.ncp.push_cipher)
        out.push_back("cipher " + in.ncp.cipher);
    for (auto& f : in.ncp.push_flags())
        out.push_back(std::move(f));
    return out;
}

Result<std::vector<std::string>> build_push_messages(const PushInput& in, std::size_t max_len)
{
    return wire::build_push_reply(push_options(in), max_len);
}

} // namespace ovpn::server
