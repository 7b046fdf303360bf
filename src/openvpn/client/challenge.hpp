// client/challenge.hpp: the dynamic challenge a server answers a login with
// (AUTH_FAILED,CRV1:<flags>:<state id>:<base64 user>:<text>) and the
// password that answers it (2.6's get_auth_challenge / get_user_pass_cr),
// and the user name of a pushed auth-token-user (2.6's set_auth_token_user).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::client {

struct DynamicChallenge {
    bool echo = false; // flag E: the response may be echoed
    std::string state_id;
    std::string user; // decoded: the user name of the next login
    std::string text; // shown as "CHALLENGE: <text>"
};

// parse_dynamic_challenge: the reason of an AUTH_FAILED ("CRV1:..."); none
// when it is no dynamic challenge or lacks the state id or user field
// (2.6: "received malformed challenge request from server").
std::optional<DynamicChallenge> parse_dynamic_challenge(std::string_view reason);

// crv1_password: "CRV1::<state id>::<response>", the password of the login
// that answers the challenge.
SecureBytes crv1_password(std::string_view state_id, std::span<const std::uint8_t> response);

// decode_token_user: the base64 argument of a pushed auth-token-user.
Result<std::string> decode_token_user(std::string_view b64);

} // namespace ovpn::client
