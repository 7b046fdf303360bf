// client/challenge.cpp: the dynamic challenge (CRV1) and the pushed
// auth-token-user, as strings (the client's state lives in client.hpp).
#include "openvpn/client/challenge.hpp"

#include <cstring>

#include "openvpn/crypto/pem.hpp"

namespace ovpn::client {

namespace {

// next_field: the text up to the next ':' (all of it when there is none);
// false when nothing is left, as 2.6's buf_parse on an empty buffer.
bool next_field(std::string_view& rest, std::string& out)
{
    if (rest.empty())
        return false;
    const auto c = rest.find(':');
    out = std::string(rest.substr(0, c));
    rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c + 1);
    return true;
}

} // namespace

std::optional<DynamicChallenge> parse_dynamic_challenge(std::string_view reason)
{
    constexpr std::string_view kTag = "CRV1:";
    if (reason.substr(0, kTag.size()) != kTag)
        return std::nullopt;
    std::string_view rest = reason.substr(kTag.size());
    std::string flags, user64;
    DynamicChallenge dc;
    if (!next_field(rest, flags) || !next_field(rest, dc.state_id) || !next_field(rest, user64))
        return std::nullopt;
    dc.echo = flags.find('E') != std::string::npos;
    if (auto u = crypto::base64_decode(user64); u) // 2.6: a bad encoding leaves the name empty
        dc.user.assign(reinterpret_cast<const char*>(u->data()), u->size());
    dc.text = std::string(rest);
    return dc;
}

SecureBytes crv1_password(std::string_view state_id, std::span<const std::uint8_t> response)
{
    const std::string head = "CRV1::" + std::string(state_id) + "::";
    SecureBytes out(head.size() + response.size());
    std::memcpy(out.data(), head.data(), head.size());
    if (!response.empty())
        std::memcpy(out.data() + head.size(), response.data(), response.size());
    return out;
}

Result<std::string> decode_token_user(std::string_view b64)
{
    auto u = crypto::base64_decode(b64);
    if (!u || u->empty())
        return Err(std::string("Error decoding auth-token-username"));
    return std::string(reinterpret_cast<const char*>(u->data()), u->size());
}

} // namespace ovpn::client
